// Real-world variants beyond the dev corpus: other drivers, ORMs and wordings of the same
// causes. Each must get its category and the context it shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './helpers.mjs';

const cases = [
  ['(1364, "Field \'sku\' doesn\'t have a default value")', 'nullable_missing', { column: 'sku' }],
  ['ER_NO_DEFAULT_FOR_FIELD: Field \'email\' doesn\'t have a default value', 'nullable_missing', { column: 'email' }],
  ['sqlite3.IntegrityError: UNIQUE constraint failed: index \'ix_users_email\'', 'unique_constraint_missing', { constraint: 'ix_users_email' }],
  ['Caused by: org.h2.jdbc.JdbcSQLIntegrityConstraintViolationException: NULL not allowed for column "EMAIL"; SQL statement:\ninsert into users (id, email) values (default, ?) [23502-214]', 'nullable_missing', { column: 'EMAIL', table: 'users' }],
  ['org.h2.jdbc.JdbcSQLIntegrityConstraintViolationException: Unique index or primary key violation: "PUBLIC.UK_EMAIL_INDEX_4 ON PUBLIC.USERS(EMAIL NULLS FIRST) VALUES ( /* 1 */ \'a@b.c\' )"', 'unique_constraint_missing', { constraint: 'PUBLIC.UK_EMAIL_INDEX_4', table: 'PUBLIC.USERS', column: 'EMAIL', value: 'a@b.c' }],
  ['org.h2.jdbc.JdbcSQLSyntaxErrorException: Table "ORDERS" not found; SQL statement:', 'missing_table', { table: 'ORDERS' }],
  ['SequelizeUniqueConstraintError: Validation error\n    at Query.formatError (/app/node_modules/sequelize/lib/dialects/postgres/query.js:324:16)', 'unique_constraint_missing', {}],
  ['SequelizeValidationError: notNull Violation: User.email cannot be null', 'nullable_missing', { column: 'email' }],
  ['sqlalchemy.exc.NoReferencedTableError: Foreign key associated with column \'posts.user_id\' could not find table \'users\' with which to generate a foreign key to target column \'id\'', 'fk_relationship_missing', { table: 'posts', column: 'user_id' }],
  ['fastapi.exceptions.RequestValidationError: [{\'type\': \'missing\', \'loc\': (\'body\', \'price\'), \'msg\': \'Field required\', \'input\': {\'name\': \'x\'}}]', 'required_field_missing', { loc: 'body.price', field: 'price' }],
  ['[{\'loc\': (\'body\', \'items\', 0, \'qty\'), \'msg\': \'value is not a valid integer\', \'type\': \'type_error.integer\'}]', 'type_mismatch', { loc: 'body.items.0.qty', field: 'qty' }],
  ['pydantic_core._pydantic_core.ValidationError: 1 validation error for OrderUpdate\nstatus\n  Input should be \'new\', \'paid\' or \'shipped\' [type=enum, input_value=\'lost\', input_type=str]', 'value_constraint_violated', { loc: 'status', field: 'status', value: 'lost' }],
  ['org.hibernate.LazyInitializationException: failed to lazily initialize a collection of role: com.shop.Author.books, could not initialize proxy - no Session', 'orm_session_misuse', { object_type: 'Author', attribute: 'books' }],
  ['UnboundLocalError: cannot access local variable \'item\' where it is not associated with a value', 'undefined_name', { name: 'item' }],
  ['ImportError: attempted relative import with no known parent package', 'wrong_import_path', {}],
  ['httpx.HTTPStatusError: Client error \'404 Not Found\' for url \'http://testserver/orders/9\'', 'route_missing', {}],
  ['requests.exceptions.HTTPError: 405 Client Error: Method Not Allowed for url: http://localhost:8000/items/1', 'method_not_allowed', {}],
  ['>       assert response.status_code == 201\nE       assert 404 == 201', 'route_missing', {}],
  ['PrismaClientValidationError: \nInvalid `prisma.user.create()` invocation:\n\nArgument `email` is missing.', 'required_field_missing', { field: 'email', loc: 'email' }],
  ['sqlalchemy.exc.PendingRollbackError: This Session\'s transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first issue Session.rollback(). Original exception was: (sqlite3.IntegrityError) NOT NULL constraint failed: orders.total', 'nullable_missing', { table: 'orders', column: 'total' }],
  ['psycopg.errors.ForeignKeyViolation: insert or update on table "orders" violates foreign key constraint "orders_customer_id_fkey"\nDETAIL:  Key (customer_id)=(42) is not present in table "customers".', 'fk_relationship_missing', { table: 'orders', constraint: 'orders_customer_id_fkey', column: 'customer_id', value: '42' }],
  ['asyncpg.exceptions.UndefinedColumnError: column "created_at" of relation "orders" does not exist', 'missing_column', { column: 'created_at', table: 'orders' }],
  ['sqlalchemy.exc.DBAPIError: (sqlalchemy.dialects.postgresql.asyncpg.Error) <class \'asyncpg.exceptions.DataError\'>: invalid input for query argument $2: \'12.5\' (expected str, got float)', 'db_type_mismatch', {}],
  ['TypeError: \'NoneType\' object is not subscriptable', 'null_reference', { object_type: 'NoneType' }],
  ['RuntimeWarning: coroutine \'AsyncSession.execute\' was never awaited', 'async_misuse', {}],
];

for (const [text, category, context] of cases) {
  test(`${category}: ${text.split('\n')[0].slice(0, 70)}`, () => {
    const r = run(['classify', '-'], { input: text });
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.category, category, JSON.stringify(o, null, 1).slice(0, 600));
    assert.deepEqual(o.context, context);
  });
}
