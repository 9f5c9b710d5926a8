/*
 * store_bench.c - the learning loop's core costs, in process: enhance latency over a store of
 * N patterns (median, p99) against a naive selection measured in the same run (a linear scan
 * over every pattern, as an unindexed store would do), and ingest throughput (collect + apply
 * + serialise) in violations per second. Prints one JSON object.
 * usage: fw_bench_store IR.json PATTERNS QUERIES VIOLATIONS
 */
#define _POSIX_C_SOURCE 200809L
#include "forewarn.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  *len = fread(b, 1, (size_t)n, f);
  b[*len] = '\0';
  fclose(f);
  return b;
}

static const char *const categories[][2] = {
    {"nullable_missing", "nullable"}, {"unique_constraint_missing", "unique"},
    {"fk_relationship_missing", "foreign_key"}, {"value_too_long", "max_length"},
    {"required_field_missing", "required"}, {"type_mismatch", "type"}};

/* N patterns over N/100 entities, occurrence counts spread 1..50. */
static char *make_store(long n) {
  cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "patterns");
  cJSON_AddStringToObject(doc, "format", "forewarn-store");
  cJSON_AddNumberToObject(doc, "version", 1);
  cJSON_AddArrayToObject(doc, "unclassified");
  cJSON_AddArrayToObject(doc, "runs");
  char buf[256];
  for (long i = 0; i < n; i++) {
    cJSON *p = cJSON_CreateObject();
    snprintf(buf, sizeof buf, "ap1-%016lx", (unsigned long)i * 2654435761u);
    cJSON_AddStringToObject(p, "pattern_id", buf);
    const char *const *c = categories[i % 6];
    cJSON_AddStringToObject(p, "error_type", i % 6 < 4 ? "database" : "validation");
    cJSON_AddStringToObject(p, "category", c[0]);
    cJSON_AddStringToObject(p, "exception_class", "IntegrityError");
    cJSON_AddStringToObject(p, "error_message_pattern", "^NOT\\s+NULL");
    cJSON_AddStringToObject(p, "message_template", "NOT NULL constraint failed: t.c");
    snprintf(buf, sizeof buf, "Entity%ld", i / 100);
    cJSON_AddStringToObject(p, "entity_pattern", buf);
    cJSON_AddStringToObject(p, "endpoint_pattern", i % 2 ? "POST /{entities}" : "PUT /{entities}/{id}");
    snprintf(buf, sizeof buf, "%s:field_%ld", c[1], i % 100);
    cJSON_AddStringToObject(p, "field_pattern", buf);
    cJSON_AddStringToObject(p, "remediation", "IntegrityError on Entity.field: make the schema match the column");
    cJSON_AddStringToObject(p, "bad_code_snippet", "field: Optional[int] = None");
    cJSON_AddStringToObject(p, "correct_code_snippet", "field: int\nfield: Mapped[int] = mapped_column(nullable=False)");
    cJSON_AddNumberToObject(p, "occurrence_count", (double)(1 + (i * 7919) % 50));
    cJSON_AddNumberToObject(p, "times_prevented", (double)((i * 31) % 5));
    cJSON_AddStringToObject(p, "first_seen", "2026-01-01T00:00:00Z");
    cJSON_AddStringToObject(p, "last_seen", "2026-01-02T00:00:00Z");
    cJSON_AddItemToArray(arr, p);
  }
  char *s = cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  return s;
}

/* The naive baseline: parse nothing cached, scan every pattern, filter, sort, keep 5. */
typedef struct hit { long long occ; const char *id; } hit;
static int hit_cmp(const void *a, const void *b) {
  const hit *x = a, *y = b;
  if (x->occ != y->occ) return x->occ > y->occ ? -1 : 1;
  return strcmp(x->id, y->id);
}
static int naive_select(const cJSON *arr, const char *entity, hit *out, size_t cap) {
  size_t n = 0;
  const cJSON *p;
  cJSON_ArrayForEach(p, arr) {
    const char *e = cJSON_GetObjectItemCaseSensitive(p, "entity_pattern")->valuestring;
    long long occ = (long long)cJSON_GetObjectItemCaseSensitive(p, "occurrence_count")->valuedouble;
    if (strcmp(e, entity) != 0 || occ < 2 || n == cap) continue;
    out[n].occ = occ;
    out[n].id = cJSON_GetObjectItemCaseSensitive(p, "pattern_id")->valuestring;
    n++;
  }
  qsort(out, n, sizeof *out, hit_cmp);
  return n < 5 ? (int)n : 5;
}

static char *make_smoke(long violations) {
  static const char *const texts[] = {
      "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: products.category_id",
      "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint \"customers_email_key\"\nDETAIL:  Key (email)=(a@b.c) already exists.",
      "asyncpg.exceptions.ForeignKeyViolationError: insert or update on table \"order_items\" violates foreign key constraint \"order_items_product_id_fkey\"\nDETAIL:  Key (product_id)=(9) is not present in table \"products\".",
      "pydantic_core._pydantic_core.ValidationError: 1 validation error for OrderCreate\ncustomer_id\n  Field required [type=missing, input_value={}, input_type=dict]",
      "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked"};
  static const char *const endpoints[] = {"POST /products", "POST /customers", "POST /orders/1/items", "POST /orders", "GET /orders/2"};
  cJSON *doc = cJSON_CreateObject(), *v = cJSON_CreateArray(), *t = cJSON_CreateArray();
  cJSON_AddStringToObject(doc, "run_id", "bench-run");
  cJSON_AddItemToObject(doc, "violations", v);
  cJSON_AddItemToObject(doc, "stack_traces", t);
  for (long i = 0; i < violations; i++) {
    cJSON *o = cJSON_CreateObject(), *tr = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "endpoint", endpoints[i % 5]);
    cJSON_AddNumberToObject(o, "status_code", 500);
    cJSON_AddItemToArray(v, o);
    cJSON_AddStringToObject(tr, "endpoint", endpoints[i % 5]);
    cJSON_AddStringToObject(tr, "traceback", texts[i % 5]);
    cJSON_AddItemToArray(t, tr);
  }
  char *s = cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  return s;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: fw_bench_store IR.json PATTERNS QUERIES VIOLATIONS\n");
    return 2;
  }
  long npatterns = atol(argv[2]), queries = atol(argv[3]), violations = atol(argv[4]);
  size_t ir_len;
  char *ir_json = read_file(argv[1], &ir_len);
  fw_error err;
  fw_ir *ir = NULL;
  fw_rules *rules = NULL;
  fw_store *store = NULL;
  if (!ir_json || fw_ir_parse(ir_json, ir_len, &ir, &err) != FW_OK || fw_rules_new(&rules, &err) != FW_OK ||
      fw_store_new(&store, &err) != FW_OK) {
    fprintf(stderr, "setup failed: %s\n", err.message);
    return 1;
  }
  char *doc = make_store(npatterns);
  double t0 = now_s();
  if (fw_store_load(store, doc, strlen(doc), &err) != FW_OK) {
    fprintf(stderr, "load: %s\n", err.message);
    return 1;
  }
  double load_s = now_s() - t0;
  cJSON *parsed = cJSON_Parse(doc);
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(parsed, "patterns");
  double *lat = malloc(sizeof *lat * (size_t)queries), *naive = malloc(sizeof *naive * (size_t)queries);
  hit *hits = malloc(sizeof *hits * 1000);
  long injected = 0, naive_queries = queries < 300 ? queries : 300;
  for (long q = 0; q < queries; q++) {
    char entity[64];
    snprintf(entity, sizeof entity, "Entity%ld", (q * 7) % (npatterns / 100 > 0 ? npatterns / 100 : 1));
    fw_enhance_options o = {0};
    o.scope = "entity";
    o.target = entity;
    o.rules = rules;
    char *out = NULL;
    double a = now_s();
    fw_status st = fw_enhance(store, "Generate the model.", 19, &o, &out, &err);
    lat[q] = now_s() - a;
    if (st != FW_OK) {
      fprintf(stderr, "enhance: %s\n", err.message);
      return 1;
    }
    injected += strstr(out, "\"injected\":[{") != NULL;
    fw_free(out);
    if (q < naive_queries) { /* the baseline is slow: a sample of the same queries */
      a = now_s();
      naive_select(arr, entity, hits, 1000);
      naive[q] = now_s() - a;
    }
  }
  qsort(lat, (size_t)queries, sizeof *lat, cmp_double);
  qsort(naive, (size_t)naive_queries, sizeof *naive, cmp_double);
  /* ingest: one run of `violations` violations through collect + apply + serialise */
  char *smoke = make_smoke(violations);
  fw_classifier *cl = NULL;
  fw_classifier_new(rules, &cl, &err);
  char *changeset = NULL, *result = NULL, *saved = NULL;
  t0 = now_s();
  fw_status st = fw_collect(cl, smoke, strlen(smoke), ir, NULL, 0, "2026-01-01T00:00:00Z", &changeset, &err);
  double collect_s = now_s() - t0;
  if (st == FW_OK) st = fw_store_apply(store, changeset, strlen(changeset), &result, &err);
  double apply_s = now_s() - t0 - collect_s;
  if (st == FW_OK) st = fw_store_to_json(store, &saved, &err);
  double ingest_s = now_s() - t0;
  if (st != FW_OK) {
    fprintf(stderr, "ingest: %s\n", err.message);
    return 1;
  }
  size_t qi = (size_t)queries, nq = (size_t)naive_queries;
  printf("{\"patterns\": %ld, \"load_ms\": %.1f, \"enhance_queries\": %ld, \"queries_with_warnings\": %ld,"
         " \"enhance_median_us\": %.1f, \"enhance_p99_us\": %.1f, \"naive_median_us\": %.1f,"
         " \"naive_p99_us\": %.1f, \"speedup_p99\": %.1f, \"ingest_violations\": %ld,"
         " \"ingest_collect_ms\": %.1f, \"ingest_apply_ms\": %.1f, \"ingest_total_ms\": %.1f,"
         " \"store_bytes\": %zu, \"ingest_violations_per_s\": %.0f}\n",
         npatterns, load_s * 1e3, queries, injected, lat[qi / 2] * 1e6, lat[qi * 99 / 100] * 1e6,
         naive[nq / 2] * 1e6, naive[nq * 99 / 100] * 1e6, naive[nq * 99 / 100] / lat[qi * 99 / 100],
         violations, collect_s * 1e3, apply_s * 1e3, ingest_s * 1e3, strlen(saved),
         (double)violations / ingest_s);
  fw_free(saved);
  fw_free(result);
  fw_free(changeset);
  free(smoke);
  free(doc);
  cJSON_Delete(parsed);
  fw_classifier_free(cl);
  fw_store_free(store);
  fw_rules_free(rules);
  fw_ir_free(ir);
  return 0;
}
