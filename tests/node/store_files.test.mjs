// The embedded store's file as users' machines have it: behind a symlink, read-only, 0 bytes
// long, or holding counters a hand edit or another tool broke. Each case either works as the
// file says or is refused with a message, and the file is left byte for byte as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, run, tempDir } from './helpers.mjs';

const ir = path.join(root, 'examples', 'shop', 'ir.json');
const runFile = path.join(root, 'examples', 'shop', 'runs', 'run-1.json');
const ingest = (store) => run(['ingest', '--smoke', runFile, '--ir', ir, '--store', store]);
const stats = (store) => run(['stats', '--json', '--store', store]);
const isRoot = process.getuid?.() === 0;

test('a symlinked store is written through the link: the link stays, the target changes', () => {
  const dir = tempDir('fw-link-');
  mkdirSync(path.join(dir, 'real'));
  const target = path.join(dir, 'real', 'patterns.json');
  assert.equal(ingest(target).status, 0);
  const link = path.join(dir, 'patterns.json');
  symlinkSync(path.join('real', 'patterns.json'), link); // relative, as `ln -s` users write it
  const before = JSON.parse(stats(target).stdout).totals.runs;
  const r = run(['ingest', '--smoke', path.join(root, 'examples', 'shop', 'runs', 'run-2.json'), '--ir', ir, '--store', link]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(JSON.parse(stats(target).stdout).totals.runs, before + 1, 'the target holds the new run');
  assert.ok(existsSync(`${target}.lock`), 'the lock sits beside the target, shared by every name of the store');
  assert.ok(!existsSync(`${link}.lock`));
});

test('a dangling store link creates the store where it points; a link loop is an error', () => {
  const dir = tempDir('fw-dangle-');
  const link = path.join(dir, 'patterns.json');
  symlinkSync(path.join(dir, 'new.json'), link);
  assert.equal(ingest(link).status, 0);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.ok(existsSync(path.join(dir, 'new.json')));
  const a = path.join(dir, 'a.json'), b = path.join(dir, 'b.json');
  symlinkSync(b, a);
  symlinkSync(a, b);
  const r = ingest(a);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot follow the store path .*a\.json/);
});

test('a 0-byte store is refused, not taken as a new store', () => {
  const store = path.join(tempDir('fw-empty-'), 'patterns.json');
  writeFileSync(store, '');
  for (const r of [ingest(store), stats(store)]) {
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is empty \(0 bytes\)/);
  }
  assert.equal(readFileSync(store).length, 0, 'left as it was');
});

test('a read-only store can be read; writing to it is refused and changes nothing', () => {
  const dir = tempDir('fw-ro-');
  const store = path.join(dir, 'patterns.json');
  assert.equal(ingest(store).status, 0);
  const bytes = readFileSync(store);
  chmodSync(store, 0o444);
  assert.equal(stats(store).status, 0);
  const r = ingest(store);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is read-only/);
  assert.deepEqual(readFileSync(store), bytes);
});

test('a store in a read-only folder without its lock file can be read', { skip: isRoot && 'root writes into read-only folders' }, () => {
  const dir = tempDir('fw-rodir-');
  const store = path.join(dir, 'patterns.json');
  assert.equal(ingest(store).status, 0);
  const folder = path.join(dir, 'shipped');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'patterns.json'), readFileSync(store));
  chmodSync(folder, 0o555);
  try {
    const r = stats(path.join(folder, 'patterns.json'));
    assert.equal(r.status, 0, r.stderr);
  } finally {
    chmodSync(folder, 0o755);
  }
});

test('counters that are not whole numbers are refused with their path, never reset', () => {
  const dir = tempDir('fw-counters-');
  const good = path.join(dir, 'good.json');
  assert.equal(ingest(good).status, 0);
  const doc = JSON.parse(readFileSync(good, 'utf8'));
  assert.ok(doc.patterns.length > 0);
  for (const bad of [1.5, -1, '3', 1e300, null, true]) {
    const broken = structuredClone(doc);
    broken.patterns[0].occurrence_count = bad;
    const store = path.join(dir, 'broken.json');
    const text = JSON.stringify(broken);
    writeFileSync(store, text);
    for (const r of [stats(store), ingest(store)]) {
      assert.equal(r.status, 1, `occurrence_count ${JSON.stringify(bad)}`);
      assert.match(r.stderr, /\$\.patterns\[0\].*"occurrence_count" is not a whole number/);
    }
    assert.equal(readFileSync(store, 'utf8'), text, 'left as it was');
  }
  if (doc.unclassified.length) {
    const broken = structuredClone(doc);
    broken.unclassified[0].count = 2.5;
    const store = path.join(dir, 'broken-unc.json');
    writeFileSync(store, JSON.stringify(broken));
    assert.match(stats(store).stderr, /\$\.unclassified\[0\].*"count" is not a whole number/);
  }
});
