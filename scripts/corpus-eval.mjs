// Measures the classifier on a labelled corpus (JSON lines with category and context): runs the
// native CLI in --jsonl mode once and compares. Prints category and context-key accuracy.
// usage: node scripts/corpus-eval.mjs [corpus.jsonl] [--verbose]
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function evaluate(corpusPath, binary = path.join(root, 'build', 'forewarn')) {
  const lines = readFileSync(corpusPath, 'utf8').split('\n').filter((l) => l.trim());
  const records = lines.map((l) => JSON.parse(l));
  const run = spawnSync(binary, ['classify', '--jsonl', '-'], {
    input: lines.join('\n') + '\n',
    maxBuffer: 1 << 28,
    env: { ...process.env, FOREWARN_NOW: '2026-01-01T00:00:00Z' },
  });
  if (run.status !== 0) throw new Error(`forewarn exited ${run.status}: ${run.stderr}`);
  const outputs = run.stdout.toString('utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
  if (outputs.length !== records.length) throw new Error(`got ${outputs.length} outputs for ${records.length} records`);
  let catOk = 0, keyOk = 0, keyTotal = 0, exact = 0;
  const misses = [];
  records.forEach((rec, i) => {
    const out = outputs[i];
    if (out.id !== rec.id) throw new Error(`output ${i} has id ${out.id}, expected ${rec.id}`);
    const expected = rec.context || {};
    const got = out.context || {};
    const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
    let recOk = 0;
    for (const k of keys) if (expected[k] === got[k]) recOk++;
    keyOk += recOk;
    keyTotal += keys.size;
    const catHit = out.category === rec.category;
    if (catHit) catOk++;
    if (catHit && recOk === keys.size) exact++;
    if (!catHit || recOk !== keys.size) misses.push({ id: rec.id, expected: rec.category, got: out.category, rule: out.rule_id, expectedContext: expected, gotContext: got });
  });
  return {
    records: records.length,
    categoryAccuracy: catOk / records.length,
    contextKeyAccuracy: keyTotal ? keyOk / keyTotal : 1,
    exactRecordAccuracy: exact / records.length,
    misses,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const corpus = process.argv.slice(2).find((a) => !a.startsWith('--')) || path.join(root, '..', 'shared', 'corpus', 'dev.jsonl');
  const r = evaluate(corpus);
  if (process.argv.includes('--verbose')) for (const m of r.misses) console.log(JSON.stringify(m));
  console.log(`corpus ${corpus}: ${r.records} records`);
  console.log(`category accuracy ${r.categoryAccuracy.toFixed(4)}`);
  console.log(`context-key accuracy ${r.contextKeyAccuracy.toFixed(4)}`);
  console.log(`exact records ${r.exactRecordAccuracy.toFixed(4)}`);
}
