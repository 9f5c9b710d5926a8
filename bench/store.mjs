// The learning loop's benchmark: enhance latency with a large store (median, p99) against a naive
// linear scan measured in the same run, and ingest throughput (violations/s) through the CLI
// against the file store, against ingesting the same violations one run per violation (an
// unbatched collector) measured in the same run.
// usage: node bench/store.mjs [--patterns 100000] [--violations 20000] [--quick]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench', 'out');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const quick = process.argv.includes('--quick');
const patterns = arg('--patterns', quick ? 20000 : 100000);
const violations = arg('--violations', quick ? 5000 : 20000);
const queries = arg('--queries', quick ? 2000 : 10000);
mkdirSync(out, { recursive: true });

const build = spawnSync('cmake', ['--build', path.join(root, 'build'), '--target', 'fw_bench_store', 'forewarn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const bin = path.join(root, 'build', 'forewarn');
const ir = path.join(root, 'examples', 'shop', 'ir.json');

// 1. in process: enhance latency and collect+apply+serialise
const core = spawnSync(path.join(root, 'build', 'fw_bench_store'), [ir, String(patterns), String(queries), String(violations)], { maxBuffer: 1 << 26 });
if (core.status !== 0) { console.error(core.stderr.toString()); process.exit(1); }
const c = JSON.parse(core.stdout.toString());

// 2. CLI against the file store: one batched run of N violations vs one run per violation
const texts = readFileSync(path.join(root, '..', 'shared', 'corpus', 'dev.jsonl'), 'utf8').split('\n').filter(Boolean)
  .map((l) => JSON.parse(l)).filter((r) => r.category !== 'unknown').map((r) => r.text);
const endpoints = ['POST /products', 'PUT /products/3', 'POST /customers', 'POST /orders', 'POST /orders/1/items'];
const smoke = (runId, n, offset = 0) => ({
  run_id: runId,
  violations: Array.from({ length: n }, (_, i) => ({ endpoint: endpoints[(i + offset) % 5], status_code: 500, expected_status: 201 })),
  stack_traces: Array.from({ length: n }, (_, i) => ({ endpoint: endpoints[(i + offset) % 5], traceback: texts[(i + offset) % texts.length] })),
});
const store = path.join(out, 'bench-store.json');
rmSync(store, { force: true });
writeFileSync(path.join(out, 'smoke-batch.json'), JSON.stringify(smoke('batch', violations)));
const time = (args) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(bin, args, { env: { ...process.env, FOREWARN_STORE: store } });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return Number(process.hrtime.bigint() - t0) / 1e9;
};
const batchS = time(['ingest', '--smoke', path.join(out, 'smoke-batch.json'), '--ir', ir]);
const single = Math.min(300, violations);
let singleS = 0;
for (let i = 0; i < single; i++) {
  const f = path.join(out, 'smoke-one.json');
  writeFileSync(f, JSON.stringify(smoke(`one-${i}`, 1, i)));
  singleS += time(['ingest', '--smoke', f, '--ir', ir]);
}
// 3. CLI enhance against a file store of the same size: one call (the store is loaded each
// time) and a --batch of many prompts (loaded once)
const bigStore = path.join(out, 'bench-big-store.json');
const gen = spawnSync(process.execPath, ['-e', `
  const fs = require('fs'); const n = ${patterns}; const patterns = [];
  for (let i = 0; i < n; i++) patterns.push({pattern_id: 'ap1-' + i.toString(16).padStart(16, '0'), error_type: 'database',
    category: 'nullable_missing', exception_class: 'IntegrityError', error_message_pattern: '^x', message_template: 'x',
    entity_pattern: 'Entity' + Math.floor(i / 100), endpoint_pattern: 'POST /{entities}', field_pattern: 'nullable:f' + (i % 100),
    remediation: 'IntegrityError on Entity.f: make the schema match the column', bad_code_snippet: 'f: Optional[int] = None',
    correct_code_snippet: 'f: int', occurrence_count: 1 + (i * 7919) % 50, times_prevented: 0,
    first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-01T00:00:00Z'});
  fs.writeFileSync(${JSON.stringify(bigStore)}, JSON.stringify({format: 'forewarn-store', version: 1, patterns, unclassified: [], runs: []}));`]);
if (gen.status !== 0) throw new Error(gen.stderr.toString());
const timeWith = (args, input) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(bin, args, { input, maxBuffer: 1 << 28, env: { ...process.env, FOREWARN_STORE: bigStore } });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return Number(process.hrtime.bigint() - t0) / 1e9;
};
const oneCall = [1, 2, 3].map(() => timeWith(['enhance', '--entity', 'Entity7'])).sort((a, b) => a - b)[1];
const batchN = 1000;
const batchInput = Array.from({ length: batchN }, (_, i) => JSON.stringify({ scope: 'entity', target: 'Entity' + ((i * 7) % Math.max(1, Math.floor(patterns / 100))) })).join('\n') + '\n';
const batchS2 = timeWith(['enhance', '--batch', '-'], batchInput);

const result = {
  patterns, queries, enhance_median_us: c.enhance_median_us, enhance_p99_us: c.enhance_p99_us,
  naive_median_us: c.naive_median_us, naive_p99_us: c.naive_p99_us, enhance_speedup_p99: c.speedup_p99,
  store_load_ms: c.load_ms,
  core_ingest_violations_per_s: c.ingest_violations_per_s, core_ingest_store_patterns: patterns,
  cli_batch_violations: violations, cli_batch_violations_per_s: violations / batchS,
  cli_single_violations_per_s: single / singleS,
  cli_enhance_one_call_ms: oneCall * 1e3, cli_enhance_batch_prompts: batchN, cli_enhance_batch_ms_per_prompt: (batchS2 * 1e3) / batchN,
};
result.cli_batch_vs_single = result.cli_batch_violations_per_s / result.cli_single_violations_per_s;
writeFileSync(path.join(out, 'store.json'), JSON.stringify(result, null, 2));
console.log(`enhance over ${patterns} patterns (${queries} queries): median ${c.enhance_median_us.toFixed(1)} us, p99 ${c.enhance_p99_us.toFixed(1)} us (target p99 < 5000 us)`);
console.log(`  naive linear scan, same run: median ${c.naive_median_us.toFixed(0)} us, p99 ${c.naive_p99_us.toFixed(0)} us -> indexed is ${c.speedup_p99.toFixed(0)}x faster at p99`);
console.log(`enhance CLI, file store of ${patterns} patterns: one call ${result.cli_enhance_one_call_ms.toFixed(0)} ms (loads the whole store), --batch of ${batchN} prompts ${result.cli_enhance_batch_ms_per_prompt.toFixed(2)} ms per prompt`);
console.log(`ingest in process (collect + apply + serialise a ${patterns}-pattern store): ${c.ingest_violations_per_s.toFixed(0)} violations/s`);
console.log(`ingest CLI, file store: one run of ${violations} violations ${result.cli_batch_violations_per_s.toFixed(0)} violations/s (target >= 20000)`);
console.log(`  baseline, same run: one run per violation ${result.cli_single_violations_per_s.toFixed(0)} violations/s -> batched is ${result.cli_batch_vs_single.toFixed(0)}x`);
