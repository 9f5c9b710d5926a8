/* test_store.c - the in-memory store: loading refuses corrupt documents and keeps its content,
 * a change set creates and increments patterns, a run_id applies once, prevention accounting,
 * the document round-trips, queries use the indexes. */
#include "harness.h"
#include "forewarn.h"

#include <stdlib.h>

static const char *const changeset_1 =
    "{\"run_id\": \"r1\", \"now\": \"2026-01-01T00:00:00Z\", \"violations\": 3,"
    " \"observations\": [{\"pattern\": {\"pattern_id\": \"ap1-a\", \"error_type\": \"database\","
    "  \"category\": \"nullable_missing\", \"exception_class\": \"IntegrityError\", \"entity_pattern\": \"Product\","
    "  \"endpoint_pattern\": \"POST /{entities}\", \"field_pattern\": \"nullable:name\", \"first_seen\": \"x\","
    "  \"last_seen\": \"x\"}, \"count\": 2, \"endpoints\": [\"POST /products\"]}],"
    " \"unclassified\": [{\"template_id\": \"un1-z\", \"message_template\": \"database is locked\", \"count\": 1}],"
    " \"injections\": [], \"unclassifiable_errors\": [\"GET /x: database is locked\"]}";

static const char *const changeset_2 =
    "{\"run_id\": \"r2\", \"now\": \"2026-01-02T00:00:00Z\", \"violations\": 1,"
    " \"observations\": [{\"pattern\": {\"pattern_id\": \"ap1-a\", \"error_type\": \"database\","
    "  \"category\": \"nullable_missing\", \"exception_class\": \"IntegrityError\", \"entity_pattern\": \"Product\","
    "  \"endpoint_pattern\": \"POST /{entities}\", \"field_pattern\": \"nullable:name\", \"first_seen\": \"x\","
    "  \"last_seen\": \"x\"}, \"count\": 1}],"
    " \"unclassified\": [{\"template_id\": \"un1-z\", \"message_template\": \"database is locked\", \"count\": 2}],"
    " \"injections\": [{\"pattern_id\": \"ap1-a\", \"recurred\": true}, {\"pattern_id\": \"ap1-b\", \"recurred\": false},"
    "  {\"pattern_id\": \"apg1-g\", \"general\": true, \"recurred\": false, \"pattern\": {\"pattern_id\": \"apg1-g\","
    "   \"error_type\": \"database\", \"category\": \"fk_relationship_missing\", \"exception_class\": \"IntegrityError\","
    "   \"entity_pattern\": \"*\", \"endpoint_pattern\": \"*\", \"field_pattern\": \"foreign_key:*\", \"general\": true}}]}";

static char *apply(fw_store *s, const char *cs) {
  char *out = NULL;
  fw_error err;
  if (fw_store_apply(s, cs, strlen(cs), &out, &err) != FW_OK) fprintf(stderr, "apply: %s\n", err.message);
  return out;
}

static void has(const char *json, const char *needle) {
  if (!json || !strstr(json, needle)) {
    fprintf(stderr, "missing %s in %s\n", needle, json ? json : "(null)");
    CHECK(0);
  } else {
    CHECK(1);
  }
}

int main(void) {
  fw_store *s;
  fw_error err;
  CHECK(fw_store_new(&s, &err) == FW_OK);
  char *r = apply(s, changeset_1);
  has(r, "\"patterns_created\":1");
  has(r, "\"repeated_errors\":1"); /* the second occurrence within the run repeats the first */
  has(r, "\"unclassifiable_errors\":[\"GET /x: database is locked\"]");
  fw_free(r);
  r = apply(s, changeset_1);
  has(r, "\"already_ingested\":true");
  has(r, "\"patterns_created\":0");
  fw_free(r);
  r = apply(s, changeset_2);
  has(r, "\"patterns_updated\":1");
  has(r, "\"prevented\":1"); /* ap1-b is not in this store: not accounted; apg1-g is created */
  has(r, "\"not_prevented\":1");
  fw_free(r);
  char *p = NULL;
  CHECK(fw_store_get(s, "ap1-a", &p, &err) == FW_OK);
  has(p, "\"occurrence_count\":3");
  has(p, "\"times_injected\":1");
  has(p, "\"times_recurred_after_injection\":1");
  has(p, "\"last_seen\":\"2026-01-02T00:00:00Z\"");
  has(p, "\"first_seen\":\"2026-01-01T00:00:00Z\"");
  fw_free(p);
  CHECK(fw_store_get(s, "apg1-g", &p, &err) == FW_OK);
  has(p, "\"times_prevented\":1");
  has(p, "\"prevention_rate\":1");
  fw_free(p);
  CHECK(fw_store_get(s, "nope", &p, &err) == FW_OK);
  CHECK(p && strcmp(p, "null") == 0);
  fw_free(p);
  char *stats = NULL;
  CHECK(fw_store_stats(s, &stats, &err) == FW_OK);
  has(stats, "\"run_id\":\"r2\"");
  has(stats, "\"first_prevention_run\":\"r2\"");
  has(stats, "\"unclassified_errors\":3");
  fw_free(stats);
  char *q = NULL;
  const char *query = "{\"entity\": \"product\", \"min_occurrences\": 2}";
  CHECK(fw_store_query(s, query, strlen(query), &q, &err) == FW_OK);
  has(q, "\"pattern_id\":\"ap1-a\"");
  fw_free(q);
  /* the document round-trips */
  char *doc = NULL, *doc2 = NULL;
  CHECK(fw_store_to_json(s, &doc, &err) == FW_OK);
  fw_store *t;
  CHECK(fw_store_new(&t, &err) == FW_OK);
  CHECK(fw_store_load(t, doc, strlen(doc), &err) == FW_OK);
  CHECK(fw_store_pattern_count(t) == 2);
  CHECK(fw_store_to_json(t, &doc2, &err) == FW_OK);
  CHECK_STR(doc2, doc);
  /* a corrupt document is refused and the store keeps what it had */
  const char *bad[] = {"{\"format\": \"forewarn-store\", \"version\": 1, \"patterns\": [{\"pattern_id\": \"x\"}]}",
                       "{\"format\": \"other\", \"version\": 1, \"patterns\": []}",
                       "{\"format\": \"forewarn-store\", \"version\": 1, \"patterns\": [], \"runs\": [{\"run_id\": \"a\"}, {\"run_id\": \"a\"}]}",
                       "{\"format\": \"forewarn-store\"", "\xff"};
  const fw_status codes[] = {FW_ERR_SCHEMA, FW_ERR_SCHEMA, FW_ERR_SCHEMA, FW_ERR_JSON, FW_ERR_UTF8};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK(fw_store_load(t, bad[i], strlen(bad[i]), &err) == codes[i]);
    CHECK(fw_store_pattern_count(t) == 2);
  }
  CHECK(strstr(err.message, "UTF-8") != NULL);
  /* a person deletes a pattern: gone from the indexes, the runs and the other pattern kept */
  CHECK(fw_store_delete(t, "ap1-a", &err) == FW_OK);
  CHECK(fw_store_pattern_count(t) == 1);
  CHECK(fw_store_get(t, "ap1-a", &p, &err) == FW_OK);
  CHECK(p && strcmp(p, "null") == 0);
  fw_free(p);
  CHECK(fw_store_query(t, query, strlen(query), &q, &err) == FW_OK);
  CHECK(q && strstr(q, "ap1-a") == NULL);
  fw_free(q);
  CHECK(fw_store_stats(t, &stats, &err) == FW_OK);
  has(stats, "\"run_id\":\"r2\"");
  fw_free(stats);
  CHECK(fw_store_delete(t, "ap1-a", &err) == FW_ERR_ARG);
  CHECK(strstr(err.message, "no pattern 'ap1-a'") != NULL);
  CHECK(fw_store_pattern_count(t) == 1);
  /* the error seen again is a new pattern, counted from its first occurrence */
  r = apply(t, "{\"run_id\": \"r3\", \"now\": \"2026-01-03T00:00:00Z\", \"violations\": 1,"
               " \"observations\": [{\"pattern\": {\"pattern_id\": \"ap1-a\", \"error_type\": \"database\","
               "  \"category\": \"nullable_missing\", \"exception_class\": \"IntegrityError\", \"entity_pattern\": \"Product\","
               "  \"endpoint_pattern\": \"POST /{entities}\", \"field_pattern\": \"nullable:name\", \"first_seen\": \"x\","
               "  \"last_seen\": \"x\"}, \"count\": 1}], \"unclassified\": [], \"injections\": []}");
  has(r, "\"patterns_created\":1");
  fw_free(r);
  CHECK(fw_store_get(t, "ap1-a", &p, &err) == FW_OK);
  has(p, "\"occurrence_count\":1");
  fw_free(p);
  fw_free(doc);
  fw_free(doc2);
  fw_store_free(t);
  fw_store_free(s);
  HARNESS_DONE();
}
