// Shared by the node tests: where the binary is, and a runner that captures everything.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = process.env.FOREWARN_BIN || path.join(root, 'build', 'forewarn');
export const sharedCorpus = path.join(root, '..', 'shared', 'corpus', 'dev.jsonl');

export function run(args, { input, env } = {}) {
  const r = spawnSync(bin, args, {
    input,
    cwd: root,
    maxBuffer: 1 << 28,
    env: { ...process.env, FOREWARN_NOW: '2026-01-01T00:00:00Z', ...env },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

// A port on 127.0.0.1 where nothing listens (taken, then released): a server that is down.
export const deadPort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

// A fresh folder under the system's temp dir, removed when the test process exits (pass or fail).
const tempDirs = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
