// workerd from the npm package serving edge/config.capnp, for the tests of the edge function:
// why it cannot run here (or false), and a launcher that resolves once the server listens on a
// port it picked itself (reported on --control-fd). Every workerd started is killed when the
// test process exits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

const wasmPath = path.join(root, 'wasm', 'dist', 'forewarn.wasm');
const config = path.join(root, 'edge', 'config.capnp');
const workerdBin = path.join(root, 'node_modules', '.bin', 'workerd');

export function workerdSkipReason() {
  if (!existsSync(wasmPath)) return `${path.relative(root, wasmPath)} is not built (run scripts/build-wasm.sh)`;
  if (!existsSync(workerdBin)) return 'workerd is not installed (npm ci installs the devDependency)';
  const r = spawnSync(workerdBin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return `workerd cannot run on this machine: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
  return false;
}

const started = new Set();
export const killWorkerds = () => { for (const p of started) p.kill('SIGKILL'); };
process.on('exit', killWorkerds); // a backstop if the runner ends before after()

// workerd with these settings in its environment (nothing else of ours: no NEO4J_* leaks in).
export function startWorkerd(settings) {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', ...settings };
    const proc = spawn(workerdBin, ['serve', config, '--socket-addr', 'http=127.0.0.1:0', '--control-fd', '3'],
      { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    started.add(proc);
    let stderr = '', control = '';
    const fail = (why) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`workerd did not start: ${why}\n${stderr}`));
    };
    const timer = setTimeout(() => fail('no listen event within 15 s'), 15_000);
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.on('error', (e) => fail(e.message));
    proc.on('exit', (code, signal) => { started.delete(proc); if (!proc.port) fail(`exit ${code ?? signal}`); });
    proc.stdio[3].on('data', (d) => {
      control += d;
      for (const line of control.split('\n')) {
        let ev;
        try { ev = JSON.parse(line); } catch { continue; }
        if (ev.event === 'listen' && ev.socket === 'http' && !proc.port) {
          clearTimeout(timer);
          proc.port = ev.port;
          resolve({ proc, url: `http://127.0.0.1:${ev.port}`, stderr: () => stderr });
        }
      }
    });
  });
}
