// The Neo4j store while its server restarts or dies mid-run, against a real Neo4j 5.26 whose
// database files are kept across starts on the same port (tests/neo4j/start.sh with
// FOREWARN_NEO4J_DATA and FOREWARN_NEO4J_PORT). The native client rides out an outage that ends
// inside its retry window (FOREWARN_NEO4J_RETRIES / FOREWARN_NEO4J_BACKOFF_MS), a run is counted
// once even when the answer of the write that applied it was lost (the run node), the ingest
// whose retry finds its own earlier write (its token on the run node) reports the run applied
// with that write's numbers while a separate ingest of the run reports it already ingested, and
// an outage beyond the window is exit 1 with a message naming the server, the store holding whole
// runs only.
//
//   a. stop.sh; an ingest against the stopped server; start.sh again (same data, same port)
//   b. a TCP proxy between client and server forwards the write, keeps its answer, SIGKILLs the
//      server (a crash just after the commit) and resets the client's connection; start.sh again;
//      then the same with the server left running (only the answer lost, the retry right away)
//   c. down beyond the window: for real while a's server is stopped; through the proxy, a request
//      cut mid-body, and a write whose answer is lost, each followed by the port refusing
//      connections (the proxy stops listening) until the client gives up
// Every store state is compared with the embedded file store fed the same runs once.
//
// Skipped, with the reason, when FOREWARN_NEO4J=0 or when java or mvn are not installed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root, bin, run } from './helpers.mjs';
import { killNeo4j, neo4jEnv, neo4jQuery, neo4jSkipReason, startNeo4j, stopNeo4j } from './neo4j.mjs';

const skip = neo4jSkipReason();
const title = 'forewarn --store neo4j+http:// across a restart and a crash of a real Neo4j 5.26';

const ir = 'examples/shop/ir.json';
const now = '2026-01-01T00:00:00Z';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// A TCP proxy on 127.0.0.1 in front of the server's HTTP port. Each new connection takes the next
// plan of `plans` (then 'pass'):
//   pass  both ways; when the server is not there, the client's connection is reset
//   lose  the request goes through whole; the server's final answer is kept (interim 1xx answers
//         pass), then `act(answer)` runs and the client's connection is reset: a crash between
//         the commit and the answer
//   cut   the request headers and half of its body go through, then `act()` runs and both
//         connections end: a connection lost mid-request
// down() stops listening (connections refused, as on a stopped server's port), up() listens on
// the same port again.
async function tcpProxy(upstreamPort) {
  const sockets = new Set();
  const track = (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); return s; };
  const p = { port: 0, plans: [], log: [] };
  const reset = (s) => { if (!s.destroyed) s.resetAndDestroy(); };
  const server = net.createServer((client) => {
    track(client);
    const plan = p.plans.shift() ?? { kind: 'pass' };
    const upstream = track(net.connect(upstreamPort, '127.0.0.1'));
    upstream.on('error', () => reset(client));
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => { if (plan.kind === 'pass') client.destroy(); });
    if (plan.kind === 'pass') {
      client.pipe(upstream);
      upstream.pipe(client);
    } else if (plan.kind === 'lose') {
      client.pipe(upstream);
      let buf = Buffer.alloc(0);
      let done = false;
      const finish = async () => {
        done = true;
        p.log.push({ kind: 'lose', answer: buf.toString('utf8') });
        try {
          await plan.act(buf.toString('utf8'));
        } finally {
          reset(client);
          upstream.destroy();
        }
      };
      upstream.on('data', (d) => {
        if (done) return;
        buf = Buffer.concat([buf, d]);
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.subarray(0, end).toString('latin1');
          const status = Number(head.split(' ')[1]);
          if (status >= 100 && status < 200) { /* e.g. 100 Continue: the client needs it */
            client.write(buf.subarray(0, end + 4));
            buf = buf.subarray(end + 4);
            continue;
          }
          const len = /\r\ncontent-length: *(\d+)/i.exec(head);
          const complete = len ? buf.length >= end + 4 + Number(len[1])
            : /\r\ntransfer-encoding: *chunked/i.test(head) && buf.indexOf('\r\n0\r\n\r\n', end) >= 0;
          if (complete) finish();
          return;
        }
      });
      upstream.on('end', () => { if (!done) finish(); });
    } else if (plan.kind === 'cut') {
      upstream.pipe(client);
      let req = Buffer.alloc(0);
      let sent = 0;
      let limit = Infinity;
      client.on('data', (d) => {
        if (sent >= limit) return;
        req = Buffer.concat([req, d]);
        const end = req.indexOf('\r\n\r\n');
        if (end >= 0 && limit === Infinity) {
          const len = Number(/\r\ncontent-length: *(\d+)/i.exec(req.subarray(0, end).toString('latin1'))[1]);
          limit = end + 4 + Math.floor(len / 2);
          p.log.push({ kind: 'cut', body: len, forwarded: Math.floor(len / 2) });
        }
        const upTo = Math.min(req.length, limit);
        if (upTo > sent) upstream.write(req.subarray(sent, upTo));
        sent = upTo;
        if (sent >= limit) {
          // let the server read the half request, then the connection is gone
          setTimeout(() => {
            plan.act();
            upstream.destroy();
            reset(client);
          }, 300);
        }
      });
    }
  });
  const listen = () => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p.port, '127.0.0.1', () => { server.off('error', reject); p.port = server.address().port; resolve(); });
  });
  await listen();
  p.down = () => { server.close(); };
  p.up = listen;
  p.close = () => { server.close(); for (const s of sockets) s.destroy(); };
  return p;
}

if (skip) test(title, { skip }, () => {});
else describe(title, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'fw-neo4j-restart-'));
  const state = path.join(work, 'server');
  const data = path.join(work, 'data'); /* the database files, kept across the restarts */
  const fileStore = path.join(work, 'file', 'patterns.json');
  const password = `fw-${randomBytes(12).toString('hex')}`;
  const secrets = [password, Buffer.from(`neo4j:${password}`).toString('base64')];
  let env = {};
  let uri = '';
  let port = 0;
  let store = '';
  const children = new Set();
  const proxies = new Set();
  let cleaned = false;

  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of children) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ } }
    for (const p of proxies) p.close();
    stopNeo4j(state);
    rmSync(work, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  after(cleanup);

  // Each run of the example under its own run_id (with the example's manifest for that run_id).
  const runArgs = {};
  const addRun = (runId, n, manifest) => {
    const smoke = JSON.parse(readFileSync(path.join(root, 'examples/shop/runs', `run-${n}.json`), 'utf8'));
    const f = path.join(work, `${runId}.json`);
    writeFileSync(f, JSON.stringify({ ...smoke, run_id: runId }));
    runArgs[runId] = ['--smoke', f, '--ir', ir];
    if (manifest) {
      const m = JSON.parse(readFileSync(path.join(root, 'examples/shop/manifests', `shop-run-${n}.json`), 'utf8'));
      const mf = path.join(work, `${runId}.manifest.json`);
      writeFileSync(mf, JSON.stringify({ ...m, run_id: runId }));
      runArgs[runId].push('--manifest', mf);
    }
  };
  addRun('base', 1, false);
  addRun('restart-a', 2, true);
  addRun('down-a', 3, false);
  addRun('restart-b', 3, true);
  addRun('lost-b', 2, true);
  addRun('cut-c', 2, true);
  addRun('lost-c', 1, false);

  const fwEnv = (extra) => ({ ...env, FOREWARN_STORE: '', ...extra });
  const fw = (args, extra = {}) => run(args, { env: fwEnv(extra) });
  const ok = (args, extra) => {
    const r = fw(args, extra);
    assert.equal(r.status, 0, `forewarn ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    return r;
  };
  // A client in the background (needed whenever the proxy, in this process, is in the way).
  const fwAsync = (args, extra = {}) => {
    const child = spawn(bin, args, { cwd: root, env: { ...process.env, FOREWARN_NOW: now, ...fwEnv(extra) } });
    children.add(child);
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const done = new Promise((resolve) => child.on('close', (status, signal) => {
      children.delete(child);
      resolve({ status, signal, stdout, stderr });
    }));
    return { child, done };
  };
  const noSecret = (r) => {
    for (const s of secrets) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'a credential leaked into the output');
  };
  const requests = (r) => Number((/neo4j: (\d+) HTTP requests/.exec(r.stderr) || [])[1]);
  const until = async (cond, ms, what) => {
    for (const t0 = Date.now(); !cond(); await sleep(50)) {
      if (Date.now() - t0 > ms) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
    }
  };
  // the retry window of a client that must outlast a restart: 0.25, 0.5, 1, 2, 4, then 5 s apart (~3 min)
  const patient = { FOREWARN_NEO4J_RETRIES: '40', FOREWARN_NEO4J_BACKOFF_MS: '250', FOREWARN_NEO4J_STATS: '1' };
  // and of one that gives up quickly: 4 attempts in 0.7 s
  const impatient = { FOREWARN_NEO4J_RETRIES: '3', FOREWARN_NEO4J_BACKOFF_MS: '100' };

  const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
  // Neo4j holds what the file store holds after the same runs, each once: every run row, total,
  // pattern counter (occurrences, injected, prevented, recurred) and unclassified count.
  const sameAsFileStore = () => {
    assert.equal(ok(['stats', '--store', store, '--json']).stdout, ok(['stats', '--store', fileStore, '--json']).stdout);
    for (const extra of [[], ['--unclassified']]) {
      const list = (s) => JSON.parse(ok(['patterns', '--store', s, '--json', ...extra]).stdout).map(canon).sort();
      assert.deepEqual(list(store), list(fileStore));
    }
  };
  const exported = () => ok(['store', 'export', '--store', store]).stdout;
  const totals = () => JSON.parse(ok(['stats', '--store', store, '--json']).stdout).totals;
  // The numbers of the write's answer that the proxy kept from the client: the row
  // [applied, replayed, created, updated, repeated, prevented, not_prevented, withheld,
  // withheld_recurred].
  const lostRow = (answer) => {
    const m = /"values":\[\[(true|false),(true|false),(\d+),(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\]\]/.exec(answer);
    assert.ok(m, `not a write's answer: ${answer.slice(0, 300)}`);
    return { applied: m[1] === 'true', replayed: m[2] === 'true', patterns_created: +m[3], patterns_updated: +m[4],
      repeated_errors: +m[5], prevented: +m[6], not_prevented: +m[7] };
  };
  // The result of an ingest whose answer was lost is the one that answer held: applied by this
  // ingest (not "already ingested"), the same numbers, and the file store's for the same run.
  const sameAsLostAnswer = (res, answer, fileRes) => {
    const row = lostRow(answer);
    assert.equal(row.applied, true);
    assert.equal(row.replayed, false); /* the lost attempt wrote the run */
    assert.equal(res.already_ingested, false);
    for (const k of ['patterns_created', 'patterns_updated', 'repeated_errors', 'prevented', 'not_prevented'])
      assert.equal(res[k], row[k], k);
    assert.deepEqual(res, fileRes);
  };
  // The run nodes, in ingest order, and the run sequence counter: a run applied twice would have
  // moved the counter twice.
  const runsAre = async (ids) => {
    const runs = await neo4jQuery(env, 'MATCH (r:ForewarnRun) RETURN r.run_id, r.seq ORDER BY r.seq, r.run_id');
    assert.deepEqual(runs.values, ids.map((id, i) => [id, i + 1]));
    const seq = await neo4jQuery(env, "MATCH (m:ForewarnMeta {key: 'run_seq'}) RETURN m.value");
    assert.deepEqual(seq.values, [[ids.length]]);
  };
  const restart = async () => {
    const t0 = Date.now();
    const { code, stderr } = await startNeo4j(state, password, { data, port });
    assert.equal(code, 0, `start.sh (restart) failed (exit ${code}):\n${stderr}`);
    assert.equal(neo4jEnv(state).NEO4J_URI, uri, 'the restarted server is not on the same port');
    console.log(`# neo4j_restart: restarted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };

  before(async () => {
    const { code, stderr } = await startNeo4j(state, password, { data });
    assert.equal(code, 0, `start.sh failed (exit ${code}):\n${stderr}`);
    env = neo4jEnv(state);
    uri = env.NEO4J_URI;
    port = Number(new URL(uri).port);
    store = `neo4j+${uri}`;
    ok(['migrate', '--store', store]);
    for (const s of [store, fileStore]) ok(['ingest', '--store', s, ...runArgs.base]);
    sameAsFileStore();
  }, { timeout: 900000 });

  test('a. stopped, an ingest in its retry window, restarted with its data on the same port: applied once', { timeout: 300000 }, async () => {
    const before = totals();
    stopNeo4j(state);
    // c, for real: a client whose window ends before the server is back fails cleanly
    const down = fw(['ingest', '--store', store, ...runArgs['down-a'], '--json'], impatient);
    assert.equal(down.status, 1, down.stderr);
    assert.match(down.stderr, new RegExp(`^forewarn: .*Neo4j at ${esc(uri)} is unreachable: .*\\(4 attempts\\)\\n$`));
    assert.equal(down.stdout, '');
    noSecret(down);
    // a client with a window longer than the restart
    const a = fwAsync(['ingest', '--store', store, ...runArgs['restart-a'], '--json'], patient);
    await sleep(1500);
    assert.equal(a.child.exitCode, null, 'the ingest did not wait for the server');
    await restart();
    const r = await a.done;
    assert.equal(r.status, 0, r.stderr);
    noSecret(r);
    const res = JSON.parse(r.stdout);
    assert.equal(res.run_id, 'restart-a');
    assert.equal(res.already_ingested, false);
    assert.ok(requests(r) >= 2, `the ingest was not retried: ${r.stderr}`);
    // every counter moved exactly once: the file store after the same run, once
    ok(['ingest', '--store', fileStore, ...runArgs['restart-a']]);
    sameAsFileStore();
    const after = totals();
    assert.ok(after.occurrences > before.occurrences && after.prevented > before.prevented, 'the run changed nothing to compare');
    await runsAre(['base', 'restart-a']); /* and nothing of down-a */
  });

  test('b. the server killed just after a write committed, its answer lost: retried after the restart, counted once', { timeout: 300000 }, async () => {
    const proxy = await tcpProxy(port);
    proxies.add(proxy);
    let lost = null, killed = false;
    proxy.plans.push({ kind: 'lose', act: async (answer) => {
      killed = await killNeo4j(state).catch((e) => e.message);
      lost = answer;
    } });
    const b = fwAsync(['ingest', '--store', `neo4j+http://127.0.0.1:${proxy.port}`, ...runArgs['restart-b'], '--json'], patient);
    await until(() => lost !== null || b.child.exitCode !== null, 60000, 'the write to reach the server');
    // the lost answer: the write applied the run and was committed (bookmarks) before the crash
    if (lost === null) assert.fail(`the client ended before the write reached the server: ${(await b.done).stderr}`);
    assert.equal(killed, true, 'there was no server to kill');
    assert.match(lost, /^HTTP\/1\.1 202 /);
    assert.match(lost, /"values":\[\[true,false,/);
    assert.match(lost, /"bookmarks":\["FB:/);
    await sleep(500);
    assert.equal(b.child.exitCode, null, 'the ingest did not retry while the server was down');
    await restart();
    const r = await b.done;
    assert.equal(r.status, 0, r.stderr);
    noSecret(r);
    // the retry finds the run written by its own lost attempt (its token): applied by this
    // ingest, with the numbers the lost answer held
    const res = JSON.parse(r.stdout);
    assert.equal(res.run_id, 'restart-b');
    assert.ok(requests(r) >= 2, r.stderr);
    sameAsLostAnswer(res, lost, JSON.parse(ok(['ingest', '--store', fileStore, ...runArgs['restart-b'], '--json']).stdout));
    sameAsFileStore();
    await runsAre(['base', 'restart-a', 'restart-b']);
    // a separate ingest of the same run, straight to the server: already ingested, nothing changes
    const held = exported();
    const again = ok(['ingest', '--store', store, ...runArgs['restart-b']]);
    assert.match(again.stdout, /^Run already ingested: nothing changed in http:\/\/127\.0\.0\.1:\d+\n$/);
    assert.equal(exported(), held);
    assert.ok(!held.includes('ingest_token') && !held.includes('patterns_updated'), 'an ingest\'s token was exported');
    proxy.close();
    proxies.delete(proxy);
  });

  test('b. the answer of a committed write lost, the server up: the retry reports this ingest\'s result, a second ingest "already ingested"', { timeout: 120000 }, async () => {
    const proxy = await tcpProxy(port);
    proxies.add(proxy);
    let lost = null;
    proxy.plans.push({ kind: 'lose', act: (answer) => { lost = answer; } });
    const via = `neo4j+http://127.0.0.1:${proxy.port}`;
    const r = await fwAsync(['ingest', '--store', via, ...runArgs['lost-b'], '--json'], patient).done;
    assert.equal(r.status, 0, r.stderr);
    noSecret(r);
    assert.ok(lost !== null, JSON.stringify(proxy.log));
    assert.match(lost, /"bookmarks":\["FB:/); /* committed */
    assert.equal(requests(r), 2, r.stderr); /* the lost write, its retry */
    const res = JSON.parse(r.stdout);
    assert.equal(res.run_id, 'lost-b');
    sameAsLostAnswer(res, lost, JSON.parse(ok(['ingest', '--store', fileStore, ...runArgs['lost-b'], '--json']).stdout));
    const after = totals();
    assert.ok(res.patterns_created + res.patterns_updated > 0 && res.prevented + res.not_prevented > 0, 'the run changed nothing to compare');
    sameAsFileStore();
    await runsAre(['base', 'restart-a', 'restart-b', 'lost-b']);
    // another ingest of the run (another process, another token), through the same proxy:
    // already ingested, every number 0, nothing changes
    const held = exported();
    const again = await fwAsync(['ingest', '--store', via, ...runArgs['lost-b'], '--json']).done;
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { run_id: 'lost-b', already_ingested: true, patterns_created: 0, patterns_updated: 0,
      repeated_errors: 0, prevented: 0, not_prevented: 0, unclassifiable_errors: [] });
    assert.equal(exported(), held);
    assert.deepEqual(totals(), after);
    proxy.close();
    proxies.delete(proxy);
  });

  test('c. down beyond the retry window: exit 1 naming the server, no credentials; the store holds whole runs only', { timeout: 120000 }, async () => {
    const proxy = await tcpProxy(port);
    proxies.add(proxy);
    const via = `http://127.0.0.1:${proxy.port}`;
    const unreachable = new RegExp(`^forewarn: .*Neo4j at ${esc(via)} is unreachable: .*\\(4 attempts\\)\\n$`);

    // the write cut mid-body, then the server's port refusing connections past the window
    const held = exported();
    proxy.plans.push({ kind: 'cut', act: () => proxy.down() });
    const cut = await fwAsync(['ingest', '--store', `neo4j+${via}`, ...runArgs['cut-c'], '--json'], impatient).done;
    assert.equal(cut.status, 1, cut.stderr);
    assert.match(cut.stderr, unreachable);
    assert.equal(cut.stdout, '');
    noSecret(cut);
    const c = proxy.log.find((l) => l.kind === 'cut');
    assert.ok(c && c.forwarded > 0 && c.forwarded < c.body, JSON.stringify(proxy.log));
    // back: exactly what it held before, through the same address too
    await proxy.up();
    const stats = await fwAsync(['stats', '--store', `neo4j+${via}`, '--json']).done;
    assert.equal(stats.status, 0, stats.stderr);
    assert.equal(stats.stdout, ok(['stats', '--store', store, '--json']).stdout);
    assert.equal(exported(), held);
    await runsAre(['base', 'restart-a', 'restart-b', 'lost-b']);

    // the whole write delivered and committed, its answer lost, then down past the window: exit 1,
    // and the run is there whole (one transaction); ingesting it again once the server is back is
    // the recovery: a separate ingest (its own token), told the run was already ingested, and
    // changing nothing
    proxy.plans.push({ kind: 'lose', act: () => proxy.down() });
    const lost = await fwAsync(['ingest', '--store', `neo4j+${via}`, ...runArgs['lost-c'], '--json'], impatient).done;
    assert.equal(lost.status, 1, lost.stderr);
    assert.match(lost.stderr, unreachable);
    assert.equal(lost.stdout, '');
    noSecret(lost);
    await proxy.up();
    ok(['ingest', '--store', fileStore, ...runArgs['lost-c']]);
    sameAsFileStore();
    await runsAre(['base', 'restart-a', 'restart-b', 'lost-b', 'lost-c']);
    const whole = exported();
    const again = await fwAsync(['ingest', '--store', `neo4j+${via}`, ...runArgs['lost-c'], '--json'], impatient).done;
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).already_ingested, true);
    noSecret(again);
    assert.equal(exported(), whole);
    proxy.close();
    proxies.delete(proxy);
  });
});
