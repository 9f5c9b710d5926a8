// The synthetic secret-bearing error texts shared by the secrets tests (secrets.test.mjs: the CLI
// and the WASM API; secrets_channels.test.mjs: Neo4j bodies and nodes, the edge, the page). Every
// secret below is made up; none is or was a real credential.
const db = (dsn) => `sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server failed: FATAL: password authentication failed (${dsn})`;
const unique = (value) => `sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "users_email_key"\nDETAIL:  Key (email)=(${value}) already exists.\n[SQL: INSERT INTO users (email) VALUES (%(email)s)]`;
const http = (line) => `httpx.HTTPStatusError: Client error '401 Unauthorized' for url 'https://api.example.test/v1/items'\nrequest headers: ${line}`;
const kv = (pair) => `requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://api.example.test/v1/items?${pair}&page=2`;
const json422 = (field, value) => JSON.stringify({ detail: [{ type: 'string_too_short', loc: ['body', field], msg: 'String should have at least 64 characters', input: value, ctx: { min_length: 64 } }] });
const v2 = (field, value) => `pydantic_core._pydantic_core.ValidationError: 1 validation error for UserCreate\n${field}\n  String should have at least 64 characters [type=string_too_short, input_value='${value}', input_type=str]`;
const params = (dict) => `sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: users.name\n[SQL: INSERT INTO users (name, email, password) VALUES (?, ?, ?)]\n[parameters: ${dict}]`;

// [text, the secret that must not appear anywhere]
export const cases = [
  [db('postgresql://app:Xq7hunter2Zq@db.internal:5432/shop'), 'Xq7hunter2Zq'],
  [db('mysql+pymysql://root:S3cr3t-P4ss@127.0.0.1/app'), 'S3cr3t-P4ss'],
  [db('postgres://svc:p@ss%40word99@db/x'), 'ss%40word99'],
  [db('redis://:RedisPw_4471@cache:6379/0'), 'RedisPw_4471'],
  [db('mongodb+srv://admin:M0ngoPw9911@cluster0.example.net/test'), 'M0ngoPw9911'],
  [db('amqp://guest:RabbitPw2211@mq:5672/'), 'RabbitPw2211'],
  [unique('ann.lee@example.com'), 'ann.lee@example.com'],
  [unique('bob+qa@mail.example.org'), 'bob+qa@mail.example.org'],
  [unique('c.d_e@sub.example.co.uk'), 'c.d_e@sub.example.co.uk'],
  [http('Authorization: Bearer abcDEF123tokenVALUE456'), 'abcDEF123tokenVALUE456'],
  [http('Authorization: Basic dXNlcjpodW50ZXIyMzQ1Ng=='), 'dXNlcjpodW50ZXIyMzQ1Ng=='],
  [http("{'Authorization': 'Token 9f8e7d6c5b4a39281706'}"), '9f8e7d6c5b4a39281706'],
  [http('Proxy-Authorization: Basic cHJveHk6cHJveHlwdzEyMw=='), 'cHJveHk6cHJveHlwdzEyMw=='],
  [http('Cookie: sessionid=8c1f2e3d4c5b6a79; csrftoken=Zz9Yy8Xx7'), '8c1f2e3d4c5b6a79'],
  [http('Set-Cookie: auth=Qw12Er34Ty56; HttpOnly'), 'Qw12Er34Ty56'],
  [http('x-jwt: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLWZha2U'), 'eyJzdWIiOiJ1c2VyLTEyMyJ9'],
  [http('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJmYWtlIn0.ZmFrZXNpZ25hdHVyZQ'), 'eyJpc3MiOiJmYWtlIn0'],
  [`ValueError: bad key\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCFAKEFAKE\n-----END PRIVATE KEY-----`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCFAKEFAKE'],
  [`ValueError: bad key\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAFAKEFAKEFAKE\n-----END RSA PRIVATE KEY-----`, 'MIIEowIBAAKCAQEAFAKEFAKEFAKE'],
  [`openai.AuthenticationError: Incorrect API key provided: sk-test-FAKEFAKEFAKEFAKE1234.`, 'sk-test-FAKEFAKEFAKEFAKE1234'],
  [`stripe.error.AuthenticationError: Invalid API Key provided: sk_test_FAKE00000000000000`, 'sk_test_FAKE00000000000000'],
  [`botocore.exceptions.ClientError: key AKIAFAKEFAKEFAKE0000 is not valid`, 'AKIAFAKEFAKEFAKE0000'],
  [`github.GithubException: 401 token ghp_FAKEFAKEFAKEFAKEFAKEFAKE00 rejected`, 'ghp_FAKEFAKEFAKEFAKEFAKEFAKE00'],
  [`slack_sdk.errors.SlackApiError: invalid_auth for xoxb-0000-FAKEFAKE-FAKE`, 'xoxb-0000-FAKEFAKE-FAKE'],
  [`google.api_core.exceptions.PermissionDenied: 403 key AIzaFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE000 blocked`, 'AIzaFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE000'],
  [`gitlab.exceptions.GitlabAuthenticationError: 401 glpat-FAKEFAKEFAKEFAKE0000`, 'glpat-FAKEFAKEFAKEFAKE0000'],
  [kv('api_key=abc123SECRET789'), 'abc123SECRET789'],
  [kv('access_token=tok_live_5566778899'), 'tok_live_5566778899'],
  [kv('client_secret=cs_0099887766'), 'cs_0099887766'],
  [kv('password=PlainPw_3344'), 'PlainPw_3344'],
  [`KeyError: 'name'\nsettings: DB_PASSWORD=EnvPw_7788 DEBUG=1`, 'EnvPw_7788'],
  [`KeyError: 'name'\nconfig: {"user": "ann", "password": "JsonPw_1122"}`, 'JsonPw_1122'],
  [`KeyError: 'name'\nconfig: {'api_key': 'DictKey_5566'}`, 'DictKey_5566'],
  [json422('password', 'short-Pw-9911'), 'short-Pw-9911'],
  [json422('api_key', 'short-Key-8822'), 'short-Key-8822'],
  [v2('password', 'TooShortPw_55'), 'TooShortPw_55'],
  [v2('reset_token', 'TooShortTok_66'), 'TooShortTok_66'],
  [params("{'name': None, 'email': 'eve@example.com', 'password': 'ParamPw_4455'}"), 'ParamPw_4455'],
  [params("{'name': None, 'email': 'eve@example.com', 'password': 'x'}"), 'eve@example.com'],
  [`fastapi.exceptions.RequestValidationError: [{'type': 'string_too_short', 'loc': ('body', 'password'), 'msg': 'x', 'input': 'ReprPw_7766'}]`, 'ReprPw_7766'],
  [`psycopg2.OperationalError: could not connect: user=app password=ConnPw_1212 host=db`, 'ConnPw_1212'],
];
