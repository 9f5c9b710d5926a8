/*
 * store_apply.c - applies one smoke run's change set (built by collect.c) to the in-memory
 * store: new patterns, occurrence increments, unclassified groups, prevention accounting and
 * the run's history record. A run_id already applied changes nothing, so re-ingesting is
 * idempotent. Counter changes are increments, which is also how the Neo4j store applies them.
 */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

#include "json_out.h"

static const char *str_of(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}


static fw_pattern *find_mut(fw_store *s, const char *id) {
  size_t i = fw_strmap_get(&s->by_id, id);
  return i == (size_t)-1 ? NULL : &s->patterns[i];
}

static void set_seen(fw_pattern *p, const char *now, long long seq) {
  snprintf(p->last_seen, sizeof p->last_seen, "%s", now);
  p->last_seen_run = seq;
}

/* A new pattern's document: the store's own fields replaced by a fresh record's. */
static void fresh_fields(cJSON *doc, const char *now, long long count, long long seq) {
  static const char *const owned[] = {"first_seen", "last_seen", "occurrence_count", "times_prevented",
                                      "times_injected", "times_recurred_after_injection", "times_withheld",
                                      "times_recurred_when_withheld", "last_seen_run", "decision", "decision_at"};
  for (size_t k = 0; k < sizeof owned / sizeof *owned; k++) cJSON_DeleteItemFromObjectCaseSensitive(doc, owned[k]);
  fw__json_str(doc, "first_seen", now);
  fw__json_str(doc, "last_seen", now);
  fw__json_int(doc, "occurrence_count", count);
  fw__json_int(doc, "last_seen_run", seq);
}

/* Create (count) or increment a pattern; tells which happened. seq is this run's number. */
static fw_status observe(fw_store *s, const cJSON *pattern, long long count, const char *now, long long seq,
                         bool *created, fw_error *err) {
  const char *id = str_of(pattern, "pattern_id");
  if (!id) return fw__fail_path(err, FW_ERR_SCHEMA, "$.observations[].pattern.pattern_id", "expected a string");
  fw_pattern *p = find_mut(s, id);
  if (p) {
    p->occurrence_count += count;
    set_seen(p, now, seq);
    *created = false;
    s->generation++;
    return FW_OK;
  }
  cJSON *doc = cJSON_Duplicate(pattern, true);
  if (!doc) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  fresh_fields(doc, now, count, seq);
  *created = true;
  return fw__store_add_pattern(s, doc, "$.observations[].pattern", err);
}

static fw_status add_unclassified(fw_store *s, const cJSON *u, const char *now, fw_error *err) {
  const char *id = str_of(u, "template_id");
  if (!id) return fw__fail_path(err, FW_ERR_SCHEMA, "$.unclassified[].template_id", "expected a string");
  long long count = fw__json_get_int(u, "count");
  size_t at = fw_strmap_get(&s->unclassified_by_id, id);
  if (at != (size_t)-1) {
    cJSON *rec = s->unclassified_items[at];
    long long total = fw__json_get_int(rec, "count") + count;
    cJSON_DeleteItemFromObjectCaseSensitive(rec, "count");
    cJSON_DeleteItemFromObjectCaseSensitive(rec, "last_seen");
    fw__json_int(rec, "count", total);
    fw__json_str(rec, "last_seen", now);
    return FW_OK;
  }
  cJSON *rec = cJSON_Duplicate(u, true);
  if (!rec) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  cJSON_DeleteItemFromObjectCaseSensitive(rec, "endpoints");
  fw__json_str(rec, "first_seen", now);
  fw__json_str(rec, "last_seen", now);
  if (!cJSON_AddItemToArray(s->unclassified, rec)) {
    cJSON_Delete(rec);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  const char *key = str_of(rec, "template_id");
  size_t index = s->nunclassified_items;
  fw_status st = fw__store_track_unclassified(s, rec, err);
  if (st == FW_OK && !fw_strmap_put(&s->unclassified_by_id, key, index))
    st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  return st;
}

/* What a run's manifest entries came to. */
typedef struct tally {
  long long prevented, not_prevented, withheld, withheld_recurred;
} tally;

/* An injected pattern that did not recur was prevented; one that recurred was not (its
 * occurrence was already counted by its observation). A withheld one (the holdout arm) counts
 * apart: whether it recurred without its warning. A general pattern injected or withheld for
 * the first time enters the store here, with its own counters; a recurrence is a sighting. */
static fw_status account(fw_store *s, const cJSON *inj, const char *now, long long seq, tally *t,
                         fw_error *err) {
  const char *id = str_of(inj, "pattern_id");
  if (!id) return fw__fail_path(err, FW_ERR_SCHEMA, "$.injections[].pattern_id", "expected a string");
  fw_pattern *p = find_mut(s, id);
  const cJSON *general = cJSON_GetObjectItemCaseSensitive(inj, "pattern");
  if (!p && cJSON_IsObject(general)) {
    cJSON *doc = cJSON_Duplicate(general, true);
    if (!doc) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    fresh_fields(doc, now, 0, seq);
    fw__json_int(doc, "times_prevented", 0);
    fw_status st = fw__store_add_pattern(s, doc, "$.injections[].pattern", err);
    if (st != FW_OK) return st;
    p = find_mut(s, id);
  }
  if (!p) return FW_OK; /* injected from another store: nothing to account here */
  bool recurred = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(inj, "recurred"));
  if (recurred) p->last_seen_run = seq;
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(inj, "withheld"))) {
    p->times_withheld++;
    t->withheld++;
    if (recurred) p->times_recurred_withheld++, t->withheld_recurred++;
  } else if (recurred) {
    p->times_injected++;
    p->times_recurred_injected++;
    t->not_prevented++;
  } else {
    p->times_injected++;
    p->times_prevented++;
    t->prevented++;
  }
  s->generation++;
  return FW_OK;
}

fw_status fw_store_apply(fw_store *s, const char *changeset, size_t len, char **result_json,
                         fw_error *err) {
  if (!s || !changeset || !result_json) return fw__fail(err, FW_ERR_ARG, "store, changeset and result_json are required");
  *result_json = NULL;
  cJSON *cs = cJSON_ParseWithLength(changeset, len);
  if (!cs) return fw__fail(err, FW_ERR_JSON, "change set is not valid JSON");
  const char *run_id = str_of(cs, "run_id"), *now = str_of(cs, "now");
  cJSON *obs = cJSON_GetObjectItemCaseSensitive(cs, "observations");
  cJSON *unc = cJSON_GetObjectItemCaseSensitive(cs, "unclassified");
  cJSON *inj = cJSON_GetObjectItemCaseSensitive(cs, "injections");
  fw_status st = FW_OK;
  if (!run_id || !now || !cJSON_IsArray(obs) || !cJSON_IsArray(unc) || !cJSON_IsArray(inj))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$", "expected a change set with run_id, now, observations, unclassified and injections");
  cJSON *result = cJSON_CreateObject();
  fw__json_str(result, "run_id", run_id ? run_id : "");
  bool again = st == FW_OK && fw_strmap_get(&s->runs_by_id, run_id) != (size_t)-1;
  fw__json_bool(result, "already_ingested", again);
  long long created = 0, updated = 0, repeated = 0;
  long long classified = 0, unclassifiable = 0, new_patterns = 0;
  tally t = {0, 0, 0, 0};
  long long seq = fw__store_run_seq(s) + 1; /* this run's number */
  const cJSON *item;
  if (st == FW_OK && !again) {
    cJSON_ArrayForEach(item, obs) {
      long long count = fw__json_get_int(item, "count");
      bool fresh = false;
      if (count <= 0) continue;
      if ((st = observe(s, cJSON_GetObjectItemCaseSensitive(item, "pattern"), count, now, seq, &fresh, err)) != FW_OK) break;
      classified += count;
      /* a fresh pattern's first occurrence is new; its later ones in the same run, and every
       * occurrence of a known pattern, are repeats */
      if (fresh) created++, new_patterns++, repeated += count - 1, updated += count > 1;
      else updated++, repeated += count;
    }
  }
  if (st == FW_OK && !again) {
    cJSON_ArrayForEach(item, unc) {
      if ((st = add_unclassified(s, item, now, err)) != FW_OK) break;
      unclassifiable += fw__json_get_int(item, "count");
    }
  }
  if (st == FW_OK && !again) {
    cJSON_ArrayForEach(item, inj) {
      if ((st = account(s, item, now, seq, &t, err)) != FW_OK) break;
    }
  }
  if (st == FW_OK && !again) {
    cJSON *run = cJSON_CreateObject();
    fw__json_str(run, "run_id", run_id);
    fw__json_str(run, "ingested_at", now);
    fw__json_int(run, "violations", fw__json_get_int(cs, "violations"));
    fw__json_int(run, "classified", classified);
    fw__json_int(run, "unclassified", unclassifiable);
    fw__json_int(run, "new_patterns", new_patterns);
    fw__json_int(run, "repeated_errors", repeated);
    fw__json_int(run, "injected", t.prevented + t.not_prevented);
    fw__json_int(run, "prevented", t.prevented);
    fw__json_int(run, "not_prevented", t.not_prevented);
    if (t.withheld) { /* a run with a holdout */
      fw__json_int(run, "withheld", t.withheld);
      fw__json_int(run, "withheld_recurred", t.withheld_recurred);
    }
    const cJSON *run_tests = cJSON_GetObjectItemCaseSensitive(cs, "tests");
    if (run_tests) fw__json_add(run, "tests", cJSON_Duplicate(run_tests, true)); /* a JUnit run's counts */
    if (!run || !cJSON_AddItemToArray(s->runs, run)) {
      cJSON_Delete(run);
      st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
    } else if (!fw_strmap_put(&s->runs_by_id, str_of(run, "run_id"), 0)) {
      st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
    } else if (s->run_seq) {
      s->run_seq = seq;
    }
  }
  fw__json_int(result, "patterns_created", created);
  fw__json_int(result, "patterns_updated", updated);
  fw__json_int(result, "repeated_errors", repeated);
  fw__json_int(result, "prevented", t.prevented);
  fw__json_int(result, "not_prevented", t.not_prevented);
  if (t.withheld) {
    fw__json_int(result, "withheld", t.withheld);
    fw__json_int(result, "withheld_recurred", t.withheld_recurred);
  }
  const cJSON *tests = cJSON_GetObjectItemCaseSensitive(cs, "tests");
  if (tests) fw__json_add(result, "tests", cJSON_Duplicate(tests, true)); /* a JUnit run's counts */
  cJSON *msgs = cJSON_CreateArray();
  const cJSON *m;
  cJSON *list = cJSON_GetObjectItemCaseSensitive(cs, "unclassifiable_errors");
  if (!again) cJSON_ArrayForEach(m, list) {
    if (cJSON_IsString(m)) cJSON_AddItemToArray(msgs, cJSON_CreateString(m->valuestring));
  }
  fw__json_add(result, "unclassifiable_errors", msgs);
  cJSON_Delete(cs);
  if (st == FW_OK) {
    *result_json = cJSON_PrintUnformatted(result);
    if (!*result_json) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  cJSON_Delete(result);
  return st;
}
