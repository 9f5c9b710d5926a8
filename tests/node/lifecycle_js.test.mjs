// The holdout and the lesson lifecycle through the JS API (wasm/forewarn.mjs): the options are
// checked before any core call, a MemoryStore records a person's decisions, patterns filter by
// state, and stats / patterns / enhance with lifecycle options equal the native CLI's on the
// same history. Skipped, saying why, when wasm/dist/forewarn.wasm is not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root, run, tempDir } from './helpers.mjs';

const wasmPath = path.join(root, 'wasm', 'dist', 'forewarn.wasm');
const skip = existsSync(wasmPath) ? false : `${path.relative(root, wasmPath)} is not built (run scripts/build-wasm.sh)`;
const { Forewarn, ForewarnError } = await import('../../wasm/forewarn.mjs');
const fw = skip ? null : await Forewarn.load();
const NOW = '2026-03-01T00:00:00Z';
const read = (p) => readFileSync(path.join(root, p), 'utf8');

// The example's three runs, the last two with manifests written by enhance --holdout 0.5.
function history() {
  const store = new fw.MemoryStore();
  const ir = new fw.IR(read('examples/shop/ir.json'));
  fw.collect(read('examples/shop/runs/run-1.json'), ir, null, store, { now: NOW });
  for (const n of [2, 3])
    fw.collect(read(`examples/shop/runs/run-${n}.json`), ir, read(`tests/vectors/inputs/holdout/shop-run-${n}.json`), store, { now: NOW });
  return { store, ir };
}

test('JS: bad holdout and lifecycle options are refused before the core runs', { skip }, () => {
  const { store, ir } = history();
  try {
    const target = { entity: 'Product' };
    assert.throws(() => fw.enhance('p', target, store, { holdout: 2, runId: 'r' }), /holdout: expected a fraction from 0 to 1/);
    assert.throws(() => fw.enhance('p', target, store, { holdout: '0.5', runId: 'r' }), TypeError);
    assert.throws(() => fw.enhance('p', target, store, { holdout: 0.5 }),
      (e) => e instanceof ForewarnError && e.code === 'argument' && /needs the run_id/.test(e.message));
    assert.throws(() => fw.enhance('p', target, store, { lifecycle: { minLift: 3 } }), /lifecycle\.minLift/);
    assert.throws(() => fw.enhance('p', target, store, { lifecycle: { unseenRuns: 0 } }), /lifecycle\.unseenRuns/);
    assert.throws(() => store.stats({ lifecycle: { retireAfter: 1.5 } }), /lifecycle\.retireAfter/);
    assert.throws(() => store.patterns({ state: 'asleep' }), /state: expected/);
    assert.throws(() => store.decide('ap1-0000000000000000', 'retired'), (e) => e.code === 'argument' && /no pattern/.test(e.message));
    assert.throws(() => store.decide(store.patterns()[0].pattern_id, 'paused'), (e) => e.code === 'argument');
    // every warning withheld at 1: listed, none in the prompt
    const all = fw.enhance('p', target, store, { ir, holdout: 1, runId: 'r9' });
    assert.equal(all.section, '');
    assert.ok(all.injected.length > 0 && all.injected.every((i) => i.withheld));
  } finally {
    store.delete();
    ir.delete();
  }
});

test('JS: decisions, states and effects equal the native CLI on the same history', { skip }, () => {
  const { store, ir } = history();
  const file = path.join(tempDir('fw-lifecycle-js-'), 'patterns.json');
  const env = { FOREWARN_NOW: NOW, FOREWARN_STORE: '' };
  const cli = (args) => {
    const r = run([...args, '--store', file], { env });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  try {
    cli(['ingest', '--smoke', 'examples/shop/runs/run-1.json', '--ir', 'examples/shop/ir.json']);
    for (const n of [2, 3]) cli(['ingest', '--smoke', `examples/shop/runs/run-${n}.json`, '--ir', 'examples/shop/ir.json',
      '--manifest', `tests/vectors/inputs/holdout/shop-run-${n}.json`]);
    const id = store.patterns().find((p) => p.category === 'nullable_missing').pattern_id;
    const decided = store.retire(id, { now: NOW });
    assert.deepEqual([decided.decision, decided.decision_at], ['retired', NOW]);
    cli(['pattern', 'retire', id]);
    assert.equal(store.serialize(), readFileSync(file, 'utf8'));
    const life = { minLift: 0.5, minExposures: 1, retireAfter: 1 };
    const flags = ['--min-lift', '0.5', '--min-exposures', '1', '--retire-after', '1'];
    assert.equal(fw.raw.stats(store, { lifecycle: life }) + '\n', cli(['stats', '--json', ...flags]));
    assert.equal(fw.raw.patterns(store, { state: 'retired', lifecycle: life }) + '\n', cli(['patterns', '--json', '--state', 'retired', ...flags]));
    const retired = store.patterns({ state: 'retired', lifecycle: life });
    assert.ok(retired.some((p) => p.pattern_id === id && p.state_reason === 'person'));
    assert.ok(retired.some((p) => p.state_reason === 'no_effect'));
    const js = fw.raw.enhance(read('tests/vectors/prompts/entity.txt'), { entity: 'Product' }, store,
      { ir, lifecycle: life, holdout: 0.5, runId: 'shop-run-4' });
    assert.equal(js + '\n', cli(['enhance', '--entity', 'Product', '--ir', 'examples/shop/ir.json', '--prompt', 'tests/vectors/prompts/entity.txt',
      '--json', ...flags, '--holdout', '0.5', '--run-id', 'shop-run-4', '--manifest-out', path.join(path.dirname(file), 'm.json')]));
    assert.ok(!js.includes(`"pattern_id":"${id}"`));
    store.activate(id, { now: NOW });
    assert.equal(store.patterns().find((p) => p.pattern_id === id).state_reason, 'person');
  } finally {
    store.delete();
    ir.delete();
  }
});

test('JS and CLI: a deleted pattern is gone, the runs stay, an unknown id is refused, and both stores equal', { skip }, () => {
  const { store, ir } = history();
  const file = path.join(tempDir('fw-delete-js-'), 'patterns.json');
  const env = { FOREWARN_NOW: NOW, FOREWARN_STORE: '' };
  const cli = (args) => run([...args, '--store', file], { env });
  try {
    assert.equal(cli(['ingest', '--smoke', 'examples/shop/runs/run-1.json', '--ir', 'examples/shop/ir.json']).status, 0);
    for (const n of [2, 3]) assert.equal(cli(['ingest', '--smoke', `examples/shop/runs/run-${n}.json`, '--ir', 'examples/shop/ir.json',
      '--manifest', `tests/vectors/inputs/holdout/shop-run-${n}.json`]).status, 0);
    const before = store.patterns();
    const runs = store.stats().runs.length;
    const victim = before.find((p) => p.category === 'nullable_missing');
    const gone = store.deletePattern(victim.pattern_id);
    assert.equal(gone.pattern_id, victim.pattern_id);
    assert.equal(gone.occurrence_count, victim.occurrence_count);
    assert.equal(store.get(victim.pattern_id), null);
    assert.equal(store.size, before.length - 1);
    assert.equal(store.stats().runs.length, runs);
    assert.throws(() => store.deletePattern(victim.pattern_id), (e) => e instanceof ForewarnError && e.code === 'argument' && /no pattern/.test(e.message));
    const r = cli(['pattern', 'delete', victim.pattern_id]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /deleted by a person/);
    assert.equal(store.serialize(), readFileSync(file, 'utf8'));
    const again = cli(['pattern', 'delete', victim.pattern_id]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /no pattern/);
    assert.equal(readFileSync(file, 'utf8'), store.serialize(), 'a refused delete changes nothing');
    // the error seen again is a new pattern, counted from 1
    fw.collect(read('examples/shop/runs/run-1.json').replace(/"run_id":\s*"[^"]+"/, '"run_id": "again"'), ir, null, store, { now: NOW });
    assert.equal(store.get(victim.pattern_id)?.occurrence_count >= 1, true);
  } finally {
    store.delete();
    ir.delete();
  }
});

test('JS: redact replaces the secrets as the CLI does', { skip }, () => {
  const text = 'psycopg2.OperationalError: FATAL: password authentication failed; dsn postgresql://app:S3cr3tPassw0rd@db:5432/shop, mail ops@example.com';
  const js = fw.redact(text);
  assert.ok(!js.includes('S3cr3tPassw0rd') && !js.includes('ops@example.com'), js);
  const r = run(['redact', '-'], { input: text });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(js, r.stdout.replace(/\n$/, ''));
  assert.throws(() => fw.redact(42), TypeError);
});
