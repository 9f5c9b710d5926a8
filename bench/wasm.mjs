#!/usr/bin/env node
// WASM benchmark: classify throughput of forewarn.wasm in Node (wasm/forewarn.mjs,
// fw.raw.classifyRecord per JSON line) beside the native CLI on the same input in the same run —
// natively with PCRE2 JIT (build/forewarn) and, built here from the same sources, without it —
// plus cold start (import + load + first classify, in a fresh Node process) and the module's
// raw / gzip / brotli sizes. Rates and ratios are reported against the issue's targets, never
// asserted. See bench/README.md.
//
//   node bench/wasm.mjs              # 5 MB of JSON lines, best of 3 runs each
//   node bench/wasm.mjs --quick      # 1 MB, best of 2
//   node bench/wasm.mjs --help

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { buildInput, defaultCorpus, parseOptions } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const NOW = '2026-01-01T00:00:00Z';
const TARGETS = { vsJit: 0.15, vsNoJit: 0.35, gzipKB: 150 }; // the issue's "150 KB" (10^3 bytes) for the .wasm

const usage = `usage: node bench/wasm.mjs [options]

  --quick           1 MB of input, best of 2 (default 5 MB, best of 3)
  --size-mb N       input size in MB (10^6 bytes): the corpus repeated with unique ids
  --runs N          timed runs of each contender; the best is reported
  --cold-runs N     fresh Node processes for the cold start (default 7; median and best)
  --bin PATH        native CLI with JIT (default build/forewarn)
  --nojit-bin PATH  native CLI without JIT (default: built in bench/out/build-nojit)
  --no-nojit        skip the native run without JIT
  --wasm PATH       the module (default wasm/dist/forewarn.wasm)
  --corpus PATH     JSON lines to repeat (default ../shared/corpus/dev.jsonl)
  --out DIR         input, outputs and wasm.json (default bench/out)
  --json            print only the result JSON

Exit status 1 when a run fails or the WASM output is not byte-identical to the native output.`;

function parseArgs(argv) {
  const o = {
    sizeMb: 5, runs: 3, coldRuns: 7, nojit: true, json: false,
    bin: join(root, 'build', 'forewarn'), nojitBin: null, wasm: join(root, 'wasm', 'dist', 'forewarn.wasm'),
    corpus: defaultCorpus, out: join(here, 'out'),
  };
  parseOptions(argv, usage, (a, value, number) => {
    if (a === '--quick') { o.sizeMb = 1; o.runs = 2; o.coldRuns = 5; }
    else if (a === '--size-mb') o.sizeMb = number(0.01);
    else if (a === '--runs') o.runs = Math.floor(number(1));
    else if (a === '--cold-runs') o.coldRuns = Math.floor(number(1));
    else if (a === '--bin') o.bin = resolve(value());
    else if (a === '--nojit-bin') o.nojitBin = resolve(value());
    else if (a === '--no-nojit') o.nojit = false;
    else if (a === '--wasm') o.wasm = resolve(value());
    else if (a === '--corpus') o.corpus = resolve(value());
    else if (a === '--out') o.out = resolve(value());
    else if (a === '--json') o.json = true;
    else return false;
    return true;
  });
  return o;
}

// The corpus ({id, text, endpoint?} only) repeated with unique ids until `bytes`.

function timedProcess(cmd, args, outPath) {
  return new Promise((done, fail) => {
    const fd = openSync(outPath, 'w');
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, FOREWARN_NOW: NOW } });
    let stderr = '';
    child.stderr.on('data', (d) => { if (stderr.length < 4096) stderr += d; });
    child.on('error', (e) => { closeSync(fd); fail(e); });
    child.on('close', (code) => {
      closeSync(fd);
      done({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, code, stderr: stderr.trim() });
    });
  });
}

// WASM in this process: the same JSON lines through fw.raw.classifyRecord, output to a file.
function runWasm(fw, inputPath, outPath) {
  const t0 = process.hrtime.bigint();
  const input = readFileSync(inputPath);
  const out = [];
  const opts = { now: NOW };
  let start = 0;
  while (start < input.length) {
    let end = input.indexOf(0x0a, start);
    if (end < 0) end = input.length;
    if (end > start) out.push(fw.raw.classifyRecord(input.subarray(start, end), opts));
    start = end + 1;
  }
  out.push('');
  writeFileSync(outPath, out.join('\n'));
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, code: 0 };
}

const sha = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const hasJit = (bin) => {
  const r = spawnSync('nm', [bin], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.status === 0 ? /sljit/.test(r.stdout) : null;
};

// The native CLI from the same sources with PCRE2's JIT off (bench/pcre2-nojit.cmake).
function buildNoJit(out, log) {
  const dir = join(out, 'build-nojit');
  const gen = spawnSync('ninja', ['--version']).status === 0 ? ['-G', 'Ninja'] : [];
  if (!existsSync(join(dir, 'CMakeCache.txt'))) {
    log(`  configuring ${relative(root, dir)} (PCRE2 without JIT)`);
    const c = spawnSync('cmake', ['-S', root, '-B', dir, ...gen, '-DCMAKE_BUILD_TYPE=Release', '-DFW_BUILD_TESTS=OFF',
      `-DCMAKE_PROJECT_PCRE2_INCLUDE=${join(here, 'pcre2-nojit.cmake')}`], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`configuring the no-JIT build failed:\n${c.stderr}`);
  }
  log(`  building ${relative(root, dir)}/forewarn`);
  const b = spawnSync('cmake', ['--build', dir, '-j2', '--target', 'forewarn'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`building the no-JIT CLI failed:\n${b.stdout}\n${b.stderr}`);
  return join(dir, 'forewarn');
}

// Fresh Node processes: import the module, load forewarn.wasm, classify one text.
function coldStart(wasmPath, runs) {
  const script = `
    const t0 = performance.now();
    const { Forewarn } = await import(${JSON.stringify(pathToFileURL(join(root, 'wasm', 'forewarn.mjs')).href)});
    const t1 = performance.now();
    const fw = await Forewarn.load(${JSON.stringify(wasmPath)});
    const t2 = performance.now();
    const c = fw.classify('sqlite3.IntegrityError: NOT NULL constraint failed: products.category_id', { now: ${JSON.stringify(NOW)} });
    const t3 = performance.now();
    if (c.category !== 'nullable_missing') throw new Error(c.category);
    console.log(JSON.stringify({ import: t1 - t0, load: t2 - t1, first_classify: t3 - t2, total: t3 - t0 }));`;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`cold start run failed: ${r.stderr}`);
    samples.push({ ...JSON.parse(r.stdout), process_wall: wall });
  }
  return samples;
}

function nativeColdStart(bin, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(bin, ['classify', '-'], { input: 'sqlite3.IntegrityError: NOT NULL constraint failed: products.category_id',
      env: { ...process.env, FOREWARN_NOW: NOW } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`native cold start failed: ${r.stderr}`);
  }
  return times;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rates = (seconds, input) => ({ seconds, records_per_s: input.records / seconds, mb_per_s: input.bytes / 1e6 / seconds });

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const log = o.json ? () => {} : (s) => console.log(s);
  for (const [what, p] of [['native CLI', o.bin], ['forewarn.wasm', o.wasm], ['corpus', o.corpus]]) {
    if (!existsSync(p)) throw new Error(`${what} not found: ${p}${what === 'forewarn.wasm' ? ' (scripts/build-wasm.sh)' : ''}`);
  }
  mkdirSync(o.out, { recursive: true });
  const load1 = loadavg()[0];

  // sizes
  const bytes = readFileSync(o.wasm);
  const size = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  // the built-in rule pack the module loads, shipped beside it (not embedded)
  const pack = readFileSync(join(dirname(o.wasm), 'forewarn-rules.mjs'));
  size.rules = { raw: pack.length, gzip: gzipSync(pack, { level: 9 }).length };

  // contenders
  let nojitBin = o.nojitBin;
  if (o.nojit && !nojitBin) nojitBin = buildNoJit(o.out, log);
  const contenders = [{ name: 'native JIT', bin: o.bin, jit: hasJit(o.bin) }];
  if (nojitBin) contenders.push({ name: 'native no JIT', bin: nojitBin, jit: hasJit(nojitBin) });
  contenders.push({ name: 'WASM (Node)', wasm: true });

  const inputPath = join(o.out, 'wasm-input.jsonl');
  const input = buildInput(o.corpus, o.sizeMb * 1e6, inputPath, (r, id) => ({ id, text: r.text, ...(r.endpoint ? { endpoint: r.endpoint } : {}) }));
  log(`input: ${input.records} records, ${(input.bytes / 1e6).toFixed(1)} MB (${relative(root, o.corpus) || o.corpus} repeated)`);

  const { Forewarn } = await import(pathToFileURL(join(root, 'wasm', 'forewarn.mjs')).href);
  const fw = await Forewarn.load(o.wasm);
  const failures = [];
  for (const c of contenders) {
    c.out = join(o.out, `wasm-bench.${c.name.replace(/\W+/g, '-').toLowerCase()}.jsonl`);
    c.times = [];
  }
  // interleaved, so that load from other work on the machine falls on every contender alike
  for (let run = 0; run < o.runs; run++) {
    for (const c of contenders) {
      const r = c.wasm ? runWasm(fw, inputPath, c.out)
        : await timedProcess(c.bin, ['classify', '--jsonl', '--threads', '1', inputPath], c.out);
      if (r.code !== 0) failures.push(`${c.name} exited with ${r.code}: ${r.stderr}`);
      c.times.push(r.seconds);
      log(`  ${c.name.padEnd(14)} run ${run + 1}/${o.runs}: ${r.seconds.toFixed(3)} s`);
    }
  }
  const reference = sha(contenders[0].out);
  for (const c of contenders) {
    c.identical = sha(c.out) === reference;
    if (!c.identical) failures.push(`${c.name}: output differs from ${contenders[0].name}'s`);
    c.best = rates(Math.min(...c.times), input);
  }
  const get = (name) => contenders.find((c) => c.name === name);
  const wasm = get('WASM (Node)').best;
  const ratio = {
    vs_jit: wasm.records_per_s / get('native JIT').best.records_per_s,
    vs_nojit: get('native no JIT') ? wasm.records_per_s / get('native no JIT').best.records_per_s : null,
  };

  log(`  cold start: ${o.coldRuns} fresh Node processes`);
  const cold = coldStart(o.wasm, o.coldRuns);
  const nativeCold = nativeColdStart(o.bin, o.coldRuns);
  const coldSummary = {};
  for (const k of ['import', 'load', 'first_classify', 'total', 'process_wall']) {
    coldSummary[k] = { median: median(cold.map((s) => s[k])), best: Math.min(...cold.map((s) => s[k])) };
  }

  const result = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavg_before: load1, loadavg_after: loadavg()[0] },
    input: { ...input, corpus: o.corpus },
    size,
    throughput: Object.fromEntries(contenders.map((c) => [c.name, { ...c.best, runs: c.times, jit: c.jit ?? false, identical_output: c.identical }])),
    ratio,
    targets: TARGETS,
    cold_start_ms: coldSummary,
    native_cold_start_ms: { median: median(nativeCold), best: Math.min(...nativeCold) },
    failures,
  };
  writeFileSync(join(o.out, 'wasm.json'), `${JSON.stringify(result, null, 2)}\n`);

  if (o.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const kb = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;
    log('');
    log(`forewarn.wasm: ${kb(size.raw)} raw, ${kb(size.gzip)} gzip -9 (budget ${TARGETS.gzipKB} KB), ${kb(size.brotli)} brotli`);
    log(`forewarn-rules.mjs (the built-in rule pack beside it): ${kb(size.rules.raw)} raw, ${kb(size.rules.gzip)} gzip -9; together ${kb(size.gzip + size.rules.gzip)} gzip -9`);
    log('');
    log('classify --jsonl, one thread            records/s       MB/s   output');
    for (const c of contenders) {
      log(`  ${`${c.name}${c.jit === null ? '' : c.jit ? ' (sljit linked)' : ''}`.padEnd(36)} ${c.best.records_per_s.toFixed(0).padStart(9)} ${c.best.mb_per_s.toFixed(2).padStart(10)}   ${c.identical ? 'identical' : 'DIFFERS'}`);
    }
    log('');
    log(`WASM / native with JIT:    ${ratio.vs_jit.toFixed(3)}x  (target >= ${TARGETS.vsJit})`);
    if (ratio.vs_nojit !== null) log(`WASM / native without JIT: ${ratio.vs_nojit.toFixed(3)}x  (target >= ${TARGETS.vsNoJit})`);
    const c = coldSummary;
    log(`cold start in Node (median of ${o.coldRuns}): import ${c.import.median.toFixed(1)} ms + load ${c.load.median.toFixed(1)} ms + first classify ${c.first_classify.median.toFixed(1)} ms = ${c.total.median.toFixed(1)} ms (best ${c.total.best.toFixed(1)}); whole process ${c.process_wall.median.toFixed(0)} ms`);
    log(`native CLI, one classify, whole process: ${median(nativeCold).toFixed(1)} ms (median)`);
    log(`load average ${load1.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after (${cpus().length} CPUs): figures move with other work on the machine`);
    log(`written: ${relative(root, join(o.out, 'wasm.json'))}`);
    for (const f of failures) log(`FAILED: ${f}`);
  }
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`bench/wasm.mjs: ${e.message}`);
  process.exit(1);
});
