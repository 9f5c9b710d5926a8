// Neo4j store benchmark against a real Neo4j 5.26 (NEO4J_URI/NEO4J_PASSWORD of a running server,
// e.g. from `tests/neo4j/start.sh DIR` and `source DIR/env`; the database is filled, so use a
// throw-away server): with PATTERNS (default 10 000) anti-patterns stored, the CLI's ingest
// throughput (violations/s over RUNS runs, sequential) with the HTTP requests per ingested run,
// and `enhance --entity` latency (median, p99) beside the file store holding the same patterns.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.FOREWARN_BIN || path.join(root, 'build', 'forewarn');
const N = Number(process.env.PATTERNS || 10000);
const RUNS = Number(process.env.RUNS || 20);
const ENHANCES = Number(process.env.ENHANCES || 60);
if (!process.env.NEO4J_URI) {
  console.error('bench/neo4j.mjs: set NEO4J_URI / NEO4J_PASSWORD (tests/neo4j/start.sh DIR; source DIR/env)');
  process.exit(2);
}
const store = `neo4j+${process.env.NEO4J_URI}`;
const work = mkdtempSync(path.join(tmpdir(), 'fw-bench-neo4j-'));
const fileStore = path.join(work, 'patterns.json');
const env = { ...process.env, FOREWARN_NOW: '2026-01-01T00:00:00Z', FOREWARN_STORE: '' };
const fw = (args, extra = {}) => {
  const r = spawnSync(bin, args, { cwd: root, env: { ...env, ...extra }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`forewarn ${args.join(' ')}: ${r.stderr}`);
  return r;
};
const ir = 'examples/shop/ir.json';

// Seed: the example's run 1 into a file store, then its patterns cloned N times over synthetic
// entities (ids, entities, counts vary), imported into both stores as the same data.
fw(['ingest', '--store', fileStore, '--smoke', 'examples/shop/runs/run-1.json', '--ir', ir]);
const base = JSON.parse(readFileSync(fileStore, 'utf8'));
const patterns = [];
for (let i = 0; patterns.length < N; i++) {
  for (const p of base.patterns) {
    if (patterns.length >= N) break;
    const entity = i === 0 ? p.entity_pattern : `${p.entity_pattern}${i}`;
    patterns.push({ ...p, pattern_id: i === 0 ? p.pattern_id : `${p.pattern_id}-${i}`, entity_pattern: entity,
      occurrence_count: 1 + (i * 7 + patterns.length) % 9 });
  }
}
writeFileSync(fileStore, JSON.stringify({ ...base, patterns }));
// the same patterns in Neo4j, in the layout the store writes (doc + indexed properties)
const owned = ['occurrence_count', 'times_prevented', 'times_injected', 'times_recurred_after_injection', 'prevention_rate', 'first_seen', 'last_seen'];
const rows = patterns.map((p) => {
  const doc = Object.fromEntries(Object.entries(p).filter(([k]) => !owned.includes(k)));
  return {
    pattern_id: p.pattern_id, doc: JSON.stringify(doc), error_type: p.error_type, category: p.category,
    exception_class: p.exception_class, entity_pattern: p.entity_pattern, entity_key: p.entity_pattern.toLowerCase(),
    endpoint_pattern: p.endpoint_pattern, field_pattern: p.field_pattern, schema: p.schema || '', general: !!p.general,
    occurrence_count: p.occurrence_count, first_seen: p.first_seen, last_seen: p.last_seen,
  };
});
fw(['migrate', '--store', store]);
const auth = `Basic ${Buffer.from(`${process.env.NEO4J_USERNAME || 'neo4j'}:${process.env.NEO4J_PASSWORD}`).toString('base64')}`;
for (let i = 0; i < rows.length; i += 2000) {
  const res = await fetch(`${process.env.NEO4J_URI}/db/${process.env.NEO4J_DATABASE || 'neo4j'}/query/v2`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth },
    body: JSON.stringify({
      statement: 'UNWIND $rows AS row MERGE (ap:GenerationAntiPattern {pattern_id: row.pattern_id}) '
        + 'SET ap += row, ap.times_prevented = 0, ap.times_injected = 0, ap.times_recurred_after_injection = 0',
      parameters: { rows: rows.slice(i, i + 2000) },
    }),
  });
  const body = await res.json();
  if (res.status !== 202 || body.errors) throw new Error(JSON.stringify(body).slice(0, 300));
}
const stats = (s) => JSON.parse(fw(['stats', '--store', s, '--json']).stdout).totals;
console.log(`stored: ${stats(store).patterns} patterns in Neo4j, ${stats(fileStore).patterns} in the file store`);

// ingest: RUNS copies of run 1 (16 violations each), sequential CLI calls
const smoke = JSON.parse(readFileSync(path.join(root, 'examples/shop/runs/run-1.json'), 'utf8'));
const result = {};
for (const [name, s] of [['neo4j', store], ['file', fileStore]]) {
  let requests = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < RUNS; r++) {
    const f = path.join(work, `run-${name}-${r}.json`);
    writeFileSync(f, JSON.stringify({ ...smoke, run_id: `bench-${r}` }));
    const out = fw(['ingest', '--store', s, '--smoke', f, '--ir', ir], { FOREWARN_NEO4J_STATS: '1' });
    const m = out.stderr.toString().match(/neo4j: (\d+) HTTP requests/);
    if (m) requests += Number(m[1]);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  result[name] = { violationsPerSec: (RUNS * smoke.violations.length) / secs, msPerRun: (secs * 1000) / RUNS,
    requestsPerRun: requests / RUNS };
}
// enhance latency over the IR's entities (and synthetic ones), each a CLI call
const entities = ['Product', 'Order', 'Customer', 'Category', 'OrderItem', 'Product17', 'Order321'];
for (const [name, s] of [['neo4j', store], ['file', fileStore]]) {
  const times = [];
  let requests = 0;
  for (let i = 0; i < ENHANCES; i++) {
    const t0 = process.hrtime.bigint();
    const out = fw(['enhance', '--store', s, '--entity', entities[i % entities.length], '--ir', ir], { FOREWARN_NEO4J_STATS: '1' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const m = out.stderr.toString().match(/neo4j: (\d+) HTTP requests/);
    if (m) requests += Number(m[1]);
  }
  times.sort((a, b) => a - b);
  Object.assign(result[name], { enhanceMedianMs: times[Math.floor(times.length / 2)],
    enhanceP99Ms: times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)], enhanceRequests: requests / ENHANCES });
}
// the same prompt from both stores
for (const e of entities) {
  const a = fw(['enhance', '--store', store, '--entity', e, '--ir', ir]).stdout.toString();
  const b = fw(['enhance', '--store', fileStore, '--entity', e, '--ir', ir]).stdout.toString();
  if (a !== b) throw new Error(`enhance --entity ${e} differs between the stores`);
}
console.log(`patterns stored: ${N}; runs ingested: ${RUNS} x ${smoke.violations.length} violations; enhance calls: ${ENHANCES}`);
console.log('store   ingest violations/s   ms/run   HTTP requests/run   enhance median ms   p99 ms   HTTP requests/enhance');
for (const [name, r] of Object.entries(result))
  console.log(`${name.padEnd(7)} ${r.violationsPerSec.toFixed(0).padStart(19)} ${r.msPerRun.toFixed(1).padStart(8)} ${r.requestsPerRun.toFixed(1).padStart(19)} ${r.enhanceMedianMs.toFixed(1).padStart(19)} ${r.enhanceP99Ms.toFixed(1).padStart(8)} ${r.enhanceRequests.toFixed(1).padStart(23)}`);
rmSync(work, { recursive: true, force: true });
