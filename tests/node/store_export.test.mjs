// `forewarn store export` / `store import` between file stores: the JSON lines carry every
// field and counter (a round trip gives the same stats and patterns), importing twice changes
// nothing, a malformed line is reported with its number and nothing is imported, a record stored
// with other content is refused unless --replace. (File store <-> Neo4j: neo4j_store.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { root, run, tempDir } from './helpers.mjs';

const ir = 'examples/shop/ir.json';
const work = tempDir('fw-store-export-');

const ok = (args, opts) => {
  const r = run(args, opts);
  assert.equal(r.status, 0, `forewarn ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r;
};

// The example history: three runs, two with the manifests of their prompts.
function history(store) {
  ok(['ingest', '--store', store, '--smoke', 'examples/shop/runs/run-1.json', '--ir', ir]);
  for (const n of [2, 3])
    ok(['ingest', '--store', store, '--smoke', `examples/shop/runs/run-${n}.json`, '--ir', ir,
      '--manifest', `examples/shop/manifests/shop-run-${n}.json`]);
}

const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
const sortedJson = (out) => JSON.parse(out).map(canon).sort();

function sameStores(a, b) {
  assert.equal(ok(['stats', '--store', a, '--json']).stdout, ok(['stats', '--store', b, '--json']).stdout);
  assert.deepEqual(sortedJson(ok(['patterns', '--store', a, '--json']).stdout),
    sortedJson(ok(['patterns', '--store', b, '--json']).stdout));
  assert.deepEqual(sortedJson(ok(['patterns', '--store', a, '--json', '--unclassified']).stdout),
    sortedJson(ok(['patterns', '--store', b, '--json', '--unclassified']).stdout));
}

const source = path.join(work, 'a', 'patterns.json');
history(source);
const lines = ok(['store', 'export', '--store', source]).stdout;
const records = lines.trim().split('\n').map((l) => JSON.parse(l));

test('export: one JSON line per pattern, unclassified group and run, with every counter', () => {
  const kinds = records.map((r) => r.kind);
  assert.deepEqual([...new Set(kinds)], ['pattern', 'unclassified', 'run']);
  const doc = JSON.parse(readFileSync(source, 'utf8'));
  assert.equal(kinds.filter((k) => k === 'pattern').length, doc.patterns.length);
  assert.equal(kinds.filter((k) => k === 'unclassified').length, doc.unclassified.length);
  assert.deepEqual(records.filter((r) => r.kind === 'run').map((r) => r.run_id), doc.runs.map((r) => r.run_id));
  const p = records.find((r) => r.kind === 'pattern' && r.times_injected > 0);
  assert.ok(p, 'no pattern with injections: the example history proves little');
  for (const k of ['occurrence_count', 'times_prevented', 'times_injected', 'times_recurred_after_injection',
    'first_seen', 'last_seen', 'remediation', 'correct_code_snippet']) assert.ok(k in p, k);
});

test('import into a new file store: the same stats and patterns; importing again changes nothing', () => {
  const file = path.join(work, 'export.jsonl');
  writeFileSync(file, lines);
  const target = path.join(work, 'b', 'patterns.json');
  const first = ok(['store', 'import', '--store', target, file]);
  assert.match(first.stdout, new RegExp(`${records.length} records written, 0 already there unchanged`));
  sameStores(source, target);
  const before = readFileSync(target, 'utf8');
  const again = ok(['store', 'import', '--store', target], { input: lines }); /* stdin */
  assert.match(again.stdout, new RegExp(`0 records written, ${records.length} already there unchanged`));
  assert.equal(readFileSync(target, 'utf8'), before);
  // a later run ingested on both stores keeps them equal
  const later = path.join(work, 'later.json');
  writeFileSync(later, JSON.stringify({ ...JSON.parse(readFileSync(path.join(root, 'examples/shop/runs/run-2.json'), 'utf8')), run_id: 'later' }));
  for (const s of [source, target]) ok(['ingest', '--store', s, '--smoke', later, '--ir', ir]);
  sameStores(source, target);
});

test('a malformed line: its number, exit 2, nothing imported (every line checked first)', () => {
  const target = path.join(work, 'c', 'patterns.json');
  const all = lines.trim().split('\n');
  const cases = [
    [[all[0], all[1], '{"kind":"pattern"', all[2]], /line 3: .*not valid JSON \(error near byte 16\)/],
    [[all[0], all[1].replace('{', '{"kind":"run",')], /line 2: \$: .*has the key "kind" twice/],
    [[all[0], '{"kind":"nope","pattern_id":"x"}'], /line 2: expected an object with "kind"/],
    [[all[0], all[1], JSON.stringify({ ...records[1], occurrence_count: -1 })], /line 3: pattern \S+ needs a whole number "occurrence_count"/],
    [[all[0], JSON.stringify({ kind: 'pattern', pattern_id: 'x', occurrence_count: 1, times_prevented: 0, times_injected: 0, times_recurred_after_injection: 0 })], /line 2: expected a string "error_type"/],
    [[all[0], '', all[1], all[0]], /line 4: duplicate pattern_id/],
    [[all.at(-1), JSON.stringify({ kind: 'run', run_id: 'r' })], /line 2: run r needs a string "ingested_at"/],
  ];
  for (const [input, message] of cases) {
    const r = run(['store', 'import', '--store', target], { input: input.join('\n') + '\n' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.ok(!existsSync(target), 'something was imported');
  }
});

test('a record stored with other content is refused (exit 1, nothing written) unless --replace', () => {
  const target = path.join(work, 'd', 'patterns.json');
  const file = path.join(work, 'export-d.jsonl');
  writeFileSync(file, lines);
  ok(['store', 'import', '--store', target, file]);
  const before = readFileSync(target, 'utf8');
  const changed = { ...records[0], occurrence_count: records[0].occurrence_count + 5 };
  const input = [JSON.stringify(changed), JSON.stringify({ ...records[1], pattern_id: 'ap1-new' })].join('\n');
  const r = run(['store', 'import', '--store', target], { input });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`line 1: pattern_id '${records[0].pattern_id}' is already in the store with other content`));
  assert.match(r.stderr, /--replace/);
  assert.equal(readFileSync(target, 'utf8'), before);
  const rep = ok(['store', 'import', '--store', target, '--replace'], { input });
  assert.match(rep.stdout, /2 records written/);
  const stored = JSON.parse(ok(['patterns', '--store', target, '--json']).stdout);
  assert.equal(stored.find((p) => p.pattern_id === records[0].pattern_id).occurrence_count, changed.occurrence_count);
  assert.ok(stored.some((p) => p.pattern_id === 'ap1-new'));
});
