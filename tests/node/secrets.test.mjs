// Secrets never leave: SYNTHETIC error texts (every secret below is made up), each carrying one
// kind of credential or personal address, go through every channel the CLI and the WASM API
// have — classify, classify --jsonl, ingest into the file store (its bytes), patterns, stats,
// store export, enhance — and the secret appears in none of them; a typed placeholder does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { root, run, tempDir } from './helpers.mjs';

import { cases } from './secret_texts.mjs';

test('the fixture set: at least 40 secret-bearing texts, each secret really in its text', () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  for (const [text, secret] of cases) assert.ok(text.includes(secret), secret);
});

test('classify and classify --jsonl never print a secret', () => {
  for (const [text, secret] of cases) {
    const r = run(['classify', '-'], { input: text });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${secret} printed: ${r.stdout.slice(0, 300)}`);
    // the redactor itself finds it (the classification may not quote the part that held it)
    const red = run(['redact', '--count', '-'], { input: text });
    assert.equal(red.status, 0, red.stderr);
    assert.ok(!red.stdout.includes(secret) && /[1-9]\d* replaced/.test(red.stderr), `${secret} not redacted: ${red.stdout}`);
  }
  const input = cases.map(([text], i) => JSON.stringify({ id: i, text })).join('\n') + '\n';
  const r = run(['classify', '--jsonl', '-'], { input });
  assert.equal(r.status, 0, r.stderr);
  for (const [, secret] of cases) assert.ok(!r.stdout.includes(secret), secret);
});

test('ingest, the file store\'s bytes, patterns, stats, store export and enhance hold no secret', () => {
  const dir = tempDir('fw-secrets-');
  const store = path.join(dir, 'patterns.json');
  const smoke = path.join(dir, 'run.json');
  writeFileSync(smoke, JSON.stringify({
    run_id: 'secrets-1',
    // one violation per traceback: the collector classifies a traceback matched to a violation
    violations: cases.map((_, i) => ({ endpoint: i % 2 ? 'POST /customers' : 'POST /products', status_code: 500, expected_status: 201 })),
    stack_traces: cases.map(([traceback], i) => ({ endpoint: i % 2 ? 'POST /customers' : 'POST /products', traceback })),
  }));
  const env = { FOREWARN_STORE: store, FOREWARN_NOW: '2026-01-01T00:00:00Z' };
  const ir = path.join(root, 'examples', 'shop', 'ir.json');
  const outputs = [run(['ingest', '--smoke', smoke, '--ir', ir, '--json'], { env })];
  assert.equal(outputs[0].status, 0, outputs[0].stderr);
  outputs.push(run(['patterns', '--json'], { env }), run(['patterns', '--unclassified', '--json'], { env }),
    run(['stats', '--json'], { env }), run(['store', 'export'], { env }),
    run(['enhance', '--ir', ir, '--entity', 'Customer', '-'], { env, input: 'Generate the Customer model.' }),
    run(['enhance', '--ir', ir, '--entity', 'Product', '-'], { env, input: 'Generate the Product model.' }));
  const bytes = readFileSync(store, 'utf8');
  for (const [, secret] of cases) {
    assert.ok(!bytes.includes(secret), `${secret} in the store file`);
    for (const o of outputs) assert.ok(!o.stdout.includes(secret) && !o.stderr.includes(secret), `${secret} printed`);
  }
  assert.ok(bytes.includes('secrets-1'), 'the run was ingested into the store');
  const doc = JSON.parse(bytes);
  assert.ok(doc.patterns.length >= 5 && doc.unclassified.length >= 20, 'the texts were classified and stored');
  assert.ok(bytes.includes('db.internal'), 'what is not a secret is kept');
});

const wasmBuilt = existsSync(path.join(root, 'wasm', 'dist', 'forewarn.wasm'));
test('the WASM API classifies to the same redacted output', { skip: !wasmBuilt && 'wasm/dist/forewarn.wasm is not built' }, async () => {
  const { Forewarn } = await import('../../wasm/forewarn.mjs');
  const fw = await Forewarn.load();
  for (const [text, secret] of cases) {
    const out = JSON.stringify(fw.classify(text, { now: '2026-01-01T00:00:00Z' }));
    assert.ok(!out.includes(secret), `${secret} in the WASM output`);
  }
});
