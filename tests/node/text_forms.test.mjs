// The shapes an error arrives in, beyond a plain traceback: each input below is SYNTHETIC, written
// in the documented form of its source (Spring Boot's error attributes, zod's issue list, a
// message copied out of a JSON string, a Prisma error under a logged driver message, echoed SQL),
// to pin one path of text preparation or context lookup each. Real texts are in tests/corpus/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './helpers.mjs';

function classify(text) {
  const r = run(['classify', '-'], { input: text });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('Spring Boot error attributes: the "trace" chain gives the root cause, "exception" the class', () => {
  const body = {
    timestamp: '2024-01-01T00:00:00.000+00:00', status: 500, error: 'Internal Server Error',
    exception: 'org.springframework.dao.DataIntegrityViolationException',
    message: 'could not execute statement; SQL [n/a]; constraint [null]',
    trace: 'org.springframework.dao.DataIntegrityViolationException: could not execute statement\n' +
      '\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:276)\n' +
      'Caused by: org.h2.jdbc.JdbcSQLIntegrityConstraintViolationException: NULL not allowed for column "NAME"; SQL statement:\n' +
      'insert into products (id, name) values (default, ?) [23502-214]\n',
    path: '/products',
  };
  const o = classify(JSON.stringify(body, null, 2));
  assert.equal(o.category, 'nullable_missing');
  assert.deepEqual(o.context, { column: 'NAME', table: 'products' });
  const bare = classify(JSON.stringify({ status: 500, exception: 'javax.persistence.EntityNotFoundException', message: 'x' }));
  assert.equal(bare.exception_class, 'javax.persistence.EntityNotFoundException');
});

test('"ZodError: [" ending a line: the issue list below it is read as zod issues, path as loc', () => {
  const text = 'ZodError: [\n  {\n    "code": "invalid_type",\n    "expected": "number",\n    "received": "string",\n' +
    '    "path": [\n      "items",\n      0,\n      "price"\n    ],\n    "message": "Expected number, received string"\n  }\n]';
  const o = classify(text);
  assert.equal(o.category, 'type_mismatch');
  assert.deepEqual(o.context, { field: 'price', loc: 'items.0.price' });
  const v4 = classify(text.replace('"Expected number, received string"', '"Invalid input: expected number, received undefined"'));
  assert.equal(v4.category, 'required_field_missing', 'zod v4: received undefined is a missing field');
});

test('one line copied out of a JSON string: its \\" escapes are read as quotes', () => {
  const o = classify('ERROR: relation \\"orders\\" does not exist (SQLSTATE 42P01)');
  assert.equal(o.category, 'missing_table');
  assert.deepEqual(o.context, { table: 'orders' });
});

test('an error code matched under a wrapper takes its context from the driver message logged above', () => {
  const text = 'db | ERROR:  column items.sku does not exist at character 31\n\n' +
    'PrismaClientKnownRequestError:\nInvalid `prisma.item.findMany()` invocation:\n\n  code: \'P2022\',\n  clientVersion: \'5.0.0\'\n';
  const o = classify(text);
  assert.equal(o.category, 'missing_column');
  assert.deepEqual(o.context, { table: 'items', column: 'sku' });
});

test('echoed SQL names the table: a statement that writes first, a single-table SELECT next, a join never', () => {
  const detail = 'psycopg2.errors.NotNullViolation: null value in column "id" violates not-null constraint\n' +
    'DETAIL:  Failing row contains (null, SELECT name FROM locations).\n' +
    '[SQL: INSERT INTO query_stats (query) VALUES (%(query)s)]';
  assert.deepEqual(classify(detail).context, { column: 'id', table: 'query_stats' });
  const select = 'sqlalchemy.exc.DataError: (psycopg2.errors.InvalidTextRepresentation) invalid input syntax for type integer: "x"\n' +
    '[SQL: SELECT id, name FROM products WHERE products.id = %(id)s]';
  assert.deepEqual(classify(select).context, { value: 'x', table: 'products' });
  const join = select.replace('FROM products WHERE', 'FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE');
  assert.deepEqual(classify(join).context, { value: 'x' });
});

test('a Hibernate alias qualifying a column is not a table; the statement\'s table is', () => {
  const o = classify('org.h2.jdbc.JdbcSQLSyntaxErrorException: Column "PRODUCT0_.SKU" not found; SQL statement:\n' +
    'select product0_.id as id1_0_, product0_.sku as sku2_0_ from product product0_ [42122-200]');
  assert.equal(o.category, 'missing_column');
  assert.deepEqual(o.context, { table: 'product', column: 'SKU' });
});

test('FastAPI\'s loc ["body"] (the whole body missing) names no field; a model field called body does', () => {
  const fastapi = classify('{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}');
  assert.deepEqual(fastapi.context, { loc: 'body' });
  const model = classify('pydantic_core._pydantic_core.ValidationError: 1 validation error for Post\nbody\n' +
    '  Field required [type=missing, input_value={}, input_type=dict]\n');
  assert.deepEqual(model.context, { field: 'body', loc: 'body' });
});

test('a pydantic error flattened onto one line keeps its location', () => {
  const o = classify('pydantic.error_wrappers.ValidationError: 1 validation error for Item price value is not a valid float (type=type_error.float)');
  assert.equal(o.category, 'type_mismatch');
  assert.deepEqual(o.context, { field: 'price', loc: 'price' });
});

test('UTF-8 read as Latin-1 on its way ("restricciÃ³n Â«pkeyÂ»") is repaired before the rules run', () => {
  const o = classify('org.postgresql.util.PSQLException: ERROR: llave duplicada viola restricciÃ³n de unicidad Â«users_pkeyÂ»\n' +
    '  Detail: Ya existe la llave (id)=(5).');
  assert.equal(o.category, 'unique_constraint_missing');
  assert.deepEqual(o.context, { constraint: 'users_pkey', column: 'id', value: '5' });
  // a lone "Ã" or "Â" followed by something that is no UTF-8 continuation stays as it was
  const kept = classify('KeyError: \'Ãx Â!\'');
  assert.deepEqual(kept.context, { name: 'Ãx Â!' });
});

test('a composite key names no single column and no value; a single one both', () => {
  const text = (key, val) => `psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "uq_pref"\nDETAIL:  Key (${key})=(${val}) already exists.\n`;
  assert.deepEqual(classify(text('user_id, name', '3, dark')).context, { constraint: 'uq_pref' });
  assert.deepEqual(classify(text('sku', 'AB-1')).context, { constraint: 'uq_pref', column: 'sku', value: 'AB-1' });
});

test('a paste that doubled every line break is read as the traceback it was', () => {
  const lines = ['Traceback (most recent call last):', '  File "app.py", line 9, in <module>', '    s = Settings()',
    'pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings', 'MODEL',
    '  Input should be a valid string [type=string_type, input_value=None, input_type=NoneType]'];
  const o = classify(lines.join('\n\n'));
  assert.equal(o.category, 'type_mismatch');
  assert.deepEqual(o.context, { field: 'MODEL', loc: 'MODEL' });
});

test('SQLite names columns as declared (spaces kept); its composite unique keys name no column', () => {
  assert.deepEqual(classify('sqlite3.IntegrityError: NOT NULL constraint failed: players.Golden Balls').context,
    { table: 'players', column: 'Golden Balls' });
  assert.deepEqual(classify('sqlite3.IntegrityError: UNIQUE constraint failed: tags.key, tags.value').context, { table: 'tags' });
});

test('a ResponseValidationError whose field error carries the cause is labelled with the cause', () => {
  const wrap = (msg) => "fastapi.exceptions.ResponseValidationError: 1 validation errors:\n  {'type': 'get_attribute_error', " +
    `'loc': ('response', 'items'), 'msg': "Error extracting attribute: ${msg}", 'input': <Order object at 0x7f1e2c3b4d90>}\n`;
  const detached = classify(wrap("DetachedInstanceError: Parent instance <Order at 0x7f1e2c3b4d90> is not bound to a Session; lazy load operation of attribute 'items' cannot proceed"));
  assert.equal(detached.category, 'orm_session_misuse');
  assert.deepEqual(detached.context, { object_type: 'Order', attribute: 'items' });
  const greenlet = classify(wrap("MissingGreenlet: greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an unexpected place?"));
  assert.equal(greenlet.category, 'async_misuse');
  // without a cause it stays a response validation error
  const plain = classify("fastapi.exceptions.ResponseValidationError: 1 validation errors:\n  {'type': 'missing', 'loc': ('response', 'created_at'), 'msg': 'Field required', 'input': {}}\n");
  assert.equal(plain.category, 'response_validation');
});
