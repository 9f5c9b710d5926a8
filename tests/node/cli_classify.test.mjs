// `forewarn classify` from the outside: output shape, spec mapping, JSON lines, exit codes and
// the clear errors bad input must get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, tempDir } from './helpers.mjs';

const tmp = tempDir('fw-cli-');
const file = (name, content) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};

test('--version and --help exit 0', () => {
  assert.match(run(['--version']).stdout, /^forewarn \d+\.\d+\.\d+/);
  const help = run(['classify', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--jsonl/);
  assert.match(help.stdout, /Example/);
});

test('classifies a traceback and maps it onto the example spec', () => {
  const r = run(['classify', '--ir', 'examples/shop/ir.json', '--endpoint', 'POST /products',
    'examples/errors/post_products_not_null.txt']);
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.category, 'nullable_missing');
  assert.equal(o.error_type, 'database');
  assert.equal(o.exception_class, 'sqlalchemy.exc.IntegrityError');
  assert.equal(o.inner_exception_class, 'sqlite3.IntegrityError');
  assert.deepEqual(o.context, { table: 'products', column: 'category_id' });
  assert.equal(o.ir.entity_name, 'Product');
  assert.equal(o.ir.field_name, 'category_id');
  assert.equal(o.ir.constraint_type, 'nullable');
  assert.equal(o.ir.relationship_type, 'many_to_one');
  assert.equal(o.ir.endpoint_pattern, 'POST /{entities}');
  const ap = o.anti_pattern;
  assert.equal(ap.pattern_id, o.pattern_id);
  assert.equal(ap.field_pattern, 'nullable:category_id');
  assert.equal(ap.entity_pattern, 'Product');
  assert.match(ap.correct_code_snippet, /category_id/);
  assert.match(ap.bad_code_snippet, /class Product\(Base\)/);
  assert.equal(ap.occurrence_count, 1);
  assert.equal(ap.first_seen, '2026-01-01T00:00:00Z');
  // the anti-pattern's regex matches the message it came from
  const pcreToJs = ap.error_message_pattern.replace(/\\\//g, '/');
  assert.match(o.message, new RegExp(pcreToJs));
});

test('the same input gives byte-identical output', () => {
  const a = run(['classify', 'examples/errors/post_customers_unique.txt']);
  const b = run(['classify', 'examples/errors/post_customers_unique.txt']);
  assert.equal(a.stdout, b.stdout);
});

test('JSON lines: one output per record, ids echoed in order, bad records reported in place', () => {
  const input = [
    JSON.stringify({ id: 'a', text: "KeyError: 'sku'" }),
    '{"id": "b", "text": ',
    JSON.stringify({ id: 3, text: 'sqlite3.IntegrityError: FOREIGN KEY constraint failed', endpoint: 'POST /orders' }),
    '',
    JSON.stringify({ id: 'd' }),
  ].join('\n');
  const r = run(['classify', '--jsonl', '-'], { input });
  assert.equal(r.status, 2, 'a bad record makes the exit code 2');
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), ['a', null, 3, 'd']);
  assert.equal(lines[0].category, 'missing_key');
  assert.equal(lines[1].error.code, 'json');
  assert.equal(lines[2].category, 'fk_relationship_missing');
  assert.equal(lines[3].error.code, 'schema');
  assert.match(r.stderr, /line 2: record is not valid JSON/);
  assert.match(r.stderr, /line 5: \$\.text: expected a string/);
});

test('bad input gets a clear error and exit code 2', () => {
  const cases = [
    [['classify', file('empty.txt', '')], /empty/],
    [['classify', file('bad-utf8.txt', Buffer.from([0x4b, 0x65, 0x79, 0xff, 0x0a]))], /not valid UTF-8 \(first bad byte at offset 3\)/],
    [['classify', file('big.txt', 'x'.repeat(10 * 1024 * 1024))], /larger than the limit/],
    [['classify', path.join(tmp, 'missing.txt')], /cannot open/],
    [['classify', '--ir', file('truncated.json', '{"entities": [{"name": "A", '), file('e.txt', "KeyError: 'a'")], /ApplicationIR .*not valid JSON/],
    [['classify', '--ir', file('schema.json', '{"entities": [{"name": "A", "fields": [{"name": "id"}]}]}'), file('e2.txt', "KeyError: 'a'")], /\$\.entities\[0\]\.fields\[0\]\.type: required string is missing/],
    [['classify', '--bogus'], /unknown option/],
    [['classify', '--rules', file('bad-rules.json', '{"format_version": 1, "rules": [{"id": "mine.broken", "category": "missing_key", "message": "(?<name>"}]}'), file('e3.txt', "KeyError: 'a'")], /rule 'mine.broken'/],
  ];
  for (const [args, pattern] of cases) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')} -> ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
  }
});

test('a 10 MB log classifies when the limit is raised', () => {
  const log = 'INFO: noise line\n'.repeat(600000) + "NameError: name 'Produc' is not defined\n";
  const r = run(['classify', '--max-input', String(16 * 1024 * 1024), file('huge.log', log)]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).category, 'undefined_name');
});

test('a runaway user rule stops with exit 1 and names the rule', () => {
  const rules = file('evil.json', JSON.stringify({
    format_version: 1,
    rules: [{ id: 'evil.nested', category: 'missing_key', scope: 'text', message: '^(\\w+\\s?)*$' }],
  }));
  const t0 = Date.now();
  const r = run(['classify', '--rules', rules, file('words.txt', 'word '.repeat(20000) + '!')]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /rule 'evil.nested' exceeded the regex match limit/);
  assert.ok(Date.now() - t0 < 60000);
});

test('a user rule pack extends the built-in rules', () => {
  const rules = file('acme.json', JSON.stringify({
    format_version: 1,
    rules: [{ id: 'acme.quota', category: 'value_constraint_violated', message: "quota exceeded for field '(?<field>\\w+)'" }],
  }));
  const r = run(['classify', '--rules', rules, file('q.txt', "acme.QuotaError: quota exceeded for field 'seats'")]);
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.rule_id, 'acme.quota');
  assert.equal(o.context.field, 'seats');
});

test('JSON lines output is the same, in input order, whatever the thread count', () => {
  const records = [];
  for (let i = 0; i < 300; i++) {
    const texts = ["KeyError: 'k" + i + "'", 'sqlite3.IntegrityError: NOT NULL constraint failed: t' + (i % 7) + '.c',
      '{"detail":[{"type":"missing","loc":["body","f' + i + '"],"msg":"Field required"}]}', 'bad \u00e9 text ' + i];
    records.push(JSON.stringify({ id: i, text: texts[i % texts.length] }));
  }
  const input = records.join('\n') + '\n';
  const one = run(['classify', '--jsonl', '--threads', '1', '-'], { input });
  const three = run(['classify', '--jsonl', '--threads', '3', '-'], { input });
  assert.equal(one.status, 0, one.stderr);
  assert.equal(three.stdout, one.stdout);
  const ids = one.stdout.trim().split('\n').map((l) => JSON.parse(l).id);
  assert.deepEqual(ids, [...Array(300).keys()]);
});
