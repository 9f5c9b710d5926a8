#!/usr/bin/env node
// A seeded generator simulator for the holdout (issue 15): does `stats` recover what a lesson
// really does? Each simulated pattern has a true recurrence probability p0 when its warning is
// not in the prompt (withheld, not yet eligible, retired) and p1 when it is. Every round runs the
// real CLI: `enhance --batch --holdout H` over the example spec's entities (the manifest says
// what was injected and what withheld), the generator draws which errors recur, and `ingest`
// reads the smoke run with its manifest. At the end `stats --json` gives each lesson's measured
// lift with its 95 % interval, to compare with the true lift p0 - p1.
//
// The error texts are the bundled examples (examples/errors/) and three one-line texts in the
// wording of SQLAlchemy over SQLite/PostgreSQL, written here for the simulation (synthetic):
// what matters is that each classifies to its own pattern of one entity, and that no two share
// a (category, kind of field), so no general pattern mixes them.
//
//   node bench/simulate.mjs [--rounds N] [--holdout F] [--seed S] [--min-lift X] [--json]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, parseOptions } from './common.mjs';

const ir = join(root, 'examples/shop/ir.json');
const example = (file) => readFileSync(join(root, 'examples/errors', file), 'utf8');

// The simulated patterns: the error's text and endpoint, and its true recurrence rates.
export const PATTERNS = [
  { name: 'strong', endpoint: 'POST /products', p0: 0.8, p1: 0.1,
    text: 'sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: products.category_id' },
  { name: 'good', endpoint: 'POST /customers', p0: 0.6, p1: 0.3,
    text: 'sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed: customers.email' },
  { name: 'useless', endpoint: 'POST /orders/7/items', p0: 0.4, p1: 0.4, text: example('post_order_items_fk_mysql.txt') },
  { name: 'harmful', endpoint: 'GET /products', p0: 0.25, p1: 0.55, text: example('get_products_response_validation.txt') },
  { name: 'useless-rare', endpoint: 'GET /orders/7/items', p0: 0.2, p1: 0.2, text: example('get_order_items_detached.txt') },
  { name: 'modest', endpoint: 'POST /categories', p0: 0.7, p1: 0.45,
    text: 'sqlalchemy.exc.DataError: (psycopg2.errors.StringDataRightTruncation) value too long for type character varying(80)\n' +
      '[SQL: INSERT INTO categories (name, description) VALUES (%(name)s, %(description)s) RETURNING categories.id]' },
];

// mulberry32: small, seeded, the same sequence on every machine.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cli(bin, args, env = {}) {
  return execFileSync(bin, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
}

// Which pattern (id, entity) each text becomes, as ingest will classify it.
function identify(bin, patterns, dir) {
  return patterns.map((p, i) => {
    const file = join(dir, `text-${i}.txt`);
    writeFileSync(file, p.text);
    const a = JSON.parse(cli(bin, ['classify', '--ir', ir, '--endpoint', p.endpoint, file])).anti_pattern;
    if (!a || a.entity_pattern === '*') throw new Error(`simulate: ${p.name} does not classify to an entity's pattern`);
    return { ...p, pattern_id: a.pattern_id, entity: a.entity_pattern, category: a.category,
      tally: { injected: 0, injected_recurred: 0, withheld: 0, withheld_recurred: 0 } };
  });
}

/**
 * Run the loop. Returns {rounds, holdout, seed, patterns: [{name, pattern_id, p0, p1, trueLift,
 * effect, tally, state, state_reason, covered, retiredAt}], coverage, prompts, slots} (prompts:
 * every round's enhance output; slots: every round's manifest entries). holdout null: enhance
 * runs without the flag.
 */
export function simulate({ bin = process.env.FOREWARN_BIN || join(root, 'build/forewarn'), rounds = 60, holdout = 0.5,
  seed = 1, lifecycle = [], patterns = PATTERNS, keep = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fw-simulate-'));
  try {
    const known = identify(bin, patterns, dir);
    const store = join(dir, 'patterns.json');
    const targets = [...new Set(known.map((p) => p.entity))];
    const batch = join(dir, 'prompts.jsonl');
    writeFileSync(batch, targets.map((t) => JSON.stringify({ scope: 'entity', target: t })).join('\n') + '\n');
    const draw = rng(seed);
    const retiredAt = {};
    const prompts = [], slots = []; /* per round: the enhance output, the manifest's entries */
    for (let r = 1; r <= rounds; r++) {
      const runId = `sim-${seed}-${r}`, manifest = join(dir, `manifest-${r}.json`);
      const now = new Date(Date.UTC(2026, 0, 1) + r * 60000).toISOString().replace('.000', '');
      const env = { FOREWARN_NOW: now };
      const held = holdout === null ? [] : ['--holdout', String(holdout)]; /* null: the flag not given */
      prompts.push(cli(bin, ['enhance', '--batch', batch, '--ir', ir, '--store', store, '--run-id', runId,
        '--manifest-out', manifest, ...held, ...lifecycle], env));
      const entries = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).injections : [];
      slots.push(entries.map((e) => ({ pattern_id: e.pattern_id, withheld: e.withheld === true })));
      const violations = [];
      for (const p of known) {
        const entry = entries.find((e) => e.pattern_id === p.pattern_id);
        const recurs = draw() < (entry && !entry.withheld ? p.p1 : p.p0);
        if (recurs) violations.push({ endpoint: p.endpoint, status_code: 500, traceback: p.text });
        // the generator's own tally of each arm, to hold the store's counters against
        const arm = !entry ? null : entry.withheld ? 'withheld' : 'injected';
        if (arm) p.tally[arm]++, p.tally[`${arm}_recurred`] += recurs ? 1 : 0;
      }
      const smoke = join(dir, `smoke-${r}.json`);
      writeFileSync(smoke, JSON.stringify({ run_id: runId, violations, stack_traces: [] }));
      cli(bin, ['ingest', '--store', store, '--smoke', smoke, '--ir', ir, ...(entries.length ? ['--manifest', manifest] : [])], env);
      const states = JSON.parse(cli(bin, ['patterns', '--store', store, '--json', ...lifecycle]));
      for (const s of states) if (s.state === 'retired' && !(s.pattern_id in retiredAt)) retiredAt[s.pattern_id] = r;
    }
    const stats = JSON.parse(cli(bin, ['stats', '--store', store, '--json', ...lifecycle]));
    const lessons = JSON.parse(cli(bin, ['patterns', '--store', store, '--json', ...lifecycle]));
    const out = known.map((p) => {
      const l = lessons.find((x) => x.pattern_id === p.pattern_id) ?? {};
      const trueLift = +(p.p0 - p.p1).toFixed(4);
      const ci = l.effect?.ci95;
      return { name: p.name, pattern_id: p.pattern_id, entity: p.entity, p0: p.p0, p1: p.p1, trueLift, effect: l.effect, tally: p.tally,
        state: l.state, state_reason: l.state_reason, covered: ci ? ci[0] <= trueLift && trueLift <= ci[1] : null,
        retiredAt: retiredAt[p.pattern_id] ?? null };
    });
    const measured = out.filter((p) => p.covered !== null);
    return { rounds, holdout, seed, patterns: out, totals: stats.totals, lifecycle: stats.lifecycle,
      coverage: measured.length ? measured.filter((p) => p.covered).length / measured.length : null, prompts, slots,
      store: keep ? readFileSync(store, 'utf8') : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(res) {
  const lines = [`${res.rounds} rounds, holdout ${res.holdout}, seed ${res.seed}, lifecycle ${JSON.stringify(res.lifecycle)}`];
  for (const p of res.patterns) {
    const e = p.effect ?? {};
    const ci = e.ci95 ? `[${e.ci95[0].toFixed(2)}, ${e.ci95[1].toFixed(2)}]` : '-';
    lines.push(`${p.name.padEnd(13)} true ${p.trueLift.toFixed(2).padStart(5)}  measured ${e.lift == null ? '   -' : e.lift.toFixed(2).padStart(5)} ` +
      `${ci.padEnd(15)} ${p.covered === null ? '' : p.covered ? 'covered' : 'MISSED '}  ${e.injected_recurred}/${e.injected} injected, ` +
      `${e.withheld_recurred}/${e.withheld} withheld  ${p.state}${p.state_reason ? ` (${p.state_reason}${p.retiredAt ? `, round ${p.retiredAt}` : ''})` : ''}`);
  }
  lines.push(`coverage: ${res.coverage === null ? '-' : (100 * res.coverage).toFixed(0)}%`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = { rounds: 60, holdout: 0.5, seed: 1, lifecycle: [], seeds: 1 };
  let json = false;
  parseOptions(process.argv.slice(2), 'usage: node bench/simulate.mjs [--rounds N] [--holdout F] [--seed S] [--seeds K] [--min-lift X] [--json]',
    (flag, value, number) => {
      if (flag === '--rounds') opts.rounds = number(1);
      else if (flag === '--holdout') opts.holdout = number(0);
      else if (flag === '--seed') opts.seed = number(0);
      else if (flag === '--seeds') opts.seeds = number(1);
      else if (flag === '--min-lift') opts.lifecycle.push('--min-lift', value());
      else if (flag === '--json') json = true;
      else return false;
      return true;
    });
  const results = [];
  for (let s = 0; s < opts.seeds; s++) results.push(simulate({ ...opts, seed: opts.seed + s }));
  const all = results.flatMap((r) => r.patterns).filter((p) => p.covered !== null);
  const summary = { runs: results.map(({ prompts, slots, store, ...r }) => r),
    coverage: all.length ? all.filter((p) => p.covered).length / all.length : null, intervals: all.length };
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  writeFileSync(join(root, 'bench/out/simulate.json'), JSON.stringify(summary, null, 2) + '\n');
  if (json) console.log(JSON.stringify(summary, null, 2));
  else {
    for (const r of results) console.log(report(r) + '\n');
    console.log(`over ${opts.seeds} seeds: ${summary.intervals} intervals, ${(100 * summary.coverage).toFixed(1)}% hold the true lift`);
  }
}
