// Hostile input bounded in the JavaScript API (wasm/forewarn.mjs; issue 13, JS side): Neo4jStore
// refuses redirects (credentials stay with the configured origin), validates its numeric options,
// caps its backoff and the size of an answer; numbers handed to the core cannot wrap around; a
// handle deleted from inside a call (a toJSON, a getter, a Date's toISOString) is freed when the
// call returns, never while it is used; a lying Uint8Array subclass cannot overflow a buffer; the
// `redact` option adds user redaction patterns. No real network: fake fetch functions and local
// node:http servers on 127.0.0.1. Skipped, saying why, when wasm/dist/forewarn.wasm is not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';
import { serveHttp as serve } from './http_server.mjs';

const wasmPath = path.join(root, 'wasm', 'dist', 'forewarn.wasm');
const built = existsSync(wasmPath);
const skip = built ? false : `${path.relative(root, wasmPath)} is not built (run scripts/build-wasm.sh)`;
const { Forewarn, ForewarnError } = await import('../../wasm/forewarn.mjs');
const fw = built ? await Forewarn.load() : null;
const wasmModule = built ? await WebAssembly.compile(readFileSync(wasmPath)) : null;

const PASSWORD = 'pw-never-shown-7f3a';
const TEXT = 'sqlite3.IntegrityError: NOT NULL constraint failed: products.category_id';
const irDoc = JSON.parse(readFileSync(path.join(root, 'examples/shop/ir.json'), 'utf8'));
const emptyStore = { format: 'forewarn-store', version: 1, patterns: [], unclassified: [], runs: [] };
// What Neo4j's Query API answers to a schema statement: migrate() accepts it.
const OK_ANSWER = JSON.stringify({ data: { fields: [], values: [] }, bookmarks: [] });
const okResponse = () => new Response(OK_ANSWER, { status: 202, headers: { 'content-type': 'application/json' } });

const isNeo4jError = (re) => (e) => {
  assert.ok(e instanceof ForewarnError, `a ForewarnError, got ${e}`);
  assert.equal(e.code, 'neo4j');
  assert.match(e.message, re);
  assert.ok(!e.message.includes(PASSWORD), 'the password is not in the message');
  return true;
};


// ---- 1. Redirects are refused -------------------------------------------------------------

test('Neo4jStore refuses a redirect to another origin: the credentials never leave', { skip }, async () => {
  const other = await serve((req, res) => res.writeHead(202, { 'content-type': 'application/json' }).end(OK_ANSWER));
  const first = await serve((req, res) => res.writeHead(307, { location: `${other.url}${req.url}` }).end());
  const same = await serve((req, res) => res.writeHead(308, { location: `/elsewhere${req.url}` }).end());
  try {
    const store = new fw.Neo4jStore({ uri: first.url, password: PASSWORD, retries: 3, backoffMs: 0 });
    await assert.rejects(store.migrate(), isNeo4jError(new RegExp(`^Neo4j at ${first.url} .*redirect.*refused`, 'i')));
    assert.equal(other.seen.length, 0, 'nothing reached the other origin');
    assert.equal(first.seen.length, 1, 'a refused redirect is not retried');
    // same-origin redirects are refused too (the Query API never redirects)
    const local = new fw.Neo4jStore({ uri: same.url, password: PASSWORD, backoffMs: 0 });
    await assert.rejects(local.migrate(), isNeo4jError(/redirect/i));
    assert.equal(same.seen.length, 1);
  } finally {
    await Promise.all([other.close(), first.close(), same.close()]);
  }
});

test("Neo4jStore asks fetch not to follow redirects and refuses a browser's opaque redirect", { skip }, async () => {
  const inits = [];
  const opaque = async (url, init) => {
    inits.push(init);
    // what a browser's fetch gives for redirect: 'manual' (a Response cannot be built this way)
    return { type: 'opaqueredirect', status: 0, ok: false, redirected: false, headers: new Headers(), body: null, text: async () => '' };
  };
  const store = new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: opaque, backoffMs: 0 });
  await assert.rejects(store.stats(), isNeo4jError(/^Neo4j at http:\/\/neo4j\.test:7474 .*redirect.*refused/i));
  assert.equal(inits[0].redirect, 'manual');
  assert.equal(store.requests, 1);
});

// ---- 2. Numeric options validated ---------------------------------------------------------

test('Neo4jStore numeric options: integers in range, else a TypeError naming option and value', { skip }, () => {
  const make = (o) => new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: okResponse, ...o });
  const bad = ['abc', '3', -1, 1.5, NaN, Infinity, -Infinity, 1e20, true, {}, 2 ** 32];
  const ranges = { retries: [0, 10], timeoutMs: [0, 600000], backoffMs: [0, 10000], maxResponseBytes: [1, 2 ** 31 - 1] };
  for (const [name, [lo, hi]] of Object.entries(ranges)) {
    for (const v of [...bad, lo - 1, hi + 1]) {
      assert.throws(() => make({ [name]: v }), (e) => {
        assert.ok(e instanceof TypeError, `${name}: ${String(v)} gives a TypeError, got ${e}`);
        assert.ok(e.message.includes(name), `names the option: ${e.message}`);
        assert.ok(e.message.includes(typeof v === 'string' ? JSON.stringify(v) : String(v)), `names the value: ${e.message}`);
        return true;
      }, `${name}: ${String(v)} is refused`);
    }
    make({ [name]: lo });
    make({ [name]: hi });
    make({ [name]: undefined }); // the default
  }
});

// ---- 3. The backoff is capped -------------------------------------------------------------

test('Neo4jStore backoff doubles up to 10 s, never further', { skip }, async () => {
  const waits = [];
  const realSetTimeout = globalThis.setTimeout;
  // the retries' sleeps are recorded and skipped (no 100 s test); other timers (sockets of the
  // servers above) run as they are
  globalThis.setTimeout = (fn, ms, ...args) => {
    if (!/forewarn\.mjs/.test(new Error().stack)) return realSetTimeout(fn, ms, ...args);
    waits.push(ms);
    return realSetTimeout(fn, 0, ...args);
  };
  try {
    const down = async () => { throw new TypeError('fetch failed'); };
    const store = new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: down, retries: 10, backoffMs: 1000, timeoutMs: 0 });
    await assert.rejects(store.stats(), isNeo4jError(/unreachable.*\(11 attempts\)/));
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000, 10000, 10000]);
});

// ---- 4. The answer's size is bounded ------------------------------------------------------

// A Response whose body is `total` bytes of blanks in 64 KiB chunks, read on demand only.
function bigAnswer(total, headers = {}) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream({
    pull(c) {
      if (state.pulled >= total) return c.close();
      state.pulled += chunk.length;
      c.enqueue(chunk.slice());
    },
    cancel() { state.cancelled = true; },
  }, { highWaterMark: 0 });
  return { state, response: new Response(body, { status: 200, headers }) };
}

test('Neo4jStore stops reading an answer over maxResponseBytes and cancels it', { skip }, async () => {
  const limit = 1024 * 1024;
  const big = bigAnswer(16 * limit);
  const store = new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: async () => big.response, maxResponseBytes: limit });
  await assert.rejects(store.stats(), isNeo4jError(new RegExp(`^Neo4j at http://neo4j\\.test:7474: the answer is larger than the limit of ${limit} bytes`)));
  assert.ok(big.state.cancelled, 'the stream is cancelled');
  assert.ok(big.state.pulled <= limit + 2 * 64 * 1024, `read ${big.state.pulled} bytes of a ${limit}-byte limit`);
  assert.equal(store.requests, 1, 'not retried');
});

test('Neo4jStore refuses a Content-Length over the limit before reading; the default is 64 MiB', { skip }, async () => {
  const declared = bigAnswer(8 * 1024 * 1024, { 'content-length': String(64 * 1024 * 1024 + 1) });
  const store = new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: async () => declared.response });
  await assert.rejects(store.stats(), isNeo4jError(/larger than the limit of 67108864 bytes/));
  assert.equal(declared.state.pulled, 0, 'nothing read');
  assert.ok(declared.state.cancelled);
  // an answer within the limit goes through, streamed or not
  const fine = new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: async () => okResponse(), maxResponseBytes: OK_ANSWER.length });
  assert.deepEqual(await fine.migrate(), { statements: 10, added: 0 });
  const tiny = new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: async () => okResponse(), maxResponseBytes: OK_ANSWER.length - 1 });
  await assert.rejects(tiny.migrate(), isNeo4jError(/larger than the limit/));
});

// ---- 5. Numbers that go to the core cannot wrap around -------------------------------------

test('numeric options passed to the core are integers in 0..2^31-1, else a TypeError', { skip }, async () => {
  const store = new fw.MemoryStore();
  try {
    for (const v of [-1, 1.5, NaN, Infinity, 2 ** 32 + 10, 2 ** 31, '5', true]) {
      const names = (e) => e instanceof TypeError && e.message.includes(String(v));
      assert.throws(() => fw.classify('x'.repeat(100), { maxInput: v }), (e) => names(e) && /maxInput/.test(e.message), `maxInput: ${v}`);
      assert.throws(() => fw.raw.classifyRecord('{"id": 1, "text": "x"}', { maxInput: v }), /maxInput/);
      for (const k of ['maxPatterns', 'minOccurrences', 'budget', 'quoteCap']) {
        assert.throws(() => fw.enhance('p', { entity: 'Product' }, store, { [k]: v }), (e) => names(e) && e.message.includes(k), `${k}: ${v}`);
      }
    }
    // 2^32 + 10 used to reach the core as 10
    assert.throws(() => fw.classify('x'.repeat(100), { maxInput: 2 ** 32 + 10 }), TypeError);
    // defaults, null and the largest value are accepted
    assert.equal(fw.classify(TEXT, { maxInput: 2 ** 31 - 1, now: null }).category, 'nullable_missing');
    assert.equal(fw.classify(TEXT, { maxInput: null, now: null }).category, 'nullable_missing');
    fw.enhance('p', { entity: 'Product' }, store, { maxPatterns: 0, minOccurrences: null, budget: 2 ** 31 - 1, quoteCap: 1 });
    // the Neo4j store's enhance checks its minOccurrences before any request
    let requests = 0;
    const neo = new fw.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: async () => { requests++; return okResponse(); } });
    await assert.rejects(neo.enhance('p', { entity: 'Product' }, { minOccurrences: 2 ** 32 + 1 }), /minOccurrences/);
    assert.equal(requests, 0);
  } finally {
    store.delete();
  }
});

// ---- 6. Re-entrant delete() -----------------------------------------------------------------

// In a fresh instance (a use after free must not spoil the shared one): `fn(fw, del)` where
// del(handle) deletes it from inside the call and records the heap right before and after. A
// deferred free leaves the heap as it was inside the call and frees everything once it returns
// (`deferred: false` where the API runs the user's code before it takes any pointer).
async function reentrant(fn, { deferred = true } = {}) {
  const fresh = await Forewarn.instantiate(wasmModule);
  fresh.classify(TEXT, { now: null }); // the default rules, compiled once
  // a rule set made and deleted once: the heap has grown to its peak (the allocator's region
  // headers for that growth stay counted), so what remains below is what the call left
  new fresh.Rules().delete();
  const base = fresh.memoryStats().heapUsed;
  const during = [];
  const del = (h) => {
    const before = fresh.memoryStats().heapUsed;
    h.delete();
    during.push(fresh.memoryStats().heapUsed - before);
  };
  let outcome;
  try {
    outcome = { value: fn(fresh, del) };
    if (outcome.value instanceof Promise) outcome = { value: await outcome.value };
  } catch (e) {
    outcome = { error: e };
  }
  assert.ok(!(outcome.error instanceof WebAssembly.RuntimeError), `no trap: ${outcome.error?.message}`);
  assert.ok(during.length > 0, 'the callback ran');
  if (deferred) assert.deepEqual(during, during.map(() => 0), 'nothing freed while the call used it');
  assert.equal(fresh.memoryStats().heapUsed, base, 'everything freed once the call returned');
  // and the instance still works as a clean one
  assert.deepEqual(fresh.classify(TEXT, { ir: irDoc, now: null }), fw.classify(TEXT, { ir: irDoc, now: null }));
  return outcome;
}

const afterDelete = (fn, what) => assert.throws(fn, (e) => e instanceof ForewarnError && e.message === `${what} used after delete()`);

test('re-entrant delete(): a store deleted by the toJSON of its own input', { skip }, async () => {
  let s;
  await reentrant((f, del) => {
    s = new f.MemoryStore();
    return s.load({ toJSON() { del(s); return emptyStore; } });
  });
  afterDelete(() => s.size, 'MemoryStore');
  await reentrant((f, del) => {
    s = new f.MemoryStore();
    return s.query({ toJSON() { del(s); return {}; } });
  });
  afterDelete(() => s.stats(), 'MemoryStore');
  await reentrant((f, del) => {
    s = new f.MemoryStore();
    return s.get({ toString() { del(s); return 'ap1-0000000000000000'; } });
  });
  await reentrant((f, del) => {
    s = new f.MemoryStore();
    return f.raw.apply(s, { toJSON() { del(s); return {}; } });
  });
});

test('re-entrant delete(): enhance whose target getter deletes the store', { skip }, async () => {
  let s;
  const { value } = await reentrant((f, del) => {
    s = new f.MemoryStore();
    return f.enhance('Generate it.', { get entity() { del(s); return 'Product'; } }, s);
  });
  assert.ok(value.prompt.startsWith('Generate it.'), value.prompt);
  afterDelete(() => s.serialize(), 'MemoryStore');
});

test('re-entrant delete(): classify whose IR document deletes the rules, whose now deletes the IR', { skip }, async () => {
  let rules, ir;
  const a = await reentrant((f, del) => {
    rules = new f.Rules();
    return f.classify(TEXT, { rules, now: null, ir: { toJSON() { del(rules); return irDoc; } } });
  });
  assert.equal(a.value.ir.entity_name, 'Product');
  afterDelete(() => rules.count, 'Rules');
  const b = await reentrant((f, del) => {
    ir = new f.IR(irDoc);
    const now = new Date(0);
    now.toISOString = () => { del(ir); return '2026-01-01T00:00:00.000Z'; };
    return f.classify(TEXT, { ir, now });
  });
  assert.equal(b.value.ir.entity_name, 'Product');
  afterDelete(() => ir.toJSON(), 'IR');
  // a pack added from inside a call: the classifier in use is replaced once the call returns
  await reentrant((f, del) => {
    rules = new f.Rules();
    try {
      return f.classify(TEXT, { rules, now: null, ir: { toJSON() { rules.addPack({ format_version: 1 }); del(rules); return irDoc; } } });
    } finally {
      rules.delete();
    }
  });
});

test('re-entrant delete(): Neo4jStore.enhance whose option getter deletes the IR', { skip }, async () => {
  let ir;
  let requests = 0;
  const { error } = await reentrant((f, del) => {
    ir = new f.IR(irDoc);
    const neo = new f.Neo4jStore({ uri: 'http://neo4j.test:7474', password: PASSWORD, fetch: async () => { requests++; return okResponse(); } });
    return neo.enhance('p', { entity: 'Product' }, { ir, get minOccurrences() { del(ir); return 1; } });
  }, { deferred: false });
  // the options are read before the IR is used: the deleted IR is refused, nothing is sent
  assert.ok(error instanceof ForewarnError && error.message === 'IR used after delete()', `got ${error}`);
  assert.equal(requests, 0);
  afterDelete(() => ir.toJSON(), 'IR');
});

// ---- Bytes: a lying subclass cannot overflow the copy ------------------------------------

test('a Uint8Array subclass with a lying length is copied by its real length', { skip }, async () => {
  class Liar extends Uint8Array {
    get length() { return 1; }
    get byteLength() { return 1; }
  }
  const fresh = await Forewarn.instantiate(wasmModule);
  const bytes = new TextEncoder().encode(TEXT);
  const liar = new Liar(bytes.length);
  liar.set(bytes);
  assert.equal(fresh.classify(liar, { now: null }).message, fw.classify(TEXT, { now: null }).message);
  assert.deepEqual(fresh.classify(TEXT, { ir: irDoc, now: null }), fw.classify(TEXT, { ir: irDoc, now: null }));
  // a Proxy is not bytes
  assert.throws(() => fresh.classify(new Proxy(bytes, {})), TypeError);
});

// ---- 7. The redact option -----------------------------------------------------------------

test('redact: user patterns replace an internal token in the classification and the change set', { skip }, () => {
  const ticket = { id: 'acme.ticket', pattern: 'ACME-[0-9]{6}', replace: '<ticket>' };
  const text = `${TEXT} (ticket ACME-123456)`;
  assert.match(fw.classify(text, { now: null }).message, /ACME-123456/, 'not redacted by default');
  for (const redact of [[ticket], { redact: [ticket] }, JSON.stringify({ format_version: 1, redact: [ticket] })]) {
    const c = fw.classify(text, { redact, now: null });
    assert.equal(c.message, `${TEXT.replace(/^.*?: /, '')} (ticket <ticket>)`);
    assert.ok(!JSON.stringify(c).includes('ACME-'), 'nowhere in the classification');
    assert.equal(c.category, 'nullable_missing');
  }
  const rec = fw.classifyRecord(JSON.stringify({ id: 1, text }), { redact: [ticket], now: null });
  assert.ok(!JSON.stringify(rec).includes('ACME-'));
  const smoke = {
    run_id: 'redact-run',
    violations: [{ endpoint: 'POST /products', status_code: 500, expected_status: 201, error_type: 'database', message: 'Internal Server Error' }],
    stack_traces: [{ endpoint: 'POST /products', traceback: text }],
  };
  assert.match(JSON.stringify(fw.changeset(smoke, null, null, { now: null })), /ACME-/);
  assert.ok(!JSON.stringify(fw.changeset(smoke, null, null, { redact: [ticket], now: null })).includes('ACME-'));
  const store = new fw.MemoryStore();
  try {
    fw.collect(smoke, null, null, store, { redact: [ticket], now: null });
    assert.ok(!store.serialize().includes('ACME-'));
  } finally {
    store.delete();
  }
  // the core's checks apply; a pack with other sections, or rules beside redact, is refused
  assert.throws(() => fw.classify(text, { redact: [{ id: 'bad', pattern: '(' }] }), (e) => e.code === 'rule_compile' && e.ruleId === 'bad');
  assert.throws(() => fw.classify(text, { redact: { rules: [] } }), (e) => e instanceof TypeError && /redact/.test(e.message));
  assert.throws(() => fw.classify(text, { redact: 42 }), TypeError);
  const rules = new fw.Rules();
  try {
    assert.throws(() => fw.classify(text, { rules, redact: [ticket] }), (e) => e instanceof TypeError && /redact/.test(e.message));
  } finally {
    rules.delete();
  }
});

// 400 synthetic rules that backtrack over a 12-letter word without matching (no digit comes).
const slowPack = {
  format_version: 1,
  rules: Array.from({ length: 400 }, (_, i) => ({ id: `slow${i}`, category: 'missing_key', message: `(?:\\w+\\s?)*\\d${'x'.repeat(i % 40)}` })),
};
const slowText = 'KeyError: aaaaaaaaaaaa\n'.repeat(30);

test('deadlineMs: a slow rule pack fails the text with "budget"; the next text classifies', { skip }, () => {
  const rules = new fw.Rules(slowPack);
  try {
    assert.throws(() => fw.classify(slowText, { rules, deadlineMs: 20 }),
      (e) => e instanceof ForewarnError && e.code === 'budget' && /budget exceeded/.test(e.message));
    assert.equal(fw.classify("KeyError: 'sku'", { rules, deadlineMs: 20 }).category, 'missing_key');
    const rec = fw.classifyRecord(JSON.stringify({ id: 4, text: slowText }), { rules, deadlineMs: 20 });
    assert.equal(rec.id, 4);
    assert.equal(rec.error.code, 'budget');
    for (const bad of [0, -1, 1.5, '20', 3600001]) assert.throws(() => fw.classify('x', { deadlineMs: bad }), TypeError);
  } finally {
    rules.delete();
  }
});

test('checkJson refuses what every core reader refuses: a key twice, a NUL, broken JSON', { skip }, () => {
  fw.checkJson('{"a": 1, "b": [1, {"c": 2}]}');
  const refused = [
    ['{"a": 1, "b": [1, {"c": 2, "c": 3}]}', /\$\.b\[1\]: the document has the key "c" twice/],
    ['{"text": "a\\u0000b"}', /NUL character/],
    ['{"a": ', /not valid JSON/],
  ];
  for (const [text, message] of refused) {
    assert.throws(() => fw.checkJson(text), (e) => e instanceof ForewarnError && e.code === 'json' && message.test(e.message), text);
  }
  // the same document through the core's own readers
  assert.throws(() => fw.validateSmoke('{"run_id": "a", "run_id": "b", "violations": []}'), (e) => e.code === 'json' && /twice/.test(e.message));
});

test('Neo4jStore: a uri whose user or password holds a malformed %-escape is refused, not echoed', { skip }, () => {
  assert.throws(() => new fw.Neo4jStore({ uri: `http://neo4j:${PASSWORD}%zz@127.0.0.1:7474` }),
    (e) => e instanceof ForewarnError && e.code === 'argument' && /malformed %-escape/.test(e.message) && !e.message.includes(PASSWORD));
  // a well-formed escape is decoded (%40 is "@"), as natively
  assert.doesNotThrow(() => new fw.Neo4jStore({ uri: `http://neo4j:${PASSWORD}%40x@127.0.0.1:7474` }));
});
