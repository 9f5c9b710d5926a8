// Shared by the tests that need a real Neo4j 5.26 (tests/neo4j/start.sh): why they would be
// skipped, starting a server into a state folder, reading its NEO4J_* settings, stopping it.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

const startSh = path.join(root, 'tests', 'neo4j', 'start.sh');
const stopSh = path.join(root, 'tests', 'neo4j', 'stop.sh');

// Why the real-server tests cannot run here, or false.
export function neo4jSkipReason() {
  if (process.env.FOREWARN_NEO4J === '0') return 'FOREWARN_NEO4J=0: the real Neo4j server tests are turned off';
  const missing = ['java', 'mvn'].filter((t) => spawnSync('bash', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) return `${missing.join(' and ')} not installed: the real Neo4j server needs Java 17 and Maven`;
  return false;
}

// Start a server with this password into `state`; it also watches this process and stops with it.
// Resolves {code, stdout, stderr} of start.sh.
export function startNeo4j(state, password) {
  return new Promise((resolve) => {
    const child = spawn('bash', [startSh, state], {
      cwd: root,
      env: { ...process.env, FOREWARN_NEO4J_PASSWORD: password, FOREWARN_NEO4J_WATCH_PID: String(process.pid), FOREWARN_NEO4J_TIMEOUT: '300' },
    });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
}

// The NEO4J_* settings start.sh wrote for the server in `state`.
export function neo4jEnv(state) {
  return Object.fromEntries(readFileSync(path.join(state, 'env'), 'utf8').trim().split('\n')
    .map((l) => l.match(/^export (\w+)='(.*)'$/).slice(1)));
}

export function stopNeo4j(state) {
  spawnSync('bash', [stopSh, state], { stdio: 'inherit', timeout: 60000 });
}
