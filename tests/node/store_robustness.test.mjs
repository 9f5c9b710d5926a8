// The embedded file store under stress: concurrent ingests lose no increment, and a writer killed
// at any moment leaves the old or the new store, never a torn one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { root, tempDir } from './helpers.mjs';

// Hundreds of processes: the release binary keeps this quick (the ASan one runs everything else).
const fast = existsSync(path.join(root, 'build', 'forewarn')) ? path.join(root, 'build', 'forewarn') : process.env.FOREWARN_BIN;
const ir = path.join(root, 'examples', 'shop', 'ir.json');

const smoke = (runId) => JSON.stringify({
  run_id: runId,
  violations: [
    { endpoint: 'POST /products', status_code: 500, expected_status: 201 },
    { endpoint: 'POST /products', status_code: 500, expected_status: 201 },
  ],
  stack_traces: [
    { endpoint: 'POST /products', traceback: 'sqlite3.IntegrityError: NOT NULL constraint failed: products.category_id' },
    { endpoint: 'POST /products', traceback: 'sqlite3.IntegrityError: NOT NULL constraint failed: products.category_id' },
  ],
});

test('4 processes x 200 runs ingesting at once lose no increment', { timeout: 600000 }, async () => {
  const dir = tempDir('fw-conc-');
  const store = path.join(dir, 'store', 'patterns.json');
  const procs = 4, runs = 200;
  for (let p = 0; p < procs; p++) for (let i = 0; i < runs; i++) writeFileSync(path.join(dir, `s-${p}-${i}.json`), smoke(`run-${p}-${i}`));
  const script = `for i in $(seq 0 ${runs - 1}); do "$FW" ingest --smoke "$DIR/s-$P-$i.json" --ir "$IR" --store "$STORE" > /dev/null || exit 1; done`;
  const results = await Promise.all([...Array(procs).keys()].map((p) => new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, FW: fast, DIR: dir, P: String(p), IR: ir, STORE: store } });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, err }));
  })));
  for (const r of results) assert.equal(r.code, 0, r.err);
  const stats = JSON.parse(spawnSync(fast, ['stats', '--json', '--store', store]).stdout.toString());
  assert.equal(stats.totals.runs, procs * runs);
  assert.equal(stats.totals.occurrences, procs * runs * 2, 'every increment of every process is there');
  assert.equal(stats.totals.patterns, 1);
});

test('kill -9 during writes leaves a valid store (old or new state)', { timeout: 600000 }, async () => {
  const dir = tempDir('fw-kill-');
  const store = path.join(dir, 'patterns.json');
  // a large store, so a save takes long enough to be interrupted
  const patterns = [];
  for (let i = 0; i < 20000; i++) {
    patterns.push({
      pattern_id: `ap1-${i.toString(16).padStart(16, '0')}`, error_type: 'database', category: 'nullable_missing',
      exception_class: 'IntegrityError', error_message_pattern: '^x', message_template: 'x', entity_pattern: `E${i}`,
      endpoint_pattern: 'POST /{entities}', field_pattern: 'nullable:f', remediation: 'r'.repeat(200),
      bad_code_snippet: 'b'.repeat(200), correct_code_snippet: 'c'.repeat(200), occurrence_count: 1, times_prevented: 0,
      first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-01T00:00:00Z',
    });
  }
  writeFileSync(store, JSON.stringify({ format: 'forewarn-store', version: 1, patterns, unclassified: [], runs: [] }));
  let killed = 0, completed = 0;
  for (let i = 0; i < 25; i++) {
    const s = path.join(dir, `s${i}.json`);
    writeFileSync(s, smoke(`kill-${i}`));
    const before = JSON.parse(spawnSync(fast, ['stats', '--json', '--store', store]).stdout.toString()).totals;
    const child = spawn(fast, ['ingest', '--smoke', s, '--ir', ir, '--store', store], { stdio: 'ignore' });
    const delay = 5 + Math.floor(Math.random() * 500);
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      child.on('close', (c, sig) => { clearTimeout(timer); resolve(sig ? sig : c); });
    });
    if (code === 'SIGKILL') killed++; else completed++;
    const r = spawnSync(fast, ['stats', '--json', '--store', store]);
    assert.equal(r.status, 0, `store unreadable after ${code}: ${r.stderr}`);
    const after = JSON.parse(r.stdout.toString()).totals;
    const grew = after.runs === before.runs + 1;
    assert.ok(grew || after.runs === before.runs, 'old or new state');
    assert.equal(after.occurrences, before.occurrences + (grew ? 2 : 0), 'counters match the state');
    JSON.parse(readFileSync(store, 'utf8'));
  }
  // a completed ingest clears the temp files killed writers left behind
  const s = path.join(dir, 'final.json');
  writeFileSync(s, smoke('final'));
  assert.equal(spawnSync(fast, ['ingest', '--smoke', s, '--ir', ir, '--store', store]).status, 0);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp.')), []);
  console.log(`# kill -9 test: ${killed} writers killed, ${completed} completed; the store stayed valid every time`);
  assert.ok(killed > 0, 'at least one writer was killed mid-run');
});
