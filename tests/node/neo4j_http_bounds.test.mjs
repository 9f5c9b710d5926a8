// Hostile Neo4j servers and hostile Neo4j URLs against the native CLI (issue 13, native side):
// an answer's body is read up to FOREWARN_NEO4J_MAX_RESPONSE_BYTES (64 MiB by default) and its
// headers up to 256 KiB, and a Content-Length over the limit is refused at once; the URL is
// parsed by libcurl's URL API, so a percent-encoded '@', ':' or '/' in the password is decoded
// and used for Basic auth, and a malformed URL is a usage error; a down server, a non-JSON answer
// and a 401 each give a clear message. No message ever holds the password. Only fake servers
// (node:http and node:net on 127.0.0.1, port 0) and synthetic passwords; the CLI is spawned
// asynchronously so that the fake servers in this process keep answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createTcpServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { bin, root, deadPort, tempDir } from './helpers.mjs';
import { serveHttp as serve } from './http_server.mjs';

const MiB = 1024 * 1024;
// What Neo4j's Query API answers to a schema statement: `forewarn migrate` accepts it.
const OK_ANSWER = JSON.stringify({ data: { fields: [], values: [] }, bookmarks: [] });
const secret = (prefix = 'pw') => `${prefix}-${randomBytes(8).toString('hex')}`;
const basic = (user, pass) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

// The CLI, asynchronously, with no Neo4j settings from the outer environment. Resolves
// {status, stdout, stderr, ms}.
function fw(args, env = {}, cwd = root) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('NEO4J_') || k.startsWith('FOREWARN_NEO4J_')) delete base[k];
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd,
      env: { ...base, FOREWARN_STORE: '', FOREWARN_NOW: '2026-01-01T00:00:00Z', FOREWARN_NEO4J_BACKOFF_MS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: out, stderr: err, ms: Date.now() - t0 }));
  });
}


// A server that answers with an endless stream: the body (chunked) or, with headers: true,
// header lines that never end. Writes wait for the socket to drain, so `sent()` is what the
// client actually took before it hung up.
async function flood({ headers = false } = {}) {
  let sent = 0, connections = 0;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const line = Buffer.from(`X-Pad: ${'y'.repeat(1000)}\r\n`);
  const server = createTcpServer((sock) => {
    connections++;
    let open = true;
    sock.on('error', () => {});
    sock.on('close', () => { open = false; });
    sock.once('data', async () => {
      sock.write(headers ? 'HTTP/1.1 202 Accepted\r\n'
        : 'HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      const piece = headers ? Buffer.concat(Array(64).fill(line))
        : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      while (open && sent < 200 * MiB) {
        sent += piece.length;
        if (!sock.write(piece)) {
          await new Promise((resolve) => {
            const done = () => { sock.off('drain', done); sock.off('close', done); resolve(); };
            sock.on('drain', done);
            sock.on('close', done);
          });
        }
      }
      sock.destroy();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { port, url: `http://127.0.0.1:${port}`, sent: () => sent, connections: () => connections, close: () => new Promise((r) => server.close(r)) };
}

const noSecret = (r, ...parts) => {
  for (const p of parts) {
    assert.ok(!r.stdout.includes(p), `'${p}' leaked into stdout:\n${r.stdout}`);
    assert.ok(!r.stderr.includes(p), `'${p}' leaked into stderr:\n${r.stderr}`);
  }
};

// ---- 1. The size of an answer is bounded ------------------------------------------------------

test('an endless body is refused as soon as it passes FOREWARN_NEO4J_MAX_RESPONSE_BYTES', async () => {
  const s = await flood();
  const pass = secret();
  try {
    const r = await fw(['migrate', '--store', `neo4j+${s.url}`],
      { NEO4J_PASSWORD: pass, FOREWARN_NEO4J_MAX_RESPONSE_BYTES: String(MiB), FOREWARN_NEO4J_RETRIES: '0' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Neo4j at ${s.url}: the answer is larger than the limit of 1048576 bytes`));
    noSecret(r, pass);
    // the client hung up near the limit, not after the server's 200 MiB (socket buffers aside)
    assert.ok(s.sent() < 16 * MiB, `the client read on: the server sent ${s.sent()} bytes`);
  } finally {
    await s.close();
  }
});

test('the default limit is 64 MiB', async () => {
  const s = await flood();
  try {
    const r = await fw(['migrate', '--store', `neo4j+${s.url}`], { FOREWARN_NEO4J_RETRIES: '0' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /the answer is larger than the limit of 67108864 bytes/);
    assert.ok(s.sent() >= 64 * MiB && s.sent() < 80 * MiB, `the server sent ${s.sent()} bytes`);
  } finally {
    await s.close();
  }
});

test('endless headers are refused at 256 KiB, and not retried', async () => {
  const s = await flood({ headers: true });
  try {
    const r = await fw(['migrate', '--store', `neo4j+${s.url}`], { FOREWARN_NEO4J_TIMEOUT_MS: '20000' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Neo4j at ${s.url}: the answer's headers are larger than the limit of 262144 bytes`));
    assert.ok(s.sent() < 16 * MiB, `the client read on: the server sent ${s.sent()} bytes`);
    assert.equal(s.connections(), 1, 'the same answer would come again: not retried');
  } finally {
    await s.close();
  }
});

test('a Content-Length over the limit is refused at once, before any body', async () => {
  // headers only, then silence: a client that waits for the body runs into its timeout
  const s = await serve((req, res) => {
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': String(2 * MiB) });
    res.flushHeaders();
  });
  try {
    const r = await fw(['migrate', '--store', `neo4j+${s.url}`],
      { FOREWARN_NEO4J_MAX_RESPONSE_BYTES: String(MiB), FOREWARN_NEO4J_RETRIES: '0', FOREWARN_NEO4J_TIMEOUT_MS: '15000' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Neo4j at ${s.url}: the answer is larger than the limit of 1048576 bytes`));
    assert.ok(r.ms < 8000, `refused after ${r.ms} ms, not at once`);
    assert.equal(s.seen.length, 1, 'not retried: the same answer would come again');
  } finally {
    await s.close();
  }
});

test('an answer within the limit is read as before', async () => {
  const s = await serve((req, res) => res.writeHead(202, { 'content-type': 'application/json' }).end(OK_ANSWER));
  try {
    const r = await fw(['migrate', '--store', `neo4j+${s.url}`], { FOREWARN_NEO4J_MAX_RESPONSE_BYTES: String(OK_ANSWER.length) });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^schema of ${s.url}: \\d+ statements applied`));
  } finally {
    await s.close();
  }
});

test('FOREWARN_NEO4J_MAX_RESPONSE_BYTES that is not a positive integer is a usage error', async () => {
  const port = await deadPort();
  for (const v of ['0', '-1', '1.5', '12abc', ' 5', '0x10', '99999999999999999999999']) {
    const r = await fw(['migrate', '--store', `neo4j+http://127.0.0.1:${port}`],
      { FOREWARN_NEO4J_MAX_RESPONSE_BYTES: v, FOREWARN_NEO4J_RETRIES: '0' });
    assert.equal(r.status, 2, `${JSON.stringify(v)}: ${r.stderr}`);
    assert.match(r.stderr, /FOREWARN_NEO4J_MAX_RESPONSE_BYTES must be an integer from 1 to \d+/);
  }
});

// ---- 2. The URL is parsed by libcurl, credentials percent-decoded ------------------------------

test('a password holding @ : / written %40 %3A %2F in the URL is decoded and used, never shown', async () => {
  const tail = randomBytes(6).toString('hex');
  const pass = `p@ss:w/rd-${tail}`;
  const encoded = `p%40ss%3Aw%2Frd-${tail}`;
  const s = await serve((req, res) => {
    if (req.headers.authorization !== basic('us@er', pass))
      return res.writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ code: 'Neo.ClientError.Security.Unauthorized', message: 'Invalid credentials' }] }));
    res.writeHead(202, { 'content-type': 'application/json' }).end(OK_ANSWER);
  });
  const userinfo = `us%40er:${encoded}@`;
  try {
    const viaStore = await fw(['migrate', '--store', `neo4j+http://${userinfo}127.0.0.1:${s.port}`]);
    assert.equal(viaStore.status, 0, viaStore.stderr);
    assert.match(viaStore.stdout, new RegExp(`^schema of ${s.url}: `), 'the store is named without credentials');
    const viaEnv = await fw(['migrate', '--store', 'neo4j'], { NEO4J_URI: `http://${userinfo}127.0.0.1:${s.port}/` });
    assert.equal(viaEnv.status, 0, viaEnv.stderr);
    for (const r of [viaStore, viaEnv]) noSecret(r, pass, encoded, tail, 'p@ss', 'w/rd');
    assert.ok(s.seen.every((x) => x.url === '/db/neo4j/query/v2'), JSON.stringify(s.seen));
  } finally {
    await s.close();
  }
});

test('a raw @ in the password is a usage error that shows no part of it', async () => {
  const s = await serve((req, res) => res.writeHead(202).end(OK_ANSWER));
  const [a, b] = [secret('leakA'), secret('leakB')];
  try {
    for (const args of [['migrate', '--store', `neo4j+http://neo4j:${a}@${b}@127.0.0.1:${s.port}`], ['stats', '--store', 'neo4j']]) {
      const r = await fw(args, { NEO4J_URI: `http://neo4j:${a}@${b}@127.0.0.1:${s.port}` });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /is not a valid URL: .*%40/);
      noSecret(r, a, b, 'leakA', 'leakB');
    }
    assert.equal(s.seen.length, 0, 'nothing was sent');
  } finally {
    await s.close();
  }
});

test('a malformed URL is a usage error naming what is wrong, without the password', async () => {
  const pass = secret();
  const cases = [
    [`http://neo4j:${pass}@127.0.0.1:99999`, /not a valid URL: Port number/],
    [`http://neo4j:${pass}@:7474`, /not a valid URL: No host part/],
    [`http://neo4j:${pass}@127.0.0.1:7474?db=x`, /must not have a query/],
    [`http://neo4j:${pass}@127.0.0.1:7474/#x`, /must not have a query \(\?\.\.\.\) or fragment/],
    [`http://neo4j:${pass}%00@127.0.0.1:7474`, /the password is not valid/],
    [`http://neo4j:${pass} x@127.0.0.1:7474`, /not a valid URL/],
    [`127.0.0.1:7474`, /must be an http:\/\/ or https:\/\/ URL/],
    [`bolt://neo4j:${pass}@127.0.0.1:7687`, /must be an http:\/\/ or https:\/\/ URL/],
  ];
  for (const [uri, re] of cases) {
    const viaEnv = await fw(['stats', '--store', 'neo4j'], { NEO4J_URI: uri, FOREWARN_NEO4J_RETRIES: '0' });
    assert.equal(viaEnv.status, 2, `${uri}: ${viaEnv.stderr}`);
    assert.match(viaEnv.stderr, re);
    assert.match(viaEnv.stderr, /NEO4J_URI/);
    noSecret(viaEnv, pass);
    // the same URL after neo4j+, and bare: a usage error, never a file store named after it
    for (const store of [`neo4j+${uri}`, uri]) {
      const cwd = tempDir('fw-url-');
      const viaStore = await fw(['stats', '--store', store], { FOREWARN_NEO4J_RETRIES: '0' }, cwd);
      if (store.startsWith('neo4j+') || store.includes('://')) {
        assert.equal(viaStore.status, 2, `${store}: ${viaStore.stderr}`);
        assert.match(viaStore.stderr, /--store/);
        assert.deepEqual(readdirSync(cwd), [], `${store}: nothing is created`);
      }
      if (store.startsWith('neo4j+http')) assert.match(viaStore.stderr, re);
      noSecret(viaStore, pass);
    }
  }
});

test('credentials: NEO4J_USERNAME and NEO4J_PASSWORD win over the URL, which wins over the default user', async () => {
  const s = await serve((req, res) => res.writeHead(202, { 'content-type': 'application/json' }).end(OK_ANSWER));
  const [inUrl, inEnv] = [secret('url'), secret('env')];
  const url = `neo4j+http://alice:${inUrl}@127.0.0.1:${s.port}`;
  try {
    const auth = async (env, store = url) => {
      s.seen.length = 0;
      const r = await fw(['migrate', '--store', store], env);
      assert.equal(r.status, 0, r.stderr);
      noSecret(r, inUrl, inEnv);
      return s.seen[0].authorization;
    };
    assert.equal(await auth({}), basic('alice', inUrl));
    assert.equal(await auth({ NEO4J_PASSWORD: inEnv }), basic('alice', inEnv));
    assert.equal(await auth({ NEO4J_USERNAME: 'bob' }), basic('bob', inUrl));
    assert.equal(await auth({ NEO4J_USERNAME: '' }), basic('alice', inUrl), 'an empty NEO4J_USERNAME says nothing');
    assert.equal(await auth({ NEO4J_PASSWORD: '' }), basic('alice', ''), 'an empty NEO4J_PASSWORD is a password');
    assert.equal(await auth({ NEO4J_PASSWORD: inEnv }, `neo4j+http://127.0.0.1:${s.port}`), basic('neo4j', inEnv));
  } finally {
    await s.close();
  }
});

test('accepted forms keep working: a base path, a database to encode, neo4j+https://, NEO4J_URI', async () => {
  const s = await serve((req, res) => res.writeHead(202, { 'content-type': 'application/json' }).end(OK_ANSWER));
  const pass = secret();
  try {
    let r = await fw(['migrate', '--store', `neo4j+http://127.0.0.1:${s.port}/prefix/`], { NEO4J_DATABASE: 'my db' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^schema of ${s.url}/prefix: `));
    assert.equal(s.seen[0].url, '/prefix/db/my%20db/query/v2');
    r = await fw(['migrate'], { NEO4J_URI: s.url, NEO4J_PASSWORD: pass });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(s.seen.at(-1).authorization, basic('neo4j', pass));
    // https to a plain-HTTP server: the URL is accepted, the TLS handshake is what fails
    r = await fw(['migrate', '--store', `neo4j+https://neo4j:${pass}@127.0.0.1:${s.port}`], { FOREWARN_NEO4J_RETRIES: '0' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Neo4j at https://127\\.0\\.0\\.1:${s.port} is unreachable`));
    noSecret(r, pass);
  } finally {
    await s.close();
  }
});

// ---- 3. Failures say what happened, never the password ---------------------------------------

test('a server that is down: exit 1, "unreachable", no password', async () => {
  const port = await deadPort();
  const [inUrl, inEnv] = [secret('url'), secret('env')];
  const r = await fw(['stats', '--store', `neo4j+http://neo4j:${inUrl}@127.0.0.1:${port}`],
    { FOREWARN_NEO4J_RETRIES: '1', NEO4J_PASSWORD: inEnv });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`Neo4j at http://127\\.0\\.0\\.1:${port} is unreachable: .*\\(2 attempts\\)`));
  noSecret(r, inUrl, inEnv);
});

test('a server answering non-JSON: exit 1, says so and names the server, no password', async () => {
  const s = await serve((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
  const pass = secret();
  try {
    const r = await fw(['stats', '--store', `neo4j+http://neo4j:${pass}@127.0.0.1:${s.port}`]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Neo4j at ${s.url}: Neo4j answered HTTP 200 with a body that is not a JSON object`));
    noSecret(r, pass);
  } finally {
    await s.close();
  }
});

test('a server answering 401: exit 1, "authentication failed (401)", no password even if echoed', async () => {
  const pass = secret();
  // a hostile server echoes the credentials it was given into its error message
  const s = await serve((req, res) => {
    const given = Buffer.from((req.headers.authorization || '').replace(/^Basic /, ''), 'base64').toString();
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({
      errors: [{ code: 'Neo.ClientError.Security.Unauthorized', message: `bad credentials ${given}` }] }));
  });
  const bare = await serve((req, res) => res.writeHead(401).end());
  try {
    const r = await fw(['stats', '--store', `neo4j+${s.url}`], { NEO4J_PASSWORD: pass });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /authentication failed \(401\): bad credentials neo4j:\*\*\*/);
    noSecret(r, pass);
    const b = await fw(['ingest', '--store', `neo4j+http://neo4j:${pass}@127.0.0.1:${bare.port}`, '--smoke',
      'examples/shop/runs/run-1.json', '--ir', 'examples/shop/ir.json']);
    assert.equal(b.status, 1, b.stderr);
    assert.match(b.stderr, new RegExp(`Neo4j at ${bare.url}: authentication failed \\(401\\)`));
    noSecret(b, pass);
    assert.equal(bare.seen.length, 1, 'a 401 is not retried');
  } finally {
    await s.close();
    await bare.close();
  }
});
