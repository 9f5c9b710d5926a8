// Secrets never leave, the channels secrets.test.mjs does not reach: the SYNTHETIC secret-bearing
// error texts of secret_texts.mjs (every secret made up) go into Neo4j request bodies (the CLI and
// the JS Neo4jStore against a fake Query API that records every body), into the nodes of a real
// Neo4j (read back whole), through the edge function in workerd (/classify, /enhance: bodies and
// headers) and through the web page in Chromium (DOM, localStorage, IndexedDB, caches, the exported
// store, console). No secret appears in any of them; each test also finds a non-secret part of
// the same texts, so it sees the data it checks. Parts whose tools are missing skip, saying why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { bin, root, tempDir } from './helpers.mjs';
import { startWorkerd, workerdSkipReason } from './workerd.mjs';
import { neo4jEnv, neo4jQuery, neo4jSkipReason, neo4jTeardown, startNeo4j } from './neo4j.mjs';
import { launchBrowser, openPage, serveWeb, webSkipReason } from './web.mjs';
import { cases } from './secret_texts.mjs';

const NOW = '2026-01-01T00:00:00Z';
const irPath = path.join(root, 'examples', 'shop', 'ir.json');
const shopIR = JSON.parse(readFileSync(irPath, 'utf8'));
const wasmPath = path.join(root, 'wasm', 'dist', 'forewarn.wasm');
const wasmSkip = !existsSync(wasmPath) && `${path.relative(root, wasmPath)} is not built (scripts/build-wasm.sh)`;
const endpointOf = (i) => (i % 2 ? 'POST /customers' : 'POST /products');

// The secrets found in `text` (an empty list is the pass).
const leaked = (text) => cases.map(([, secret]) => secret).filter((s) => text.includes(s));
const noSecret = (text, where) => assert.deepEqual(leaked(text), [], `secret(s) in ${where}`);

// A SmokeTestResult holding every text once: a violation per text and its traceback on the same
// endpoint (the collector only classifies tracebacks matched to a violation).
function smokeRun(runId) {
  return {
    run_id: runId,
    violations: cases.map((_, i) => ({ endpoint: endpointOf(i), status_code: 500, expected_status: 201,
      error_type: 'database', message: 'Internal Server Error' })),
    stack_traces: cases.map(([traceback], i) => ({ endpoint: endpointOf(i), traceback })),
  };
}

// Non-secret parts of the texts that survive redaction: whoever holds them saw the texts.
const NEIGHBOURS = ['db.internal', 'api.example.test', 'Key (email)=', 'users.name', 'cluster0.example.net'];
const hasNeighbours = (text, where) => {
  const missing = NEIGHBOURS.filter((n) => !text.includes(n));
  assert.deepEqual(missing, [], `${where} lacks parts of the texts: did they reach it?`);
};

let wasm; // the WASM API, loaded once
const loadWasm = async () => {
  if (!wasm) wasm = await (await import('../../wasm/forewarn.mjs')).Forewarn.load();
  return wasm;
};

// ---- 1. Neo4j request bodies: a fake Query API records them ------------------------------------

// What the write's RETURN gives (cypher_response.c: applied, created, updated, repeated,
// prevented, not_prevented); a schema statement ignores the row, a read finds no lists in it.
const APPLIED = JSON.stringify({
  data: { fields: ['applied', 'created', 'updated', 'repeated', 'prevented', 'not_prevented'], values: [[true, 1, 0, 0, 0, 0]] },
  bookmarks: [],
});

async function fakeNeo4j() {
  const bodies = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      bodies.push({ url: req.url, body });
      res.writeHead(202, { 'content-type': 'application/json' }).end(APPLIED);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    bodies, url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// The CLI, asynchronously (the fake servers live in this process), no Neo4j settings from outside.
function fw(args, env = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('NEO4J_') || k.startsWith('FOREWARN_NEO4J_')) delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: root,
      env: { ...base, FOREWARN_STORE: '', FOREWARN_NOW: NOW, FOREWARN_NEO4J_BACKOFF_MS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// The Cypher parameters of the write: the whole run in one request.
function writeParameters(bodies) {
  const writes = bodies.map((b) => JSON.parse(b)).filter((b) => b.parameters?.run_id !== undefined);
  assert.equal(writes.length, 1, 'one write per run');
  return writes[0].parameters;
}

function checkWrite(parameters, runId) {
  assert.equal(parameters.run_id, runId);
  assert.ok(parameters.violations >= cases.length, `${parameters.violations} violations sent`);
  assert.ok(parameters.observations.length > 0 && parameters.unclassified.length > 0, 'patterns and unclassified groups were sent');
  hasNeighbours(JSON.stringify(parameters), 'the write');
}

test('Neo4j request bodies from forewarn ingest hold no secret', async () => {
  const dir = tempDir('fw-secrets-neo4j-');
  const smoke = path.join(dir, 'run.json');
  writeFileSync(smoke, JSON.stringify(smokeRun('secrets-neo4j-cli')));
  const s = await fakeNeo4j();
  try {
    const r = await fw(['ingest', '--smoke', smoke, '--ir', irPath, '--store', `neo4j+${s.url}`, '--json'],
      { NEO4J_PASSWORD: 'fake-server-password' });
    assert.equal(r.status, 0, r.stderr);
    noSecret(r.stdout + r.stderr, 'the output of ingest');
    assert.ok(s.bodies.length >= 1 && s.bodies.every((b) => b.url === '/db/neo4j/query/v2'), JSON.stringify(s.bodies.map((b) => b.url)));
    for (const [i, b] of s.bodies.entries()) noSecret(b.body, `request body ${i}`);
    checkWrite(writeParameters(s.bodies.map((b) => b.body)), 'secrets-neo4j-cli');
  } finally {
    await s.close();
  }
});

test('Neo4j request bodies from the JS Neo4jStore hold no secret', { skip: wasmSkip }, async () => {
  const api = await loadWasm();
  const bodies = [];
  const fetch = async (url, init) => {
    bodies.push(String(init.body));
    return new Response(APPLIED, { status: 202, headers: { 'content-type': 'application/json' } });
  };
  const store = new api.Neo4jStore({ uri: 'http://127.0.0.1:1', password: 'fake-server-password', fetch, retries: 0 });
  const result = await store.collect(smokeRun('secrets-neo4j-js'), shopIR, null, { now: NOW });
  noSecret(JSON.stringify(result), 'the result of collect');
  assert.ok(bodies.length >= 1);
  for (const [i, b] of bodies.entries()) noSecret(b, `request body ${i}`);
  checkWrite(writeParameters(bodies), 'secrets-neo4j-js');
});

// ---- 2. Stored nodes in a real Neo4j ------------------------------------------------------------

const neo4jSkip = neo4jSkipReason();
test('the nodes a real Neo4j holds after secret-bearing ingests hold no secret', { skip: neo4jSkip, timeout: 150_000 }, async (t) => {
  const work = tempDir('fw-secrets-neo4j-real-');
  const state = path.join(work, 'server');
  const stop = neo4jTeardown(state, work);
  try {
    // this file stays well under two minutes: a server not ready in 90 s is skipped (it also
    // stops by itself when this process ends)
    const started = await Promise.race([startNeo4j(state, `fw-${randomBytes(12).toString('hex')}`),
      new Promise((resolve) => setTimeout(() => resolve({ code: 'timeout' }), 90_000).unref())]);
    if (started.code === 'timeout') return t.skip('Neo4j (tests/neo4j/start.sh) was not ready within 90 s');
    if (started.code !== 0) {
      return t.skip(`tests/neo4j/start.sh could not start Neo4j (exit ${started.code}): ${started.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    }
    const env = neo4jEnv(state);
    const smoke = path.join(work, 'run.json');
    writeFileSync(smoke, JSON.stringify(smokeRun('secrets-real-cli')));
    const r = await fw(['ingest', '--smoke', smoke, '--ir', irPath, '--store', `neo4j+${env.NEO4J_URI}`, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    noSecret(r.stdout + r.stderr, 'the output of ingest');
    if (!wasmSkip) {
      const api = await loadWasm();
      const store = new api.Neo4jStore({ uri: env.NEO4J_URI, username: env.NEO4J_USERNAME, password: env.NEO4J_PASSWORD,
        database: env.NEO4J_DATABASE });
      await store.collect(smokeRun('secrets-real-js'), shopIR, null, { now: NOW });
    }
    // every node and relationship, all their labels and properties
    const nodes = await neo4jQuery(env, 'MATCH (n) RETURN labels(n) AS labels, properties(n) AS props');
    const rels = await neo4jQuery(env, 'MATCH ()-[r]->() RETURN type(r) AS type, properties(r) AS props');
    const all = JSON.stringify([nodes, rels]);
    noSecret(all, 'the stored nodes and relationships');
    const labels = new Set(nodes.values.flatMap(([l]) => l));
    for (const l of ['ForewarnRun', 'GenerationAntiPattern', 'ForewarnUnclassified']) assert.ok(labels.has(l), `no ${l} node: ${[...labels]}`);
    assert.ok(all.includes('secrets-real-cli') && (wasmSkip || all.includes('secrets-real-js')), 'both runs are stored');
    hasNeighbours(all, 'the stored nodes');
    // the server's own log (it would name a failing statement)
    const log = path.join(state, 'server.log');
    if (existsSync(log)) noSecret(readFileSync(log, 'utf8'), 'the Neo4j server log');
  } finally {
    stop();
  }
});

// ---- 3. Edge responses ---------------------------------------------------------------------------

const edgeSkip = wasmSkip || workerdSkipReason();

describe('edge responses', { skip: edgeSkip }, () => {
  let edge;
  before(async () => { edge = await startWorkerd({ FOREWARN_ALLOWED_ORIGIN: 'https://app.example.test' }); });
  after(() => { edge?.proc.kill('SIGKILL'); });

  // The answer's status, headers and body, all as one text to search.
  async function post(route, body) {
    const res = await fetch(edge.url + route, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://app.example.test' }, body: JSON.stringify(body),
    });
    const text = await res.text();
    const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    return { status: res.status, text, all: `${headers}\n${text}` };
  }

  const classifications = [];

  test('POST /classify of each secret-bearing text answers no secret, in body or headers', async () => {
    const everything = [];
    for (const [i, [text]] of cases.entries()) {
      const r = await post('/classify', { text, ir: shopIR, endpoint: endpointOf(i) });
      assert.equal(r.status, 200, r.text);
      noSecret(r.all, `the answer to text ${i}`);
      const c = JSON.parse(r.text);
      // the answer is about this text: it names the text's exception class (a 422 body has none:
      // then a rule classified it)
      assert.ok(c.exception_class ? text.includes(c.exception_class.split('.').at(-1)) : c.category !== 'unknown',
        `text ${i}: ${r.text.slice(0, 200)}`);
      classifications.push(c);
      everything.push(r.all);
    }
    hasNeighbours(everything.join('\n'), 'the /classify answers');
    // without IR and endpoint too
    for (const [i, [text]] of cases.entries()) noSecret((await post('/classify', { text })).all, `the bare answer to text ${i}`);
  });

  test('POST /enhance with a store built from those classifications answers no secret', async () => {
    assert.equal(classifications.length, cases.length, 'the /classify test ran first');
    const byId = new Map();
    for (const c of classifications) if (c.anti_pattern) byId.set(c.pattern_id, { ...c.anti_pattern, occurrence_count: 3 });
    assert.ok(byId.size > 1, `${byId.size} distinct patterns`);
    const patterns = [...byId.values()];
    const doc = { format: 'forewarn-store', version: 1, patterns, unclassified: [], runs: [] };
    const targets = [...new Set(patterns.map((p) => p.entity_pattern).filter(Boolean))];
    assert.ok(targets.includes('Customer'), `entities: ${targets}`);
    let injected = 0;
    const answers = [];
    for (const target of targets) {
      for (const body of [{ patterns: doc }, { patterns }]) {
        const r = await post('/enhance', { prompt: `Write the ${target} model.`, scope: 'entity', target, ir: shopIR,
          options: { minOccurrences: 1, maxPatterns: 10, budget: 20000 }, ...body });
        assert.equal(r.status, 200, r.text);
        noSecret(r.all, `the /enhance answer for ${target}`);
        injected += JSON.parse(r.text).injected.length;
        answers.push(r.all);
      }
    }
    for (const endpoint of ['POST /customers', 'POST /products']) {
      const r = await post('/enhance', { prompt: 'Write it.', scope: 'endpoint', target: endpoint, ir: shopIR,
        options: { minOccurrences: 1 }, patterns: doc });
      assert.equal(r.status, 200, r.text);
      noSecret(r.all, `the /enhance answer for ${endpoint}`);
      answers.push(r.all);
    }
    assert.ok(injected > 0, 'some warnings were injected');
    // the warnings quote the texts, their secrets as typed placeholders
    for (const part of ['request headers: Authorization: Bearer <token>', 'user=app password=<password> host=db', '<api_key>'])
      assert.ok(answers.join('\n').includes(part), `no warning quotes ${part}`);
  });
});

// ---- 4. The page: DOM, browser storage, console ------------------------------------------------

// web/vendor is what scripts/build-web.mjs copies (web.test.mjs rebuilds it); it is only read here.
const webSkip = await webSkipReason()
  || (!existsSync(path.join(root, 'web', 'vendor', 'forewarn.wasm')) && 'web/vendor is not built (node scripts/build-web.mjs)');

describe('the web page', { skip: webSkip }, () => {
  let server, browser, page;
  before(async () => {
    server = await serveWeb();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await openPage(browser, server.url, { context });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // What the page rendered and keeps. The textarea and inputs hold what the user typed (the
  // pasted secret): outerHTML serialises a textarea's default text and an input's value
  // attribute, not the typed value, so the controls' own values are left out by construction;
  // everything rendered from them (the result, the prompt, statuses) is in it.
  const everything = () => page.evaluate(async () => {
    const dump = { html: document.documentElement.outerHTML, local: {}, session: {}, idb: {}, caches: [] };
    for (let i = 0; i < localStorage.length; i++) dump.local[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
    for (let i = 0; i < sessionStorage.length; i++) dump.session[sessionStorage.key(i)] = sessionStorage.getItem(sessionStorage.key(i));
    for (const { name, version } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open(name, version);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      dump.idb[name] = {};
      for (const storeName of db.objectStoreNames) {
        dump.idb[name][storeName] = await new Promise((resolve, reject) => {
          const req = db.transaction(storeName).objectStore(storeName).getAll();
          req.onsuccess = () => resolve(JSON.stringify(req.result));
          req.onerror = () => reject(req.error);
        });
      }
      db.close();
    }
    for (const key of await caches.keys()) {
      for (const req of await (await caches.open(key)).keys()) dump.caches.push(req.url);
    }
    return dump;
  });

  const rendered = () => page.evaluate(() => document.querySelector('#result-body').textContent);

  test('pasted secret-bearing texts, recorded and previewed: no secret in the DOM, storage or console', async () => {
    const api = await loadWasm();
    await page.click('#use-example-ir');
    await page.waitForFunction(() => document.querySelector('[data-testid=spec-status]').textContent.startsWith('shop'));
    const ir = new api.IR(JSON.stringify(shopIR));
    let recorded = 0;
    try {
      for (const [i, [text, secret]] of cases.entries()) {
        const expected = api.classify(text, { ir, endpoint: endpointOf(i) }).pattern_id;
        // emptied first, so that the wait below sees this text's classification, not the last one
        await page.evaluate(() => document.querySelector('#result-body').replaceChildren());
        await page.fill('#endpoint', endpointOf(i));
        await page.fill('#failure-text', text);
        await page.waitForFunction((id) => document.querySelector('#result-body [data-testid=pattern-id]')?.textContent === id,
          expected, { timeout: 5000 });
        // the control itself holds the secret (left out of the checks, see everything())
        assert.ok((await page.inputValue('#failure-text')).includes(secret));
        noSecret(await page.evaluate(() => document.querySelector('#result-body').innerHTML), `the classification of text ${i}`);
        // a text no rule recognises is shown, not recorded (the page records no garbage): the
        // reason given must hold no secret either
        if (await page.isDisabled('#record')) {
          noSecret(await page.textContent('[data-testid=record-status]'), `the record status of text ${i}`);
          continue;
        }
        await page.click('#record');
        await page.waitForFunction(() => /^(Recorded run|Run .* already recorded)/.test(document.querySelector('[data-testid=record-status]').textContent),
          null, { timeout: 5000 });
        if (/^Recorded/.test(await page.textContent('[data-testid=record-status]'))) recorded++;
      }
    } finally {
      ir.delete();
    }
    assert.ok(recorded > 0, 'pasted errors were recorded');

    // the whole run pasted as a SmokeTestResult: its anti-patterns and unclassified messages
    await page.evaluate(() => document.querySelector('#result-body').replaceChildren());
    await page.fill('#failure-text', JSON.stringify(smokeRun('secrets-web-run')));
    await page.waitForSelector('#result-body [data-testid=run]');
    const runText = await rendered();
    noSecret(runText, 'the run view');
    assert.ok(await page.locator('[data-testid=unclassified]').count() > 0, 'the run view lists unclassified messages');
    hasNeighbours(runText, 'the run view');
    await page.click('#record');
    await page.waitForFunction(() => /^Recorded run secrets-web-run/.test(document.querySelector('[data-testid=record-status]').textContent));

    // the prompt preview for every entity and the two endpoints the texts came from
    await page.fill('#min-occurrences', '1');
    await page.fill('#max-patterns', '10');
    await page.fill('#budget', '20000');
    const prompts = [];
    for (const [scope, target] of [...['Customer', 'Product', 'Category', 'Order'].map((e) => ['entity', e]),
      ['endpoint', 'POST /customers'], ['endpoint', 'POST /products']]) {
      // the base prompt names this preview and is typed last: an answer that starts with it was
      // computed for this scope and target (the page drops outdated answers)
      const base = `Write the code for ${scope} ${target}.`;
      await page.selectOption('#scope', scope);
      await page.fill('#target', target);
      await page.fill('#base-prompt', base);
      await page.waitForFunction((b) => document.querySelector('#prompt-out').textContent.startsWith(b), base, { timeout: 5000 });
      const prompt = await page.textContent('#prompt-out');
      noSecret(prompt + await page.textContent('[data-testid=prompt-status]'), `the prompt for ${scope} ${target}`);
      prompts.push(prompt);
    }
    assert.ok(prompts.some((p) => p.includes('AVOID THESE KNOWN ISSUES:')), 'some prompt got warnings');
    // warnings from the classified texts (the unique e-mail and the KeyError ones); the page's
    // collector keeps category 'unknown' as unclassified groups, which are never injected
    for (const part of ['[unique:email] IntegrityError on Customer.email', 'KeyError: key name'])
      assert.ok(prompts.join('\n').includes(part), `no warning says ${part}`);

    // the store as the page exports it
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-store')]);
    const exported = readFileSync(await download.path(), 'utf8');
    noSecret(exported, 'the exported store');
    assert.match(exported, /secrets-web-run/);

    const dump = await everything();
    noSecret(dump.html, 'document.documentElement.outerHTML');
    noSecret(JSON.stringify(dump.local), 'localStorage');
    noSecret(JSON.stringify(dump.session), 'sessionStorage');
    noSecret(JSON.stringify(dump.idb), 'IndexedDB');
    noSecret(dump.caches.join('\n'), 'the cache storage');
    const saved = dump.local['forewarn.store.v1'] ?? '';
    assert.match(saved, /secrets-web-run/, 'the browser store was saved to localStorage');
    hasNeighbours(saved, 'the saved store');
    noSecret(page.logs.join('\n'), 'the console');
    assert.ok(!page.logs.some((l) => l.startsWith('pageerror')), page.logs.join('\n'));
    // and after a reload, what the page shows from what it kept
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    noSecret((await everything()).html, 'the reloaded page');
    noSecret(page.logs.join('\n'), 'the console after the reload');
  });
});
