/* test_redact.c - the redactor on its own: each built-in kind of secret becomes its typed
 * placeholder and the rest of the text stays as it was; a pack's patterns run first; a bad or
 * runaway redaction pattern is an error, never a text let through. Every secret here is made up. */
#include "fixture.h"

static void expect(const char *in, const char *want) {
  char *out = NULL;
  fw_error err;
  CHECK(fw_redact(fixture_cl, in, strlen(in), &out, NULL, &err) == FW_OK);
  CHECK_STR(out ? out : "(null)", want);
  fw_free(out);
}

static void builtins(void) {
  expect("connection to postgres://app:hunter2@db:5432/shop failed",
         "connection to postgres://app:<password>@db:5432/shop failed");
  expect("mysql://root:p@ss@w0rd@localhost/x", "mysql://root:<password>@localhost/x");
  expect("Authorization: Bearer abc.def-123", "Authorization: Bearer <token>");
  expect("headers={'Authorization': 'Basic dXNlcjpwYXNz'}", "headers={'Authorization': 'Basic <token>'}");
  expect("Cookie: session=abc123; theme=dark", "Cookie: <cookie>");
  expect("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz here", "token <jwt> here");
  expect("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfake\n-----END RSA PRIVATE KEY-----", "<private_key>");
  expect("key sk-test-FAKEFAKEFAKEFAKE0000 and AKIAFAKEFAKEFAKE0000 and ghp_FAKEFAKEFAKEFAKEFAKE00",
         "key <api_key> and <api_key> and <api_key>");
  expect("GET /v1?api_key=abc123&page=2", "GET /v1?api_key=<secret>&page=2");
  expect("DB_PASSWORD=hunter2 DEBUG=1", "DB_PASSWORD=<password> DEBUG=1");
  expect("{\"username\": \"ann\", \"password\": \"hunter2\"}", "{\"username\": \"ann\", \"password\": \"<password>\"}");
  expect("[parameters: {'email': 'ann@example.com', 'password_hash': 'x9y8'}]",
         "[parameters: {'email': '<email>', 'password_hash': '<password>'}]");
  expect("body.password\n  String should have at least 12 characters [type=string_too_short, input_value='hunter2', input_type=str]",
         "body.password\n  String should have at least 12 characters [type=string_too_short, input_value='<secret>', input_type=str]");
  expect("{\"type\":\"string_too_short\",\"loc\":[\"body\",\"password\"],\"msg\":\"x\",\"input\":\"hunter2\"}",
         "{\"type\":\"string_too_short\",\"loc\":[\"body\",\"password\"],\"msg\":\"x\",\"input\":\"<secret>\"}");
  expect("contact ann.lee+test@mail.example.org now", "contact <email> now");
  /* what is not a secret stays */
  expect("DETAIL:  Key (email)=(<email>) already exists.", "DETAIL:  Key (email)=(<email>) already exists.");
  expect("{\"password\": [\"This field is required.\"]}", "{\"password\": [\"This field is required.\"]}");
  expect("pkg@1.2.3 max_tokens=100", "pkg@1.2.3 max_tokens=100");
  expect("", "");
}

/* Positional SQL parameters: the statement names the column of each value. */
static void sql_parameters(void) {
  expect("[SQL: INSERT INTO users (email, hashed_password, name, api_token) VALUES (?, ?, ?, ?)]\n"
         "[parameters: ('ann@corp.test', '$2b$12$fakefakefakefakefake', 'Ann', 'tok-123456')]",
         "[SQL: INSERT INTO users (email, hashed_password, name, api_token) VALUES (?, ?, ?, ?)]\n"
         "[parameters: ('<email>', '<password>', 'Ann', '<secret>')]");
  /* psycopg's %s, an UPDATE's SET and WHERE, a nested value, the statement left as logged */
  expect("[SQL: UPDATE accounts SET password=%s, updated_at=%s WHERE accounts.id = %s]\n"
         "[parameters: ('hunter2', datetime.datetime(2024, 1, 2, 3, 4), 5)]",
         "[SQL: UPDATE accounts SET password=%s, updated_at=%s WHERE accounts.id = %s]\n"
         "[parameters: ('<password>', datetime.datetime(2024, 1, 2, 3, 4), 5)]");
  /* executemany: a list of tuples */
  expect("[SQL: INSERT INTO creds (user_id, \"secret\") VALUES (?, ?)]\n[parameters: [(1, 'aaa'), (2, 'bbb')]]",
         "[SQL: INSERT INTO creds (user_id, \"secret\") VALUES (?, ?)]\n[parameters: [(1, '<secret>'), (2, '<secret>')]]");
  expect("[SQL: SELECT users.id FROM users WHERE users.password_hash = ? AND users.name LIKE ?]\n[parameters: ('h1', 'bob')]",
         "[SQL: SELECT users.id FROM users WHERE users.password_hash = ? AND users.name LIKE ?]\n[parameters: ('<password>', 'bob')]");
  /* None stays; columns not named like a secret stay; tokens (a count) is not a token */
  expect("[SQL: INSERT INTO t (password, tokens, note) VALUES (?, ?, ?)]\n[parameters: (None, 12, 'x')]",
         "[SQL: INSERT INTO t (password, tokens, note) VALUES (?, ?, ?)]\n[parameters: (None, 12, 'x')]");
  /* no parameters block, or one that is not a tuple: unchanged */
  expect("[SQL: INSERT INTO t (password) VALUES (?)]", "[SQL: INSERT INTO t (password) VALUES (?)]");
  expect("[SQL: INSERT INTO t (password) VALUES (?)]\n[parameters: ]", "[SQL: INSERT INTO t (password) VALUES (?)]\n[parameters: ]");
}

static void counted_and_classified(void) {
  char *out = NULL;
  size_t n = 0;
  fw_error err;
  const char *in = "a@example.com b@example.com postgres://u:pw@h/d";
  CHECK(fw_redact(fixture_cl, in, strlen(in), &out, &n, &err) == FW_OK);
  CHECK(n == 3);
  fw_free(out);
  /* the classification of a text is read from the redacted text: nothing of the secret is left */
  char *json = NULL;
  const char *text = "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server "
                     "failed: FATAL: password authentication failed (postgresql://app:Sup3rS3cret@db/shop)";
  CHECK(fw_classify(fixture_cl, text, strlen(text), NULL, &json, &err) == FW_OK);
  CHECK(json && !strstr(json, "Sup3rS3cret") && strstr(json, "<password>"));
  fw_free(json);
  CHECK(fw_redact(fixture_cl, "\xff", 1, &out, NULL, &err) == FW_ERR_UTF8);
}

static void pack_patterns(void) {
  fw_rules *rules = NULL;
  fw_classifier *cl = NULL;
  fw_error err;
  CHECK(fw_rules_new(&rules, &err) == FW_OK);
  const char *pack = "{\"format_version\": 1, \"redact\": [{\"id\": \"acme.ticket\", "
                     "\"pattern\": \"ACME-[0-9]{6}\", \"replace\": \"<ticket>\", \"requires\": [\"acme-\"]}]}";
  CHECK(fw_rules_add_pack(rules, pack, strlen(pack), &err) == FW_OK);
  CHECK(fw_classifier_new(rules, &cl, &err) == FW_OK);
  char *out = NULL;
  const char *in = "ticket ACME-123456 for ann@example.com";
  CHECK(fw_redact(cl, in, strlen(in), &out, NULL, &err) == FW_OK);
  CHECK_STR(out ? out : "", "ticket <ticket> for <email>"); /* the built-ins still run */
  fw_free(out);
  /* a runaway pattern fails the text instead of letting it through */
  const char *hostile = "{\"format_version\": 1, \"redact\": [{\"id\": \"evil\", \"pattern\": \"(a+)+$\"}]}";
  CHECK(fw_rules_add_pack(rules, hostile, strlen(hostile), &err) == FW_OK);
  fw_classifier_free(cl);
  CHECK(fw_classifier_new(rules, &cl, &err) == FW_OK);
  char big[40000];
  memset(big, 'a', sizeof big - 2);
  big[sizeof big - 2] = '!';
  big[sizeof big - 1] = '\0';
  CHECK(fw_redact(cl, big, strlen(big), &out, NULL, &err) == FW_ERR_RULE_LIMIT);
  CHECK(strstr(err.message, "evil") != NULL);
  fw_classifier_free(cl);
  /* bad packs are refused whole */
  const char *bad[] = {
      "{\"format_version\": 1, \"redact\": {}}",
      "{\"format_version\": 1, \"redact\": [{\"pattern\": \"x\"}]}",
      "{\"format_version\": 1, \"redact\": [{\"id\": \"a\", \"pattern\": \"(\"}]}",
      "{\"format_version\": 1, \"redact\": [{\"id\": \"a\", \"pattern\": \"x\", \"replace\": \"$9\"}]}",
      "{\"format_version\": 1, \"redact\": [{\"id\": \"a\", \"pattern\": \"x\", \"requires\": [\"\"]}]}",
  };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    CHECK(fw_rules_add_pack(rules, bad[k], strlen(bad[k]), &err) != FW_OK);
  }
  fw_rules_free(rules);
}

int main(void) {
  fixture_init();
  builtins();
  sql_parameters();
  counted_and_classified();
  pack_patterns();
  fixture_done();
  HARNESS_DONE();
}
