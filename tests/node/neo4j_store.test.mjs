// The Neo4j store end to end against a real Neo4j 5.26 (tests/neo4j/start.sh): the CLI with
// --store neo4j+http://... migrates idempotently, learns from the example runs exactly as the
// embedded file store does (same stats, same patterns, same enhanced prompts), loses no increment
// under concurrent ingests, and fails clearly (exit 1, no credentials) on a wrong password, an
// unknown database and a server that is down.
//
// Skipped, with the reason, when FOREWARN_NEO4J=0 or when java or mvn are not installed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root, bin, run } from './helpers.mjs';
import { neo4jEnv, neo4jSkipReason, neo4jTeardown, startNeo4j } from './neo4j.mjs';



const skip = neo4jSkipReason();
const title = 'forewarn --store neo4j+http:// against a real Neo4j 5.26';

const ir = 'examples/shop/ir.json';
const runs = 'examples/shop/runs';
const manifests = 'examples/shop/manifests';

if (skip) test(title, { skip }, () => {});
else describe(title, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'fw-neo4j-store-'));
  const state = path.join(work, 'server');
  const password = `fw-${randomBytes(12).toString('hex')}`;
  let env = {};
  let store = '';
  const stop = neo4jTeardown(state, work);

  before(async () => {
    const { code, stderr } = await startNeo4j(state, password);
    assert.equal(code, 0, `start.sh failed (exit ${code}):\n${stderr}`);
    env = neo4jEnv(state);
    store = `neo4j+${env.NEO4J_URI}`;
  }, { timeout: 900000 });

  after(stop);

  // The CLI with the server's credentials in the environment (never on the command line).
  const fw = (args, extra = {}) => run(args, { env: { ...env, FOREWARN_STORE: '', ...extra } });
  const ok = (args, extra) => {
    const r = fw(args, extra);
    assert.equal(r.status, 0, `forewarn ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    return r;
  };
  const noSecret = (r) => {
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'the password leaked into the output');
  };

  test('migrate applies the schema, and again changes nothing', () => {
    const first = ok(['migrate', '--store', store]);
    assert.match(first.stdout, /statements applied, [1-9]\d* constraints and indexes added/);
    const again = ok(['migrate', '--store', store]);
    assert.match(again.stdout, /statements applied, 0 constraints and indexes added/);
    noSecret(first);
  });

  const fileStore = path.join(work, 'file', 'patterns.json');

  test('the example runs give the same stats, patterns and enhanced prompts as the file store', () => {
    const ingestAll = (s) => {
      const results = [];
      results.push(ok(['ingest', '--store', s, '--smoke', `${runs}/run-1.json`, '--ir', ir, '--json']).stdout);
      for (const n of [2, 3])
        results.push(ok(['ingest', '--store', s, '--smoke', `${runs}/run-${n}.json`, '--ir', ir,
          '--manifest', `${manifests}/shop-run-${n}.json`, '--json']).stdout);
      results.push(ok(['ingest', '--store', s, '--smoke', `${runs}/run-3.json`, '--ir', ir, '--json']).stdout);
      // a JUnit report's run: its test counts are kept with the run, in Neo4j as in the file
      results.push(ok(['ingest', '--store', s, '--junit', 'tests/junit/pytest-shop.xml', '--ir', ir, '--json']).stdout);
      return results;
    };
    const neo = ingestAll(store);
    const file = ingestAll(fileStore);
    assert.deepEqual(neo, file);
    assert.match(neo[3], /"already_ingested":true/);

    assert.equal(ok(['stats', '--store', store, '--json']).stdout, ok(['stats', '--store', fileStore, '--json']).stdout);
    const junitRun = JSON.parse(ok(['stats', '--store', store, '--json']).stdout).runs.at(-1);
    assert.deepEqual(junitRun.tests, { total: 11, passed: 4, failed: 5, errors: 1, skipped: 1 });
    assert.equal(JSON.parse(ok(['stats', '--store', store, '--json']).stdout).runs[0].tests, undefined);
    assert.equal(ok(['stats', '--store', store]).stdout, ok(['stats', '--store', fileStore]).stdout);
    const sorted = (out, key) => JSON.parse(out).sort((a, b) => a[key].localeCompare(b[key]));
    assert.deepEqual(sorted(ok(['patterns', '--store', store, '--json']).stdout, 'pattern_id'),
      sorted(ok(['patterns', '--store', fileStore, '--json']).stdout, 'pattern_id'));
    assert.deepEqual(sorted(ok(['patterns', '--store', store, '--json', '--unclassified']).stdout, 'template_id'),
      sorted(ok(['patterns', '--store', fileStore, '--json', '--unclassified']).stdout, 'template_id'));

    const irDoc = JSON.parse(readFileSync(path.join(root, ir), 'utf8'));
    const targets = [
      ...irDoc.entities.map((e) => ['--entity', e.name]),
      ['--entity', 'product'], ['--entity', 'Nope'],
      ...irDoc.endpoints.map((e) => ['--endpoint', `${e.method} ${e.path.replace('{id}', '7')}`]),
      ['--endpoint', 'POST /unknown'], ['--schema', 'ProductCreate'], ['--schema', 'OrderCreate'], ['--schema', 'Nope'],
    ];
    let warned = 0;
    for (const t of targets) {
      for (const opts of [['--ir', ir], ['--ir', ir, '--min-occurrences', '1'], ['--min-occurrences', '1']]) {
        const a = ok(['enhance', '--store', store, ...t, ...opts, '--json']).stdout;
        const b = ok(['enhance', '--store', fileStore, ...t, ...opts, '--json']).stdout;
        assert.equal(a, b, `enhance ${t.join(' ')} ${opts.join(' ')}`);
        if (JSON.parse(a).injected.length) warned++;
      }
    }
    assert.ok(warned > 10, `only ${warned} prompts got warnings: the comparison proves little`);
    // the batch form (the whole store read once) and the manifests it writes
    const prompts = path.join(work, 'prompts.jsonl');
    writeFileSync(prompts, targets.filter((t) => t[0] !== '--schema')
      .map((t) => JSON.stringify({ scope: t[0].slice(2), target: t[1] })).join('\n') + '\n');
    const batch = (s, m) => ok(['enhance', '--store', s, '--batch', prompts, '--ir', ir,
      '--manifest-out', m, '--run-id', 'shop-run-4']).stdout;
    const mn = path.join(work, 'm-neo.json'), mf = path.join(work, 'm-file.json');
    assert.equal(batch(store, mn), batch(fileStore, mf));
    assert.equal(readFileSync(mn, 'utf8'), readFileSync(mf, 'utf8'));
  });

  test('4 concurrent ingests lose no increment; the same run sent 4 times at once applies once', { timeout: 120000 }, async () => {
    const smoke = JSON.parse(readFileSync(path.join(root, runs, 'run-1.json'), 'utf8'));
    const files = [1, 2, 3, 4].map((i) => {
      const f = path.join(work, `conc-${i}.json`);
      writeFileSync(f, JSON.stringify({ ...smoke, run_id: `conc-${i}` }));
      return f;
    });
    const same = path.join(work, 'conc-same.json');
    writeFileSync(same, JSON.stringify({ ...smoke, run_id: 'conc-same' }));
    const spawnIngest = (f) => new Promise((resolve) => {
      const child = spawn(bin, ['ingest', '--store', store, '--smoke', f, '--ir', ir, '--json'], {
        cwd: root, env: { ...process.env, ...env, FOREWARN_NOW: '2026-01-01T00:00:00Z', FOREWARN_STORE: '' },
      });
      let out = '', err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      child.on('close', (code) => resolve({ code, out, err }));
    });
    const results = await Promise.all([...files, same, same, same, same].map(spawnIngest));
    for (const r of results) assert.equal(r.code, 0, r.err);
    assert.equal(results.slice(4).filter((r) => JSON.parse(r.out).already_ingested === false).length, 1);
    // the file store, sequentially, is the reference
    for (const f of [...files, same]) ok(['ingest', '--store', fileStore, '--smoke', f, '--ir', ir]);
    const counts = (s) => Object.fromEntries(JSON.parse(ok(['patterns', '--store', s, '--json']).stdout)
      .map((p) => [p.pattern_id, [p.occurrence_count, p.times_prevented, p.times_injected]]));
    assert.deepEqual(counts(store), counts(fileStore));
    const totals = (s) => JSON.parse(ok(['stats', '--store', s, '--json']).stdout).totals;
    assert.deepEqual(totals(store), totals(fileStore));
  });

  // POST one statement to the server's Query API (test set-up only). Sent again once when the
  // connection fails: after a long test the pooled keep-alive socket may have been closed by the
  // server just as it is reused ("fetch failed"), which says nothing about forewarn.
  const cypher = async (statement) => {
    const auth = Buffer.from(`${env.NEO4J_USERNAME}:${env.NEO4J_PASSWORD}`).toString('base64');
    const send = () => fetch(`${env.NEO4J_URI}/db/${env.NEO4J_DATABASE || 'neo4j'}/query/v2`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
      body: JSON.stringify({ statement }),
    });
    const res = await send().catch(() => send());
    const body = await res.json();
    assert.ok(!body.errors?.length, JSON.stringify(body.errors));
    return body.data;
  };

  test('an ingest is one HTTP request; with the schema missing it applies the schema and writes once', async () => {
    const smoke = JSON.parse(readFileSync(path.join(root, runs, 'run-2.json'), 'utf8'));
    const f = path.join(work, 'one-request.json');
    writeFileSync(f, JSON.stringify({ ...smoke, run_id: 'one-request' }));
    const totals = () => JSON.parse(ok(['stats', '--store', store, '--json']).stdout).totals;
    const start = totals();
    const one = ok(['ingest', '--store', store, '--smoke', f, '--ir', ir, '--json'], { FOREWARN_NEO4J_STATS: '1' });
    assert.match(one.stderr, /neo4j: 1 HTTP requests/);
    const before = totals();
    // a database where an index went missing: the write fails as a whole, migrate, the write again
    await cypher('DROP INDEX gen_antipattern_schema');
    writeFileSync(f, JSON.stringify({ ...smoke, run_id: 'schema-missing' }));
    const again = ok(['ingest', '--store', store, '--smoke', f, '--ir', ir, '--json'], { FOREWARN_NEO4J_STATS: '1' });
    assert.match(again.stderr, /neo4j: 12 HTTP requests/); /* the failed write, 10 schema statements, the write */
    assert.equal(JSON.parse(again.stdout).already_ingested, false);
    const after = totals();
    assert.equal(after.runs, before.runs + 1);
    assert.ok(before.occurrences > start.occurrences);
    assert.equal(after.occurrences - before.occurrences, before.occurrences - start.occurrences); /* written once */
    const names = (await cypher("SHOW INDEXES YIELD name WHERE name = 'gen_antipattern_schema' RETURN name")).values;
    assert.equal(names.length, 1);
  });

  const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
  // the CLI reading `input` on stdin
  const fwIn = (args, input, extra = {}) => run(args, { input, env: { ...env, FOREWARN_STORE: '', ...extra } });
  const okIn = (args, input, extra) => {
    const r = fwIn(args, input, extra);
    assert.equal(r.status, 0, `forewarn ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    return r;
  };
  const sameStores = (a, b) => {
    assert.equal(ok(['stats', '--store', a, '--json']).stdout, ok(['stats', '--store', b, '--json']).stdout);
    for (const extra of [[], ['--unclassified']]) {
      const list = (s) => JSON.parse(ok(['patterns', '--store', s, '--json', ...extra]).stdout).map(canon).sort();
      assert.deepEqual(list(a), list(b));
    }
  };

  test('store export / import: file -> Neo4j -> file gives the same stats and patterns; again changes nothing', async () => {
    await cypher('MATCH (n) DETACH DELETE n');
    const lines = ok(['store', 'export', '--store', fileStore]).stdout;
    const n = lines.trim().split('\n').length;
    assert.ok(n > 20, `only ${n} records exported`);
    const first = okIn(['store', 'import', '--store', store], lines);
    assert.match(first.stdout, new RegExp(`${n} records written, 0 already there unchanged`));
    sameStores(fileStore, store);
    const again = okIn(['store', 'import', '--store', store], lines);
    assert.match(again.stdout, new RegExp(`0 records written, ${n} already there unchanged`));
    const back = path.join(work, 'back', 'patterns.json');
    okIn(['store', 'import', '--store', back], ok(['store', 'export', '--store', store]).stdout);
    sameStores(fileStore, back);
    // the history goes on in Neo4j where it stopped: a new run ingested on both stays equal
    const smoke = JSON.parse(readFileSync(path.join(root, runs, 'run-3.json'), 'utf8'));
    const f = path.join(work, 'after-import.json');
    writeFileSync(f, JSON.stringify({ ...smoke, run_id: 'after-import' }));
    for (const s of [store, fileStore]) ok(['ingest', '--store', s, '--smoke', f, '--ir', ir]);
    sameStores(fileStore, store);
  });

  test('store redact rewrites records stored before redaction, in Neo4j as in a file; again changes nothing', async () => {
    // a record as an older forewarn stored it: its sample holds a (synthetic) DSN password
    const secret = 'Old-Dsn-Pw-1234';
    const data = await cypher(`MATCH (x:ForewarnUnclassified) WITH x LIMIT 1
      SET x.doc = replace(x.doc, '"sample":"', '"sample":"postgresql://app:${secret}@db:5432/shop ') RETURN x.template_id`);
    assert.equal(data.values.length, 1, 'an unclassified record to age');
    assert.ok(ok(['store', 'export', '--store', store]).stdout.includes(secret));
    const first = ok(['store', 'redact', '--store', store]);
    assert.match(first.stdout, /: 1 values in 1 records replaced by placeholders/);
    const after = ok(['store', 'export', '--store', store]).stdout;
    assert.ok(!after.includes(secret));
    assert.ok(after.includes('postgresql://app:<password>@db:5432/shop'));
    assert.match(ok(['store', 'redact', '--store', store]).stdout, /: 0 values in 0 records/);
    noSecret(first);
  });

  test('store import into Neo4j: a malformed line or a conflict imports nothing; batches of 500 records', () => {
    const before = ok(['store', 'export', '--store', store]).stdout;
    const recs = before.trim().split('\n').map((l) => JSON.parse(l));
    const bad = fwIn(['store', 'import', '--store', store],
      [JSON.stringify({ ...recs[0], pattern_id: 'ap1-fresh' }), '{"kind":"run"}'].join('\n'));
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /standard input line 2: a run needs a string "run_id"/);
    const changed = JSON.stringify({ ...recs[0], occurrence_count: recs[0].occurrence_count + 1 });
    const c = fwIn(['store', 'import', '--store', store], changed);
    assert.equal(c.status, 1, c.stderr);
    assert.match(c.stderr, /already in the store with other content/);
    assert.equal(ok(['store', 'export', '--store', store]).stdout, before);
    // 1 200 patterns: the schema (10 requests), the read of the store, 3 writes
    const p = recs.find((r) => r.kind === 'pattern');
    const many = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ ...p, pattern_id: `ap1-bulk-${String(i).padStart(4, '0')}` }));
    const bulk = fwIn(['store', 'import', '--store', store], many.join('\n'), { FOREWARN_NEO4J_STATS: '1' });
    assert.equal(bulk.status, 0, bulk.stderr);
    assert.match(bulk.stdout, /1200 records written/);
    assert.match(bulk.stderr, /neo4j: 14 HTTP requests/);
    const stored = JSON.parse(ok(['patterns', '--store', store, '--json']).stdout);
    assert.equal(stored.filter((x) => x.pattern_id.startsWith('ap1-bulk-')).length, 1200);
    // the stored record, with the state and effect that patterns derive from it
    const { state, state_reason: reason, effect, ...record } = stored.find((x) => x.pattern_id === 'ap1-bulk-0777');
    assert.equal(state, 'escalated');
    assert.equal(reason, 'recurring');
    assert.equal(effect.injected, p.times_injected);
    assert.deepEqual(canon(record), canon({ ...p, kind: undefined, pattern_id: 'ap1-bulk-0777' }));
  });

  test('enhance: the ranked, limited Cypher selection prompts exactly as the file store, on 1,500 varied patterns', async () => {
    await cypher('MATCH (n) DETACH DELETE n');
    // The example's patterns cloned over entities (the target under two spellings among them)
    // with varied counts: targets with far more patterns than --max-patterns, ties, patterns
    // under --min-occurrences, general-pattern groups across many entities.
    const base = JSON.parse(readFileSync(fileStore, 'utf8'));
    const specific = base.patterns.filter((p) => !p.general);
    const entities = ['Product', 'product', 'Order', 'Customer', 'OrderItem', 'Category'];
    let seed = 7;
    const next = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const patterns = [];
    for (let i = 0; patterns.length < 1500; i++) {
      for (const p of specific) {
        const entity = next(3) === 0 ? `Entity${next(40)}` : entities[next(entities.length)];
        const q = { ...p, pattern_id: `${p.pattern_id}-${i}`, entity_pattern: entity, occurrence_count: [1, 1, 2, 3, 5, 8][next(6)] };
        // the lifecycle: measured holdout arms (ranked by benefit, some retired for no effect),
        // last sightings (retired as not seen), a person's decisions
        if (next(3) === 0) {
          const n1 = 2 + next(6), n2 = 2 + next(6);
          Object.assign(q, { times_injected: n1, times_recurred_after_injection: next(n1 + 1), times_withheld: n2,
            times_recurred_when_withheld: next(n2 + 1) });
          q.times_prevented = q.times_injected - q.times_recurred_after_injection;
        }
        if (next(2) === 0) q.last_seen_run = next(4);
        if (next(12) === 0) Object.assign(q, { decision: next(2) ? 'retired' : 'active', decision_at: '2026-01-02T00:00:00Z' });
        patterns.push(q);
      }
    }
    const synthetic = path.join(work, 'synthetic.json');
    writeFileSync(synthetic, JSON.stringify({ ...base, patterns }));
    okIn(['store', 'import', '--store', store], ok(['store', 'export', '--store', synthetic]).stdout);
    const copy = path.join(work, 'synthetic-copy', 'patterns.json');
    okIn(['store', 'import', '--store', copy], ok(['store', 'export', '--store', store]).stdout);
    const cases = [];
    for (const e of ['Product', 'Order', 'Customer', 'Entity3', 'Nope']) {
      for (const [max, min] of [[1, 1], [3, 2], [5, 5], [20, 1]]) cases.push(['--entity', e, '--ir', ir, '--max-patterns', String(max), '--min-occurrences', String(min)]);
    }
    for (const ep of ['POST /products', 'GET /products', 'PUT /orders/{id}']) {
      cases.push(['--endpoint', ep, '--ir', ir], ['--endpoint', ep, '--max-patterns', '2', '--min-occurrences', '1']);
    }
    cases.push(['--schema', 'ProductCreate', '--ir', ir], ['--schema', 'CustomerCreate', '--max-patterns', '1']);
    // the lifecycle read by the selection itself (not seen, a person's retirement) and by enhance
    // (no effect, the benefit ranking), at thresholds that reach the synthetic counters
    const life = ['--min-exposures', '2', '--retire-after', '3', '--unseen-runs', '1', '--min-lift', '0.1'];
    for (const e of ['Product', 'Order', 'Customer']) {
      cases.push(['--entity', e, '--ir', ir, '--min-occurrences', '1', ...life], ['--entity', e, '--ir', ir, '--max-patterns', '3', ...life]);
    }
    cases.push(['--endpoint', 'POST /products', '--ir', ir, '--min-occurrences', '1', ...life]);
    let general = 0;
    for (const args of cases) {
      const fromNeo4j = ok(['enhance', '--store', store, ...args], { FOREWARN_NEO4J_STATS: '1' });
      assert.match(fromNeo4j.stderr, /neo4j: 1 HTTP requests/);
      assert.equal(fromNeo4j.stdout, ok(['enhance', '--store', copy, ...args]).stdout, `enhance ${args.join(' ')}`);
      if (fromNeo4j.stdout.includes('seen on other entities')) general++;
    }
    assert.ok(general >= 5, `general patterns in only ${general} prompts`);
    const plain = ok(['enhance', '--store', copy, '--entity', 'Product', '--ir', ir, '--min-occurrences', '1']).stdout;
    assert.notEqual(ok(['enhance', '--store', copy, '--entity', 'Product', '--ir', ir, '--min-occurrences', '1', ...life]).stdout, plain,
      'the lifecycle changes what is injected');
  });

  test('holdout and lifecycle: withheld slots, effects, states and a person\'s decisions as in the file store', async () => {
    await cypher('MATCH (n) DETACH DELETE n');
    const file = path.join(work, 'holdout-file', 'patterns.json');
    const held = 'tests/vectors/inputs/holdout'; // manifests written by enhance --holdout 0.5
    for (const s of [store, file]) {
      ok(['ingest', '--store', s, '--smoke', `${runs}/run-1.json`, '--ir', ir]);
      for (const n of [2, 3]) {
        const r = JSON.parse(ok(['ingest', '--store', s, '--smoke', `${runs}/run-${n}.json`, '--ir', ir, '--manifest', `${held}/shop-run-${n}.json`, '--json']).stdout);
        assert.ok(r.withheld > 0, JSON.stringify(r));
      }
      // again: already ingested, no withheld slot counted twice
      const again = JSON.parse(ok(['ingest', '--store', s, '--smoke', `${runs}/run-3.json`, '--ir', ir, '--manifest', `${held}/shop-run-3.json`, '--json']).stdout);
      assert.equal(again.already_ingested, true);
      assert.equal(again.withheld, undefined);
    }
    const both = (args) => {
      const a = ok([...args, '--store', store]).stdout, b = ok([...args, '--store', file]).stdout;
      assert.equal(a, b, args.join(' '));
      return a;
    };
    const life = ['--min-exposures', '1', '--retire-after', '1', '--min-lift', '0.5'];
    const byId = (a, b) => a.pattern_id.localeCompare(b.pattern_id);
    const stats = JSON.parse(both(['stats', '--json']));
    assert.ok(stats.totals.effect.withheld > 0 && stats.effects.length > 0);
    both(['stats', '--json', ...life]);
    assert.match(both(['stats', ...life]), /no effect shown \(interval holds 0\)/);
    const retired = JSON.parse(ok(['patterns', '--json', '--state', 'retired', ...life, '--store', store]).stdout).sort(byId);
    assert.deepEqual(retired, JSON.parse(ok(['patterns', '--json', '--state', 'retired', ...life, '--store', file]).stdout).sort(byId));
    assert.ok(retired.length > 0 && retired.every((p) => p.state_reason === 'no_effect'));
    // the same records (Neo4j lists patterns by first_seen then id, the file in insertion order)
    const sorted = (st) => ok(['store', 'export', '--store', st]).stdout.trim().split('\n').sort();
    assert.deepEqual(sorted(store), sorted(file));
    for (const e of ['Product', 'Customer', 'Order', 'OrderItem']) {
      both(['enhance', '--entity', e, '--ir', ir, '--json', ...life]);
      both(['enhance', '--entity', e, '--ir', ir, '--json', '--unseen-runs', '1', '--retire-after', '1']);
      // the same slots withheld: the manifests are equal
      const m = (s) => path.join(work, `holdout-${s === store ? 'neo4j' : 'file'}-${e}.json`);
      const a = ok(['enhance', '--entity', e, '--ir', ir, '--json', '--holdout', '0.5', '--run-id', 'shop-run-4', '--manifest-out', m(store), '--store', store]).stdout;
      const b = ok(['enhance', '--entity', e, '--ir', ir, '--json', '--holdout', '0.5', '--run-id', 'shop-run-4', '--manifest-out', m(file), '--store', file]).stdout;
      assert.equal(a, b, e);
      assert.equal(readFileSync(m(store), 'utf8'), readFileSync(m(file), 'utf8'));
    }
    // a person's decisions, recorded as such in both
    const id = JSON.parse(ok(['patterns', '--store', file, '--json']).stdout).find((p) => p.entity_pattern === 'Product').pattern_id;
    for (const s of [store, file]) assert.match(ok(['pattern', 'retire', id, '--store', s]).stdout, /retired by a person/);
    const after = JSON.parse(ok(['patterns', '--json', '--store', store]).stdout).sort(byId);
    assert.deepEqual(after, JSON.parse(ok(['patterns', '--json', '--store', file]).stdout).sort(byId));
    const p = after.find((x) => x.pattern_id === id);
    assert.deepEqual([p.state, p.state_reason, p.decision], ['retired', 'person', 'retired']);
    assert.ok(!both(['enhance', '--entity', 'Product', '--ir', ir, '--json']).includes(id));
    for (const s of [store, file]) ok(['pattern', 'activate', id, '--store', s]);
    assert.ok(both(['enhance', '--entity', 'Product', '--ir', ir, '--json']).includes(id));
    // export -> a fresh file store carries the new fields
    const copy = path.join(work, 'holdout-copy', 'patterns.json');
    const lines = ok(['store', 'export', '--store', store]).stdout;
    assert.match(lines, /"times_withheld":[1-9]/);
    assert.match(lines, /"decision":"active"/);
    const imported = fwIn(['store', 'import', '--store', copy], lines);
    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(ok(['store', 'export', '--store', copy]).stdout, lines);
    // an unknown pattern: exit 2, nothing written
    const unknown = fw(['pattern', 'retire', 'ap1-0000000000000000', '--store', store]);
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.match(unknown.stderr, /no pattern 'ap1-0000000000000000' in the store/);
    assert.equal(ok(['store', 'export', '--store', store]).stdout, lines);
    // a person deletes a pattern: gone from both, the runs kept, a second delete refused
    for (const s of [store, file]) assert.match(ok(['pattern', 'delete', id, '--store', s]).stdout, /deleted by a person/);
    assert.deepEqual(sorted(store), sorted(file));
    assert.ok(!sorted(store).some((l) => l.includes(`"pattern_id":"${id}"`)));
    assert.equal(JSON.parse(both(['stats', '--json'])).runs.length, 3);
    const twice = fw(['pattern', 'delete', id, '--store', store]);
    assert.equal(twice.status, 2, twice.stderr);
    assert.match(twice.stderr, /no pattern/);
  });

  test('wrong password: exit 1, "authentication failed (401)", the password never printed', () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const r = fw(['stats', '--store', store], { NEO4J_PASSWORD: wrong });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /authentication failed \(401\)/);
    assert.ok(!r.stderr.includes(wrong) && !r.stdout.includes(wrong));
    noSecret(r);
    const i = fw(['ingest', '--store', store, '--smoke', `${runs}/run-1.json`, '--ir', ir], { NEO4J_PASSWORD: wrong });
    assert.equal(i.status, 1, i.stderr);
    assert.match(i.stderr, /authentication failed \(401\)/);
    assert.ok(!i.stderr.includes(wrong));
  });

  test('unknown database: exit 1, "unknown database"', () => {
    const r = fw(['ingest', '--store', store, '--smoke', `${runs}/run-1.json`, '--ir', ir], { NEO4J_DATABASE: 'nosuchdb' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /unknown database: Graph not found: nosuchdb/);
    noSecret(r);
  });

  test('server down: exit 1, "unreachable", after the retries', () => {
    const t0 = Date.now();
    const r = fw(['ingest', '--store', 'neo4j+http://127.0.0.1:9', '--smoke', `${runs}/run-1.json`, '--ir', ir],
      { FOREWARN_NEO4J_RETRIES: '2' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Neo4j at http:\/\/127\.0\.0\.1:9 is unreachable: .*\(3 attempts\)/);
    assert.ok(Date.now() - t0 >= 700, 'no backoff between the attempts');
    noSecret(r);
    const e = fw(['enhance', '--store', 'neo4j+http://127.0.0.1:9', '--entity', 'Product'], { FOREWARN_NEO4J_RETRIES: '0' });
    assert.equal(e.status, 1, e.stderr);
    assert.match(e.stderr, /unreachable/);
  });

  test('a Bolt URI is refused with a usage error', () => {
    const r = fw(['stats', '--store', 'neo4j'], { NEO4J_URI: 'neo4j://127.0.0.1:7687' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /http:\/\/ or https:\/\//);
  });
});
