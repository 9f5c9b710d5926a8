#!/usr/bin/env node
// Edge benchmark: cold start of the edge function (edge/worker.mjs) in workerd, the npm package's
// edge runtime — from spawning `workerd serve edge/config.capnp` to the first successful
// POST /classify response over HTTP on 127.0.0.1 — beside the cold start of the JavaScript API in
// Node in the same run (a fresh process: import wasm/forewarn.mjs, Forewarn.load(), the first
// classify), then warm request latency. Figures are reported, never asserted. See bench/README.md.
//
//   node bench/edge.mjs               # 9 cold starts of each, 200 warm requests
//   node bench/edge.mjs --runs 3 --warm 50
//   node bench/edge.mjs --json

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseOptions } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const TEXT = 'sqlite3.IntegrityError: NOT NULL constraint failed: products.category_id'; // as bench/wasm.mjs
const workerd = join(root, 'node_modules', '.bin', 'workerd');
const config = join(root, 'edge', 'config.capnp');
const wasm = join(root, 'wasm', 'dist', 'forewarn.wasm');

const usage = `usage: node bench/edge.mjs [--runs N] [--warm N] [--out DIR] [--json]

  --runs N   cold starts of workerd and of Node, interleaved (default 9; median and best)
  --warm N   classify requests to one running workerd after its first (default 200)
  --out DIR  where edge.json goes (default bench/out)
  --json     print only the result JSON`;

function parseArgs(argv) {
  const o = { runs: 9, warm: 200, out: join(here, 'out'), json: false };
  parseOptions(argv, usage, (a, value, number) => {
    if (a === '--runs') o.runs = Math.max(1, Math.floor(Number(value())) || 0);
    else if (a === '--warm') o.warm = Math.max(1, Math.floor(Number(value())) || 0);
    else if (a === '--out') o.out = resolve(value());
    else if (a === '--json') o.json = true;
    else return false;
    return true;
  });
  return o;
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (xs) => ({ median: median(xs), best: Math.min(...xs), worst: Math.max(...xs) });

async function classify(url) {
  const res = await fetch(`${url}/classify`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: TEXT }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.category !== 'nullable_missing') throw new Error(`classify: ${res.status} ${JSON.stringify(body)}`);
}

// One workerd cold start: spawn -> listening (control fd) -> first 200 from /classify; then, on
// the first run only, `warm` more requests one after another.
async function workerdRun(warm) {
  const t0 = process.hrtime.bigint();
  const proc = spawn(workerd, ['serve', config, '--socket-addr', 'http=127.0.0.1:0', '--control-fd', '3'],
    { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((r) => proc.on('exit', r));
  try {
    const port = await new Promise((res, rej) => {
      let buf = '';
      const timer = setTimeout(() => rej(new Error(`workerd did not listen within 20 s\n${stderr}`)), 20_000);
      proc.on('exit', (code) => rej(new Error(`workerd exited (${code})\n${stderr}`)));
      proc.stdio[3].on('data', (d) => {
        buf += d;
        const m = /"event":"listen","socket":"http","port":(\d+)/.exec(buf);
        if (m) { clearTimeout(timer); res(Number(m[1])); }
      });
    });
    const listen = ms(t0);
    const url = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) { // "first successful": retry a refused connection
      try {
        await classify(url);
        break;
      } catch (e) {
        if (tries > 100 || !/fetch failed/.test(e.message)) throw e;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const first = ms(t0);
    let warmTimes = null;
    if (warm) {
      warmTimes = [];
      for (let i = 0; i < warm; i++) {
        const t = process.hrtime.bigint();
        await classify(url);
        warmTimes.push(ms(t));
      }
    }
    return { listen, first_response: first, after_listen: first - listen, warm: warmTimes };
  } finally {
    proc.kill('SIGKILL');
    await exited;
  }
}

// One Node cold start: a fresh process importing the API, loading the module, classifying once.
function nodeRun() {
  const script = `
    const t0 = performance.now();
    const { Forewarn } = await import(${JSON.stringify(pathToFileURL(join(root, 'wasm', 'forewarn.mjs')).href)});
    const fw = await Forewarn.load();
    const c = fw.classify(${JSON.stringify(TEXT)});
    if (c.category !== 'nullable_missing') throw new Error(c.category);
    console.log(JSON.stringify({ in_process: performance.now() - t0 }));`;
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', printed = null;
    proc.stdout.on('data', (d) => {
      printed ??= ms(t0); // the result is out: process exit (V8 tear-down) is not counted
      out += d;
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => {
      if (code !== 0) return rej(new Error(`node cold start failed: ${err}`));
      res({ ...JSON.parse(out), to_result: printed, process_wall: ms(t0) });
    });
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const log = o.json ? () => {} : (s) => console.log(s);
  if (!existsSync(wasm)) throw new Error('wasm/dist/forewarn.wasm is not built: run scripts/build-wasm.sh');
  if (!existsSync(workerd)) throw new Error('workerd is not installed: run npm ci');
  const load0 = loadavg()[0];
  log(`edge cold start: ${o.runs} workerd and ${o.runs} Node cold starts, interleaved; ${o.warm} warm requests`);
  const edge = [], node = [];
  let warm = null;
  for (let i = 0; i < o.runs; i++) {
    const w = await workerdRun(i === 0 ? o.warm : 0);
    if (w.warm) warm = w.warm;
    edge.push(w);
    node.push(await nodeRun());
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg_before: load0, node: process.version },
    workerd: (await import(pathToFileURL(join(root, 'node_modules', 'workerd', 'package.json')), { with: { type: 'json' } })).default.version,
    runs: o.runs,
    edge_cold_start_ms: {
      listen: summary(edge.map((e) => e.listen)),
      first_classify_after_listen: summary(edge.map((e) => e.after_listen)),
      total: summary(edge.map((e) => e.first_response)),
    },
    node_cold_start_ms: {
      in_process: summary(node.map((n) => n.in_process)),
      spawn_to_result: summary(node.map((n) => n.to_result)),
      whole_process_with_exit: summary(node.map((n) => n.process_wall)),
    },
    edge_warm_request_ms: { ...summary(warm), p99: [...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.99)], count: warm.length },
  };
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'edge.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (o.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const e = result.edge_cold_start_ms, n = result.node_cold_start_ms, w = result.edge_warm_request_ms;
  const f = (s) => `${s.median.toFixed(0)} ms (best ${s.best.toFixed(0)})`;
  log(`workerd ${result.workerd}, ${result.machine.cpus} CPUs, load average ${load0.toFixed(2)}`);
  log(`edge (workerd): spawn -> listening ${f(e.listen)}; + first POST /classify ${f(e.first_classify_after_listen)}; total ${f(e.total)}`);
  log(`node:           import + load + first classify ${f(n.in_process)}; spawn -> result ${f(n.spawn_to_result)} (with exit ${f(n.whole_process_with_exit)})`);
  log(`edge warm request (HTTP round trip, ${w.count}): median ${w.median.toFixed(2)} ms, p99 ${w.p99.toFixed(2)} ms`);
  log(`figures: ${join(o.out, 'edge.json')}`);
}

main().catch((e) => {
  console.error(`bench/edge.mjs: ${e.message}`);
  process.exit(1);
});
