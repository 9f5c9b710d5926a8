// Hostile sizes and user patterns on the CLI: a JSON line of 1 GB is skipped while it is read (in
// memory bounded by the line limit, checked under a virtual-memory ulimit), and --redact adds the
// user's own redaction patterns to every command that reads error texts. Inputs are synthetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, run, tempDir } from './helpers.mjs';

// ASan reserves terabytes of virtual memory, so the ulimit check runs the release binary.
const fast = existsSync(path.join(root, 'build', 'forewarn')) ? path.join(root, 'build', 'forewarn') : null;

test('--jsonl: a 1 GB line is refused while read, in bounded memory, and the next line classified', { skip: !fast && 'build/forewarn is not built' }, () => {
  const script = `ulimit -v 200000; { printf '{"id":1,"text":"'; head -c 1000000000 /dev/zero | tr '\\0' x; ` +
    `printf '"}\\n{"id":2,"text":"KeyError: 1"}\\n'; } | "$FW" classify --jsonl -`;
  const r = spawnSync('bash', ['-c', script], { env: { ...process.env, FW: fast }, maxBuffer: 1 << 24 });
  const out = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(r.status, 2, r.stderr.toString());
  assert.equal(out.length, 2);
  assert.equal(out[0].error.code, 'too_large');
  assert.match(out[0].error.message, /the line is over 8454144 bytes/);
  assert.equal(out[1].id, 2);
  assert.equal(out[1].category, 'missing_key');
  assert.match(r.stderr.toString(), /line 1: the line is over/);
});

test('--jsonl: the line limit follows --max-input; a long last line without a newline is refused too', () => {
  const lines = [
    JSON.stringify({ id: 1, text: "KeyError: 'a'" }),
    JSON.stringify({ id: 2, text: 'x'.repeat(70_000) }), // over 2 x 1000 + 64 KiB
    JSON.stringify({ id: 3, text: "KeyError: 'b'" }),
    `{"id":4,"text":"${'y'.repeat(70_000)}`,
  ];
  const r = run(['classify', '--jsonl', '--max-input', '1000', '-'], { input: lines.join('\n') });
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), [1, null, 3, null]);
  assert.deepEqual(out.map((o) => o.error?.code ?? o.category), ['missing_key', 'too_large', 'missing_key', 'too_large']);
  assert.equal(r.status, 2);
});

const ticket = 'ACME-482913'; // a synthetic internal ticket id, the kind of value a team redacts
const patterns = [{ id: 'ticket', pattern: 'ACME-[0-9]{6}', replace: '<ticket>' }];

test('--redact FILE adds the patterns to classify, redact and ingest; the built-ins still run', () => {
  const dir = tempDir('fw-redact-');
  const file = path.join(dir, 'redact.json');
  writeFileSync(file, JSON.stringify(patterns));
  const text = `sqlite3.IntegrityError: NOT NULL constraint failed: products.category_id (ticket ${ticket}, bob@example.com)`;
  const c = run(['classify', '--redact', file, '-'], { input: text });
  assert.equal(c.status, 0, c.stderr);
  assert.ok(!c.stdout.includes(ticket) && !c.stdout.includes('bob@example.com'), c.stdout);
  assert.match(JSON.parse(c.stdout).message, /<ticket>, <email>/);
  const r = run(['redact', '--redact', file, '--count', '-'], { input: text });
  assert.equal(r.stdout, text.replace(ticket, '<ticket>').replace('bob@example.com', '<email>'));
  assert.match(r.stderr, /2 replaced/);
  // the same as a pack holding only "redact"
  const pack = path.join(dir, 'pack.json');
  writeFileSync(pack, JSON.stringify({ format_version: 1, redact: patterns }));
  assert.equal(run(['redact', '--redact', pack, '-'], { input: text }).stdout, r.stdout);
  // ingest: nothing of the ticket reaches the store
  const smoke = path.join(dir, 'smoke.json');
  writeFileSync(smoke, JSON.stringify({
    run_id: 'r1', violations: [{ endpoint: 'POST /products', status_code: 500, expected_status: 201 }],
    stack_traces: [{ endpoint: 'POST /products', traceback: text }],
  }));
  const store = path.join(dir, 'store.json');
  const i = run(['ingest', '--smoke', smoke, '--ir', path.join(root, 'examples/shop/ir.json'), '--store', store, '--redact', file]);
  assert.equal(i.status, 0, i.stderr);
  const bytes = readFileSync(store, 'utf8');
  assert.ok(!bytes.includes(ticket) && !bytes.includes('bob@example.com'));
});

test('--redact refuses a pack with rules, a bad pattern and a non-pattern file, saying why', () => {
  const dir = tempDir('fw-redact-bad-');
  const cases = [
    [{ format_version: 1, rules: [] }, /\$\.rules: --redact takes only "redact" patterns/],
    [[{ id: 'x', pattern: '(' }], /redaction patterns .*bad\.json/],
    ['just text', /expected an array of redaction patterns/],
  ];
  for (const [content, message] of cases) {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(content));
    const r = run(['redact', '--redact', file, '-'], { input: 'x' });
    assert.equal(r.status, 2, `${JSON.stringify(content)}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('--deadline-ms: a slow rule pack fails the text with exit 1 and "budget exceeded"; records keep going', () => {
  const dir = tempDir('fw-budget-');
  const pack = path.join(dir, 'slow.json');
  // 400 synthetic rules that backtrack over a 12-letter word without matching (no digit comes)
  writeFileSync(pack, JSON.stringify({
    format_version: 1,
    rules: Array.from({ length: 400 }, (_, i) => ({ id: `slow${i}`, category: 'missing_key', message: `(?:\\w+\\s?)*\\d${'x'.repeat(i % 40)}` })),
  }));
  const slow = 'KeyError: aaaaaaaaaaaa\n'.repeat(30);
  const r = run(['classify', '--rules', pack, '--deadline-ms', '50', '-'], { input: slow });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /budget exceeded: this text took over 50 ms/);
  assert.equal(r.stdout, '');
  const lines = [{ id: 1, text: slow }, { id: 2, text: "KeyError: 'sku'" }].map((o) => JSON.stringify(o)).join('\n');
  const j = run(['classify', '--jsonl', '--rules', pack, '--deadline-ms', '50', '-'], { input: lines });
  const out = j.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out[0].error.code, 'budget');
  assert.equal(out[1].category, 'missing_key');
  assert.equal(j.status, 1);
  for (const bad of ['0', '-5', 'x', '3600001']) {
    const u = run(['classify', '--deadline-ms', bad, '-'], { input: 'x' });
    assert.equal(u.status, 2);
    assert.match(u.stderr, /--deadline-ms needs a number of milliseconds/);
  }
});

test('a runaway hints or sql_table pattern of a pack fails the text (exit 1), never skipped in silence', () => {
  const dir = tempDir('fw-runaway-');
  const runaway = '(?<table>(?:\\w+\\s?)*)\\d'; // synthetic: exponential on a long word without a digit
  const cases = [
    ['hints', "KeyError: 'a' " + 'a'.repeat(40), /a hints pattern exceeded the regex match limit/],
    ['sql_table', `IntegrityError: FOREIGN KEY constraint failed\n[SQL: ${'a'.repeat(40)}]`, /a sql_table pattern exceeded the regex match limit/],
  ];
  for (const [key, text, message] of cases) {
    const pack = path.join(dir, `${key}.json`);
    writeFileSync(pack, JSON.stringify({ format_version: 1, [key]: [runaway] }));
    const r = run(['classify', '--rules', pack, '-'], { input: text });
    assert.equal(r.status, 1, `${key}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
