/*
 * lessons.c - the store read through the lifecycle: each lesson's state and effect (`forewarn
 * patterns`), the effect table of `forewarn stats`, and a person's decision on a lesson.
 */
#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

static fw_status print(cJSON *doc, char **out, fw_error *err) {
  *out = doc ? cJSON_PrintUnformatted(doc) : NULL;
  cJSON_Delete(doc);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

static void effect_of(const fw_pattern *p, const fw_lifecycle_options *o, fw_effect *e) {
  fw__effect_of(p->times_injected, p->times_recurred_injected, p->times_withheld, p->times_recurred_withheld,
                o->min_exposures, e);
}

/* What an effect shows, in a word: "works" (its interval lies above 0), "worse" (below 0),
 * "no_effect_shown" (it holds 0), "not_enough_data" (an arm below min_exposures). */
static const char *verdict(const fw_effect *e) {
  if (!e->measured) return "not_enough_data";
  if (e->low > 0.0) return "works";
  if (e->high < 0.0) return "worse";
  return "no_effect_shown";
}

static void add_state(cJSON *o, const fw_pattern *p, long long seq, const fw_lifecycle_options *lo) {
  fw_lesson_state st = fw__pattern_state(p, seq, lo);
  fw__json_ref(o, "state", fw__state_name(st.state));
  fw__json_ref_or_null(o, "state_reason", st.reason);
}

static bool valid_state(const char *s) {
  return strcmp(s, "active") == 0 || strcmp(s, "escalated") == 0 || strcmp(s, "retired") == 0;
}

fw_status fw_store_lessons(const fw_store *s, const fw_lifecycle_options *lifecycle, const char *state,
                           char **out_json, fw_error *err) {
  if (!s || !out_json) return fw__fail(err, FW_ERR_ARG, "store and out_json are required");
  *out_json = NULL;
  if (state && !valid_state(state))
    return fw__fail(err, FW_ERR_ARG, "state must be active, escalated or retired, not '%s'", state);
  fw_lifecycle_options lo = fw__lifecycle_resolve(lifecycle);
  long long seq = fw__store_run_seq(s);
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; arr && i < s->npatterns; i++) {
    const fw_pattern *p = &s->patterns[i];
    if (state && strcmp(fw__state_name(fw__pattern_state(p, seq, &lo).state), state) != 0) continue;
    cJSON *o = fw__pattern_json(p);
    add_state(o, p, seq, &lo);
    fw_effect e;
    effect_of(p, &lo, &e);
    fw__json_add(o, "effect", fw__effect_json(&e));
    cJSON_AddItemToArray(arr, o);
  }
  return print(arr, out_json, err);
}

typedef struct ranked {
  const fw_pattern *p;
  fw_effect e;
} ranked;

/* Measured first, by lift (largest first), then by pattern_id. */
static int ranked_cmp(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  if (x->e.measured != y->e.measured) return x->e.measured ? -1 : 1;
  if (x->e.measured && x->e.lift != y->e.lift) return x->e.lift > y->e.lift ? -1 : 1;
  return strcmp(x->p->id, y->p->id);
}

static cJSON *lifecycle_json(const fw_lifecycle_options *lo) {
  cJSON *o = cJSON_CreateObject();
  char text[32];
  snprintf(text, sizeof text, "%.4f", lo->min_lift);
  fw__json_add(o, "min_lift", cJSON_CreateRaw(text));
  fw__json_int(o, "min_exposures", lo->min_exposures);
  fw__json_int(o, "unseen_runs", lo->unseen_runs);
  fw__json_int(o, "retire_exposures", lo->retire_exposures);
  return o;
}

fw_status fw_store_stats_with(const fw_store *s, const fw_lifecycle_options *lifecycle, char **out_json,
                              fw_error *err) {
  if (!s || !out_json) return fw__fail(err, FW_ERR_ARG, "store and out_json are required");
  *out_json = NULL;
  fw_lifecycle_options lo = fw__lifecycle_resolve(lifecycle);
  long long seq = fw__store_run_seq(s);
  ranked *rows = s->npatterns ? fw_malloc(sizeof *rows * s->npatterns) : NULL;
  if (s->npatterns && !rows) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  size_t n = 0;
  long long n1 = 0, k1 = 0, n2 = 0, k2 = 0, states[3] = {0, 0, 0};
  for (size_t i = 0; i < s->npatterns; i++) {
    const fw_pattern *p = &s->patterns[i];
    states[fw__pattern_state(p, seq, &lo).state]++;
    if (!p->times_injected && !p->times_withheld) continue;
    rows[n].p = p;
    effect_of(p, &lo, &rows[n].e);
    n1 += p->times_injected, k1 += p->times_recurred_injected;
    n2 += p->times_withheld, k2 += p->times_recurred_withheld;
    n++;
  }
  if (n) qsort(rows, n, sizeof *rows, ranked_cmp);
  cJSON *doc = fw__store_stats_doc(s), *effects = cJSON_CreateArray();
  for (size_t i = 0; effects && i < n; i++) {
    const fw_pattern *p = rows[i].p;
    cJSON *o = cJSON_CreateObject();
    fw__json_str(o, "pattern_id", p->id);
    fw__json_str(o, "category", p->category);
    fw__json_str(o, "entity_pattern", p->entity);
    fw__json_str(o, "field_pattern", p->field_pattern);
    fw__json_bool(o, "general", p->general);
    add_state(o, p, seq, &lo);
    fw__json_ref(o, "verdict", verdict(&rows[i].e));
    fw__json_add(o, "effect", fw__effect_json(&rows[i].e));
    cJSON_AddItemToArray(effects, o);
  }
  fw_free(rows);
  fw_effect pooled;
  fw__effect_of(n1, k1, n2, k2, lo.min_exposures, &pooled);
  cJSON *totals = cJSON_GetObjectItemCaseSensitive(doc, "totals");
  cJSON *e = fw__effect_json(&pooled);
  fw__json_ref(e, "verdict", verdict(&pooled));
  fw__json_add(totals, "effect", e);
  fw__json_int(totals, "active", states[FW_STATE_ACTIVE]);
  fw__json_int(totals, "escalated", states[FW_STATE_ESCALATED]);
  fw__json_int(totals, "retired", states[FW_STATE_RETIRED]);
  fw__json_add(doc, "effects", effects);
  fw__json_add(doc, "lifecycle", lifecycle_json(&lo));
  return print(doc, out_json, err);
}

static bool set_string(cJSON *doc, const char *key, const char *value) {
  cJSON *v = cJSON_CreateString(value);
  if (!v) return false;
  if (cJSON_GetObjectItemCaseSensitive(doc, key)) return cJSON_ReplaceItemInObjectCaseSensitive(doc, key, v);
  if (cJSON_AddItemToObject(doc, key, v)) return true;
  cJSON_Delete(v);
  return false;
}

fw_status fw_store_decide(fw_store *s, const char *pattern_id, const char *decision, const char *now,
                          fw_error *err) {
  if (!s || !pattern_id || !decision || !now)
    return fw__fail(err, FW_ERR_ARG, "store, pattern_id, decision and now are required");
  if (strcmp(decision, "retired") != 0 && strcmp(decision, "active") != 0)
    return fw__fail(err, FW_ERR_ARG, "a decision is retired or active, not '%s'", decision);
  size_t i = fw_strmap_get(&s->by_id, pattern_id);
  if (i == (size_t)-1) return fw__fail(err, FW_ERR_ARG, "no pattern '%s' in the store", pattern_id);
  fw_pattern *p = &s->patterns[i];
  if (!set_string(p->doc, "decision", decision) || !set_string(p->doc, "decision_at", now))
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  snprintf(p->decision, sizeof p->decision, "%s", decision);
  snprintf(p->decision_at, sizeof p->decision_at, "%s", now);
  s->generation++;
  return FW_OK;
}
