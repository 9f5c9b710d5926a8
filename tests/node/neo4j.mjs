// Shared by the tests that need a real Neo4j 5.26 (tests/neo4j/start.sh): why they would be
// skipped, starting a server into a state folder (its data thrown away, or kept in a folder for a
// restart), reading its NEO4J_* settings, querying it, stopping or killing it.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
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
// `data`: keep the database files in this folder (outside `state`), so that a later start with the
// same data, password and `port` (the HTTP port, default any free one) is the same server again.
// Resolves {code, stdout, stderr} of start.sh.
export function startNeo4j(state, password, { data, port } = {}) {
  const env = { ...process.env, FOREWARN_NEO4J_PASSWORD: password, FOREWARN_NEO4J_WATCH_PID: String(process.pid), FOREWARN_NEO4J_TIMEOUT: '300' };
  delete env.FOREWARN_NEO4J_DATA; /* a throw-away server unless asked */
  if (data) env.FOREWARN_NEO4J_DATA = data;
  if (port !== undefined) env.FOREWARN_NEO4J_PORT = String(port);
  return new Promise((resolve) => {
    const child = spawn('bash', [startSh, state], { cwd: root, env });
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

// SIGKILL the server started into `state` (a crash: no shutdown, no checkpoint) and wait until it
// is gone. Only the launcher named by state/pid, as stop.sh checks. Returns whether it was running.
export async function killNeo4j(state) {
  let pid;
  try {
    pid = Number(readFileSync(path.join(state, 'pid'), 'utf8'));
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dev.forewarn.neo4j.Launcher')) return false;
  } catch {
    return false;
  }
  process.kill(pid, 'SIGKILL');
  // gone, or a zombie (its sockets are closed by then) that whoever adopted it has not reaped yet
  const alive = () => {
    try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
  };
  for (let t0 = Date.now(); alive(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() - t0 > 10000) throw new Error(`Neo4j (pid ${pid}) still runs 10 s after SIGKILL`);
  }
  return true;
}

// POST one statement to the Query API with the settings of neo4jEnv(); resolves the answer's data.
export async function neo4jQuery(env, statement, parameters = {}) {
  const auth = Buffer.from(`${env.NEO4J_USERNAME}:${env.NEO4J_PASSWORD}`).toString('base64');
  const res = await fetch(`${env.NEO4J_URI}/db/${env.NEO4J_DATABASE || 'neo4j'}/query/v2`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
    body: JSON.stringify({ statement, parameters }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(`${statement}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// Stops the server of `state` and removes `work` (the folder holding it) once, whoever asks
// first: after(), or the process exiting mid-test (the server also watches this process).
export function neo4jTeardown(state, work) {
  let done = false;
  const stop = () => {
    if (done) return;
    done = true;
    stopNeo4j(state);
    rmSync(work, { recursive: true, force: true });
  };
  process.on('exit', stop);
  return stop;
}
