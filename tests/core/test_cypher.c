/* test_cypher.c - the Neo4j store's requests and the Query API answers: statements carry no
 * value (everything is a parameter), the write of a run is one request with rows sorted by id,
 * the parser finds errors in every status (also inside a 202), reads become a store document the
 * in-memory store loads with the counters Neo4j holds. */
#include "harness.h"
#include "forewarn.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static const char *const hostile = "x' }) DETACH DELETE (n) //";

static const char *const changeset =
    "{\"run_id\": \"r1' DETACH DELETE\", \"now\": \"2026-01-01T00:00:00Z\", \"violations\": 4,"
    " \"observations\": [{\"pattern\": {\"pattern_id\": \"ap1-b\", \"error_type\": \"database\","
    "  \"category\": \"nullable_missing\", \"exception_class\": \"IntegrityError\", \"entity_pattern\": \"Product\","
    "  \"endpoint_pattern\": \"POST /{entities}\", \"field_pattern\": \"nullable:name\", \"remediation\": \"x' }) DETACH DELETE (n) //\","
    "  \"occurrence_count\": 1, \"times_prevented\": 0, \"first_seen\": \"t\", \"last_seen\": \"t\", \"context\": {\"a\": null}},"
    "  \"count\": 2, \"endpoints\": [\"POST /products\"]},"
    "  {\"pattern\": {\"pattern_id\": \"ap1-a\", \"error_type\": \"validation\", \"category\": \"c\", \"exception_class\": \"E\","
    "   \"entity_pattern\": \"OrderItem\", \"endpoint_pattern\": \"*\", \"field_pattern\": \"f\", \"schema\": \"S\"}, \"count\": 1},"
    "  {\"pattern\": {\"pattern_id\": \"ap1-z\"}, \"count\": 0}],"
    " \"unclassified\": [{\"template_id\": \"un1-z\", \"exception_class\": \"E\", \"message_template\": \"m\", \"sample\": \"s\","
    "  \"count\": 1, \"endpoints\": [\"GET /x\"]}],"
    " \"injections\": [{\"pattern_id\": \"ap1-b\", \"recurred\": true}, {\"pattern_id\": \"ap1-b\", \"recurred\": false},"
    "  {\"pattern_id\": \"apg1-g\", \"general\": true, \"recurred\": false, \"pattern\": {\"pattern_id\": \"apg1-g\","
    "   \"error_type\": \"database\", \"category\": \"fk\", \"exception_class\": \"IntegrityError\", \"entity_pattern\": \"*\","
    "   \"endpoint_pattern\": \"*\", \"field_pattern\": \"foreign_key:*\", \"general\": true}}],"
    " \"unclassifiable_errors\": [\"GET /x: m\"]}";

static cJSON *parse(const char *s) {
  cJSON *j = s ? cJSON_Parse(s) : NULL;
  CHECK(j != NULL);
  return j;
}

static const char *statement_of(const cJSON *b) {
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(b, "statement");
  return cJSON_IsString(s) ? s->valuestring : "";
}

static void test_schema(void) {
  fw_error err;
  CHECK(fw_cypher_schema_count() >= 9);
  bool has_seed = false;
  for (size_t i = 0; i < fw_cypher_schema_count(); i++) {
    char *b = NULL;
    CHECK(fw_cypher_schema(i, &b, &err) == FW_OK);
    cJSON *j = parse(b);
    const char *st = statement_of(j);
    CHECK(strstr(st, "IF NOT EXISTS") != NULL);
    CHECK(strchr(st, ';') == NULL); /* one statement per request */
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "includeCounters")));
    has_seed |= strcmp(st, "CREATE CONSTRAINT gen_antipattern_id IF NOT EXISTS FOR (ap:GenerationAntiPattern) "
                           "REQUIRE ap.pattern_id IS UNIQUE") == 0;
    cJSON_Delete(j);
    fw_free(b);
  }
  CHECK(has_seed);
  char *b = NULL;
  CHECK(fw_cypher_schema(fw_cypher_schema_count(), &b, &err) == FW_ERR_ARG);
  CHECK(fw_cypher_schema_check(&b, &err) == FW_OK);
  cJSON *j = parse(b);
  CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "parameters"), "names")) ==
        (int)fw_cypher_schema_count());
  cJSON_Delete(j);
  fw_free(b);
}

static void test_apply(void) {
  fw_error err;
  char *b = NULL;
  const char *token = "0123456789abcdef0123456789abcdef";
  CHECK(fw_cypher_apply(changeset, strlen(changeset), token, &b, &err) == FW_OK);
  cJSON *j = parse(b);
  const char *st = statement_of(j);
  /* the ingest's token is a parameter, kept on the run node it creates and compared by a retry;
   * the per-request marker of "created by this request" is the server's randomUUID() */
  CHECK(strstr(st, token) == NULL);
  CHECK(strstr(st, "ON CREATE SET r.fw_tok = tok, r.ingest_token = $token") != NULL);
  CHECK(strstr(st, "coalesce(r.ingest_token = $token, false) AS replayed") != NULL);
  CHECK(strstr(st, "r.patterns_updated = updated") != NULL);
  CHECK(strstr(st, "REMOVE r.ingest_token") == NULL); /* kept: a later retry compares it */
  CHECK(strstr(st, "UNWIND $observations AS row") != NULL);
  CHECK(strstr(st, "MERGE (r:ForewarnRun {run_id: $run_id})") != NULL);
  CHECK(strstr(st, "ap.occurrence_count = ap.occurrence_count + row.count") != NULL);
  CHECK(strstr(st, "DETACH") == NULL && strstr(st, "r1'") == NULL); /* values stay parameters */
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "parameters");
  /* the schema is checked by the write itself (one request per run) */
  CHECK(strstr(st, "CALL db.awaitIndex(ix, 10)") != NULL && strstr(st, "UNWIND $schema AS ix") == st);
  CHECK((size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p, "schema")) == fw_cypher_schema_count());
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(p, "run_id")->valuestring, "r1' DETACH DELETE");
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(p, "token")->valuestring, token);
  CHECK(cJSON_GetObjectItemCaseSensitive(p, "classified")->valuedouble == 3);
  CHECK(cJSON_GetObjectItemCaseSensitive(p, "unclassified_errors")->valuedouble == 1);
  const cJSON *obs = cJSON_GetObjectItemCaseSensitive(p, "observations");
  CHECK(cJSON_GetArraySize(obs) == 2); /* count 0 dropped; sorted by id: lock order */
  const cJSON *o0 = cJSON_GetArrayItem(obs, 0), *o1 = cJSON_GetArrayItem(obs, 1);
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(o0, "pattern_id")->valuestring, "ap1-a");
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(o1, "pattern_id")->valuestring, "ap1-b");
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(o0, "props");
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(props, "entity_key")->valuestring, "orderitem");
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(props, "schema")->valuestring, "S");
  /* doc: the static fields (nested values too), none of the store-owned counters */
  cJSON *doc = parse(cJSON_GetObjectItemCaseSensitive(o1, "doc")->valuestring);
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(doc, "remediation")->valuestring, hostile);
  CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "context")));
  CHECK(!cJSON_GetObjectItemCaseSensitive(doc, "occurrence_count") && !cJSON_GetObjectItemCaseSensitive(doc, "first_seen"));
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(doc, "schema")->valuestring, "");
  cJSON_Delete(doc);
  const cJSON *inj = cJSON_GetObjectItemCaseSensitive(p, "injections");
  CHECK(cJSON_GetArraySize(inj) == 2); /* one row per pattern, counts summed */
  const cJSON *i0 = cJSON_GetArrayItem(inj, 0);
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(i0, "pattern_id")->valuestring, "ap1-b");
  CHECK(cJSON_GetObjectItemCaseSensitive(i0, "injected")->valuedouble == 2);
  CHECK(cJSON_GetObjectItemCaseSensitive(i0, "recurred")->valuedouble == 1);
  CHECK(cJSON_GetObjectItemCaseSensitive(i0, "prevented")->valuedouble == 1);
  CHECK(!cJSON_GetObjectItemCaseSensitive(i0, "doc"));
  const cJSON *i1 = cJSON_GetArrayItem(inj, 1);
  CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(i1, "doc")));
  CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(i1, "props"), "general")));
  cJSON_Delete(j);
  fw_free(b);

  /* the result of the request's row, like fw_store_apply's */
  const char *row = "{\"status\":202,\"fields\":[],\"rows\":[{\"applied\":true,\"created\":2,\"updated\":1,"
                    "\"repeated\":1,\"prevented\":2,\"not_prevented\":1}],\"counters\":{},\"bookmarks\":[]}";
  char *r = NULL;
  CHECK(fw_cypher_apply_result(changeset, strlen(changeset), row, strlen(row), &r, &err) == FW_OK);
  CHECK_STR(r, "{\"run_id\":\"r1' DETACH DELETE\",\"already_ingested\":false,\"patterns_created\":2,"
               "\"patterns_updated\":1,\"repeated_errors\":1,\"prevented\":2,\"not_prevented\":1,"
               "\"unclassifiable_errors\":[\"GET /x: m\"]}");
  /* a retry of this ingest after its write committed and the answer was lost: the row holds the
   * numbers that write stored on the run node; the result is the one the lost answer gave */
  const char *replayed = "{\"status\":202,\"fields\":[],\"rows\":[{\"applied\":true,\"replayed\":true,\"created\":2,"
                         "\"updated\":1,\"repeated\":1,\"prevented\":2,\"not_prevented\":1}],\"counters\":{},\"bookmarks\":[]}";
  char *r2 = NULL;
  CHECK(fw_cypher_apply_result(changeset, strlen(changeset), replayed, strlen(replayed), &r2, &err) == FW_OK);
  CHECK_STR(r2, r);
  fw_free(r2);
  fw_free(r);
  /* another ingest's run (another token): nothing changed */
  const char *again = "{\"rows\":[{\"applied\":false,\"replayed\":false,\"created\":0,\"updated\":0,\"repeated\":0,"
                      "\"prevented\":0,\"not_prevented\":0}]}";
  CHECK(fw_cypher_apply_result(changeset, strlen(changeset), again, strlen(again), &r, &err) == FW_OK);
  CHECK_STR(r, "{\"run_id\":\"r1' DETACH DELETE\",\"already_ingested\":true,\"patterns_created\":0,"
               "\"patterns_updated\":0,\"repeated_errors\":0,\"prevented\":0,\"not_prevented\":0,"
               "\"unclassifiable_errors\":[]}");
  fw_free(r);
  CHECK(fw_cypher_apply_result(changeset, strlen(changeset), "{\"rows\":[]}", 11, &r, &err) == FW_ERR_SCHEMA);

  /* the token is required and checked: 1 to FW_INGEST_TOKEN_MAX printable ASCII, no space */
  char longest[FW_INGEST_TOKEN_MAX + 2];
  memset(longest, 'a', sizeof longest - 1);
  longest[sizeof longest - 1] = '\0';
  const char *bad[] = {"", "a b", "tok\n", "caf\xc3\xa9", longest};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    b = NULL;
    CHECK(fw_cypher_apply(changeset, strlen(changeset), bad[i], &b, &err) == FW_ERR_ARG);
    CHECK(b == NULL && strstr(err.message, "ingest token") != NULL);
  }
  CHECK(fw_cypher_apply(changeset, strlen(changeset), NULL, &b, &err) == FW_ERR_ARG);
  longest[FW_INGEST_TOKEN_MAX] = '\0'; /* exactly the maximum */
  CHECK(fw_cypher_apply(changeset, strlen(changeset), longest, &b, &err) == FW_OK);
  fw_free(b);
  CHECK(fw_cypher_apply(changeset, strlen(changeset), "~!x{}'\\\"", &b, &err) == FW_OK); /* a parameter, any printable */
  j = parse(b);
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "parameters"), "token")->valuestring,
            "~!x{}'\\\"");
  cJSON_Delete(j);
  fw_free(b);

  /* malformed change sets are refused before anything is sent */
  CHECK(fw_cypher_apply("{", 1, token, &b, &err) == FW_ERR_JSON);
  CHECK(fw_cypher_apply("{\"run_id\":\"r\"}", 14, token, &b, &err) == FW_ERR_SCHEMA);
  const char *nofield = "{\"run_id\":\"r\",\"now\":\"t\",\"observations\":[{\"pattern\":{\"pattern_id\":\"a\"},\"count\":1}],"
                        "\"unclassified\":[],\"injections\":[]}";
  CHECK(fw_cypher_apply(nofield, strlen(nofield), token, &b, &err) == FW_ERR_SCHEMA);
  CHECK(strstr(err.message, "error_type") != NULL);
}

static void test_reads(void) {
  fw_error err;
  char *b = NULL;
  CHECK(fw_cypher_get(hostile, &b, &err) == FW_OK);
  cJSON *j = parse(b);
  CHECK(strstr(statement_of(j), "DETACH") == NULL);
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "parameters"), "pattern_id")->valuestring, hostile);
  cJSON_Delete(j);
  fw_free(b);
  const char *q = "{\"entity\": \"PRODUCT\", \"min_occurrences\": 2, \"error_type\": \"x' DETACH\"}";
  CHECK(fw_cypher_query(q, strlen(q), &b, &err) == FW_OK);
  j = parse(b);
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "parameters");
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(p, "entity")->valuestring, "product");
  CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "schema")));
  CHECK(cJSON_GetObjectItemCaseSensitive(p, "min")->valuedouble == 2);
  CHECK(strstr(statement_of(j), "DETACH") == NULL);
  cJSON_Delete(j);
  fw_free(b);
  CHECK(fw_cypher_query("[", 1, &b, &err) == FW_ERR_JSON);

  fw_enhance_options o = {0};
  o.scope = "endpoint";
  o.target = "POST /products/3";
  CHECK(fw_cypher_enhance_selection(&o, &b, &err) == FW_OK);
  j = parse(b);
  p = cJSON_GetObjectItemCaseSensitive(j, "parameters");
  CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "entity"))); /* no IR: no entity */
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(p, "endpoint")->valuestring, "POST /products/{id}");
  CHECK(cJSON_GetObjectItemCaseSensitive(p, "min")->valuedouble == 2);
  cJSON_Delete(j);
  fw_free(b);
  o.scope = "nope";
  CHECK(fw_cypher_enhance_selection(&o, &b, &err) == FW_ERR_ARG);
  CHECK(fw_cypher_dump(true, &b, &err) == FW_OK);
  j = parse(b);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "parameters"), "full")));
  /* runs are read as their record's fields: an ingest's bookkeeping is never exported */
  CHECK(strstr(statement_of(j), "ingest_token") == NULL && strstr(statement_of(j), "patterns_updated") == NULL);
  cJSON_Delete(j);
  fw_free(b);
}

static void test_parse(void) {
  fw_error err;
  char *out = NULL;
  const char *ok = "{\"data\":{\"fields\":[\"one\",\"two\"],\"values\":[[1,\"a\"],[2]]},\"counters\":{\"nodesCreated\":1},"
                   "\"bookmarks\":[\"FB:x\"]}";
  CHECK(fw_neo4j_parse(202, ok, strlen(ok), &out, &err) == FW_OK);
  CHECK_STR(out, "{\"status\":202,\"fields\":[\"one\",\"two\"],\"rows\":[{\"one\":1,\"two\":\"a\"},{\"one\":2,\"two\":null}],"
                 "\"counters\":{\"nodesCreated\":1},\"bookmarks\":[\"FB:x\"]}");
  fw_free(out);
  /* an error raised mid-stream: 202 with data and errors */
  const char *mid = "{\"data\":{\"fields\":[\"x\"],\"values\":[[0]]},\"errors\":[{\"code\":\"Neo.ClientError.Statement.ArithmeticError\","
                    "\"message\":\"/ by zero\"}]}";
  CHECK(fw_neo4j_parse(202, mid, strlen(mid), &out, &err) == FW_ERR_NEO4J);
  CHECK(out == NULL);
  CHECK_STR(err.server_code, "Neo.ClientError.Statement.ArithmeticError");
  CHECK_STR(err.message, "Cypher error Neo.ClientError.Statement.ArithmeticError: / by zero");
  CHECK(!fw_neo4j_transient(202, &err));
  CHECK(!fw_neo4j_schema_missing(&err));
  /* the write's own schema check: a missing constraint or index */
  const char *noschema = "{\"data\":{\"fields\":[\"applied\"],\"values\":[]},\"errors\":[{\"code\":"
                         "\"Neo.ClientError.Schema.IndexNotFound\",\"message\":\"No such index 'gen_antipattern_id'\"}]}";
  CHECK(fw_neo4j_parse(200, noschema, strlen(noschema), &out, &err) == FW_ERR_NEO4J);
  CHECK(fw_neo4j_schema_missing(&err));
  CHECK(!fw_neo4j_transient(200, &err));
  const char *auth = "{\"errors\":[{\"code\":\"Neo.ClientError.Security.Unauthorized\",\"message\":\"Invalid credential.\"}]}";
  CHECK(fw_neo4j_parse(401, auth, strlen(auth), &out, &err) == FW_ERR_NEO4J);
  CHECK_STR(err.message, "authentication failed (401): Invalid credential.");
  CHECK(!fw_neo4j_transient(401, &err));
  const char *db = "{\"errors\":[{\"code\":\"Neo.ClientError.Database.DatabaseNotFound\",\"message\":\"Graph not found: nosuchdb\"}]}";
  CHECK(fw_neo4j_parse(404, db, strlen(db), &out, &err) == FW_ERR_NEO4J);
  CHECK_STR(err.message, "unknown database: Graph not found: nosuchdb");
  const char *dead = "{\"errors\":[{\"code\":\"Neo.TransientError.Transaction.DeadlockDetected\",\"message\":\"deadlock\"}]}";
  CHECK(fw_neo4j_parse(400, dead, strlen(dead), &out, &err) == FW_ERR_NEO4J);
  CHECK(fw_neo4j_transient(400, &err));
  CHECK(fw_neo4j_parse(503, "<html>busy</html>", 17, &out, &err) == FW_ERR_NEO4J);
  CHECK_STR(err.message, "Neo4j answered HTTP 503");
  CHECK(fw_neo4j_transient(503, &err));
  CHECK(fw_neo4j_parse(202, "<html>", 6, &out, &err) == FW_ERR_JSON);
  CHECK(fw_neo4j_parse(202, NULL, 0, &out, &err) == FW_ERR_JSON);
  CHECK(fw_neo4j_parse(202, "{\"data\":{\"fields\":[1]}}", 23, &out, &err) == FW_ERR_SCHEMA);
  CHECK(fw_neo4j_parse(202, "{\"data\":{\"fields\":[\"a\"],\"values\":[5]}}", 38, &out, &err) == FW_ERR_SCHEMA);
  CHECK_STR(err.path, "$.data.values[0]");
  /* a write without data (e.g. schema statements) */
  CHECK(fw_neo4j_parse(202, "{\"counters\":{\"constraintsAdded\":1}}", 35, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"rows\":[]") && strstr(out, "\"constraintsAdded\":1"));
  fw_free(out);
}

/* A read's answer becomes a store the in-memory code answers from, counters from Neo4j. */
static void test_store_document(void) {
  fw_error err;
  const char *answer =
      "{\"rows\":[{\"patterns\":[{\"doc\":\"{\\\"pattern_id\\\":\\\"ap1-a\\\",\\\"error_type\\\":\\\"database\\\","
      "\\\"category\\\":\\\"nullable_missing\\\",\\\"exception_class\\\":\\\"IntegrityError\\\",\\\"entity_pattern\\\":\\\"Product\\\","
      "\\\"endpoint_pattern\\\":\\\"POST /{entities}\\\",\\\"field_pattern\\\":\\\"nullable:name\\\",\\\"remediation\\\":\\\"r\\\","
      "\\\"correct_code_snippet\\\":\\\"name: str\\\",\\\"schema\\\":\\\"\\\"}\",\"occurrence_count\":3,\"times_prevented\":1,"
      "\"times_injected\":2,\"times_recurred_after_injection\":1,\"first_seen\":\"t1\",\"last_seen\":\"t2\"},"
      "{\"doc\":null,\"pattern_id\":\"ap1-b\",\"error_type\":\"database\",\"category\":\"nullable_missing\",\"exception_class\":\"E\","
      "\"entity_pattern\":\"Order\",\"endpoint_pattern\":\"*\",\"field_pattern\":\"nullable:x\",\"schema\":\"\",\"general\":false,"
      "\"occurrence_count\":1,\"first_seen\":\"t1\",\"last_seen\":\"t1\"}],"
      "\"unclassified\":[{\"doc\":\"{\\\"template_id\\\":\\\"un1-z\\\",\\\"message_template\\\":\\\"m\\\"}\",\"count\":4,"
      "\"first_seen\":\"t1\",\"last_seen\":\"t2\"}],"
      "\"runs\":[{\"run_id\":\"r1\",\"ingested_at\":\"t1\",\"violations\":5,\"classified\":4,\"prevented\":1,\"injected\":2}]}]}";
  char *doc = NULL;
  CHECK(fw_neo4j_store_document(answer, strlen(answer), &doc, &err) == FW_OK);
  fw_store *s = NULL;
  CHECK(fw_store_new(&s, &err) == FW_OK);
  CHECK(doc && fw_store_load(s, doc, strlen(doc), &err) == FW_OK);
  CHECK(fw_store_pattern_count(s) == 2);
  char *p = NULL;
  CHECK(fw_store_get(s, "ap1-a", &p, &err) == FW_OK);
  CHECK(p && strstr(p, "\"occurrence_count\":3,\"times_prevented\":1,\"times_injected\":2,"
                       "\"times_recurred_after_injection\":1,\"times_withheld\":0,\"times_recurred_when_withheld\":0,"
                       "\"prevention_rate\":0.2500,\"last_seen\":\"t2\""));
  fw_free(p);
  char *stats = NULL;
  CHECK(fw_store_stats(s, &stats, &err) == FW_OK);
  CHECK(stats && strstr(stats, "\"run_id\":\"r1\",\"ingested_at\":\"t1\",\"violations\":5,\"classified\":4,\"unclassified\":0"));
  CHECK(stats && strstr(stats, "\"unclassified_errors\":4"));
  fw_free(stats);
  fw_enhance_options o = {0};
  o.scope = "entity";
  o.target = "product";
  char *e = NULL;
  CHECK(fw_enhance(s, "Base.", 5, &o, &e, &err) == FW_OK);
  CHECK(e && strstr(e, "[nullable:name] r") && strstr(e, "name: str"));
  fw_free(e);
  fw_store_free(s);
  fw_free(doc);
  CHECK(fw_neo4j_store_document("{\"rows\":[]}", 11, &doc, &err) == FW_ERR_SCHEMA);
  const char *bad = "{\"rows\":[{\"patterns\":[{\"doc\":\"not json\"}]}]}";
  CHECK(fw_neo4j_store_document(bad, strlen(bad), &doc, &err) == FW_ERR_SCHEMA);
  CHECK_STR(err.path, "$.rows[0].patterns[0]");
  const char *notlist = "{\"rows\":[{\"runs\":5}]}";
  CHECK(fw_neo4j_store_document(notlist, strlen(notlist), &doc, &err) == FW_ERR_SCHEMA);
}

/* store import: values set from a store document, checked as fw_store_load checks it */
static void test_import(void) {
  fw_error err;
  char *b = NULL;
  const char *doc =
      "{\"format\":\"forewarn-store\",\"version\":1,\"patterns\":[{\"pattern_id\":\"p2\",\"error_type\":\"database\","
      "\"category\":\"c\",\"exception_class\":\"E\",\"entity_pattern\":\"Product\",\"endpoint_pattern\":\"POST /{entities}\","
      "\"field_pattern\":\"f\",\"remediation\":\"x' }) DETACH DELETE (n) //\",\"occurrence_count\":7,\"times_prevented\":2,"
      "\"times_injected\":3,\"times_recurred_after_injection\":1,\"prevention_rate\":0.2222,\"first_seen\":\"a\",\"last_seen\":\"b\"}],"
      "\"unclassified\":[{\"template_id\":\"u1\",\"message_template\":\"m\",\"count\":4,\"first_seen\":\"a\",\"last_seen\":\"b\"}],"
      "\"runs\":[{\"run_id\":\"r2\",\"ingested_at\":\"t\",\"violations\":5,\"ingest_token\":\"t0\"},"
      "{\"run_id\":\"r1\",\"ingested_at\":\"t\"}]}";
  CHECK(fw_cypher_import(doc, strlen(doc), &b, &err) == FW_OK);
  cJSON *j = parse(b);
  const char *st = statement_of(j);
  CHECK(strstr(st, "DETACH") == NULL && strstr(st, "p2") == NULL);
  CHECK(strstr(st, "ap.occurrence_count = row.occurrence_count") != NULL); /* set, not added */
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "parameters");
  const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "patterns"), 0);
  CHECK(cJSON_GetObjectItemCaseSensitive(row, "occurrence_count")->valuedouble == 7);
  CHECK(cJSON_GetObjectItemCaseSensitive(row, "times_recurred_after_injection")->valuedouble == 1);
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(row, "last_seen")->valuestring, "b");
  cJSON *d = parse(cJSON_GetObjectItemCaseSensitive(row, "doc")->valuestring);
  CHECK(!cJSON_GetObjectItemCaseSensitive(d, "occurrence_count") && !cJSON_GetObjectItemCaseSensitive(d, "prevention_rate"));
  cJSON_Delete(d);
  const cJSON *u = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "unclassified"), 0);
  CHECK(cJSON_GetObjectItemCaseSensitive(u, "count")->valuedouble == 4);
  const cJSON *runs = cJSON_GetObjectItemCaseSensitive(p, "runs"); /* in the document's order */
  CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 0), "run_id")->valuestring, "r2");
  CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 1), "violations")->valuedouble == 0);
  /* an ingest's token is not data: never imported, and a run the import sets loses it */
  CHECK(!cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 0), "ingest_token"));
  CHECK(strstr(st, "REMOVE r.ingest_token, r.patterns_updated") != NULL);
  cJSON_Delete(j);
  fw_free(b);
  b = NULL;
  const char *bad = "{\"format\":\"forewarn-store\",\"version\":1,\"patterns\":[{\"pattern_id\":\"p\"}]}";
  CHECK(fw_cypher_import(bad, strlen(bad), &b, &err) == FW_ERR_SCHEMA && b == NULL);
  CHECK(fw_cypher_import("{", 1, &b, &err) != FW_OK && b == NULL);
}

int main(void) {
  test_schema();
  test_apply();
  test_import();
  test_reads();
  test_parse();
  test_store_document();
  HARNESS_DONE();
}
