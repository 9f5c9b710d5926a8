/* test_pattern_id.c - pattern_id is stable: variants of one cause share it, different causes do
 * not, and the id of a known error is pinned so every build and machine agrees. */
#include "fixture.h"

static void id_of(const char *text, const char *endpoint, char out[32]) {
  fw_classification c;
  out[0] = '\0';
  if (classify_text(text, NULL, endpoint, &c) == FW_OK) fw__pattern_id(&c, fixture_rules, out);
  fw__classification_clear(&c);
}

int main(void) {
  fixture_init();
  char a[32], b[32], c[32], d[32], e[32], f[32];
  /* pinned: changing the id algorithm must be a deliberate FW_SIGNATURE_VERSION bump */
  id_of("sqlite3.IntegrityError: NOT NULL constraint failed: products.name", NULL, a);
  CHECK_STR(a, "ap1-368e27a6508ccabc");
  /* the same cause in PostgreSQL wording, with a different row and a traceback around it */
  id_of("Traceback (most recent call last):\n  File \"x.py\", line 9, in f\n"
        "psycopg2.errors.NotNullViolation: null value in column \"name\" of relation \"products\" violates not-null constraint\n"
        "DETAIL:  Failing row contains (17, null, 3.50).",
        NULL, b);
  CHECK_STR(b, a);
  /* values differ, cause is the same */
  id_of("(1062, \"Duplicate entry 'alice@example.com' for key 'users.email'\")", NULL, c);
  id_of("(1062, \"Duplicate entry 'bob@example.org' for key 'users.email'\")", NULL, d);
  CHECK_STR(c, d);
  /* another column is another anti-pattern */
  id_of("sqlite3.IntegrityError: NOT NULL constraint failed: products.price", NULL, e);
  CHECK(strcmp(a, e) != 0);
  /* routes: the endpoint is part of an http pattern */
  id_of("INFO:     127.0.0.1:5000 - \"GET /orders/12 HTTP/1.1\" 404 Not Found", "GET /orders/12", e);
  id_of("INFO:     127.0.0.1:6000 - \"GET /orders/99 HTTP/1.1\" 404 Not Found", "GET /orders/99", f);
  CHECK_STR(e, f);
  id_of("INFO:     127.0.0.1:6000 - \"GET /customers/99 HTTP/1.1\" 404 Not Found", "GET /customers/99", f);
  CHECK(strcmp(e, f) != 0);
  /* unknown errors group by template */
  id_of("ConnectionRefusedError: [Errno 111] Connection refused (port 5432)", NULL, e);
  id_of("ConnectionRefusedError: [Errno 111] Connection refused (port 5433)", NULL, f);
  CHECK_STR(e, f);
  CHECK(strncmp(a, "ap1-", 4) == 0 && strlen(a) == 20);
  fixture_done();
  HARNESS_DONE();
}
