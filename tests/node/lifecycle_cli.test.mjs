// The lesson lifecycle through the CLI with the embedded file store: enhance --holdout and the
// lifecycle options refuse bad values (exit 2, nothing written), `forewarn pattern` records a
// person's decision and refuses unknown ids, patterns --state filters, stats says in words what
// the effects show, a store written before the holdout loads unchanged and a corrupt decision
// is refused with its JSON path, the store left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, tempDir } from './helpers.mjs';

const ir = 'examples/shop/ir.json';
const runs = 'examples/shop/runs';
const held = 'tests/vectors/inputs/holdout'; // manifests written by enhance --holdout 0.5
const env = { FOREWARN_NOW: '2026-03-01T00:00:00Z', FOREWARN_STORE: '' };
const fw = (args) => run(args, { env });
const ok = (args) => {
  const r = fw(args);
  assert.equal(r.status, 0, `forewarn ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

function heldStore() {
  const store = path.join(tempDir('fw-lifecycle-'), 'patterns.json');
  ok(['ingest', '--store', store, '--smoke', `${runs}/run-1.json`, '--ir', ir]);
  for (const n of [2, 3]) ok(['ingest', '--store', store, '--smoke', `${runs}/run-${n}.json`, '--ir', ir, '--manifest', `${held}/shop-run-${n}.json`]);
  return store;
}

test('enhance refuses a bad holdout or threshold: exit 2, the reason, no manifest written', () => {
  const store = heldStore();
  const manifest = path.join(path.dirname(store), 'manifest.json');
  const cases = [
    [['--holdout', '1.5', '--run-id', 'r', '--manifest-out', manifest], /--holdout must be a number from 0 to 1, not '1\.5'/],
    [['--holdout', 'half', '--run-id', 'r', '--manifest-out', manifest], /--holdout must be a number from 0 to 1/],
    [['--holdout', '0.2'], /--holdout needs --run-id and --manifest-out/],
    [['--min-lift', 'x'], /--min-lift must be a number from -1 to 1/],
    [['--min-exposures', '0'], /--min-exposures must be a whole number of at least 1/],
    [['--unseen-runs', 'soon'], /--unseen-runs must be a whole number of at least 1/],
    [['--retire-after', '-3'], /--retire-after must be a whole number of at least 1/],
  ];
  for (const [extra, message] of cases) {
    const r = fw(['enhance', '--entity', 'Product', '--ir', ir, '--store', store, ...extra]);
    assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  assert.ok(!existsSync(manifest));
  // --unseen-runs never is a value
  ok(['enhance', '--entity', 'Product', '--ir', ir, '--store', store, '--unseen-runs', 'never']);
});

test('a person retires and activates a lesson; unknown ids and commands are refused', () => {
  const store = heldStore();
  const id = JSON.parse(ok(['patterns', '--store', store, '--json'])).find((p) => p.entity_pattern === 'Product' && p.category === 'nullable_missing').pattern_id;
  assert.ok(ok(['enhance', '--entity', 'Product', '--ir', ir, '--store', store, '--json']).includes(id));
  assert.equal(ok(['pattern', 'retire', id, '--store', store]), `${id}: retired by a person\n`);
  const retired = JSON.parse(ok(['patterns', '--store', store, '--json', '--state', 'retired']));
  assert.deepEqual(retired.map((p) => [p.pattern_id, p.state_reason, p.decision, p.decision_at]), [[id, 'person', 'retired', env.FOREWARN_NOW]]);
  assert.ok(!ok(['enhance', '--entity', 'Product', '--ir', ir, '--store', store, '--json']).includes(id));
  assert.match(ok(['patterns', '--store', store]), new RegExp(`${id}[^\\n]*\\n    retired \\(person\\)`));
  ok(['pattern', 'activate', id, '--store', store]);
  assert.ok(ok(['enhance', '--entity', 'Product', '--ir', ir, '--store', store, '--json']).includes(id));
  const before = readFileSync(store, 'utf8');
  for (const [args, message] of [
    [['pattern', 'retire', 'ap1-0000000000000000', '--store', store], /no pattern 'ap1-0000000000000000' in the store/],
    [['pattern', 'retire', '--store', store], /which pattern\? give its pattern_id/],
    [['pattern', 'pause', id, '--store', store], /usage: forewarn pattern retire\|activate/],
    [['patterns', '--store', store, '--state', 'sleeping'], /--state is active, escalated or retired, not 'sleeping'/],
    [['patterns', '--store', store, '--state', 'retired', '--unclassified'], /--state is for lessons/],
  ]) {
    const r = fw(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(readFileSync(store, 'utf8'), before);
});

test('stats prints each lesson\'s effect and says what the effects show', () => {
  const store = heldStore();
  const text = ok(['stats', '--store', store, '--min-exposures', '1']);
  assert.match(text, /^effect: recurrence rate when withheld minus when injected \(lift\), 95% interval \(Newcombe\)$/m);
  assert.match(text, /^no effect shown \(interval holds 0\): ap1-/m);
  assert.match(text, /^not enough data yet: /m);
  assert.match(text, /^all lessons: lift [+-]\d\.\d{3} \[[+-]\d\.\d\d, [+-]\d\.\d\d\] from \d+ injected and \d+ withheld slots$/m);
  const json = JSON.parse(ok(['stats', '--store', store, '--json', '--min-exposures', '1']));
  const lifts = json.effects.filter((e) => e.effect.lift !== null).map((e) => e.effect.lift);
  assert.deepEqual(lifts, [...lifts].sort((a, b) => b - a), 'sorted by lift');
  assert.deepEqual(json.lifecycle, { min_lift: 0.05, min_exposures: 1, unseen_runs: 20, retire_exposures: 20 });
  // without any holdout: nothing measured, said so
  const plain = path.join(tempDir('fw-lifecycle-'), 'patterns.json');
  ok(['ingest', '--store', plain, '--smoke', `${runs}/run-1.json`, '--ir', ir]);
  assert.match(ok(['stats', '--store', plain]), /no lesson was injected or withheld yet/);
});

test('a store written before the holdout loads unchanged; a corrupt decision is refused, the store kept', () => {
  const store = heldStore();
  const doc = JSON.parse(readFileSync(store, 'utf8'));
  const owned = ['times_withheld', 'times_recurred_when_withheld', 'last_seen_run', 'decision', 'decision_at'];
  const old = { ...doc, patterns: doc.patterns.map((p) => Object.fromEntries(Object.entries(p).filter(([k]) => !owned.includes(k)))),
    runs: doc.runs.map(({ withheld, withheld_recurred: wr, ...r }) => r) };
  const oldStore = path.join(tempDir('fw-lifecycle-'), 'patterns.json');
  writeFileSync(oldStore, JSON.stringify(old));
  const lessons = JSON.parse(ok(['patterns', '--store', oldStore, '--json']));
  assert.ok(lessons.every((p) => p.times_withheld === 0 && p.last_seen_run === undefined && p.state !== 'retired'));
  const next = path.join(path.dirname(oldStore), 'run-4.json');
  writeFileSync(next, JSON.stringify({ ...JSON.parse(readFileSync(`${runs}/run-2.json`, 'utf8')), run_id: 'shop-run-4' }));
  ok(['ingest', '--store', oldStore, '--smoke', next, '--ir', ir]);
  const after = JSON.parse(readFileSync(oldStore, 'utf8'));
  assert.ok(after.patterns.some((p) => p.last_seen_run === 4), 'the next run is counted from the runs stored');
  const bad = { ...doc, patterns: doc.patterns.map((p, i) => (i === 1 ? { ...p, decision: 'maybe' } : p)) };
  writeFileSync(store, JSON.stringify(bad));
  const text = readFileSync(store, 'utf8');
  const r = fw(['pattern', 'retire', doc.patterns[0].pattern_id, '--store', store]);
  assert.equal(r.status, 1, r.stderr); /* a corrupt store, as for any other field */
  assert.match(r.stderr, /is corrupt \(\$\.patterns\[1\]: "decision" must be "retired" or "active"\); it was left as it is/);
  assert.equal(readFileSync(store, 'utf8'), text);
});
