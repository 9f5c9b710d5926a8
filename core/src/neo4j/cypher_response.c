/*
 * cypher_response.c - reading the Neo4j Query API's answers: rows, counters and bookmarks, or
 * the server's error (looked for in every body: an error raised mid-stream comes with 202), and
 * turning the rows of a read into the in-memory store's document and the rows of a run's write
 * into the FeedbackProcessingResult.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cypher_internal.h"
#include "json_out.h"

static const char *str_of(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static fw_status print(cJSON *doc, char **out, fw_error *err) {
  *out = doc ? cJSON_PrintUnformatted(doc) : NULL;
  cJSON_Delete(doc);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

/* The server's error as a message that says what happened; Neo4j's messages name users and
 * databases, never passwords. */
static fw_status server_error(fw_error *err, int status, const char *code, const char *message) {
  if (!code) code = "";
  if (!message) message = "";
  fw_status st;
  if (status == 401 || strcmp(code, "Neo.ClientError.Security.Unauthorized") == 0)
    st = fw__fail(err, FW_ERR_NEO4J, "authentication failed (401): %s", message);
  else if (strcmp(code, "Neo.ClientError.Database.DatabaseNotFound") == 0)
    st = fw__fail(err, FW_ERR_NEO4J, "unknown database: %s", message);
  else if (strcmp(code, "Neo.ClientError.Security.AuthenticationRateLimit") == 0)
    st = fw__fail(err, FW_ERR_NEO4J, "authentication rate limit (429): %s", message);
  else if (strcmp(code, "Neo.ClientError.Security.CredentialsExpired") == 0)
    st = fw__fail(err, FW_ERR_NEO4J, "credentials expired: the password must be changed first");
  else if (code[0])
    st = fw__fail(err, FW_ERR_NEO4J, "Cypher error %s: %s", code, message);
  else
    st = fw__fail(err, FW_ERR_NEO4J, "Neo4j answered HTTP %d", status);
  if (err) snprintf(err->server_code, sizeof err->server_code, "%s", code);
  return st;
}

fw_status fw_neo4j_parse(int status, const char *text, size_t len, char **out, fw_error *err) {
  if (!out) return fw__fail(err, FW_ERR_ARG, "out is required");
  *out = NULL;
  if (!text) text = "", len = 0;
  cJSON *doc = cJSON_ParseWithLength(text, len);
  bool ok_status = status >= 200 && status < 300;
  if (!cJSON_IsObject(doc)) {
    cJSON_Delete(doc);
    if (!ok_status) return server_error(err, status, NULL, NULL);
    return fw__fail(err, FW_ERR_JSON, "Neo4j answered HTTP %d with a body that is not a JSON object", status);
  }
  const cJSON *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors");
  if (cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0) {
    const cJSON *e = cJSON_GetArrayItem(errors, 0);
    fw_status st = server_error(err, status, str_of(e, "code"), str_of(e, "message"));
    cJSON_Delete(doc);
    return st;
  }
  if (!ok_status) {
    cJSON_Delete(doc);
    return server_error(err, status, NULL, NULL);
  }
  const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
  const cJSON *fields = cJSON_GetObjectItemCaseSensitive(data, "fields");
  const cJSON *values = cJSON_GetObjectItemCaseSensitive(data, "values");
  fw_status st = FW_OK;
  if (data && !cJSON_IsObject(data))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.data", "expected an object");
  else if (fields && !cJSON_IsArray(fields))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.data.fields", "expected an array");
  else if (values && !cJSON_IsArray(values))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.data.values", "expected an array");
  int nf = cJSON_GetArraySize(fields);
  for (int i = 0; st == FW_OK && i < nf; i++) {
    if (!cJSON_IsString(cJSON_GetArrayItem(fields, i))) {
      char path[64];
      snprintf(path, sizeof path, "$.data.fields[%d]", i);
      st = fw__fail_path(err, FW_ERR_SCHEMA, path, "expected a string");
    }
  }
  cJSON *res = cJSON_CreateObject(), *rows = cJSON_CreateArray();
  fw__json_int(res, "status", status);
  fw__json_add(res, "fields", fields ? cJSON_Duplicate(fields, true) : cJSON_CreateArray());
  int i = 0;
  const cJSON *v;
  if (st == FW_OK) cJSON_ArrayForEach(v, values) {
    if (!cJSON_IsArray(v)) {
      char path[64];
      snprintf(path, sizeof path, "$.data.values[%d]", i);
      st = fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an array");
      break;
    }
    /* a row shorter than fields gives nulls; extra values are ignored */
    cJSON *row = cJSON_CreateObject();
    for (int f = 0; f < nf; f++) {
      const cJSON *x = cJSON_GetArrayItem(v, f);
      cJSON_AddItemToObject(row, cJSON_GetArrayItem(fields, f)->valuestring,
                            x ? cJSON_Duplicate(x, true) : cJSON_CreateNull());
    }
    cJSON_AddItemToArray(rows, row);
    i++;
  }
  fw__json_add(res, "rows", rows);
  const cJSON *counters = cJSON_GetObjectItemCaseSensitive(doc, "counters");
  const cJSON *bookmarks = cJSON_GetObjectItemCaseSensitive(doc, "bookmarks");
  fw__json_add(res, "counters", cJSON_IsObject(counters) ? cJSON_Duplicate(counters, true) : cJSON_CreateObject());
  fw__json_add(res, "bookmarks", cJSON_IsArray(bookmarks) ? cJSON_Duplicate(bookmarks, true) : cJSON_CreateArray());
  cJSON_Delete(doc);
  if (st != FW_OK) {
    cJSON_Delete(res);
    return st;
  }
  return print(res, out, err);
}

bool fw_neo4j_transient(int status, const fw_error *err) {
  if (status >= 500 && status < 600) return true;
  return err && strncmp(err->server_code, "Neo.TransientError.", 19) == 0;
}

/* The first row of a parsed answer. */
static fw_status first_row(const char *parsed, size_t len, cJSON **doc, const cJSON **row, fw_error *err) {
  *doc = cJSON_ParseWithLength(parsed, len);
  const cJSON *rows = cJSON_GetObjectItemCaseSensitive(*doc, "rows");
  *row = cJSON_GetArrayItem(rows, 0);
  if (!cJSON_IsObject(*row)) {
    cJSON_Delete(*doc);
    *doc = NULL;
    return fw__fail_path(err, FW_ERR_SCHEMA, "$.rows[0]", "expected the answer's row");
  }
  return FW_OK;
}

static long long int_of(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? fw__ll_from_double(v->valuedouble) : 0;
}

fw_status fw_cypher_apply_result(const char *changeset, size_t len, const char *parsed,
                                 size_t parsed_len, char **out, fw_error *err) {
  if (!changeset || !parsed || !out) return fw__fail(err, FW_ERR_ARG, "changeset, parsed and out are required");
  *out = NULL;
  cJSON *doc;
  const cJSON *row;
  fw_status st = first_row(parsed, parsed_len, &doc, &row, err);
  if (st != FW_OK) return st;
  cJSON *cs = cJSON_ParseWithLength(changeset, len);
  const char *run_id = str_of(cs, "run_id");
  /* applied: by this request, or by an earlier attempt of the same ingest whose answer was lost
   * (the row then holds that attempt's numbers, read back from the run node): either way this
   * ingest's result, as the first answer would have given it */
  bool applied = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "applied"));
  /* the same fields, in the same order, as fw_store_apply() */
  cJSON *r = cJSON_CreateObject();
  fw__json_str(r, "run_id", run_id ? run_id : "");
  fw__json_bool(r, "already_ingested", !applied);
  fw__json_int(r, "patterns_created", int_of(row, "created"));
  fw__json_int(r, "patterns_updated", int_of(row, "updated"));
  fw__json_int(r, "repeated_errors", int_of(row, "repeated"));
  fw__json_int(r, "prevented", int_of(row, "prevented"));
  fw__json_int(r, "not_prevented", int_of(row, "not_prevented"));
  if (int_of(row, "withheld") > 0) {
    fw__json_int(r, "withheld", int_of(row, "withheld"));
    fw__json_int(r, "withheld_recurred", int_of(row, "withheld_recurred"));
  }
  const cJSON *tests = cJSON_GetObjectItemCaseSensitive(cs, "tests");
  if (tests) fw__json_add(r, "tests", cJSON_Duplicate(tests, true)); /* as fw_store_apply() */
  cJSON *msgs = cJSON_CreateArray();
  const cJSON *m;
  if (applied) cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(cs, "unclassifiable_errors")) {
    if (cJSON_IsString(m)) cJSON_AddItemToArray(msgs, cJSON_CreateString(m->valuestring));
  }
  fw__json_add(r, "unclassifiable_errors", msgs);
  cJSON_Delete(cs);
  cJSON_Delete(doc);
  return print(r, out, err);
}

static const char *const skeleton_fields[] = {"pattern_id", "error_type", "category", "exception_class",
                                              "entity_pattern", "endpoint_pattern", "field_pattern", "schema"};

/* A stored pattern: its doc (or, for a counters-only read, the indexed fields) followed by the
 * store-owned fields in the order the in-memory store appends them. */
static cJSON *pattern_of(const cJSON *e) {
  const char *text = str_of(e, "doc");
  cJSON *p = text ? cJSON_Parse(text) : NULL;
  if (text && !cJSON_IsObject(p)) {
    cJSON_Delete(p);
    return NULL;
  }
  if (!p) {
    p = cJSON_CreateObject();
    for (size_t k = 0; k < sizeof skeleton_fields / sizeof *skeleton_fields; k++) {
      const char *v = str_of(e, skeleton_fields[k]);
      if (v) fw__json_str(p, skeleton_fields[k], v);
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "general"))) fw__json_bool(p, "general", true);
  }
  for (size_t k = 0; k < FW_CYPHER_STORE_FIELDS; k++)
    cJSON_DeleteItemFromObjectCaseSensitive(p, fw__cypher_store_fields[k]);
  const char *first = str_of(e, "first_seen"), *last = str_of(e, "last_seen");
  fw__json_str(p, "first_seen", first ? first : "");
  fw__json_str(p, "last_seen", last ? last : "");
  for (size_t k = 0; k < 6; k++) /* the counters (a node from before the holdout: 0) */
    fw__json_int(p, fw__cypher_store_fields[k], int_of(e, fw__cypher_store_fields[k]));
  if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "last_seen_run")))
    fw__json_int(p, "last_seen_run", int_of(e, "last_seen_run"));
  const char *decision = str_of(e, "decision"), *decided = str_of(e, "decision_at");
  if (decision) {
    fw__json_str(p, "decision", decision);
    fw__json_str(p, "decision_at", decided ? decided : "");
  }
  return p;
}

static cJSON *unclassified_of(const cJSON *e) {
  const char *text = str_of(e, "doc");
  cJSON *u = text ? cJSON_Parse(text) : NULL;
  if (!cJSON_IsObject(u)) {
    cJSON_Delete(u);
    return NULL;
  }
  const char *first = str_of(e, "first_seen"), *last = str_of(e, "last_seen");
  fw__json_int(u, "count", int_of(e, "count"));
  fw__json_str(u, "first_seen", first ? first : "");
  fw__json_str(u, "last_seen", last ? last : "");
  return u;
}

static const char *const run_numbers[] = {"violations", "classified", "unclassified", "new_patterns",
                                          "repeated_errors", "injected", "prevented", "not_prevented"};

static cJSON *run_of(const cJSON *e) {
  const char *id = str_of(e, "run_id"), *at = str_of(e, "ingested_at");
  if (!id) return NULL;
  cJSON *r = cJSON_CreateObject();
  fw__json_str(r, "run_id", id);
  fw__json_str(r, "ingested_at", at ? at : "");
  for (size_t k = 0; k < sizeof run_numbers / sizeof *run_numbers; k++)
    fw__json_int(r, run_numbers[k], int_of(e, run_numbers[k]));
  if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "tests_total"))) { /* a JUnit run's counts */
    cJSON *tests = cJSON_CreateObject();
    for (size_t k = 0; k < FW_CYPHER_TEST_COUNTS; k++)
      fw__json_int(tests, fw__cypher_test_counts[k][0], int_of(e, fw__cypher_test_counts[k][1]));
    fw__json_add(r, "tests", tests);
  }
  if (int_of(e, "withheld") > 0) { /* a run with a holdout */
    fw__json_int(r, "withheld", int_of(e, "withheld"));
    fw__json_int(r, "withheld_recurred", int_of(e, "withheld_recurred"));
  }
  return r;
}

fw_status fw_neo4j_store_document(const char *parsed, size_t len, char **out, fw_error *err) {
  if (!parsed || !out) return fw__fail(err, FW_ERR_ARG, "parsed and out are required");
  *out = NULL;
  cJSON *doc;
  const cJSON *row;
  fw_status st = first_row(parsed, len, &doc, &row, err);
  if (st != FW_OK) return st;
  static const char *const lists[] = {"patterns", "unclassified", "runs"};
  cJSON *store = cJSON_CreateObject();
  fw__json_str(store, "format", "forewarn-store");
  fw__json_int(store, "version", 1);
  for (size_t l = 0; l < 3 && st == FW_OK; l++) {
    cJSON *arr = cJSON_CreateArray();
    fw__json_add(store, lists[l], arr);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(row, lists[l]);
    if (list && !cJSON_IsArray(list)) {
      char path[64];
      snprintf(path, sizeof path, "$.rows[0].%s", lists[l]);
      st = fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an array");
      break;
    }
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
      cJSON *x = l == 0 ? pattern_of(e) : l == 1 ? unclassified_of(e) : run_of(e);
      if (!x) {
        char path[80];
        snprintf(path, sizeof path, "$.rows[0].%s[%d]", lists[l], i);
        st = fw__fail_path(err, FW_ERR_SCHEMA, path, "not a stored record (a node written by another program?)");
        break;
      }
      cJSON_AddItemToArray(arr, x);
      i++;
    }
  }
  /* a partial read (the enhancer's selection) names the runs the store has seen */
  const cJSON *seq = cJSON_GetObjectItemCaseSensitive(row, "run_seq");
  if (st == FW_OK && cJSON_IsNumber(seq) && seq->valuedouble >= 0) fw__json_int(store, "run_seq", int_of(row, "run_seq"));
  cJSON_Delete(doc);
  if (st != FW_OK) {
    cJSON_Delete(store);
    return st;
  }
  return print(store, out, err);
}
