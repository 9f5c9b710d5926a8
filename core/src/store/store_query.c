/*
 * store_query.c - reading the in-memory store: one pattern, queries by entity / endpoint /
 * schema / error type, full listings, per-run history with totals, and the store interface
 * (fw_store_methods) through which the CLI drives any backend.
 */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

#include "json_out.h"

static fw_status print(cJSON *doc, char **out, fw_error *err) {
  *out = doc ? cJSON_PrintUnformatted(doc) : NULL;
  cJSON_Delete(doc);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

fw_status fw_store_get(const fw_store *s, const char *pattern_id, char **out_json, fw_error *err) {
  if (!s || !pattern_id || !out_json) return fw__fail(err, FW_ERR_ARG, "store, pattern_id and out_json are required");
  *out_json = NULL;
  const fw_pattern *p = fw__store_find(s, pattern_id);
  if (!p) return print(cJSON_CreateNull(), out_json, err);
  return print(fw__pattern_json(p), out_json, err);
}

static const char *qstr(const cJSON *q, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

fw_status fw_store_query(const fw_store *s, const char *query_json, size_t len, char **out_json,
                         fw_error *err) {
  if (!s || !query_json || !out_json) return fw__fail(err, FW_ERR_ARG, "store, query_json and out_json are required");
  *out_json = NULL;
  cJSON *q = cJSON_ParseWithLength(query_json, len);
  if (!cJSON_IsObject(q)) {
    cJSON_Delete(q);
    return fw__fail(err, FW_ERR_JSON, "query is not a JSON object");
  }
  const char *entity = qstr(q, "entity"), *endpoint = qstr(q, "endpoint_pattern");
  const char *schema = qstr(q, "schema"), *error_type = qstr(q, "error_type");
  const cJSON *minj = cJSON_GetObjectItemCaseSensitive(q, "min_occurrences");
  long long min = cJSON_IsNumber(minj) ? fw__ll_from_double(minj->valuedouble) : 0;
  cJSON *arr = cJSON_CreateArray();
  size_t i = entity ? fw__store_entity_first(s, entity) : 0;
  for (; arr && i != (size_t)-1 && i < s->npatterns; i = entity ? fw__store_entity_next(s, i) : i + 1) {
    const fw_pattern *p = &s->patterns[i];
    if (p->occurrence_count < min) continue;
    if (endpoint && strcmp(p->endpoint, endpoint) != 0) continue;
    if (schema && strcmp(p->schema, schema) != 0) continue;
    if (error_type && strcmp(p->error_type, error_type) != 0) continue;
    cJSON_AddItemToArray(arr, fw__pattern_json(p));
  }
  cJSON_Delete(q);
  return print(arr, out_json, err);
}

fw_status fw_store_list(const fw_store *s, bool unclassified, char **out_json, fw_error *err) {
  if (!s || !out_json) return fw__fail(err, FW_ERR_ARG, "store and out_json are required");
  *out_json = NULL;
  if (unclassified) return print(cJSON_Duplicate(s->unclassified, true), out_json, err);
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; arr && i < s->npatterns; i++) cJSON_AddItemToArray(arr, fw__pattern_json(&s->patterns[i]));
  return print(arr, out_json, err);
}


/* Per run: the seed's success metrics. Totals: patterns captured, occurrences, prevented,
 * overall prevention rate, and the first run with a prevented error (time to first fix). */
cJSON *fw__store_stats_doc(const fw_store *s) {
  cJSON *doc = cJSON_CreateObject(), *runs = cJSON_CreateArray();
  const cJSON *r;
  const char *first_fix = NULL;
  cJSON_ArrayForEach(r, s->runs) {
    cJSON *row = cJSON_Duplicate(r, true);
    long long prevented = fw__json_get_int(r, "prevented"), injected = fw__json_get_int(r, "injected");
    char rate[32];
    snprintf(rate, sizeof rate, "%.4f", injected ? (double)prevented / (double)injected : 0.0);
    fw__json_add(row, "prevention_rate", cJSON_CreateRaw(rate));
    cJSON_AddItemToArray(runs, row);
    if (!first_fix && prevented > 0) first_fix = cJSON_GetObjectItemCaseSensitive(r, "run_id")->valuestring;
  }
  long long occ = 0, prev = 0, specific = 0, general = 0, unc = 0;
  for (size_t i = 0; i < s->npatterns; i++) {
    const fw_pattern *p = &s->patterns[i];
    if (p->general) {
      general++;
      prev += p->times_prevented;
      continue;
    }
    specific++;
    occ += p->occurrence_count;
    prev += p->times_prevented;
  }
  const cJSON *u;
  cJSON_ArrayForEach(u, s->unclassified) unc += fw__json_get_int(u, "count");
  cJSON *totals = cJSON_CreateObject();
  fw__json_int(totals, "runs", cJSON_GetArraySize(s->runs));
  fw__json_int(totals, "patterns", specific);
  fw__json_int(totals, "general_patterns", general);
  fw__json_int(totals, "occurrences", occ);
  fw__json_int(totals, "prevented", prev);
  char rate[32];
  snprintf(rate, sizeof rate, "%.4f", fw__prevention_rate(occ, prev));
  fw__json_add(totals, "prevention_rate", cJSON_CreateRaw(rate));
  fw__json_int(totals, "unclassified_groups", cJSON_GetArraySize(s->unclassified));
  fw__json_int(totals, "unclassified_errors", unc);
  fw__json_str_or_null(totals, "first_prevention_run", first_fix);
  fw__json_add(doc, "runs", runs);
  fw__json_add(doc, "totals", totals);
  return doc;
}

fw_status fw_store_stats(const fw_store *s, char **out_json, fw_error *err) {
  return fw_store_stats_with(s, NULL, out_json, err);
}

/* The in-memory store behind the generic interface. */
static fw_status m_get(void *self, const char *id, char **out, fw_error *err) { return fw_store_get(self, id, out, err); }
static fw_status m_apply(void *self, const char *cs, size_t len, char **out, fw_error *err) { return fw_store_apply(self, cs, len, out, err); }
static fw_status m_query(void *self, const char *q, size_t len, char **out, fw_error *err) { return fw_store_query(self, q, len, out, err); }
static fw_status m_list(void *self, bool unc, char **out, fw_error *err) { return fw_store_list(self, unc, out, err); }
static fw_status m_stats(void *self, char **out, fw_error *err) { return fw_store_stats(self, out, err); }

static const fw_store_methods mem_methods = {FW_STORE_METHODS_VERSION, "memory", m_get, m_apply, m_query, m_list, m_stats};

const fw_store_methods *fw_store_mem_methods(void) { return &mem_methods; }
