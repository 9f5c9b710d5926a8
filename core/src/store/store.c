/*
 * store.c - the in-memory anti-pattern store and its JSON document (the embedded file store's
 * content, and what `store export` moves). Loading checks every record; a corrupt document is
 * refused with the JSON path, never half-loaded.
 */
#include "store_internal.h"
#include "json_in.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

#define STORE_FORMAT "forewarn-store"
#define STORE_VERSION 1

double fw__prevention_rate(long long occurrences, long long prevented) {
  long long total = occurrences + prevented;
  return total > 0 ? (double)prevented / (double)total : 0.0;
}

fw_status fw_store_new(fw_store **out, fw_error *err) {
  if (!out) return fw__fail(err, FW_ERR_ARG, "out is required");
  fw_store *s = fw_malloc(sizeof *s);
  if (!s) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(s, 0, sizeof *s);
  s->unclassified = cJSON_CreateArray();
  s->runs = cJSON_CreateArray();
  if (!s->unclassified || !s->runs) {
    fw_store_free(s);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  *out = s;
  return FW_OK;
}

static void store_clear(fw_store *s) {
  fw__general_free(s);
  for (size_t i = 0; i < s->npatterns; i++) cJSON_Delete(s->patterns[i].doc);
  fw_free(s->patterns);
  fw_free(s->next_same_entity);
  for (size_t i = 0; i < s->nentity_keys; i++) fw_free(s->entity_keys[i]);
  fw_free(s->entity_keys);
  fw_strmap_free(&s->by_id);
  fw_strmap_free(&s->by_entity);
  fw_strmap_free(&s->unclassified_by_id);
  fw_free(s->unclassified_items);
  fw_strmap_free(&s->runs_by_id);
  cJSON_Delete(s->unclassified);
  cJSON_Delete(s->runs);
  memset(s, 0, sizeof *s);
}

void fw_store_free(fw_store *s) {
  if (!s) return;
  store_clear(s);
  fw_free(s);
}

const fw_pattern *fw__store_find(const fw_store *s, const char *id) {
  size_t i = fw_strmap_get(&s->by_id, id);
  return i == (size_t)-1 ? NULL : &s->patterns[i];
}

static char *lower_dup(const char *v) {
  char *d = fw__strdup(v);
  for (char *c = d; d && *c; c++) {
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  }
  return d;
}

size_t fw__store_entity_first(const fw_store *s, const char *entity) {
  char key[160];
  snprintf(key, sizeof key, "%s", entity);
  for (char *c = key; *c; c++) {
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  }
  return fw_strmap_get(&s->by_entity, key);
}

size_t fw__store_entity_next(const fw_store *s, size_t i) { return s->next_same_entity[i]; }

static const char *str_member(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}


/* Required string members of a stored pattern. */
static const char *const pattern_strings[] = {"pattern_id", "error_type", "category", "exception_class",
                                              "entity_pattern", "endpoint_pattern", "field_pattern",
                                              "first_seen", "last_seen"};

/* Take ownership of doc as a new pattern (the id must be new). */

fw_status fw__store_add_pattern(fw_store *s, cJSON *doc, const char *path, fw_error *err) {
  for (size_t k = 0; k < sizeof pattern_strings / sizeof *pattern_strings; k++) {
    if (!str_member(doc, pattern_strings[k])) {
      cJSON_Delete(doc);
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected a string \"%s\"", pattern_strings[k]);
    }
  }
  static const char *const counters[] = {"occurrence_count", "times_prevented", "times_injected",
                                         "times_recurred_after_injection", "times_withheld",
                                         "times_recurred_when_withheld", "last_seen_run"};
  for (size_t k = 0; k < sizeof counters / sizeof *counters; k++) {
    if (!fw__json_is_count_or_absent(doc, counters[k])) {
      cJSON_Delete(doc);
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "\"%s\" is not a whole number from 0 to 2^53", counters[k]);
    }
  }
  const cJSON *decision = cJSON_GetObjectItemCaseSensitive(doc, "decision");
  const cJSON *decision_at = cJSON_GetObjectItemCaseSensitive(doc, "decision_at");
  if (decision && !(cJSON_IsString(decision) && (strcmp(decision->valuestring, "retired") == 0 ||
                                                 strcmp(decision->valuestring, "active") == 0))) {
    cJSON_Delete(doc);
    return fw__fail_path(err, FW_ERR_SCHEMA, path, "\"decision\" must be \"retired\" or \"active\"");
  }
  if (decision_at && !cJSON_IsString(decision_at)) {
    cJSON_Delete(doc);
    return fw__fail_path(err, FW_ERR_SCHEMA, path, "\"decision_at\" must be a string");
  }
  if (!cJSON_GetObjectItemCaseSensitive(doc, "schema")) fw__json_str(doc, "schema", "");
  if (s->npatterns == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    fw_pattern *grown = fw__realloc(s->patterns, sizeof *grown * cap);
    size_t *next = grown ? fw__realloc(s->next_same_entity, sizeof *next * cap) : NULL;
    if (grown) s->patterns = grown;
    if (next) s->next_same_entity = next;
    if (!grown || !next) {
      cJSON_Delete(doc);
      return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    }
    s->cap = cap;
  }
  fw_pattern *p = &s->patterns[s->npatterns];
  memset(p, 0, sizeof *p);
  p->doc = doc;
  p->id = str_member(doc, "pattern_id");
  p->entity = str_member(doc, "entity_pattern");
  p->endpoint = str_member(doc, "endpoint_pattern");
  p->schema = str_member(doc, "schema");
  if (!p->schema) p->schema = "";
  p->category = str_member(doc, "category");
  p->error_type = str_member(doc, "error_type");
  p->field_pattern = str_member(doc, "field_pattern");
  p->exception_class = str_member(doc, "exception_class");
  p->occurrence_count = fw__json_get_int(doc, "occurrence_count");
  p->times_prevented = fw__json_get_int(doc, "times_prevented");
  p->times_injected = fw__json_get_int(doc, "times_injected");
  p->times_recurred_injected = fw__json_get_int(doc, "times_recurred_after_injection");
  p->times_withheld = fw__json_get_int(doc, "times_withheld");
  p->times_recurred_withheld = fw__json_get_int(doc, "times_recurred_when_withheld");
  p->last_seen_run = cJSON_GetObjectItemCaseSensitive(doc, "last_seen_run") ? fw__json_get_int(doc, "last_seen_run") : -1;
  snprintf(p->decision, sizeof p->decision, "%s", decision ? decision->valuestring : "");
  snprintf(p->decision_at, sizeof p->decision_at, "%s", decision_at ? decision_at->valuestring : "");
  p->general = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "general"));
  snprintf(p->last_seen, sizeof p->last_seen, "%s", str_member(doc, "last_seen"));
  if (fw_strmap_get(&s->by_id, p->id) != (size_t)-1) {
    fw_status dup = fw__fail_path(err, FW_ERR_SCHEMA, path, "duplicate pattern_id '%s'", p->id);
    cJSON_Delete(doc); /* p->id points into doc */
    return dup;
  }
  char *key = lower_dup(p->entity);
  size_t head = key ? fw_strmap_get(&s->by_entity, key) : (size_t)-1;
  bool ok = key != NULL && fw_strmap_put(&s->by_id, p->id, s->npatterns);
  if (ok && head == (size_t)-1) { /* a new entity: the map borrows the key, entity_keys owns it */
    char **keys = fw__realloc(s->entity_keys, sizeof *keys * (s->nentity_keys + 1));
    ok = keys != NULL;
    if (ok) {
      s->entity_keys = keys;
      s->entity_keys[s->nentity_keys++] = key;
      ok = fw_strmap_put(&s->by_entity, key, s->npatterns);
      key = NULL;
    }
  } else if (ok) { /* a known entity: its slot keeps the stored key, only the head moves */
    ok = fw_strmap_put(&s->by_entity, key, s->npatterns);
  }
  fw_free(key);
  if (!ok) {
    cJSON_Delete(doc);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  s->next_same_entity[s->npatterns] = head;
  s->npatterns++;
  s->generation++;
  return FW_OK;
}

const char *const fw__pattern_extra_counters[FW_PATTERN_EXTRA_COUNTERS] = {
    "times_withheld", "times_recurred_when_withheld", "last_seen_run"};

long long fw__store_run_seq(const fw_store *s) {
  long long n = cJSON_GetArraySize(s->runs);
  return s->run_seq > n ? s->run_seq : n;
}

cJSON *fw__pattern_json(const fw_pattern *p) {
  cJSON *o = cJSON_Duplicate(p->doc, true);
  if (!o) return NULL;
  const char *counters[] = {"occurrence_count", "times_prevented", "times_injected",
                            "times_recurred_after_injection", "times_withheld",
                            "times_recurred_when_withheld", "last_seen_run", "prevention_rate",
                            "last_seen", "decision", "decision_at"};
  for (size_t k = 0; k < sizeof counters / sizeof *counters; k++)
    cJSON_DeleteItemFromObjectCaseSensitive(o, counters[k]);
  fw__json_int(o, "occurrence_count", p->occurrence_count);
  fw__json_int(o, "times_prevented", p->times_prevented);
  fw__json_int(o, "times_injected", p->times_injected);
  fw__json_int(o, "times_recurred_after_injection", p->times_recurred_injected);
  fw__json_int(o, "times_withheld", p->times_withheld);
  fw__json_int(o, "times_recurred_when_withheld", p->times_recurred_withheld);
  if (p->last_seen_run >= 0) fw__json_int(o, "last_seen_run", p->last_seen_run);
  char rate[32];
  snprintf(rate, sizeof rate, "%.4f", fw__prevention_rate(p->occurrence_count, p->times_prevented));
  fw__json_add(o, "prevention_rate", cJSON_CreateRaw(rate));
  fw__json_str(o, "last_seen", p->last_seen);
  if (p->decision[0]) {
    fw__json_str(o, "decision", p->decision);
    fw__json_str(o, "decision_at", p->decision_at);
  }
  return o;
}

/* Move member key of doc to its end, holding value (a number, or a string when text): the
 * store-owned fields then come last in one order, whatever the document's history (created
 * here, imported, read from Neo4j), so that every store writes a pattern alike. */
static bool put_last(cJSON *doc, const char *key, double value, const char *text) {
  cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(doc, key);
  if (v && ((text && !cJSON_IsString(v)) || (!text && !cJSON_IsNumber(v)))) {
    cJSON_Delete(v);
    v = NULL;
  }
  if (!v) {
    v = text ? cJSON_CreateString(text) : cJSON_CreateNumber(value);
    if (!v || !cJSON_AddItemToObjectCS(doc, key, v)) { /* key: a literal */
      cJSON_Delete(v);
      return false;
    }
    return true;
  }
  if (text && strcmp(v->valuestring, text) != 0 && !cJSON_SetValuestring(v, text)) {
    cJSON_Delete(v);
    return false;
  }
  if (!text) cJSON_SetNumberValue(v, value);
  return cJSON_AddItemToArray(doc, v); /* an object's member keeps its key */
}

static bool refresh_counters(fw_pattern *p) {
  /* prevention_rate rounded to 4 places, as fw__pattern_json prints it */
  double rate = (double)(long long)(fw__prevention_rate(p->occurrence_count, p->times_prevented) * 10000.0 + 0.5) / 10000.0;
  cJSON *d = p->doc;
  const cJSON *first = cJSON_GetObjectItemCaseSensitive(d, "first_seen");
  char first_seen[64];
  snprintf(first_seen, sizeof first_seen, "%s", cJSON_IsString(first) ? first->valuestring : "");
  bool ok = put_last(d, "first_seen", 0, first_seen) && put_last(d, "last_seen", 0, p->last_seen) &&
            put_last(d, "occurrence_count", (double)p->occurrence_count, NULL) &&
            put_last(d, "times_prevented", (double)p->times_prevented, NULL) &&
            put_last(d, "times_injected", (double)p->times_injected, NULL) &&
            put_last(d, "times_recurred_after_injection", (double)p->times_recurred_injected, NULL) &&
            put_last(d, "times_withheld", (double)p->times_withheld, NULL) &&
            put_last(d, "times_recurred_when_withheld", (double)p->times_recurred_withheld, NULL) &&
            (p->last_seen_run < 0 || put_last(d, "last_seen_run", (double)p->last_seen_run, NULL)) &&
            put_last(d, "prevention_rate", rate, NULL);
  if (ok && p->decision[0])
    ok = put_last(d, "decision", 0, p->decision) && put_last(d, "decision_at", 0, p->decision_at);
  return ok;
}

static fw_status index_array(cJSON *arr, const char *key, fw_strmap *map, const char *what,
                             fw_error *err) {
  size_t i = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, arr) {
    const char *id = str_member(item, key);
    char path[96];
    snprintf(path, sizeof path, "$.%s[%zu]", what, i);
    if (!cJSON_IsObject(item) || !id)
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object with a string \"%s\"", key);
    if (fw_strmap_get(map, id) != (size_t)-1)
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "duplicate %s '%s'", key, id);
    if (!fw__json_is_count_or_absent(item, "count"))
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "\"count\" is not a whole number from 0 to 2^53");
    if (!fw_strmap_put(map, id, i)) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    i++;
  }
  return FW_OK;
}

fw_status fw_store_load(fw_store *s, const char *json, size_t len, fw_error *err) {
  if (!s || !json) return fw__fail(err, FW_ERR_ARG, "store and json are required");
  cJSON *doc;
  fw_status st = fw__json_parse_input(json, len, "store document", &doc, err);
  if (st != FW_OK) return st;
  const char *format = str_member(doc, "format");
  const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "version");
  cJSON *patterns = cJSON_GetObjectItemCaseSensitive(doc, "patterns");
  cJSON *unclassified = cJSON_DetachItemFromObjectCaseSensitive(doc, "unclassified");
  cJSON *runs = cJSON_DetachItemFromObjectCaseSensitive(doc, "runs");
  if (!cJSON_IsObject(doc) || !format || strcmp(format, STORE_FORMAT) != 0)
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.format", "expected \"" STORE_FORMAT "\"");
  else if (!cJSON_IsNumber(version) || version->valueint != STORE_VERSION)
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.version", "expected %d", STORE_VERSION);
  else if (!cJSON_IsArray(patterns))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.patterns", "expected an array");
  else if (unclassified && !cJSON_IsArray(unclassified))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.unclassified", "expected an array");
  else if (runs && !cJSON_IsArray(runs))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.runs", "expected an array");
  else if (!fw__json_is_count_or_absent(doc, "run_seq"))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.run_seq", "expected a whole number from 0 to 2^53");
  fw_store *fresh = NULL;
  if (st == FW_OK) st = fw_store_new(&fresh, err);
  size_t i = 0;
  while (st == FW_OK && patterns->child) {
    cJSON *p = cJSON_DetachItemViaPointer(patterns, patterns->child);
    char path[64];
    snprintf(path, sizeof path, "$.patterns[%zu]", i++);
    st = cJSON_IsObject(p) ? fw__store_add_pattern(fresh, p, path, err)
                           : (cJSON_Delete(p), fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object"));
  }
  if (st == FW_OK && unclassified) {
    cJSON_Delete(fresh->unclassified);
    fresh->unclassified = unclassified;
    unclassified = NULL;
    st = index_array(fresh->unclassified, "template_id", &fresh->unclassified_by_id, "unclassified", err);
    for (cJSON *u = fresh->unclassified->child; st == FW_OK && u; u = u->next)
      st = fw__store_track_unclassified(fresh, u, err);
  }
  if (st == FW_OK) fresh->run_seq = fw__json_get_int(doc, "run_seq"); /* a partial read's */
  if (st == FW_OK && runs) {
    cJSON_Delete(fresh->runs);
    fresh->runs = runs;
    runs = NULL;
    st = index_array(fresh->runs, "run_id", &fresh->runs_by_id, "runs", err);
  }
  cJSON_Delete(unclassified);
  cJSON_Delete(runs);
  cJSON_Delete(doc);
  if (st != FW_OK) {
    fw_store_free(fresh);
    return st;
  }
  /* swap the loaded content in only when all of it was valid */
  store_clear(s);
  *s = *fresh;
  fw_free(fresh);
  s->generation++;
  return FW_OK;
}

fw_status fw_store_to_json(const fw_store *s, char **out, fw_error *err) {
  if (!s || !out) return fw__fail(err, FW_ERR_ARG, "store and out are required");
  *out = NULL;
  cJSON *doc = cJSON_CreateObject();
  fw__json_str(doc, "format", STORE_FORMAT);
  fw__json_int(doc, "version", STORE_VERSION);
  cJSON *arr = cJSON_CreateArray();
  fw__json_add(doc, "patterns", arr);
  bool ok = doc && arr;
  /* counters are refreshed in each pattern's own document, which the output only references:
   * a store of 100 000 patterns is printed without copying them */
  for (size_t i = 0; ok && i < s->npatterns; i++) {
    ok = refresh_counters((fw_pattern *)&s->patterns[i]) && cJSON_AddItemReferenceToArray(arr, s->patterns[i].doc);
  }
  cJSON *unc = ok ? cJSON_Duplicate(s->unclassified, true) : NULL;
  cJSON *runs = ok ? cJSON_Duplicate(s->runs, true) : NULL;
  ok = ok && unc && runs;
  fw__json_add(doc, "unclassified", unc);
  fw__json_add(doc, "runs", runs);
  if (ok) *out = cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

fw_status fw__store_track_unclassified(fw_store *s, cJSON *rec, fw_error *err) {
  if (s->nunclassified_items == s->cap_unclassified_items) {
    size_t cap = s->cap_unclassified_items ? s->cap_unclassified_items * 2 : 64;
    cJSON **grown = fw__realloc(s->unclassified_items, sizeof *grown * cap);
    if (!grown) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    s->unclassified_items = grown;
    s->cap_unclassified_items = cap;
  }
  s->unclassified_items[s->nunclassified_items++] = rec;
  return FW_OK;
}

size_t fw_store_pattern_count(const fw_store *s) { return s ? s->npatterns : 0; }
