#!/usr/bin/env node
// Ingest scaling: one smoke run of N violations, each an error no rule knows at its own endpoint
// (N distinct unclassified messages and endpoints, the case that was quadratic), ingested into a
// fresh file store with the native CLI, for N and 10 x N in the same run. Reports each time and
// the ratio (linear: about 10; quadratic: about 100). Nothing is asserted. Synthetic input.
//
//   node bench/ingest.mjs [--n 4000] [--runs 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.FOREWARN_BIN || join(root, 'build', 'forewarn');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer`);
  return v;
};
const n = arg('--n', 4000), runs = arg('--runs', 3);
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-ingest-'));

function smoke(count) {
  const violations = [], stack_traces = [];
  for (let i = 0; i < count; i++) {
    const endpoint = `POST /things${i}`;
    violations.push({ endpoint, status_code: 500, expected_status: 201 });
    stack_traces.push({ endpoint, traceback: `Something odd happened number${i} in module m${i}` });
  }
  const file = join(dir, `smoke-${count}.json`);
  writeFileSync(file, JSON.stringify({ run_id: `bench-${count}`, violations, stack_traces }));
  return file;
}

function best(count) {
  const file = smoke(count);
  let bestMs = Infinity;
  for (let r = 0; r < runs; r++) {
    const store = join(dir, `store-${count}-${r}.json`);
    const t = process.hrtime.bigint();
    const p = spawnSync(bin, ['ingest', '--smoke', file, '--ir', join(root, 'examples/shop/ir.json'), '--store', store]);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (p.status !== 0) throw new Error(`ingest failed: ${p.stderr}`);
    bestMs = Math.min(bestMs, ms);
  }
  return bestMs;
}

try {
  const small = best(n), large = best(10 * n);
  console.log(`ingest of ${n} distinct unclassified violations: ${small.toFixed(0)} ms (best of ${runs})`);
  console.log(`ingest of ${10 * n}: ${large.toFixed(0)} ms`);
  console.log(`ratio ${(large / small).toFixed(1)} for 10x the violations (linear ~10, quadratic ~100)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
