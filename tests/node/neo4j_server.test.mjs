// A real Neo4j 5.26 Community server (tests/neo4j: neo4j-harness from Maven Central) started and
// stopped by the suite itself: checks from the server's own answers that what listens is Neo4j's
// HTTP Query API with authentication on, and pins the status codes and error codes the forewarn
// client will have to handle.
//
// Skipped, with the reason, when FOREWARN_NEO4J=0 or when java or mvn are not installed. The first
// run downloads Neo4j (~150 MB of jars) into the Maven local repository (~/.m2, or
// FOREWARN_M2_REPO).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './helpers.mjs';
import { neo4jEnv, neo4jSkipReason, neo4jTeardown, startNeo4j } from './neo4j.mjs';



const skip = neo4jSkipReason();
const title = 'real Neo4j 5.26 through the HTTP Query API';

// (a skipped describe() counts no test in node 20's summary; a skipped test() counts as skipped)
if (skip) test(title, { skip }, () => {});
else describe(title, () => {
  const state = path.join(mkdtempSync(path.join(tmpdir(), 'fw-neo4j-')), 'server');
  const password = `fw-${randomBytes(12).toString('hex')}`;
  let uri = '';
  const stop = neo4jTeardown(state, path.dirname(state));

  before(async () => {
    const t0 = Date.now();
    const { code, stdout, stderr } = await startNeo4j(state, password);
    assert.equal(code, 0, `start.sh failed (exit ${code}):\n${stderr}`);
    const env = neo4jEnv(state);
    assert.deepEqual(Object.keys(env).sort(), ['NEO4J_DATABASE', 'NEO4J_PASSWORD', 'NEO4J_URI', 'NEO4J_USERNAME']);
    assert.equal(env.NEO4J_PASSWORD, password);
    assert.equal(env.NEO4J_USERNAME, 'neo4j');
    assert.equal(env.NEO4J_DATABASE, 'neo4j');
    assert.match(env.NEO4J_URI, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(stdout.includes(`NEO4J_URI=${env.NEO4J_URI}`), stdout);
    uri = env.NEO4J_URI;
    console.log(`# neo4j_server: start.sh ready in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${uri}`);
  }, { timeout: 900000 });

  after(stop);

  const basic = (user, pass) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  async function query(statement, { db = 'neo4j', user = 'neo4j', pass = password, parameters, extra = {} } = {}) {
    const body = { statement, ...(parameters ? { parameters } : {}), ...extra };
    const res = await fetch(`${uri}/db/${db}/query/v2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: basic(user, pass) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
  }

  test('GET / is Neo4j 5.26 Community discovery naming the Query API', async () => {
    const res = await fetch(`${uri}/`, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(60000) });
    assert.equal(res.status, 200);
    const d = await res.json();
    assert.equal(d.query, `${uri}/db/{databaseName}/query/v2`);
    assert.equal(d.transaction, `${uri}/db/{databaseName}/tx`);
    assert.match(d.neo4j_version, /^5\.26\.\d+$/);
    assert.equal(d.neo4j_edition, 'community');
  });

  test('RETURN 1 through POST /db/neo4j/query/v2 with Basic auth: 202, data.fields/data.values', async () => {
    const r = await query('RETURN 1 AS one');
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json.data, { fields: ['one'], values: [[1]] });
    assert.ok(Array.isArray(r.json.bookmarks) && r.json.bookmarks.length === 1, r.text);
    assert.equal(r.json.errors, undefined);
  });

  test('parameters in, counters out, datetimes and maps as plain JSON', async () => {
    const r = await query('CREATE (n:FwProbe {k: $k, at: datetime($at)}) RETURN n.k AS k, toString(n.at) AS at, {a: [1, 2.5, null, true]} AS m',
      { parameters: { k: "it's \"quoted\"", at: '2026-01-01T00:00:00Z' }, extra: { includeCounters: true } });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json.data.fields, ['k', 'at', 'm']);
    assert.deepEqual(r.json.data.values, [["it's \"quoted\"", '2026-01-01T00:00:00Z', { a: [1, 2.5, null, true] }]]);
    assert.equal(r.json.counters.nodesCreated, 1);
    assert.equal(r.json.counters.propertiesSet, 2);
    assert.equal(r.json.counters.containsUpdates, true);
  });

  test('wrong password: 401 Neo.ClientError.Security.Unauthorized', async () => {
    const r = await query('RETURN 1', { pass: 'not-the-password' });
    assert.equal(r.status, 401, r.text);
    assert.deepEqual(r.json, { errors: [{ code: 'Neo.ClientError.Security.Unauthorized', message: 'Invalid credential.' }] });
    assert.match(r.headers.get('www-authenticate') || '', /^Basic realm="Neo4j"/);
  });

  test('no Authorization header: 401 (auth is on)', async () => {
    const res = await fetch(`${uri}/db/neo4j/query/v2`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"statement":"RETURN 1"}', signal: AbortSignal.timeout(60000),
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { errors: [{ code: 'Neo.ClientError.Security.Unauthorized', message: 'No authentication header supplied.' }] });
  });

  test('unknown database: 404 Neo.ClientError.Database.DatabaseNotFound', async () => {
    const r = await query('RETURN 1', { db: 'nosuchdb' });
    assert.equal(r.status, 404, r.text);
    assert.deepEqual(r.json, { errors: [{ code: 'Neo.ClientError.Database.DatabaseNotFound', message: 'Graph not found: nosuchdb' }] });
  });

  test('Cypher syntax error: 400 Neo.ClientError.Statement.SyntaxError', async () => {
    const r = await query('RETRN 1');
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.errors.length, 1);
    assert.equal(r.json.errors[0].code, 'Neo.ClientError.Statement.SyntaxError');
    assert.match(r.json.errors[0].message, /^Invalid input 'RETRN'/);
    assert.equal(r.json.data, undefined);
  });

  test('missing parameter: 400 Neo.ClientError.Statement.ParameterMissing', async () => {
    const r = await query('RETURN $nope');
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.json, { errors: [{ code: 'Neo.ClientError.Statement.ParameterMissing', message: 'Expected parameter(s): nope' }] });
  });

  test('unique constraint: idempotent IF NOT EXISTS, violation is 400 ConstraintValidationFailed', async () => {
    const ddl = 'CREATE CONSTRAINT fw_probe_id IF NOT EXISTS FOR (p:FwUnique) REQUIRE p.id IS UNIQUE';
    const first = await query(ddl, { extra: { includeCounters: true } });
    assert.equal(first.status, 202, first.text);
    assert.equal(first.json.counters.constraintsAdded, 1);
    const again = await query(ddl, { extra: { includeCounters: true } });
    assert.equal(again.status, 202, again.text);
    assert.equal(again.json.counters.constraintsAdded, 0);
    assert.equal((await query('CREATE (:FwUnique {id: 1})')).status, 202);
    const dup = await query('CREATE (:FwUnique {id: 1})');
    assert.equal(dup.status, 400, dup.text);
    assert.equal(dup.json.errors[0].code, 'Neo.ClientError.Schema.ConstraintValidationFailed');
  });

  test('an error raised mid-stream: 202 with partial data AND errors (always look for errors)', async () => {
    const r = await query('UNWIND range(1, 2000) AS i RETURN 10 / (1000 - i) AS x');
    assert.equal(r.status, 202, r.text.slice(0, 300));
    assert.deepEqual(r.json.data.fields, ['x']);
    assert.equal(r.json.data.values.length, 999);
    assert.deepEqual(r.json.errors, [{ code: 'Neo.ClientError.Statement.ArithmeticError', message: '/ by zero' }]);
  });

  test('write in READ access mode: 400 Neo.ClientError.Statement.AccessMode', async () => {
    const r = await query('CREATE (:FwProbe)', { extra: { accessMode: 'READ' } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.errors[0].code, 'Neo.ClientError.Statement.AccessMode');
  });

  test('request not JSON / not a Query API body: 400 Neo.ClientError.Request.Invalid; wrong media type 415', async () => {
    const post = (body, type) => fetch(`${uri}/db/neo4j/query/v2`, {
      method: 'POST', headers: { 'Content-Type': type, Authorization: basic('neo4j', password) }, body, signal: AbortSignal.timeout(60000),
    });
    const bad = await post('not json', 'application/json');
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { errors: [{ code: 'Neo.ClientError.Request.Invalid', message: 'Bad Request' }] });
    const media = await post('{"statement":"RETURN 1"}', 'text/plain');
    assert.equal(media.status, 415);
    assert.deepEqual(await media.json(), { errors: [{ code: 'Neo.ClientError.Request.Invalid', message: 'Unsupported Media Type' }] });
  });

  test('expired credentials: 400 CredentialsExpired; 3 wrong passwords lock the user: 429 AuthenticationRateLimit', async () => {
    // A user of its own, so the lock never touches neo4j.
    const created = await query('CREATE USER fwlock SET PASSWORD $p CHANGE REQUIRED', { db: 'system', parameters: { p: 'fwlock-pass-1' } });
    assert.equal(created.status, 202, created.text);
    const expired = await query('RETURN 1', { user: 'fwlock', pass: 'fwlock-pass-1' });
    assert.equal(expired.status, 400, expired.text);
    assert.equal(expired.json.errors[0].code, 'Neo.ClientError.Security.CredentialsExpired');
    const changed = await query('ALTER CURRENT USER SET PASSWORD FROM $old TO $new',
      { db: 'system', user: 'fwlock', pass: 'fwlock-pass-1', parameters: { old: 'fwlock-pass-1', new: 'fwlock-pass-2' } });
    assert.equal(changed.status, 202, changed.text);
    assert.equal((await query('RETURN 1', { user: 'fwlock', pass: 'fwlock-pass-2' })).status, 202);

    for (let i = 0; i < 3; i++) assert.equal((await query('RETURN 1', { user: 'fwlock', pass: 'wrong-pass' })).status, 401);
    const locked = await query('RETURN 1', { user: 'fwlock', pass: 'fwlock-pass-2' }); // even the right password
    assert.equal(locked.status, 429, locked.text);
    assert.equal(locked.json.errors[0].code, 'Neo.ClientError.Security.AuthenticationRateLimit');
    // neo4j itself is not affected
    assert.equal((await query('RETURN 1')).status, 202);
  });

  test('stop.sh stops the server and removes its state', { timeout: 120000 }, async () => {
    const pid = Number(readFileSync(path.join(state, 'pid'), 'utf8'));
    stop();
    let alive = true;
    try { process.kill(pid, 0); } catch { alive = false; }
    assert.equal(alive, false, `pid ${pid} still running after stop.sh`);
    assert.equal(existsSync(state), false);
    await assert.rejects(fetch(`${uri}/`, { signal: AbortSignal.timeout(10000) }));
  });
});
