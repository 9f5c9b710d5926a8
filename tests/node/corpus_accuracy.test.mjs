// Accuracy on real errors: the project's corpus (tests/corpus/, per split; the validation split is
// never tuned on, see tests/corpus/README.md) and the labelled dev set of ../shared/ when present.
// Every run prints the figures and the top confusions, then asserts the goals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { evaluate, evaluateSplits, formatScore, readCorpus, realCorpusFiles } from '../../scripts/corpus-eval.mjs';
import { checkCorpus } from '../../scripts/corpus-shape.mjs';
import { bin, sharedCorpus } from './helpers.mjs';

const print = (name, r) => { for (const line of formatScore(name, r, 6)) console.log(line); };

test('the real corpus has the required shape (size, breadth, shares, splits, second reads)', () => {
  const { problems, shares } = checkCorpus(readCorpus(realCorpusFiles()));
  console.log(`corpus shape ${JSON.stringify(shares)}`);
  assert.deepEqual(problems, []);
});

test('real corpus: train >= 0.97 category / 0.95 context; validation >= 0.95 / 0.90, precision >= 0.97', () => {
  const s = evaluateSplits(realCorpusFiles(), bin);
  print('real corpus, train', s.train);
  print('real corpus, validation', s.validation);
  assert.ok(s.train.categoryAccuracy >= 0.97, `train category ${s.train.categoryAccuracy}`);
  assert.ok(s.train.contextKeyAccuracy >= 0.95, `train context ${s.train.contextKeyAccuracy}`);
  assert.ok(s.validation.categoryAccuracy >= 0.95, `validation category ${s.validation.categoryAccuracy}`);
  assert.ok(s.validation.contextKeyAccuracy >= 0.90, `validation context ${s.validation.contextKeyAccuracy}`);
  assert.ok(s.validation.precision >= 0.97, `validation precision of non-unknown answers ${s.validation.precision}`);
});

test('dev set: category >= 0.97, context >= 0.95', { skip: !existsSync(sharedCorpus) && 'no ../shared corpus' }, () => {
  const r = evaluate(sharedCorpus, bin);
  print('shared dev set', r);
  for (const m of r.misses) console.log(`miss ${JSON.stringify(m)}`);
  assert.ok(r.categoryAccuracy >= 0.97, `category accuracy ${r.categoryAccuracy}`);
  assert.ok(r.contextKeyAccuracy >= 0.95, `context-key accuracy ${r.contextKeyAccuracy}`);
});
