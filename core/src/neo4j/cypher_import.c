/*
 * cypher_import.c - the request of `forewarn store import` into Neo4j: the records of a store
 * document written with their values set, not incremented, so that a batch sent again changes
 * nothing. The rows are built as the run write builds them (cypher.c).
 */
#include "store_internal.h"

#include "cypher_internal.h"
#include "json_out.h"

/* store import: records set to the imported values (not incremented), so sending the same batch
 * again changes nothing. Runs new to the database get the next run sequence numbers, in the
 * order of the batch (the counter is written before it is read: concurrent ingests wait). The
 * ingest bookkeeping of apply_statement (ingest_token, patterns_updated) is never read or
 * written as data: dump_statement projects the run record's fields only. */
static const char import_statement[] =
    "CALL {\n"
    "  UNWIND $patterns AS row\n"
    "  MERGE (ap:GenerationAntiPattern {pattern_id: row.pattern_id})\n"
    "  SET ap += row.props, ap.doc = row.doc, ap.occurrence_count = row.occurrence_count,\n"
    "    ap.times_prevented = row.times_prevented, ap.times_injected = row.times_injected,\n"
    "    ap.times_recurred_after_injection = row.times_recurred_after_injection,\n"
    "    ap.times_withheld = row.times_withheld,\n"
    "    ap.times_recurred_when_withheld = row.times_recurred_when_withheld,\n"
    "    ap.last_seen_run = row.last_seen_run, ap.decision = row.decision, ap.decision_at = row.decision_at,\n"
    "    ap.first_seen = row.first_seen, ap.last_seen = row.last_seen\n"
    "  RETURN count(ap) AS patterns\n"
    "}\n"
    "CALL {\n"
    "  UNWIND $unclassified AS u\n"
    "  MERGE (x:ForewarnUnclassified {template_id: u.template_id})\n"
    "  SET x.doc = u.doc, x.count = u.count, x.first_seen = u.first_seen, x.last_seen = u.last_seen\n"
    "  RETURN count(x) AS groups\n"
    "}\n"
    "CALL {\n"
    "  UNWIND $runs AS row\n"
    "  MERGE (r:ForewarnRun {run_id: row.run_id})\n"
    "  SET r += row\n"
    /* the record is now the import's, not an ingest's: a late retry of that ingest is told the
     * run was already ingested */
    "  REMOVE r.ingest_token, r.patterns_updated\n"
    "  RETURN count(r) AS runs, [x IN collect(r) WHERE x.seq IS NULL] AS fresh\n"
    "}\n"
    "MERGE (m:ForewarnMeta {key: 'run_seq'})\n"
    "ON CREATE SET m.value = 0\n"
    "SET m.value = m.value + size(fresh)\n"
    "WITH patterns, groups, runs, fresh, m.value - size(fresh) AS base\n"
    "FOREACH (i IN range(0, size(fresh) - 1) | FOREACH (r IN [fresh[i]] | SET r.seq = base + i + 1))\n"
    "RETURN patterns, groups, runs";

static const char *const run_numbers[] = {"violations", "classified", "unclassified", "new_patterns",
                                          "repeated_errors", "injected", "prevented", "not_prevented"};

fw_status fw_cypher_import(const char *store_json, size_t len, char **out, fw_error *err) {
  if (!store_json || !out) return fw__fail(err, FW_ERR_ARG, "store_json and out are required");
  *out = NULL;
  /* the in-memory store checks the document (required fields, duplicate ids) */
  fw_store *check = NULL;
  fw_status st = fw_store_new(&check, err);
  if (st == FW_OK) st = fw_store_load(check, store_json, len, err);
  fw_store_free(check);
  if (st != FW_OK) return st;
  cJSON *doc = cJSON_ParseWithLength(store_json, len);
  if (!doc) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  cJSON *p = cJSON_CreateObject();
  cJSON *prows = cJSON_CreateArray(), *urows = cJSON_CreateArray(), *rrows = cJSON_CreateArray();
  fw__json_add(p, "patterns", prows);
  fw__json_add(p, "unclassified", urows);
  fw__json_add(p, "runs", rrows);
  const cJSON *item;
  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc, "patterns")) {
    cJSON *row = cJSON_CreateObject();
    cJSON_AddItemToArray(prows, row);
    fw__json_str(row, "pattern_id", fw__cypher_str(item, "pattern_id"));
    for (size_t k = 0; k < 6; k++) /* the counters */
      fw__json_int(row, fw__cypher_store_fields[k], fw__json_get_int(item, fw__cypher_store_fields[k]));
    /* absent: null, which removes the property */
    const cJSON *seen = cJSON_GetObjectItemCaseSensitive(item, "last_seen_run");
    if (cJSON_IsNumber(seen)) fw__json_int(row, "last_seen_run", fw__json_get_int(item, "last_seen_run"));
    else fw__json_add(row, "last_seen_run", cJSON_CreateNull());
    const char *decision = fw__cypher_str(item, "decision"), *decided = fw__cypher_str(item, "decision_at");
    fw__json_add(row, "decision", decision ? cJSON_CreateString(decision) : cJSON_CreateNull());
    fw__json_add(row, "decision_at", decision ? cJSON_CreateString(decided ? decided : "") : cJSON_CreateNull());
    fw__json_str(row, "first_seen", fw__cypher_str(item, "first_seen"));
    fw__json_str(row, "last_seen", fw__cypher_str(item, "last_seen"));
    if ((st = fw__cypher_pattern_row(item, "$.patterns[]", row, err)) != FW_OK) break;
  }
  if (st == FW_OK) cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc, "unclassified")) {
    cJSON *u = cJSON_Duplicate(item, true);
    cJSON_DeleteItemFromObjectCaseSensitive(u, "count");
    cJSON_DeleteItemFromObjectCaseSensitive(u, "first_seen");
    cJSON_DeleteItemFromObjectCaseSensitive(u, "last_seen");
    char *text = u ? cJSON_PrintUnformatted(u) : NULL;
    cJSON_Delete(u);
    if (!text) {
      st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
      break;
    }
    cJSON *row = cJSON_CreateObject();
    cJSON_AddItemToArray(urows, row);
    fw__json_str(row, "template_id", fw__cypher_str(item, "template_id"));
    fw__json_int(row, "count", fw__json_get_int(item, "count"));
    const char *first = fw__cypher_str(item, "first_seen"), *last = fw__cypher_str(item, "last_seen");
    fw__json_str(row, "first_seen", first ? first : "");
    fw__json_str(row, "last_seen", last ? last : "");
    fw__json_str(row, "doc", text);
    cJSON_free(text);
  }
  if (st == FW_OK) cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc, "runs")) {
    cJSON *row = cJSON_CreateObject();
    cJSON_AddItemToArray(rrows, row);
    const char *at = fw__cypher_str(item, "ingested_at");
    fw__json_str(row, "run_id", fw__cypher_str(item, "run_id"));
    fw__json_str(row, "ingested_at", at ? at : "");
    for (size_t k = 0; k < sizeof run_numbers / sizeof *run_numbers; k++)
      fw__json_int(row, run_numbers[k], fw__json_get_int(item, run_numbers[k]));
    fw__cypher_tests_row(cJSON_GetObjectItemCaseSensitive(item, "tests"), row);
    bool held = fw__json_get_int(item, "withheld") > 0; /* a run with a holdout; else null: none */
    fw__json_add(row, "withheld", held ? cJSON_CreateNumber((double)fw__json_get_int(item, "withheld")) : cJSON_CreateNull());
    fw__json_add(row, "withheld_recurred",
                 held ? cJSON_CreateNumber((double)fw__json_get_int(item, "withheld_recurred")) : cJSON_CreateNull());
  }
  cJSON_Delete(doc);
  bool ok = p && prows && urows && rrows && fw__cypher_sort_rows(prows) && fw__cypher_sort_rows(urows);
  if (st == FW_OK && !ok) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (st != FW_OK) {
    cJSON_Delete(p);
    return st;
  }
  return fw__cypher_body(import_statement, p, out, err);
}
