// Accuracy on the labelled dev corpus (../shared/corpus/dev.jsonl): category >= 0.97 and
// context keys >= 0.95, printed so every test run shows the figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { evaluate } from '../../scripts/corpus-eval.mjs';
import { bin, sharedCorpus } from './helpers.mjs';

test('dev corpus accuracy', { skip: !existsSync(sharedCorpus) && 'no ../shared corpus' }, () => {
  const r = evaluate(sharedCorpus, bin);
  console.log(`# dev corpus: ${r.records} records, category accuracy ${r.categoryAccuracy.toFixed(4)}, context-key accuracy ${r.contextKeyAccuracy.toFixed(4)}, exact ${r.exactRecordAccuracy.toFixed(4)}`);
  for (const m of r.misses) console.log(`# miss ${JSON.stringify(m)}`);
  assert.ok(r.categoryAccuracy >= 0.97, `category accuracy ${r.categoryAccuracy}`);
  assert.ok(r.contextKeyAccuracy >= 0.95, `context-key accuracy ${r.contextKeyAccuracy}`);
});
