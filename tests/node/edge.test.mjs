// The edge function (edge/worker.mjs) in a real edge runtime: workerd from the npm package,
// started on 127.0.0.1 on a port it picks itself (reported on --control-fd), with edge/config.capnp
// and the settings in its environment; real HTTP requests with fetch. Two servers: an open one
// (CORS for one origin, the default 1 MiB body limit) and one with a token and Neo4j settings
// (pointing at a port where nothing listens: Neo4j down). Skipped, saying why, when forewarn.wasm is not built
// or workerd cannot run here; every workerd started is killed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { deadPort, root } from './helpers.mjs';
import { killWorkerds, startWorkerd, workerdSkipReason } from './workerd.mjs';

const ORIGIN = 'https://app.example.test';
const TOKEN = 's3cret-token';
const NOW_RE = /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const skip = workerdSkipReason();
if (skip) console.log(`# edge tests skipped: ${skip}`);

let open, locked, fw, neo4jDown;
const shopIR = JSON.parse(readFileSync(path.join(root, 'examples/shop/ir.json'), 'utf8'));
const traceback = readFileSync(path.join(root, 'examples/errors/post_products_not_null.txt'), 'utf8');

before(async () => {
  if (skip) return;
  neo4jDown = `http://127.0.0.1:${await deadPort()}`;
  [open, locked] = await Promise.all([
    startWorkerd({ FOREWARN_ALLOWED_ORIGIN: ORIGIN }),
    startWorkerd({ FOREWARN_TOKEN: TOKEN, FOREWARN_MAX_BODY_BYTES: '4096', NEO4J_URI: neo4jDown,
      NEO4J_USERNAME: 'neo4j', NEO4J_PASSWORD: 'unused-password', NEO4J_DATABASE: 'neo4j' }),
  ]);
  const { Forewarn } = await import('../../wasm/forewarn.mjs');
  fw = await Forewarn.load();
});

after(killWorkerds);

function post(server, route, body, { headers = {}, raw = false } = {}) {
  return fetch(server.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ? body : JSON.stringify(body),
  });
}

async function expectError(res, status, code) {
  assert.equal(res.status, status, `status ${res.status}, expected ${status}`);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error?.message, 'string', JSON.stringify(body));
  assert.ok(body.error.message.length > 0);
  if (code) assert.equal(body.error.code, code, JSON.stringify(body));
  return body.error;
}

// The classification without its clock-dependent fields.
function timeless(c) {
  const { first_seen, last_seen, ...ap } = c.anti_pattern;
  assert.match(first_seen, NOW_RE);
  assert.match(last_seen, NOW_RE);
  return { ...c, anti_pattern: ap };
}

// The example's first smoke run collected into a store: its patterns for /enhance.
function exampleStore() {
  const store = new fw.MemoryStore();
  fw.collect(readFileSync(path.join(root, 'examples/shop/runs/run-1.json'), 'utf8'), shopIR, null, store,
    { now: '2026-01-01T00:00:00Z' });
  return store;
}

test('edge: POST /classify of a real traceback gives its category, context and IR mapping (as the JS API)', { skip }, async () => {
  const res = await post(open, '/classify', { text: traceback, ir: shopIR, endpoint: 'POST /products' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const c = await res.json();
  assert.equal(c.category, 'nullable_missing');
  assert.equal(c.error_type, 'database');
  assert.deepEqual(c.context, { table: 'products', column: 'category_id' });
  assert.equal(c.ir.entity_name, 'Product');
  assert.equal(c.ir.field_name, 'category_id');
  assert.equal(c.ir.endpoint_pattern, 'POST /{entities}');
  assert.match(c.pattern_id, /^ap1-[0-9a-f]{16}$/);
  const node = fw.classify(traceback, { ir: shopIR, endpoint: 'POST /products' });
  assert.deepEqual(timeless(c), timeless(node));
  // without IR or endpoint, and a second request on the same isolate
  const bare = await (await post(open, '/classify', { text: "KeyError: 'sku'" })).json();
  assert.equal(bare.category, fw.classify("KeyError: 'sku'").category);
  assert.equal(bare.ir, undefined);
});

test('edge: POST /classify with a rule pack in the body uses it before the built-in rules', { skip }, async () => {
  const rules = JSON.parse(readFileSync(path.join(root, 'tests/vectors/rules/acme.json'), 'utf8'));
  const text = "app.tenants.TenantError: tenant 'globex' not found";
  for (let i = 0; i < 2; i++) { // the second request reuses the compiled pack
    const c = await (await post(open, '/classify', { text, rules })).json();
    assert.equal(c.rule_id, 'acme.tenant');
    assert.equal(c.category, 'tenant_missing');
    assert.equal(c.context.name, 'globex');
  }
  const bad = JSON.parse(readFileSync(path.join(root, 'tests/vectors/rules/bad-regex.json'), 'utf8'));
  const e = await expectError(await post(open, '/classify', { text, rules: bad }), 422, 'rule_compile');
  assert.equal(e.rule_id, 'acme.broken');
});

test('edge: POST /enhance with the patterns in the body (store document or array) equals the JS API', { skip }, async () => {
  const store = exampleStore();
  const doc = store.toJSON();
  const expected = fw.raw.enhance('Write the Product model.', { scope: 'entity', target: 'Product' }, store, { ir: shopIR });
  store.delete();
  const request = { prompt: 'Write the Product model.', scope: 'entity', target: 'Product', ir: shopIR };
  const res = await post(open, '/enhance', { ...request, patterns: doc });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.equal(text, expected);
  const out = JSON.parse(text);
  assert.ok(out.prompt.startsWith('Write the Product model.\n\nAVOID THESE KNOWN ISSUES:\n'), out.prompt);
  assert.ok(out.injected.length > 0 && out.injected.length <= 5);
  assert.ok(out.injected.some((i) => i.entity === 'Product'));
  assert.equal(await (await post(open, '/enhance', { ...request, patterns: doc.patterns })).text(), expected);
  // options reach the core
  const one = await (await post(open, '/enhance', { ...request, patterns: doc, options: { maxPatterns: 1 } })).json();
  assert.equal(one.injected.length, 1);
  // no patterns: nothing injected, the prompt as the core returns it without a section
  const empty = new fw.MemoryStore();
  const none = await (await post(open, '/enhance', { ...request, patterns: [] })).json();
  assert.deepEqual(none, fw.enhance(request.prompt, request, empty, { ir: shopIR }));
  empty.delete();
  assert.equal(none.section, '');
  assert.deepEqual(none.injected, []);
  // a store document the core refuses: 422 with its JSON path
  const e = await expectError(await post(open, '/enhance', { ...request, patterns: [{ pattern_id: 'x' }] }), 422, 'schema');
  assert.match(e.path, /^\$\.patterns\[0\]/);
  // the holdout: the JS API's answer for the same run, every warning withheld at 1
  const holdout = { holdout: 1, runId: 'edge-run-7', lifecycle: { minLift: 0.1, minExposures: 3, unseenRuns: 'never' } };
  const mem = exampleStore();
  const heldJs = fw.raw.enhance(request.prompt, request, mem, { ir: shopIR, ...holdout });
  mem.delete();
  const held = await post(open, '/enhance', { ...request, patterns: doc, options: holdout });
  assert.equal(held.status, 200);
  const heldText = await held.text();
  assert.equal(heldText, heldJs);
  const heldOut = JSON.parse(heldText);
  assert.equal(heldOut.section, '');
  assert.ok(heldOut.injected.length > 0 && heldOut.injected.every((i) => i.withheld === true));
});

test('edge: malformed JSON, a non-object body and bad fields are 400', { skip }, async () => {
  await expectError(await post(open, '/classify', '{"text": "KeyError', { raw: true }), 400, 'json');
  await expectError(await post(open, '/classify', '', { raw: true }), 400, 'json');
  await expectError(await post(open, '/classify', '["KeyError"]', { raw: true }), 400, 'json');
  // JSON.parse would keep the last "text" and pass a NUL: refused as the CLI refuses them
  let e = await expectError(await post(open, '/classify', '{"text": "KeyError: 1", "text": "x"}', { raw: true }), 400, 'json');
  assert.match(e.message, /has the key "text" twice/);
  e = await expectError(await post(open, '/classify', '{"text": "KeyError: 1\\u0000"}', { raw: true }), 400, 'json');
  assert.match(e.message, /NUL character/);
  const bad = [
    ['/classify', {}, '$.text'],
    ['/classify', { text: 42 }, '$.text'],
    ['/classify', { text: 'x', endpoint: 3 }, '$.endpoint'],
    ['/classify', { text: 'x', ir: [1] }, '$.ir'],
    ['/classify', { text: 'x', extra: 1 }, '$.extra'],
    ['/enhance', { scope: 'entity', target: 'Product', patterns: [] }, '$.prompt'],
    ['/enhance', { prompt: 'p', scope: 'table', target: 'Product', patterns: [] }, '$.scope'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: '', patterns: [] }, '$.target'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: 'x' }, '$.patterns'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product' }, '$.patterns'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: [], options: { maxPatterns: -1 } }, '$.options.maxPatterns'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: [], options: { colour: 1 } }, '$.options.colour'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: [], options: { holdout: 2, runId: 'r' } }, '$.options.holdout'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: [], options: { holdout: 0.5 } }, '$.options.runId'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: [], options: { lifecycle: { minLift: 'x' } } },
      '$.options.lifecycle.minLift'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: [], options: { lifecycle: { unseenRuns: 0 } } },
      '$.options.lifecycle.unseenRuns'],
    ['/enhance', { prompt: 'p', scope: 'entity', target: 'Product', patterns: [], options: { lifecycle: { age: 1 } } },
      '$.options.lifecycle.age'],
  ];
  for (const [route, body, p] of bad) {
    const e = await expectError(await post(open, route, body), 400, 'field');
    assert.equal(e.path, p, `${route} ${JSON.stringify(body)}: ${e.message}`);
  }
});

// A POST that sends its headers and `chunks`, then waits for the answer without ending the body,
// as a client streaming an upload does. Why not fetch: a server that refuses a body early closes
// the connection with the rest unread, and a client still writing then loses the answer to a reset
// (undici reports "fetch failed"); stopping at the limit keeps the test about the server alone.
function postUnfinished(server, route, chunks, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${route}`, {
      method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers },
    });
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`no answer from ${route} within 10 s`)); }, 10_000);
    req.on('error', (e) => { clearTimeout(timer); reject(e); });
    req.on('response', (res) => {
      const body = [];
      res.on('data', (d) => body.push(d));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve(new Response(Buffer.concat(body), { status: res.statusCode, headers: res.headers }));
      });
    });
    req.flushHeaders();
    for (const c of chunks) req.write(c);
  });
}

test('edge: a body over MAX_BODY_BYTES is 413, by Content-Length or while streaming', { skip }, async () => {
  const limit = 1024 * 1024; // the default
  // a declared length over the limit is refused before any of the body is sent
  await expectError(await postUnfinished(open, '/classify', [], { 'content-length': String(limit + 1) }), 413, 'too_large');
  // just under the limit is accepted
  const fits = JSON.stringify({ text: `KeyError: '${'x'.repeat(limit - 40)}'` });
  assert.equal((await post(open, '/classify', fits, { raw: true })).status, 200);
  // chunked, without Content-Length: refused once one byte more than the limit has arrived
  const chunk = Buffer.alloc(64 * 1024, ' ');
  const chunks = [...Array(limit / chunk.length).fill(chunk), Buffer.from(' ')];
  await expectError(await postUnfinished(open, '/classify', chunks), 413, 'too_large');
  // a configured limit (4096 bytes on the locked server)
  const auth = { authorization: `Bearer ${TOKEN}` };
  await expectError(await postUnfinished(locked, '/classify', [Buffer.alloc(4097, ' ')], auth), 413, 'too_large');
  assert.equal((await post(locked, '/classify', { text: 'x'.repeat(4000) }, { headers: auth })).status, 200);
});

test('edge: a request that is not JSON is 415', { skip }, async () => {
  await expectError(await post(open, '/classify', "KeyError: 'a'", { raw: true, headers: { 'content-type': 'text/plain' } }), 415, 'content_type');
  const res = await fetch(`${open.url}/classify`, { method: 'POST', body: new Uint8Array([123, 125]) });
  await expectError(res, 415, 'content_type');
  assert.equal((await post(open, '/classify', { text: "KeyError: 'a'" }, { headers: { 'content-type': 'application/json; charset=UTF-8' } })).status, 200);
});

test('edge: with TOKEN configured a missing or wrong bearer token is 401 with WWW-Authenticate', { skip }, async () => {
  const body = { text: "KeyError: 'a'" };
  let res = await post(locked, '/classify', body);
  await expectError(res, 401, 'unauthorized');
  assert.match(res.headers.get('www-authenticate'), /^Bearer realm="forewarn"/);
  for (const authorization of [`Bearer ${TOKEN}x`, 'Bearer wrong', `Basic ${btoa(`u:${TOKEN}`)}`, `Bearer ${TOKEN.slice(0, -1)}`]) {
    res = await post(locked, '/classify', body, { headers: { authorization } });
    await expectError(res, 401, 'unauthorized');
    assert.match(res.headers.get('www-authenticate'), /^Bearer/);
  }
  res = await post(locked, '/classify', body, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).category, fw.classify(body.text).category);
  // the open server needs none
  assert.equal((await post(open, '/classify', body)).status, 200);
});

test('edge: CORS headers for the configured origin only; its preflight is answered', { skip }, async () => {
  const body = { text: "KeyError: 'a'" };
  let res = await post(open, '/classify', body, { headers: { origin: ORIGIN } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(res.headers.get('vary'), /Origin/);
  res = await post(open, '/classify', body, { headers: { origin: 'https://evil.example.test' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  // errors carry them too, so the page can read them
  res = await post(open, '/classify', '{', { raw: true, headers: { origin: ORIGIN } });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  const preflight = (origin) => fetch(`${open.url}/classify`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  res = await preflight(ORIGIN);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(res.headers.get('access-control-allow-methods'), /\bPOST\b/);
  assert.match(res.headers.get('access-control-allow-headers').toLowerCase(), /authorization/);
  assert.match(res.headers.get('access-control-allow-headers').toLowerCase(), /content-type/);
  res = await preflight('https://evil.example.test');
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  assert.equal(res.headers.get('access-control-allow-methods'), null);
  // a server without ALLOWED_ORIGIN sends none (preflights need no token)
  res = await fetch(`${locked.url}/classify`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
});

test('edge: an unknown route is 404 and GET is 405 with Allow', { skip }, async () => {
  await expectError(await post(open, '/nope', { text: 'x' }), 404, 'not_found');
  await expectError(await fetch(`${open.url}/`), 404, 'not_found');
  for (const route of ['/classify', '/enhance']) {
    const res = await fetch(open.url + route);
    await expectError(res, 405, 'method');
    assert.match(res.headers.get('allow'), /\bPOST\b/);
  }
  await expectError(await fetch(`${open.url}/classify`, { method: 'PUT', body: '{}' }), 405, 'method');
});

test('edge: invalid UTF-8 and empty text are refused with 422 and the core\'s code', { skip }, async () => {
  // raw bytes that are not UTF-8 in the body
  const bytes = Buffer.concat([Buffer.from('{"text": "KeyError: \''), Buffer.from([0xff, 0xfe]), Buffer.from('\'"}')]);
  await expectError(await post(open, '/classify', bytes, { raw: true }), 422, 'utf8');
  // a lone surrogate escape is not encodable as UTF-8: refused as JSON, as the CLI refuses it
  await expectError(await post(open, '/classify', '{"text": "KeyError: \'\\udc80\'"}', { raw: true }), 400, 'json');
  await expectError(await post(open, '/classify', { text: '' }), 422, 'empty');
  await expectError(await post(open, '/classify', { text: ' \n\t ' }), 422, 'empty');
  // an IR the core refuses: 422 with the JSON path
  const e = await expectError(await post(open, '/classify', { text: "KeyError: 'a'", ir: { entities: 'x' } }), 422, 'schema');
  assert.match(e.path, /^\$/);
  // the isolate still serves
  assert.equal((await post(open, '/classify', { text: traceback })).status, 200);
});

test('edge: with Neo4j configured but down, /enhance without patterns is a 503 JSON error after the retries', { skip }, async () => {
  const headers = { authorization: `Bearer ${TOKEN}` };
  const request = { prompt: 'Write the Product model.', scope: 'entity', target: 'Product' };
  const t0 = Date.now();
  const res = await post(locked, '/enhance', request, { headers });
  const e = await expectError(res, 503, 'neo4j_unavailable');
  assert.ok(Date.now() - t0 >= 600, 'no backoff between the attempts (2 retries: 200 + 400 ms)');
  assert.match(res.headers.get('retry-after'), /^\d+$/);
  assert.equal(e.message.startsWith(`Neo4j at ${neo4jDown} is unreachable: `), true, e.message);
  assert.match(e.message, /\(3 attempts\)$/);
  assert.doesNotMatch(e.message, /unused-password/); // never a credential
  // patterns sent in the request are used as without Neo4j
  const ok = await post(locked, '/enhance', { ...request, patterns: [] }, { headers });
  assert.equal(ok.status, 200);
  const out = await ok.json();
  assert.equal(out.prompt.trimEnd(), 'Write the Product model.');
  assert.deepEqual(out.injected, []);
});

test('edge: a rule pack slow on the text fails the request with 422 "budget", not a tied-up worker', { skip }, async () => {
  // 400 synthetic rules that backtrack over a 12-letter word without matching (no digit comes)
  const rules = {
    format_version: 1,
    rules: Array.from({ length: 400 }, (_, i) => ({ id: `slow${i}`, category: 'missing_key', message: `(?:\\w+\\s?)*\\d${'x'.repeat(i % 40)}` })),
  };
  const e = await expectError(await post(open, '/classify', { text: 'KeyError: aaaaaaaaaaaa\n'.repeat(30), rules }), 422, 'budget');
  assert.match(e.message, /budget exceeded/);
  assert.equal((await post(open, '/classify', { text: "KeyError: 'sku'", rules })).status, 200);
});
