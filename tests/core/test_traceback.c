/* test_traceback.c - the parser: exception lines, chains, wrappers, prefixes, JSON bodies. */
#include "fixture.h"

static size_t parse(const char *text) {
  fw_error err;
  if (fw__prepare_text(fixture_cl, text, strlen(text), &err) != FW_OK) return (size_t)-1;
  if (fw__parse_exceptions(fixture_cl, &err) != FW_OK) return (size_t)-1;
  return fixture_cl->nexc;
}

static void block_is(size_t k, const char *expected) {
  const fw_exception *e = &fixture_cl->exc[k];
  char buf[512];
  size_t n = e->msg_end - e->msg_start;
  if (n >= sizeof buf) n = sizeof buf - 1;
  memcpy(buf, fixture_cl->work.data + e->msg_start, n);
  buf[n] = '\0';
  CHECK_STR(buf, expected);
}

static void test_chained_traceback(void) {
  const char *text =
      "Traceback (most recent call last):\n"
      "  File \"/app/db.py\", line 10, in insert\n"
      "    cursor.execute(sql)\n"
      "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint \"users_email_key\"\n"
      "DETAIL:  Key (email)=(a@b.c) already exists.\n"
      "\n"
      "The above exception was the direct cause of the following exception:\n"
      "\n"
      "Traceback (most recent call last):\n"
      "  File \"/app/main.py\", line 5, in create\n"
      "    db.commit()\n"
      "sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint \"users_email_key\"\n"
      "DETAIL:  Key (email)=(a@b.c) already exists.\n"
      "[SQL: INSERT INTO users (email) VALUES (%(email)s)]\n"
      "[parameters: {'email': 'a@b.c'}]\n"
      "(Background on this error at: https://sqlalche.me/e/20/gkpj)\n";
  CHECK(parse(text) == 2);
  CHECK_STR(fixture_cl->exc[0].cls, "psycopg2.errors.UniqueViolation");
  CHECK_STR(fixture_cl->exc[1].cls, "sqlalchemy.exc.IntegrityError");
  CHECK_STR(fixture_cl->exc[1].inner, "psycopg2.errors.UniqueViolation");
  block_is(1, "duplicate key value violates unique constraint \"users_email_key\"\n"
              "DETAIL:  Key (email)=(a@b.c) already exists.");
  fw_classification c;
  CHECK(classify_text(text, NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "unique_constraint_missing");
  CHECK_STR(c.exception_class, "sqlalchemy.exc.IntegrityError");
  CHECK_STR(c.inner_exception_class, "psycopg2.errors.UniqueViolation");
  CHECK_STR(ctx_of(&c, "column"), "email");
  CHECK_STR(ctx_of(&c, "value"), "a@b.c");
  CHECK_STR(ctx_of(&c, "table"), "users"); /* from the echoed SQL */
  fw__classification_clear(&c);
}

static void test_during_handling_root_cause(void) {
  /* the last exception is a generic wrapper; the cause is the first */
  const char *text =
      "Traceback (most recent call last):\n"
      "  File \"/app/routes.py\", line 20, in get_item\n"
      "    return item.name\n"
      "AttributeError: 'NoneType' object has no attribute 'name'\n"
      "\n"
      "During handling of the above exception, another exception occurred:\n"
      "\n"
      "Traceback (most recent call last):\n"
      "  File \"/usr/lib/python3/site-packages/starlette/middleware/errors.py\", line 162, in __call__\n"
      "fastapi.exceptions.HTTPException: 500: Internal Server Error\n";
  CHECK(parse(text) == 2);
  fw_classification c;
  CHECK(classify_text(text, NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "null_reference");
  CHECK_STR(c.exception_class, "AttributeError");
  CHECK_STR(ctx_of(&c, "attribute"), "name");
  fw__classification_clear(&c);
}

static void test_prose_is_not_an_exception(void) {
  CHECK(parse("Note: retrying\nDETAIL:  Failing row contains (1, null).\nINFO:     Started server\n"
              "http://localhost:8000/items\nC:\\Users\\me\\app.py\n") == 0);
}

static void test_asyncpg_double_wrapper(void) {
  CHECK(parse("(sqlalchemy.dialects.postgresql.asyncpg.IntegrityError) <class "
              "'asyncpg.exceptions.NotNullViolationError'>: null value in column \"name\" of "
              "relation \"products\" violates not-null constraint") == 1);
  CHECK_STR(fixture_cl->exc[0].cls, "sqlalchemy.dialects.postgresql.asyncpg.IntegrityError");
  CHECK_STR(fixture_cl->exc[0].inner, "asyncpg.exceptions.NotNullViolationError");
  block_is(0, "null value in column \"name\" of relation \"products\" violates not-null constraint");
}

static void test_log_prefixes_stripped(void) {
  const char *text = "api-1  | Traceback (most recent call last):\n"
                     "api-1  |   File \"/app/x.py\", line 3, in f\n"
                     "api-1  | sqlite3.IntegrityError: NOT NULL constraint failed: orders.total\n";
  CHECK(parse(text) == 1);
  CHECK_STR(fixture_cl->exc[0].cls, "sqlite3.IntegrityError");
  const char *ts = "2024-05-01 10:00:00,123 ERROR [app.api] sqlalchemy.exc.OperationalError: "
                   "(sqlite3.OperationalError) no such table: invoices\n";
  fw_classification c;
  CHECK(classify_text(ts, NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "missing_table");
  CHECK_STR(c.exception_class, "sqlalchemy.exc.OperationalError");
  CHECK_STR(ctx_of(&c, "table"), "invoices");
  fw__classification_clear(&c);
}

static void test_fastapi_422_v2_body(void) {
  const char *body = "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"price\"],\"msg\":\"Field "
                     "required\",\"input\":{\"name\":\"x\"}},{\"type\":\"int_parsing\",\"loc\":[\"body\","
                     "\"stock\"],\"msg\":\"Input should be a valid integer, unable to parse string as an "
                     "integer\",\"input\":\"many\"}]}";
  fw_classification c;
  CHECK(classify_text(body, NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "required_field_missing");
  CHECK_STR(ctx_of(&c, "loc"), "body.price");
  CHECK_STR(ctx_of(&c, "field"), "price");
  fw__classification_clear(&c);
}

static void test_escaped_newlines(void) {
  const char *line = "ERROR in handler: Traceback (most recent call last):\\n  File \\\"/a.py\\\", line 1, in "
                     "f\\nKeyError: 'customer_id'\\n";
  fw_classification c;
  CHECK(classify_text(line, NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "missing_key");
  CHECK_STR(ctx_of(&c, "name"), "customer_id");
  fw__classification_clear(&c);
}

static void test_localized_postgres_falls_back_on_class(void) {
  const char *text = "psycopg2.errors.NotNullViolation: FEHLER:  NULL-Wert in Spalte »name« von Relation "
                     "»products« verletzt Not-Null-Constraint";
  fw_classification c;
  CHECK(classify_text(text, NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "nullable_missing");
  fw__classification_clear(&c);
}

static void test_java_caused_by(void) {
  const char *text =
      "org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL "
      "[n/a]; constraint [uk_users_email]\n"
      "\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:276)\n"
      "Caused by: java.sql.SQLIntegrityConstraintViolationException: Duplicate entry 'a@b.c' for key 'users.uk_users_email'\n";
  fw_classification c;
  CHECK(classify_text(text, NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "unique_constraint_missing");
  CHECK_STR(ctx_of(&c, "table"), "users");
  CHECK_STR(ctx_of(&c, "constraint"), "uk_users_email");
  CHECK_STR(ctx_of(&c, "value"), "a@b.c");
  fw__classification_clear(&c);
}

static void test_unknown_keeps_message(void) {
  fw_classification c;
  CHECK(classify_text("ConnectionRefusedError: [Errno 111] Connection refused", NULL, NULL, &c) == FW_OK);
  CHECK_STR(category_of(&c), "unknown");
  CHECK_STR(c.exception_class, "ConnectionRefusedError");
  CHECK_STR(c.message, "[Errno 111] Connection refused");
  fw__classification_clear(&c);
}

int main(void) {
  fixture_init();
  test_chained_traceback();
  test_during_handling_root_cause();
  test_prose_is_not_an_exception();
  test_asyncpg_double_wrapper();
  test_log_prefixes_stripped();
  test_fastapi_422_v2_body();
  test_escaped_newlines();
  test_localized_postgres_falls_back_on_class();
  test_java_caused_by();
  test_unknown_keeps_message();
  fixture_done();
  HARNESS_DONE();
}
