// Lessons in the app's own stack (issue 14): every built-in stack has a lesson for every taxonomy
// category or says why the category cannot occur there; every snippet is valid syntax in its
// language (Python's own parser, node's for JavaScript, balanced brackets and quotes for
// TypeScript, Java, Prisma and SQL); a real error of each stack (tests/corpus) gets that stack's
// lesson, with and without a spec naming the stack; an error whose stack cannot be told gets
// the neutral lesson, which names no framework's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, run, tempDir } from './helpers.mjs';

const pack = JSON.parse(readFileSync(path.join(root, 'core', 'rules', 'default.json'), 'utf8'));
const categories = Object.keys(pack.categories);
const builtIn = ['fastapi-sqlalchemy', 'fastapi-sqlalchemy-async', 'django', 'express-prisma', 'nestjs-typeorm',
  'express-sequelize', 'spring-jpa', 'neutral'];

// The lesson of a category in a stack, as the core picks it (FastAPI's are the category entries).
const lessonOf = (stack, cat) => (stack === 'fastapi-sqlalchemy' ? pack.categories[cat] : pack.stacks[stack]?.lessons?.[cat]);

test('every built-in stack has a lesson for every category, or the reason it cannot occur there', () => {
  assert.deepEqual(Object.keys(pack.stacks).sort(), [...builtIn].sort());
  for (const stack of builtIn) {
    for (const cat of categories) {
      const l = lessonOf(stack, cat);
      assert.ok(l, `${stack}: no entry for ${cat}`);
      if (l.not_applicable !== undefined) {
        assert.notEqual(stack, 'neutral', `neutral must have a lesson for ${cat}: it is every stack's fallback`);
        assert.ok(l.not_applicable.length > 20, `${stack}.${cat}: a real reason, not "${l.not_applicable}"`);
        continue;
      }
      assert.ok(l.summary?.trim(), `${stack}.${cat}.summary`);
      // a snippet may be "" only where nothing is known to write (the unknown category)
      for (const k of ['bad_code', 'correct_code']) assert.ok(typeof l[k] === 'string' && (l[k].trim() || cat === 'unknown'), `${stack}.${cat}.${k}`);
    }
    if (stack !== 'fastapi-sqlalchemy') {
      const types = pack.stacks[stack].types ?? {};
      for (const t of ['string', 'integer', 'decimal', 'boolean', 'datetime', 'uuid', 'json']) assert.ok(types[t], `${stack}: no type for ${t}`);
    }
  }
});

// Sample values for the placeholders, as a classification of "Product.category_id" fills them.
const sample = {
  entity: 'Product', entity_camel: 'product', entity_snake: 'product', table: 'products', field: 'category_id', field_camel: 'categoryId',
  column: 'category_id', py_type: 'int', ref_entity: 'Category', ref_table: 'categories', ref_field: 'id',
  max_length: '120', min: '0', max: '1000000', schema: 'ProductCreate', method: 'POST', method_lower: 'post',
  path: '/products', entities: 'products', status: '201', exception: 'IntegrityError', message: 'boom',
  constraint: 'uq_products_sku', loc: 'body.category_id', module: 'app.models', name: 'Thing', attribute: 'category',
  object_type: 'Product', value: '42',
};
// As core/src/classify/antipattern.c renders: "{name}" a placeholder, "{{text}}" the literal
// "{text}", any other brace as it is.
function fill(tpl, stack) {
  const types = pack.stacks[stack].types ?? {};
  let out = '';
  for (let i = 0; i < tpl.length;) {
    const open = tpl.indexOf('{', i);
    if (open < 0) { out += tpl.slice(i); break; }
    out += tpl.slice(i, open);
    const m = /^\{([a-z_]+)\}/.exec(tpl.slice(open));
    if (m) {
      const name = m[1];
      assert.ok(name === 'type' || name in sample, `unknown placeholder {${name}}`);
      out += name === 'type' ? (types.integer ?? 'int') : sample[name];
      i = open + m[0].length;
    } else if (tpl[open + 1] === '{') {
      const end = tpl.indexOf('}}', open + 2);
      if (end < 0) { out += '{'; i = open + 2; continue; }
      out += `{${tpl.slice(open + 2, end)}}`;
      i = end + 2;
    } else {
      out += '{';
      i = open + 1;
    }
  }
  return out;
}

// Brackets and quotes balanced, outside strings and comments (// and /* */, # for SQL/Python-ish).
function balanced(code, { hashComments = false } = {}) {
  const stack = [];
  const pairs = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '/' && code[i + 1] === '/') { i = code.indexOf('\n', i); if (i < 0) break; continue; }
    if (c === '-' && code[i + 1] === '-' && hashComments) { i = code.indexOf('\n', i); if (i < 0) break; continue; }
    if (c === '/' && code[i + 1] === '*') { i = code.indexOf('*/', i + 2); if (i < 0) return 'unclosed comment'; i++; continue; }
    if (c === '#' && hashComments) { i = code.indexOf('\n', i); if (i < 0) break; continue; }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== c) { if (code[j] === '\\') j++; if (code[j] === '\n' && c !== '`') return `unclosed ${c}`; j++; }
      if (j >= code.length) return `unclosed ${c}`;
      i = j;
      continue;
    }
    if ('([{'.includes(c)) stack.push(c);
    else if (pairs[c]) { if (stack.pop() !== pairs[c]) return `unbalanced ${c} at ${i}`; }
  }
  return stack.length ? `unclosed ${stack.at(-1)}` : null;
}

test('every snippet is valid syntax in its stack\'s language', () => {
  const python = [], js = [], other = [];
  for (const stack of builtIn) {
    const language = pack.stacks[stack].language;
    for (const cat of categories) {
      const l = lessonOf(stack, cat);
      if (!l || l.not_applicable !== undefined) continue;
      for (const k of ['bad_code', 'correct_code']) {
        const code = fill(l[k], stack);
        const item = { where: `${stack}.${cat}.${k}`, code, language };
        if (language === 'python') python.push(item);
        else if (language === 'javascript') js.push(item);
        else other.push(item);
      }
    }
  }
  // Python: its own parser, all snippets in one process
  const py = spawnSync('/usr/bin/python3', ['-c', `
import ast, json, sys
for item in json.load(sys.stdin):
    try:
        ast.parse(item["code"])
    except SyntaxError as e:
        print(item["where"], e)
`], { input: JSON.stringify(python), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  assert.equal(py.stdout, '', `Python snippets that do not parse:\n${py.stdout}`);
  // JavaScript: node's parser (a Prisma schema block is checked for balance instead)
  const dir = tempDir('fw-snippets-');
  let n = 0;
  for (const item of js) {
    if (/^\s*(model|enum|datasource|generator)\s+\w+\s*\{/m.test(item.code) && !/\b(const|let|function|await|require|import)\b/.test(item.code)) {
      assert.equal(balanced(item.code), null, `${item.where} (Prisma schema)`);
      continue;
    }
    const file = path.join(dir, `s${n++}.mjs`);
    writeFileSync(file, `export async function snippet(app, prisma, req, res, next, sequelize) {\n${item.code}\n}\n`);
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    if (r.status !== 0) {
      // top-level declarations (import, class, model definitions) are checked as a module
      writeFileSync(file, item.code);
      const m = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
      assert.equal(m.status, 0, `${item.where} does not parse:\n${item.code}\n${m.stderr}`);
    }
  }
  for (const item of other) {
    assert.equal(balanced(item.code, { hashComments: item.language === 'text' }), null, `${item.where}:\n${item.code}`);
  }
  assert.ok(python.length + js.length + other.length > 300, `${python.length + js.length + other.length} snippets checked`);
});

// A real error of each stack, from the project's corpus (by its own exception class, which the
// record's label says), classified without a spec: the stack is detected and the lesson is in it.
const corpus = readdirSync(path.join(root, 'tests', 'corpus')).filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(path.join(root, 'tests', 'corpus', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
const cases = {
  'express-prisma': (r) => r.exception_class.startsWith('PrismaClient') && r.category === 'unique_constraint_missing',
  'nestjs-typeorm': (r) => r.exception_class === 'QueryFailedError' && r.category === 'nullable_missing',
  'express-sequelize': (r) => r.exception_class.startsWith('Sequelize') && r.category !== 'unknown',
  'spring-jpa': (r) => /DataIntegrityViolationException/.test(r.text) && r.category === 'unique_constraint_missing',
  django: (r) => /django[./]db/.test(r.text) && r.category === 'unique_constraint_missing',
  'fastapi-sqlalchemy-async': (r) => /asyncpg/.test(r.text) && r.category !== 'unknown',
  'fastapi-sqlalchemy': (r) => /sqlalchemy\.exc\.IntegrityError/.test(r.text) && !/asyncpg|django/.test(r.text) && r.category === 'nullable_missing',
};

function classify(text, args = []) {
  const r = run(['classify', ...args, '-'], { input: text });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

for (const [stack, pick] of Object.entries(cases)) {
  test(`a real ${stack} error gets the ${stack} lesson, detected, named by a spec, or asked for`, () => {
    const rec = corpus.find(pick);
    assert.ok(rec, `no ${stack} record in tests/corpus`);
    const want = lessonOf(stack, rec.category);
    assert.ok(want && !want.not_applicable, `${stack} has no lesson for ${rec.category}`);
    const detected = classify(rec.text);
    assert.equal(detected.category, rec.category, rec.id);
    assert.deepEqual([detected.anti_pattern.stack, detected.anti_pattern.stack_source], [stack, 'detected'], rec.id);
    const spec = path.join(tempDir('fw-stack-'), 'ir.json');
    writeFileSync(spec, JSON.stringify({ stack, entities: [{ name: 'Thing', fields: [{ name: 'id', type: 'integer' }] }] }));
    const byIR = classify(rec.text, ['--ir', spec]);
    assert.deepEqual([byIR.anti_pattern.stack, byIR.anti_pattern.stack_source], [stack, 'ir']);
    const byFlag = classify(rec.text, ['--stack', stack, '--ir', spec]);
    assert.deepEqual([byFlag.anti_pattern.stack, byFlag.anti_pattern.stack_source], [stack, 'flag']);
    // the lesson is the stack's template, filled (its first line, placeholders aside)
    const head = want.correct_code.split('\n')[0].split(/\{[a-z_]+\}/)[0].trim();
    if (head) assert.ok(detected.anti_pattern.correct_code_snippet.includes(head), `${rec.id}: ${detected.anti_pattern.correct_code_snippet}`);
    // the same mistake in the same spec is one pattern whatever the stack
    assert.equal(byFlag.pattern_id, classify(rec.text, ['--stack', 'neutral', '--ir', spec]).pattern_id);
  });
}

test('an error whose stack cannot be told gets the neutral lesson, which names no framework', () => {
  const text = 'ERROR:  duplicate key value violates unique constraint "users_email_key"\nDETAIL:  Key (email)=(a@example.com) already exists.';
  const c = classify(text);
  assert.deepEqual([c.category, c.anti_pattern.stack, c.anti_pattern.stack_source], ['unique_constraint_missing', 'neutral', 'neutral']);
  const lesson = `${c.anti_pattern.remediation}\n${c.anti_pattern.bad_code_snippet}\n${c.anti_pattern.correct_code_snippet}`;
  assert.doesNotMatch(lesson, /mapped_column|sqlalchemy|pydantic|BaseModel|HTTPException|models\.|@Column|prisma|sequelize|@Entity/i);
  // detection is by framework, not by language: a Flask app is not told FastAPI's code
  const flask = 'File "/app/venv/lib/python3.11/site-packages/flask/app.py", line 1473, in wsgi_app\n' +
    'sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "users_email_key"';
  assert.equal(classify(flask).anti_pattern.stack, 'neutral');
});

test('--lessons adds a user pack whose lessons come first; a bad one is refused naming its path', () => {
  const dir = tempDir('fw-lessons-');
  const mine = path.join(dir, 'lessons.json');
  writeFileSync(mine, JSON.stringify({ format_version: 1, stacks: { django: { lessons: { unique_constraint_missing: {
    summary: 'Team rule: {entity}.{field} is unique; check with .exists() first', bad_code: 'x = 1', correct_code: 'y = 2' } } } } }));
  const rec = corpus.find(cases.django);
  const c = classify(rec.text, ['--lessons', mine]);
  assert.match(c.anti_pattern.remediation, /^Team rule: /);
  writeFileSync(mine, JSON.stringify({ format_version: 1, stacks: { django: { lessons: { unique_constraint_missing: { summary: '{oops}', bad_code: 'a', correct_code: 'b' } } } } }));
  const r = run(['classify', '--lessons', mine, '-'], { input: rec.text });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /\$\.stacks\.django\.lessons\.unique_constraint_missing\.summary: unknown placeholder \{oops\}/);
  writeFileSync(mine, JSON.stringify({ format_version: 1, rules: [], stacks: {} }));
  assert.equal(run(['classify', '--lessons', mine, '-'], { input: rec.text }).status, 2);
  const unknown = run(['classify', '--stack', 'rails', '-'], { input: rec.text });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown stack 'rails' \(known: fastapi-sqlalchemy, .*neutral/);
});

test('enhance writes each lesson in the prompt\'s stack: --stack, else the spec\'s, else as stored', () => {
  const rec = corpus.find((r) => r.id === 'node-002'); // Prisma: Unique constraint failed on (`notice_id`,`message`)
  assert.ok(rec);
  const dir = tempDir('fw-enhance-stack-');
  const ir = path.join(dir, 'ir.json');
  writeFileSync(ir, JSON.stringify({ entities: [{ name: 'Occurrence', fields: [{ name: 'id', type: 'integer' },
    { name: 'notice_id', type: 'integer' }, { name: 'message', type: 'string' }] }] }));
  const store = path.join(dir, 'patterns.json');
  for (const n of [1, 2]) {
    const smoke = path.join(dir, `run-${n}.json`);
    writeFileSync(smoke, JSON.stringify({ run_id: `run-${n}`, violations: [{ endpoint: 'POST /occurrences', status_code: 500, traceback: rec.text }] }));
    assert.equal(run(['ingest', '--smoke', smoke, '--ir', ir, '--store', store]).status, 0);
  }
  const enhance = (...args) => {
    const r = run(['enhance', '--entity', 'Occurrence', '--store', store, '--json', ...args]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).section;
  };
  const stored = JSON.parse(readFileSync(store, 'utf8')).patterns[0];
  assert.equal(stored.stack, 'express-prisma'); // detected when it was ingested
  assert.ok(enhance().includes('@unique') || enhance().includes('P2002'), enhance()); // as stored: Prisma's
  const spring = enhance('--stack', 'spring-jpa');
  assert.doesNotMatch(spring, /P2002|prisma\.\w|@unique/); // the summary still names the exception that happened
  assert.match(spring, /@Column|DataIntegrityViolationException|@ExceptionHandler/);
  const specDjango = path.join(dir, 'django.json');
  writeFileSync(specDjango, JSON.stringify({ ...JSON.parse(readFileSync(ir, 'utf8')), stack: 'django' }));
  const django = enhance('--ir', specDjango);
  assert.match(django, /models\.|serializers\.|UniqueValidator|IntegrityError/);
  assert.doesNotMatch(django, /P2002|prisma\.\w|@unique/);
  assert.equal(run(['enhance', '--entity', 'Occurrence', '--store', store, '--stack', 'rails']).status, 2);
});

test('ingest --stack stores the lessons in that stack; an unknown one stores nothing', () => {
  const dir = tempDir('fw-ingest-stack-');
  const store = path.join(dir, 'patterns.json');
  const ir = path.join(root, 'examples', 'shop', 'ir.json'); // says fastapi-sqlalchemy: the flag wins
  const r = run(['ingest', '--smoke', path.join(root, 'examples', 'shop', 'runs', 'run-1.json'), '--ir', ir, '--store', store, '--stack', 'spring-jpa']);
  assert.equal(r.status, 0, r.stderr);
  const patterns = JSON.parse(readFileSync(store, 'utf8')).patterns;
  assert.ok(patterns.length > 5);
  for (const p of patterns) assert.deepEqual([p.stack, p.stack_source], ['spring-jpa', 'flag'], p.pattern_id);
  const before = readFileSync(store);
  const bad = run(['ingest', '--smoke', path.join(root, 'examples', 'shop', 'runs', 'run-2.json'), '--ir', ir, '--store', store, '--stack', 'rails']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown stack 'rails'/);
  assert.ok(readFileSync(store).equals(before));
});

test('the JS API takes the same stack options: classify, enhance and collect', { skip: !existsSync(path.join(root, 'wasm', 'dist', 'forewarn.wasm')) && 'wasm not built' }, async () => {
  const { Forewarn } = await import('../../wasm/forewarn.mjs');
  const fw = await Forewarn.load();
  const ir = new fw.IR(readFileSync(path.join(root, 'examples', 'shop', 'ir.json')));
  const store = new fw.MemoryStore();
  try {
    const smoke = readFileSync(path.join(root, 'examples', 'shop', 'runs', 'run-1.json'));
    const cs = fw.changeset(smoke, ir, null, { stack: 'django' });
    assert.ok(cs.observations.length > 5);
    for (const o of cs.observations) assert.deepEqual([o.pattern.stack, o.pattern.stack_source], ['django', 'flag']);
    // the stack was this call's only: the next one is back to the spec's
    assert.equal(fw.changeset(smoke, ir, null).observations[0].pattern.stack_source, 'ir');
    assert.throws(() => fw.changeset(smoke, ir, null, { stack: 'rails' }), (e) => e.code === 'argument');
    fw.collect(smoke, ir, null, store, { now: '2026-01-01T00:00:00Z' });
    fw.collect(readFileSync(path.join(root, 'examples', 'shop', 'runs', 'run-2.json')), ir, null, store, { now: '2026-01-02T00:00:00Z' });
    const spring = fw.enhance('Generate the Product entity.', { entity: 'Product' }, store, { ir, stack: 'spring-jpa' });
    assert.ok(spring.injected.length > 0);
    assert.match(spring.section, /@Column|@NotNull|DataIntegrityViolationException/);
    assert.doesNotMatch(spring.section, /mapped_column|BaseModel/);
    const text = readFileSync(path.join(root, 'examples', 'errors', 'post_customers_unique.txt'), 'utf8');
    assert.equal(fw.raw.classify(text, { stack: 'express-prisma', now: null }) + '\n',
      run(['classify', '--stack', 'express-prisma', '-'], { input: text, env: { FOREWARN_NOW: '1970-01-01T00:00:00Z' } }).stdout);
  } finally {
    store.delete();
    ir.delete();
  }
});
