// Measures the classifier on labelled corpora (JSON lines with category and context): runs the
// native CLI in --jsonl mode once per corpus and compares. Reports, per split (train,
// validation, or the whole file when it has none): category accuracy, context-key accuracy
// (keys of the label and the answer; a key counts when both hold the same value), the precision
// of answers that are not `unknown` (a wrong confident lesson is worse than none), and the most
// frequent confusions.
// usage: node scripts/corpus-eval.mjs [FILE.jsonl ...] [--verbose]
//        (default: tests/corpus/*.jsonl and ../shared/corpus/dev.jsonl when present)
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const realCorpusDir = path.join(root, 'tests', 'corpus');
export const devCorpus = path.join(root, '..', 'shared', 'corpus', 'dev.jsonl');

export function realCorpusFiles() {
  return readdirSync(realCorpusDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(realCorpusDir, f));
}

export function readCorpus(files) {
  const records = [];
  for (const file of [].concat(files)) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim()) records.push({ ...JSON.parse(line), _where: `${path.basename(file)}:${i + 1}` });
    });
  }
  return records;
}

// The classifier's answers for records, in order (one --jsonl run).
export function classifyAll(records, binary = path.join(root, 'build', 'forewarn'), extraArgs = []) {
  const input = records.map((r) => JSON.stringify({ id: r.id, text: r.text, ...(r.endpoint ? { endpoint: r.endpoint } : {}) })).join('\n') + '\n';
  const run = spawnSync(binary, ['classify', '--jsonl', ...extraArgs, '-'], {
    input,
    maxBuffer: 1 << 28,
    env: { ...process.env, FOREWARN_NOW: '2026-01-01T00:00:00Z' },
  });
  if (run.status !== 0) throw new Error(`forewarn exited ${run.status}: ${run.stderr}`);
  const outputs = run.stdout.toString('utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
  if (outputs.length !== records.length) throw new Error(`got ${outputs.length} outputs for ${records.length} records`);
  outputs.forEach((o, i) => {
    if (o.id !== records[i].id) throw new Error(`output ${i} has id ${o.id}, expected ${records[i].id}`);
  });
  return outputs;
}

// The labels as the classifier can give them: its answers pass the redactor (a secret or an
// e-mail address in a context value is a placeholder), so each labelled value is put through
// the same `forewarn redact` first, every value on its own line, in one run.
export function redactLabels(records, binary = path.join(root, 'build', 'forewarn')) {
  const slots = [];
  for (const r of records) for (const k of Object.keys(r.context || {})) slots.push([r, k]);
  if (!slots.length) return records;
  const input = slots.map(([r, k]) => String(r.context[k]).replace(/\n/g, ' ')).join('\n') + '\n';
  const run = spawnSync(binary, ['redact', '--lines', '-'], { input, maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`forewarn redact exited ${run.status}: ${run.stderr}`);
  const lines = run.stdout.toString('utf8').split('\n');
  const redacted = new Map(); // record -> its context, filled in the order the slots were sent
  slots.forEach(([r, k], i) => {
    if (!redacted.has(r)) redacted.set(r, {});
    redacted.get(r)[k] = lines[i];
  });
  return records.map((r) => (redacted.has(r) ? { ...r, context: redacted.get(r) } : r));
}

// Scores of outputs against records: accuracy, context-key accuracy, precision, confusions.
export function score(records, outputs) {
  let catOk = 0, keyOk = 0, keyTotal = 0, exact = 0, confident = 0, confidentOk = 0;
  const misses = [];
  const confusion = new Map();
  records.forEach((rec, i) => {
    const out = outputs[i];
    const expected = rec.context || {};
    const got = out.context || {};
    const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
    let recOk = 0;
    for (const k of keys) if (expected[k] === got[k]) recOk++;
    keyOk += recOk;
    keyTotal += keys.size;
    const catHit = out.category === rec.category;
    if (catHit) catOk++;
    if (out.category !== 'unknown') {
      confident++;
      if (catHit) confidentOk++;
    }
    if (catHit && recOk === keys.size) exact++;
    if (!catHit) {
      const k = `${rec.category} -> ${out.category}`;
      confusion.set(k, (confusion.get(k) || 0) + 1);
    }
    if (!catHit || recOk !== keys.size) {
      misses.push({ id: rec.id, where: rec._where, expected: rec.category, got: out.category, rule: out.rule_id, expectedContext: expected, gotContext: got });
    }
  });
  const n = records.length || 1;
  return {
    records: records.length,
    categoryAccuracy: catOk / n,
    contextKeyAccuracy: keyTotal ? keyOk / keyTotal : 1,
    exactRecordAccuracy: exact / n,
    precision: confident ? confidentOk / confident : 1,
    confident,
    confusion: [...confusion.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    misses,
  };
}

// One corpus file (or several), scored as a whole: the dev set's figures.
export function evaluate(corpusPath, binary) {
  const records = redactLabels(readCorpus(corpusPath), binary);
  return score(records, classifyAll(records, binary));
}

// The project's real corpus, scored per split.
export function evaluateSplits(files, binary) {
  const records = redactLabels(readCorpus(files), binary);
  const outputs = classifyAll(records, binary);
  const result = {};
  for (const split of ['train', 'validation']) {
    const idx = records.map((r, i) => (r.split === split ? i : -1)).filter((i) => i >= 0);
    result[split] = score(idx.map((i) => records[i]), idx.map((i) => outputs[i]));
  }
  return result;
}

export function formatScore(name, r, top = 8) {
  const lines = [`${name}: ${r.records} records, category ${r.categoryAccuracy.toFixed(4)}, context ${r.contextKeyAccuracy.toFixed(4)}, exact ${r.exactRecordAccuracy.toFixed(4)}, precision of non-unknown ${r.precision.toFixed(4)} (${r.confident} answers)`];
  for (const [k, v] of r.confusion.slice(0, top)) lines.push(`  confusion ${k}: ${v}`);
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const files = args.filter((a) => !a.startsWith('--'));
  const show = (name, r) => {
    for (const l of formatScore(name, r)) console.log(l);
    if (verbose) for (const m of r.misses) console.log(`  miss ${JSON.stringify(m)}`);
  };
  if (files.length) {
    const records = readCorpus(files);
    if (records.some((r) => r.split)) {
      const s = evaluateSplits(files);
      show('train', s.train);
      show('validation', s.validation);
    } else {
      show(files.join(' '), evaluate(files));
    }
  } else {
    const s = evaluateSplits(realCorpusFiles());
    show('real corpus, train', s.train);
    show('real corpus, validation', s.validation);
    if (existsSync(devCorpus)) show('shared dev set', evaluate(devCorpus));
  }
}
