/* test_alloc.c - every allocation of the core can fail: with an allocator that fails at the
 * n-th call, each API either succeeds or returns FW_ERR_NOMEM (or a clean error), never
 * crashes or leaks (ASan/LSan check the latter in the sanitizer build). */
#include "harness.h"
#include "forewarn.h"

#include <stdlib.h>

static long countdown = -1; /* allocations left before failing; -1 never fails */
static long calls;

static void *failing_malloc(size_t n) {
  calls++;
  if (countdown == 0) return NULL;
  if (countdown > 0) countdown--;
  return malloc(n);
}
static void *failing_realloc(void *p, size_t n) {
  calls++;
  if (countdown == 0) return NULL;
  if (countdown > 0) countdown--;
  return realloc(p, n);
}

static const char *const texts[] = {
    "Traceback (most recent call last):\n  File \"a.py\", line 1, in f\n"
    "sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint \"users_email_key\"\n"
    "DETAIL:  Key (email)=(a@b.c) already exists.\n[SQL: INSERT INTO users (email) VALUES (%(email)s)]",
    "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"price\"],\"msg\":\"Field required\"}]}",
    "app-1  | KeyError: 'x'\napp-1  | more",
};

static const char ir_json[] =
    "{\"entities\": [{\"name\": \"User\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true}, "
    "{\"name\": \"email\", \"type\": \"string\", \"unique\": true}]}], \"endpoints\": [{\"method\": \"POST\", \"path\": \"/users\", \"entity\": \"User\"}]}";

/* One full run; returns the status of the first failing step. */
static fw_status run_once(void) {
  fw_error err;
  fw_rules *rules = NULL;
  fw_classifier *cl = NULL;
  fw_ir *ir = NULL;
  fw_status st = fw_rules_new(&rules, &err);
  if (st == FW_OK) st = fw_classifier_new(rules, &cl, &err);
  if (st == FW_OK) st = fw_ir_parse(ir_json, sizeof ir_json - 1, &ir, &err);
  for (size_t i = 0; st == FW_OK && i < sizeof texts / sizeof *texts; i++) {
    fw_classify_options opts = {0};
    opts.ir = ir;
    opts.endpoint = "POST /users";
    char *out = NULL;
    st = fw_classify(cl, texts[i], strlen(texts[i]), &opts, &out, &err);
    fw_free(out);
  }
  fw_ir_free(ir);
  fw_classifier_free(cl);
  fw_rules_free(rules);
  return st;
}

int main(void) {
  fw_allocator a = {failing_malloc, failing_realloc, free};
  fw_set_allocator(&a);
  countdown = -1;
  calls = 0;
  CHECK(run_once() == FW_OK);
  long total = calls;
  printf("a full run makes %ld allocations\n", total);
  int nomem = 0, ok = 0, other = 0;
  for (long n = 0; n < total; n += (total > 4000 ? 7 : 1)) {
    countdown = n;
    fw_status st = run_once();
    if (st == FW_OK) ok++;
    else if (st == FW_ERR_NOMEM) nomem++;
    else other++;
  }
  printf("failing at each allocation: %d nomem, %d ok, %d other\n", nomem, ok, other);
  CHECK(nomem > 0);
  countdown = -1;
  fw_set_allocator(NULL);
  HARNESS_DONE();
}
