// The shared parity vectors (tests/vectors/manifest.json), run two ways: by the native CLI
// (nativeOutputs) and by the WASM API (wasmOutputs). Each yields {name, file, actual} where file
// is the expected output under tests/vectors/expected/ and actual the bytes that run produced;
// scripts/make-vectors.mjs writes the native ones, the tests compare both against the files.
//
// Output of each kind of case:
//   classify  the CLI's stdout: the classification JSON and "\n"
//   errors    {"exit": N, "stderr": "forewarn: <context>: <core message>\n"} and "\n"
//   jsonl     the CLI's stdout: one JSON line per non-blank input line
//   loops     per step: ingest -> the FeedbackProcessingResult line (`ingest --json`), store ->
//             the store document as written to the file, stats / patterns / enhance -> their
//             `--json` line
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './helpers.mjs';

export const vectorsDir = path.join(root, 'tests', 'vectors');
export const expectedDir = path.join(vectorsDir, 'expected');

export function loadManifest() {
  return JSON.parse(readFileSync(path.join(vectorsDir, 'manifest.json'), 'utf8'));
}

const read = (rel) => readFileSync(path.join(root, rel));
const errorRecord = (exit, stderr) => `${JSON.stringify({ exit, stderr })}\n`;
const stepFile = (loop, i, step) => `${loop.name}/${String(i + 1).padStart(2, '0')}-${step.op}${
  step.target ? `-${step.target.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}` : ''}${
  step.unclassified ? '-unclassified' : ''}.json`;

// The CLI's exit code for a core status (native/io.c cli_exit_for).
export function exitFor(code) {
  return ['json', 'xml', 'schema', 'utf8', 'too_large', 'empty', 'argument', 'rule_compile'].includes(code) ? 2 : 1;
}

// Non-blank lines of a JSON-lines file as bytes, as the CLI reads them (trailing \r dropped).
export function jsonlRecords(bytes) {
  const out = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    let e = end;
    while (e > start && (bytes[e - 1] === 0x0d || bytes[e - 1] === 0x0a)) e--;
    const line = bytes.subarray(start, e);
    if (!line.every((b) => b === 0x20 || b === 0x09)) out.push(line);
    start = end + 1;
  }
  return out;
}

// A step's lifecycle thresholds: as CLI flags, and as the JS API's option.
const lifecycleFlags = (s) => [...(s.min_lift !== undefined ? ['--min-lift', String(s.min_lift)] : []),
  ...(s.min_exposures ? ['--min-exposures', String(s.min_exposures)] : []),
  ...(s.retire_after ? ['--retire-after', String(s.retire_after)] : [])];
const lifecycleOf = (s) => ({ minLift: s.min_lift, minExposures: s.min_exposures, retireAfter: s.retire_after });

// ---- native ------------------------------------------------------------------------------------

export function* nativeOutputs(bin, manifest = loadManifest()) {
  const env = { ...process.env, FOREWARN_NOW: manifest.now };
  delete env.FOREWARN_STORE;
  const cli = (args) => {
    const r = spawnSync(bin, args, { cwd: root, env, maxBuffer: 1 << 28 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  };
  const ok = (r, what) => {
    if (r.status !== 0) throw new Error(`${what}: exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  for (const c of manifest.classify) {
    const args = ['classify', ...(c.ir ? ['--ir', c.ir] : []), ...(c.rules ? ['--rules', c.rules] : []),
      ...(c.stack ? ['--stack', c.stack] : []),
      ...(c.endpoint ? ['--endpoint', c.endpoint] : []), c.text];
    yield { name: c.name, file: `${c.name}.json`, actual: ok(cli(args), c.name), case: c };
  }
  for (const c of manifest.errors) {
    const args = c.op === 'ingest'
      ? ['ingest', '--smoke', c.smoke, '--ir', c.ir, ...(c.manifest ? ['--manifest', c.manifest] : []), '--json',
        '--store', path.join(tmpdir(), 'forewarn-vectors-never-written.json')]
      : ['classify', ...(c.ir ? ['--ir', c.ir] : []), ...(c.rules ? ['--rules', c.rules] : []), c.text];
    const r = cli(args);
    if (r.stdout.length) throw new Error(`${c.name}: expected no output, got ${r.stdout}`);
    yield { name: c.name, file: `${c.name}.json`, actual: Buffer.from(errorRecord(r.status, r.stderr)), case: c };
  }
  for (const c of manifest.jsonl) {
    const args = ['classify', '--jsonl', '--threads', '1', ...(c.ir ? ['--ir', c.ir] : []),
      ...(c.max_input ? ['--max-input', String(c.max_input)] : []), c.input];
    const r = cli(args);
    if (r.status !== c.exit) throw new Error(`${c.name}: exit ${r.status}, expected ${c.exit}: ${r.stderr}`);
    yield { name: c.name, file: `${c.name}.jsonl`, actual: r.stdout, case: c };
  }
  for (const loop of manifest.loops) {
    const dir = mkdtempSync(path.join(tmpdir(), 'fw-vectors-'));
    const store = path.join(dir, 'patterns.json');
    try {
      for (const [i, s] of loop.steps.entries()) {
        let out;
        if (s.op === 'ingest') {
          out = ok(cli(['ingest', '--smoke', s.smoke, '--ir', loop.ir, ...(s.manifest ? ['--manifest', s.manifest] : []),
            '--store', store, '--json']), `${loop.name} step ${i + 1}`);
        } else if (s.op === 'store') {
          out = readFileSync(store);
        } else if (s.op === 'stats') {
          out = ok(cli(['stats', '--store', store, '--json', ...lifecycleFlags(s)]), `${loop.name} step ${i + 1}`);
        } else if (s.op === 'patterns') {
          out = ok(cli(['patterns', '--store', store, '--json', ...(s.unclassified ? ['--unclassified'] : []),
            ...(s.state ? ['--state', s.state] : []), ...lifecycleFlags(s)]), `${loop.name} step ${i + 1}`);
        } else if (s.op === 'decide') {
          ok(cli(['pattern', s.decision === 'retired' ? 'retire' : 'activate', s.pattern_id, '--store', store]), `${loop.name} step ${i + 1}`);
          out = ok(cli(['patterns', '--store', store, '--json']), `${loop.name} step ${i + 1}`);
        } else if (s.op === 'enhance') {
          out = ok(cli(['enhance', `--${s.scope}`, s.target, '--ir', loop.ir, '--prompt', s.prompt, '--store', store, '--json',
            ...(s.max_patterns ? ['--max-patterns', String(s.max_patterns)] : []),
            ...(s.min_occurrences ? ['--min-occurrences', String(s.min_occurrences)] : []),
            ...(s.budget ? ['--budget', String(s.budget)] : []),
            ...(s.holdout ? ['--holdout', String(s.holdout), '--run-id', s.run_id, '--manifest-out', path.join(dir, `m-${i}.json`)] : []),
            ...lifecycleFlags(s)]), `${loop.name} step ${i + 1}`);
        } else {
          throw new Error(`${loop.name}: unknown step ${s.op}`);
        }
        yield { name: `${loop.name} step ${i + 1} (${s.op}${s.target ? ` ${s.target}` : ''})`, file: stepFile(loop, i, s), actual: out, case: s };
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

// ---- WASM --------------------------------------------------------------------------------------

export function* wasmOutputs(fw, manifest = loadManifest()) {
  const now = manifest.now;
  const irs = new Map();
  const rulesets = new Map();
  const irOf = (p) => {
    if (!p) return null;
    if (!irs.has(p)) irs.set(p, new fw.IR(read(p)));
    return irs.get(p);
  };
  const rulesOf = (p) => {
    if (!p) return undefined;
    if (!rulesets.has(p)) rulesets.set(p, new fw.Rules(read(p)));
    return rulesets.get(p);
  };
  const text = (s) => Buffer.from(`${s}\n`);
  try {
    for (const c of manifest.classify) {
      const out = fw.raw.classify(read(c.text), { ir: irOf(c.ir), rules: rulesOf(c.rules), endpoint: c.endpoint, stack: c.stack, now });
      yield { name: c.name, file: `${c.name}.json`, actual: text(out), case: c };
    }
    for (const c of manifest.errors) {
      // In the CLI's order (rules, IR, then the call), each failure named as the CLI names it.
      const cleanup = [];
      let context;
      const step = (ctx, fn) => {
        context = ctx;
        return fn();
      };
      let error;
      try {
        const rules = c.rules ? step(`rule pack ${c.rules}`, () => new fw.Rules(read(c.rules))) : undefined;
        if (rules) cleanup.push(rules);
        const ir = c.ir ? step(`ApplicationIR ${c.ir}`, () => new fw.IR(read(c.ir))) : null;
        if (ir) cleanup.push(ir);
        if (c.op === 'ingest') {
          const store = new fw.MemoryStore();
          cleanup.push(store);
          step('ingest', () => fw.raw.collect(read(c.smoke), ir, c.manifest ? read(c.manifest) : null, store, { now }));
        } else {
          step(c.text, () => fw.raw.classify(read(c.text), { ir, rules, now }));
        }
      } catch (e) {
        error = e;
      } finally {
        for (const h of cleanup) h.delete();
      }
      if (!error) throw new Error(`${c.name}: expected an error ${c.code}, got none`);
      const actual = Buffer.from(errorRecord(exitFor(error.code), `forewarn: ${context}: ${error.message}\n`));
      yield { name: c.name, file: `${c.name}.json`, actual, case: c, error };
    }
    for (const c of manifest.jsonl) {
      const lines = jsonlRecords(read(c.input)).map((rec) =>
        fw.raw.classifyRecord(rec, { ir: irOf(c.ir), now, maxInput: c.max_input ?? 0 }));
      yield { name: c.name, file: `${c.name}.jsonl`, actual: Buffer.from(lines.map((l) => `${l}\n`).join('')), case: c, lines };
    }
    for (const loop of manifest.loops) {
      const store = new fw.MemoryStore();
      const ir = irOf(loop.ir);
      try {
        for (const [i, s] of loop.steps.entries()) {
          let out;
          if (s.op === 'ingest') out = text(fw.raw.collect(read(s.smoke), ir, s.manifest ? read(s.manifest) : null, store, { now }));
          else if (s.op === 'store') out = Buffer.from(store.serialize());
          else if (s.op === 'stats') out = text(fw.raw.stats(store, { lifecycle: lifecycleOf(s) }));
          else if (s.op === 'patterns') {
            out = text(fw.raw.patterns(store, { unclassified: !!s.unclassified, state: s.state, lifecycle: lifecycleOf(s) }));
          } else if (s.op === 'decide') {
            store.decide(s.pattern_id, s.decision, { now });
            out = text(fw.raw.patterns(store));
          } else if (s.op === 'enhance') {
            out = text(fw.raw.enhance(read(s.prompt).toString('utf8'), { scope: s.scope, target: s.target }, store, {
              ir, maxPatterns: s.max_patterns ?? 5, minOccurrences: s.min_occurrences ?? 2, budget: s.budget ?? 2000,
              holdout: s.holdout, runId: s.run_id, lifecycle: lifecycleOf(s),
            }));
          } else throw new Error(`${loop.name}: unknown step ${s.op}`);
          yield { name: `${loop.name} step ${i + 1} (${s.op}${s.target ? ` ${s.target}` : ''})`, file: stepFile(loop, i, s), actual: out, case: s };
        }
      } finally {
        store.delete();
      }
    }
  } finally {
    for (const v of irs.values()) v.delete();
    for (const v of rulesets.values()) v.delete();
  }
}
