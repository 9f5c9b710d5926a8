// Parity vectors, native side: the CLI reproduces every expected output in tests/vectors/expected/
// byte for byte (tests/node/wasm.test.mjs checks the WASM API against the same files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bin } from './helpers.mjs';
import { expectedDir, loadManifest, nativeOutputs } from './vectors.mjs';

test('native CLI reproduces every parity vector byte for byte', () => {
  const manifest = loadManifest();
  const failures = [];
  let n = 0;
  for (const v of nativeOutputs(bin, manifest)) {
    n++;
    const file = path.join(expectedDir, v.file);
    if (!existsSync(file)) {
      failures.push(`${v.name}: ${v.file} missing (node scripts/make-vectors.mjs)`);
      continue;
    }
    if (!readFileSync(file).equals(v.actual)) failures.push(`${v.name}: output differs from ${v.file}`);
    if (v.case.category && !v.actual.toString().startsWith('{"exit"')) {
      const got = JSON.parse(v.actual.toString('utf8')).category;
      if (got !== v.case.category) failures.push(`${v.name}: category ${got}, expected ${v.case.category}`);
    }
  }
  assert.deepEqual(failures, []);
  const cases = manifest.classify.length + manifest.errors.length + manifest.jsonl.length +
    manifest.loops.reduce((a, l) => a + l.steps.length, 0);
  assert.equal(n, cases);
});

test('the vectors cover every taxonomy category and the three example smoke runs', () => {
  const manifest = loadManifest();
  const taxonomy = ['nullable_missing', 'fk_relationship_missing', 'unique_constraint_missing',
    'check_constraint_violated', 'missing_table', 'missing_column', 'db_type_mismatch', 'value_too_long',
    'required_field_missing', 'type_mismatch', 'extra_field_in_schema', 'value_constraint_violated',
    'response_validation', 'missing_import', 'wrong_import_path', 'circular_import', 'missing_attribute',
    'null_reference', 'undefined_name', 'wrong_call_signature', 'missing_key', 'async_misuse',
    'orm_session_misuse', 'route_missing', 'method_not_allowed', 'wrong_status_code', 'unknown'];
  const covered = new Set(manifest.classify.map((c) => c.category));
  assert.deepEqual(taxonomy.filter((c) => !covered.has(c)), []);
  assert.ok(manifest.classify.filter((c) => c.text.startsWith('tests/vectors/texts/')).length >= 30);
  const smokes = new Set(manifest.loops.flatMap((l) => l.steps.filter((s) => s.op === 'ingest').map((s) => s.smoke)));
  for (const r of [1, 2, 3]) assert.ok(smokes.has(`examples/shop/runs/run-${r}.json`));
  // every error case names the status the WASM API must throw
  for (const c of manifest.errors) assert.match(c.code, /^[a-z_0-9]+$/);
  assert.ok(JSON.parse(readFileSync(path.join(expectedDir, 'errors/empty-text.json'), 'utf8')).exit === 2);
});
