// The JavaScript Neo4j store (fw.Neo4jStore in wasm/forewarn.mjs: the core's Query API requests
// sent with fetch) against a real Neo4j 5.26 (tests/neo4j/start.sh): the example runs ingested
// through it give the native CLI's stats, patterns and enhanced prompts with the file store, one
// write request per run, re-ingesting changes nothing, a write whose answer was lost is retried
// with the same ingest token and reports this ingest's result, and a wrong password or a server that is
// down throws a ForewarnError with a clear message and no password. The edge function in workerd
// with the NEO4J_* settings answers /enhance from the same Neo4j.
//
// Skipped, with the reason, when forewarn.wasm is not built, FOREWARN_NEO4J=0, or java or mvn are
// not installed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deadPort, root, run } from './helpers.mjs';
import { neo4jEnv, neo4jSkipReason, neo4jTeardown, startNeo4j } from './neo4j.mjs';

const wasmPath = path.join(root, 'wasm', 'dist', 'forewarn.wasm');

function skipReason() {
  if (!existsSync(wasmPath)) return `${path.relative(root, wasmPath)} is not built (run scripts/build-wasm.sh)`;
  return neo4jSkipReason();
}

const skip = skipReason();
const title = 'WASM Neo4jStore (fetch) against a real Neo4j 5.26';
const NOW = '2026-01-01T00:00:00Z';
const ir = 'examples/shop/ir.json';
const runs = 'examples/shop/runs';
const manifests = 'examples/shop/manifests';
const read = (f) => readFileSync(path.join(root, f), 'utf8');

const workerdBin = path.join(root, 'node_modules', '.bin', 'workerd');
function whyNoWorkerd() {
  if (!existsSync(workerdBin)) return 'workerd is not installed (npm ci installs the devDependency)';
  const r = spawnSync(workerdBin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? false : `workerd cannot run here: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
}

// workerd serving edge/config.capnp with these settings, on a port it picks; resolves once it listens.
function startWorkerd(settings) {
  return new Promise((resolve, reject) => {
    const proc = spawn(workerdBin, ['serve', path.join(root, 'edge', 'config.capnp'), '--socket-addr', 'http=127.0.0.1:0', '--control-fd', '3'],
      { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', ...settings }, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    process.on('exit', () => proc.kill('SIGKILL'));
    let stderr = '', control = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`workerd did not start:\n${stderr}`)); }, 15_000);
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.stdio[3].on('data', (d) => {
      control += d;
      for (const line of control.split('\n')) {
        let ev;
        try { ev = JSON.parse(line); } catch { continue; }
        if (ev.event === 'listen' && ev.socket === 'http') {
          clearTimeout(timer);
          resolve({ proc, url: `http://127.0.0.1:${ev.port}` });
        }
      }
    });
  });
}

if (skip) test(title, { skip }, () => {});
else describe(title, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'fw-wasm-neo4j-'));
  const state = path.join(work, 'server');
  const fileStore = path.join(work, 'file', 'patterns.json');
  const password = `fw-${randomBytes(12).toString('hex')}`;
  let env = {};
  let fw, store, ForewarnError;
  const stop = neo4jTeardown(state, work);

  before(async () => {
    const started = startNeo4j(state, password);
    const mod = await import('../../wasm/forewarn.mjs');
    ForewarnError = mod.ForewarnError;
    fw = await mod.Forewarn.load();
    const { code, stderr } = await started;
    assert.equal(code, 0, `start.sh failed (exit ${code}):\n${stderr}`);
    env = neo4jEnv(state);
    store = new fw.Neo4jStore({ uri: env.NEO4J_URI, username: env.NEO4J_USERNAME, password, database: env.NEO4J_DATABASE });
  }, { timeout: 900000 });

  after(stop);

  const ok = (args) => {
    const r = run(args, { env: { FOREWARN_STORE: '' } });
    assert.equal(r.status, 0, `forewarn ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    return r.stdout;
  };

  test('migrate applies the schema, and again adds nothing', async () => {
    const first = await store.migrate();
    assert.ok(first.statements > 0 && first.added > 0, JSON.stringify(first));
    assert.deepEqual(await store.migrate(), { statements: first.statements, added: 0 });
  });

  test('the example runs give the native CLI\'s results, stats, patterns and enhanced prompts', async () => {
    const irDoc = JSON.parse(read(ir));
    const smoke = (n) => read(`${runs}/run-${n}.json`);
    const manifest = (n) => (n === 1 ? null : read(`${manifests}/shop-run-${n}.json`));
    const cliIngest = (n, withManifest = true) => JSON.parse(ok(['ingest', '--store', fileStore, '--smoke', `${runs}/run-${n}.json`,
      '--ir', ir, ...(withManifest && n > 1 ? ['--manifest', `${manifests}/shop-run-${n}.json`] : []), '--json']));
    for (const n of [1, 2, 3]) {
      const before = store.requests;
      const js = await store.collect(smoke(n), irDoc, manifest(n), { now: NOW });
      assert.equal(store.requests - before, 1, `run ${n}: one request (the write checks the schema itself)`);
      assert.deepEqual(js, cliIngest(n));
    }
    const stats = await store.stats();
    assert.deepEqual(stats, JSON.parse(ok(['stats', '--store', fileStore, '--json'])));
    assert.equal(stats.runs.length, 3);

    // re-ingesting a run changes nothing
    const again = await store.collect(smoke(3), irDoc, null, { now: '2026-02-01T00:00:00Z' });
    assert.equal(again.already_ingested, true);
    assert.deepEqual(again, cliIngest(3, false));
    assert.deepEqual(await store.stats(), stats);

    const byId = (list, key) => list.sort((a, b) => a[key].localeCompare(b[key]));
    assert.deepEqual(byId(await store.patterns(), 'pattern_id'),
      byId(JSON.parse(ok(['patterns', '--store', fileStore, '--json'])), 'pattern_id'));
    assert.deepEqual(byId(await store.patterns({ unclassified: true }), 'template_id'),
      byId(JSON.parse(ok(['patterns', '--store', fileStore, '--json', '--unclassified'])), 'template_id'));
    // patterns() adds each lesson's state and effect to the stored record get() returns
    const { state, state_reason: reason, effect, ...some } = (await store.patterns())[0];
    assert.ok(['active', 'escalated', 'retired'].includes(state) && effect && reason !== undefined);
    assert.deepEqual(await store.get(some.pattern_id), some);
    assert.equal(await store.get('ap1-0000000000000000'), null);
    const mem = new fw.MemoryStore(readFileSync(fileStore, 'utf8'));
    for (const q of [{ entity: 'product' }, { error_type: 'database', min_occurrences: 2 }, {}]) {
      assert.deepEqual(byId(await store.query(q), 'pattern_id'), byId(mem.query(q), 'pattern_id'), JSON.stringify(q));
    }
    mem.delete();

    const targets = [
      ...irDoc.entities.map((e) => ['entity', e.name]),
      ['entity', 'product'], ['entity', 'Nope'],
      ...irDoc.endpoints.map((e) => ['endpoint', `${e.method} ${e.path.replace('{id}', '7')}`]),
      ['endpoint', 'POST /unknown'], ['schema', 'ProductCreate'], ['schema', 'OrderCreate'],
    ];
    const prompt = (scope, target) => (scope === 'entity'
      ? `Generate the SQLAlchemy model and Pydantic schemas for the ${target} entity.`
      : scope === 'endpoint' ? `Generate the FastAPI endpoint ${target}.` : `Generate the Pydantic schema ${target}.`);
    const jsIR = new fw.IR(irDoc);
    let warned = 0;
    try {
      for (const [scope, target] of targets) {
        for (const [cli, opts] of [[['--ir', ir], { ir: jsIR }], [['--ir', ir, '--min-occurrences', '1'], { ir: jsIR, minOccurrences: 1 }],
          [['--min-occurrences', '1'], { minOccurrences: 1 }]]) {
          const expected = JSON.parse(ok(['enhance', '--store', fileStore, `--${scope}`, target, ...cli, '--json']));
          const got = await store.enhance(prompt(scope, target), { scope, target }, opts);
          assert.deepEqual(got, expected, `enhance ${scope} ${target} ${cli.join(' ')}`);
          if (got.injected.length) warned++;
        }
      }
      assert.ok(warned > 10, `only ${warned} prompts got warnings: the comparison proves little`);
      // the batch form reads the store once and gives the same prompts
      const n = store.requests;
      const batch = await store.enhanceBatch(targets.map(([scope, target]) => ({ scope, target, prompt: prompt(scope, target) })), { ir: jsIR });
      assert.equal(store.requests - n, 1);
      for (const [i, [scope, target]] of targets.entries()) {
        const expected = JSON.parse(ok(['enhance', '--store', fileStore, `--${scope}`, target, '--ir', ir, '--json']));
        assert.deepEqual(batch[i], { ...expected, scope, target });
      }
    } finally {
      jsIR.delete();
    }
  });

  test('serialize, deletePattern and import: the document round-trips, importing twice changes nothing, a corrupt one sends nothing', async () => {
    const doc = await store.serialize();
    const parsed = JSON.parse(doc);
    const records = parsed.patterns.length + parsed.unclassified.length + parsed.runs.length;
    assert.ok(parsed.patterns.length > 3 && parsed.runs.length === 3);
    const mem = new fw.MemoryStore(doc);
    try {
      assert.deepEqual(mem.stats(), JSON.parse(ok(['stats', '--store', fileStore, '--json'])));
    } finally {
      mem.delete();
    }
    const id = parsed.patterns[1].pattern_id;
    const kept = await store.get(id);
    const gone = await store.deletePattern(id);
    assert.equal(gone.pattern_id, id);
    assert.equal(gone.occurrence_count, kept.occurrence_count);
    assert.equal(await store.get(id), null);
    assert.equal((await store.stats()).runs.length, 3, 'the runs stay');
    await assert.rejects(store.deletePattern(id), (e) => e instanceof ForewarnError && e.code === 'argument' && /no pattern/.test(e.message));
    // the saved document brings it back; the other records were already there
    assert.deepEqual(await store.import(doc), { written: 1, unchanged: records - 1 });
    assert.deepEqual(await store.get(id), kept);
    assert.deepEqual(await store.import(doc, { batchSize: 2 }), { written: 0, unchanged: records });
    assert.equal(await store.serialize(), doc);
    const n = store.requests;
    await assert.rejects(store.import('{"format":"forewarn-store","version":1,"patterns":[{"pattern_id":7}]}'), ForewarnError);
    await assert.rejects(store.import('not json'), ForewarnError);
    await assert.rejects(store.import(doc, { batchSize: 0 }), /batchSize/);
    assert.equal(store.requests, n, 'nothing sent for a refused document');
    assert.equal(await store.serialize(), doc);
  });

  test('a collect with an index missing applies the schema and writes once (one request otherwise)', async () => {
    const auth = `Basic ${Buffer.from(`${env.NEO4J_USERNAME}:${password}`).toString('base64')}`;
    const res = await fetch(`${env.NEO4J_URI}/db/${env.NEO4J_DATABASE || 'neo4j'}/query/v2`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ statement: 'DROP INDEX gen_antipattern_endpoint' }),
    });
    assert.ok(res.ok, await res.text());
    const fresh = new fw.Neo4jStore({ uri: env.NEO4J_URI, username: env.NEO4J_USERNAME, password, database: env.NEO4J_DATABASE });
    const smoke = JSON.parse(read(`${runs}/run-2.json`));
    const irDoc = JSON.parse(read(ir));
    const before = (await store.stats()).totals;
    const r = await fresh.collect(JSON.stringify({ ...smoke, run_id: 'wasm-schema-missing' }), irDoc, null, { now: NOW });
    assert.equal(r.already_ingested, false);
    const { statements, added } = await store.migrate(); /* nothing left to add */
    assert.equal(added, 0);
    assert.equal(fresh.requests, 1 + statements + 1); /* the failed write, the schema, the write */
    assert.equal((await store.stats()).totals.runs, before.runs + 1);
    const n = fresh.requests;
    await fresh.collect(JSON.stringify({ ...smoke, run_id: 'wasm-schema-there' }), irDoc, null, { now: NOW });
    assert.equal(fresh.requests - n, 1);
  });

  test('a write whose answer is lost is retried with the same token: this ingest\'s result, not "already ingested"', async () => {
    // fetch that delivers the first write and its commit, then loses the answer (a connection cut)
    const sent = [];
    let lose = 1, lostAnswer = null;
    const lossy = async (url, init) => {
      sent.push(JSON.parse(init.body));
      const res = await fetch(url, init);
      if (lose > 0 && /ForewarnRun/.test(init.body)) {
        lose--;
        lostAnswer = await res.json();
        throw new TypeError('fetch failed');
      }
      return res;
    };
    const flaky = new fw.Neo4jStore({ uri: env.NEO4J_URI, username: env.NEO4J_USERNAME, password, database: env.NEO4J_DATABASE,
      fetch: lossy, backoffMs: 10 });
    const smoke = JSON.parse(read(`${runs}/run-2.json`));
    const irDoc = JSON.parse(read(ir));
    const manifest = { ...JSON.parse(read(`${manifests}/shop-run-2.json`)), run_id: 'wasm-lost-answer' };
    const cs = fw.changeset(JSON.stringify({ ...smoke, run_id: 'wasm-lost-answer' }), irDoc, JSON.stringify(manifest), { now: NOW });
    const r = await flaky.apply(cs);
    assert.equal(flaky.requests, 2);
    assert.deepEqual(sent[1], sent[0]); /* the retry is the same body: the same token */
    assert.match(sent[0].parameters.token, /^[0-9a-f]{32}$/);
    assert.ok(!sent[0].statement.includes(sent[0].parameters.token));
    // the lost answer: the write applied the run and committed
    assert.deepEqual(lostAnswer.data.fields, ['applied', 'replayed', 'created', 'updated', 'repeated', 'prevented', 'not_prevented',
      'withheld', 'withheld_recurred']);
    const [applied, replayed, created, updated, repeated, prevented, notPrevented] = lostAnswer.data.values[0];
    assert.deepEqual([applied, replayed], [true, false]);
    assert.ok(lostAnswer.bookmarks.length > 0);
    // what the retry reports is what the lost answer said
    assert.deepEqual(r, { run_id: 'wasm-lost-answer', already_ingested: false, patterns_created: created, patterns_updated: updated,
      repeated_errors: repeated, prevented, not_prevented: notPrevented, unclassifiable_errors: cs.unclassifiable_errors });
    assert.ok(created + updated > 0 && prevented + notPrevented > 0, 'the run changed nothing to compare');
    // the file store gets the same run (the edge test compares prompts with it), and the same
    // injection outcomes (they depend on the run and its manifest only)
    const f = path.join(work, 'wasm-lost-answer.json'), mf = path.join(work, 'wasm-lost-answer.manifest.json');
    writeFileSync(f, JSON.stringify({ ...smoke, run_id: 'wasm-lost-answer' }));
    writeFileSync(mf, JSON.stringify(manifest));
    const cli = JSON.parse(ok(['ingest', '--store', fileStore, '--smoke', f, '--ir', ir, '--manifest', mf, '--json']));
    assert.deepEqual([cli.prevented, cli.not_prevented, cli.already_ingested], [prevented, notPrevented, false]);
    // a separate apply of the same run (its own token): already ingested, nothing changes
    const stats = await store.stats();
    const again = await flaky.apply(cs);
    assert.notEqual(sent[2].parameters.token, sent[0].parameters.token);
    assert.deepEqual(again, { run_id: 'wasm-lost-answer', already_ingested: true, patterns_created: 0, patterns_updated: 0,
      repeated_errors: 0, prevented: 0, not_prevented: 0, unclassifiable_errors: [] });
    assert.deepEqual(await store.stats(), stats);
  });

  test('unknown database and server down: clear ForewarnErrors; down is retried with backoff', async () => {
    const nodb = new fw.Neo4jStore({ uri: env.NEO4J_URI, password, database: 'nosuchdb' });
    await assert.rejects(nodb.stats(), (e) => e instanceof ForewarnError && /unknown database: Graph not found: nosuchdb/.test(e.message));
    const port = await deadPort();
    const down = new fw.Neo4jStore({ uri: `http://127.0.0.1:${port}`, password, retries: 2, backoffMs: 100 });
    const t0 = Date.now();
    const e = await down.stats().then(() => null, (x) => x);
    assert.ok(e instanceof ForewarnError);
    assert.equal(e.status, 0);
    assert.match(e.message, new RegExp(`Neo4j at http://127\\.0\\.0\\.1:${port} is unreachable: .*\\(3 attempts\\)`));
    assert.ok(Date.now() - t0 >= 300, 'no backoff between the attempts');
    assert.equal(down.requests, 3);
    assert.ok(!e.message.includes(password));
    assert.throws(() => new fw.Neo4jStore({ uri: 'neo4j://127.0.0.1:7687' }), /http:\/\/ or https:\/\//);
  });

  test('the edge function (workerd) answers /enhance from this Neo4j as the file store does', { skip: whyNoWorkerd() }, async () => {
    const server = await startWorkerd({ NEO4J_URI: env.NEO4J_URI, NEO4J_USERNAME: env.NEO4J_USERNAME,
      NEO4J_PASSWORD: password, NEO4J_DATABASE: env.NEO4J_DATABASE });
    try {
      const irDoc = JSON.parse(read(ir));
      for (const [scope, target] of [['entity', 'Product'], ['endpoint', 'POST /orders'], ['schema', 'ProductCreate']]) {
        const prompt = `Write ${target}.`;
        const res = await fetch(`${server.url}/enhance`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt, scope, target, ir: irDoc, options: { minOccurrences: 1 } }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        const mem = new fw.MemoryStore(readFileSync(fileStore, 'utf8'));
        const expected = fw.enhance(prompt, { scope, target }, mem, { ir: irDoc, minOccurrences: 1 });
        mem.delete();
        assert.ok(expected.injected.length > 0, `${scope} ${target}: nothing to compare`);
        assert.deepEqual(await res.json(), expected, `${scope} ${target}`);
      }
    } finally {
      server.proc.kill('SIGKILL');
    }
  });

  // last: Neo4j rate-limits a user after failed logins
  test('wrong password: a ForewarnError "authentication failed (401)" without the password, not retried', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const bad = new fw.Neo4jStore({ uri: env.NEO4J_URI, username: 'neo4j', password: wrong });
    for (const call of [() => bad.stats(), () => bad.collect(read(`${runs}/run-1.json`), read(ir), null, { now: NOW })]) {
      const e = await call().then(() => null, (x) => x);
      assert.ok(e instanceof ForewarnError, String(e));
      assert.equal(e.code, 'neo4j');
      assert.equal(e.status, 401);
      assert.match(e.message, /authentication failed \(401\)/);
      for (const text of [e.message, e.stack, JSON.stringify(e), String(e)]) {
        assert.ok(!text.includes(wrong) && !text.includes(password), 'a password leaked into the error');
      }
    }
    assert.equal(bad.requests, 2, 'a client error is not retried');
    // credentials in the URI are used, and never shown
    const inUri = new fw.Neo4jStore({ uri: env.NEO4J_URI.replace('://', `://neo4j:${wrong}@`) });
    assert.equal(inUri.uri, env.NEO4J_URI.replace(/\/+$/, ''));
    const e = await inUri.stats().then(() => null, (x) => x);
    assert.match(e.message, /authentication failed \(401\)/);
    assert.ok(!e.message.includes(wrong));
  });
});
