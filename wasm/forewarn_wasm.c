/*
 * forewarn_wasm.c - the WebAssembly face of the core for wasm/forewarn.mjs (see forewarn_wasm.h),
 * over the public API only. What is exported is listed by name in wasm/exports.txt
 * (-sEXPORTED_FUNCTIONS), not marked by attribute, so that file is the whole export surface.
 */
#include "forewarn_wasm.h"

#include <math.h>

#include <malloc.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* ---- Errors ------------------------------------------------------------------------------ */

fw_error *fw_wasm_error_new(void) {
  fw_error *e = fw_malloc(sizeof *e);
  if (e) {
    e->code = FW_OK;
    e->message[0] = e->path[0] = e->rule_id[0] = e->server_code[0] = '\0';
  }
  return e;
}
int fw_wasm_error_code(const fw_error *e) { return (int)e->code; }
const char *fw_wasm_error_message(const fw_error *e) { return e->message; }
const char *fw_wasm_error_path(const fw_error *e) { return e->path; }
const char *fw_wasm_error_rule_id(const fw_error *e) { return e->rule_id; }
const char *fw_wasm_error_server_code(const fw_error *e) { return e->server_code; }

/* Every shim call starts from a clean error, so a NULL result with code "ok" cannot happen. */
static void reset(fw_error *e) {
  e->code = FW_OK;
  e->message[0] = e->path[0] = e->rule_id[0] = e->server_code[0] = '\0';
}

/* A string result, or NULL with e filled. */
static char *result(fw_status st, char *out, fw_error *e) {
  if (st == FW_OK) return out;
  fw_free(out);
  if (e->code == FW_OK) e->code = st;
  return NULL;
}

size_t fw_wasm_heap_used(void) { return (size_t)mallinfo().uordblks; }

/* ---- Handles ----------------------------------------------------------------------------- */

/* The built-in rule pack (core/rules/default.json, which this module does not embed), from the
 * loader once per instance: copied and kept for the instance's life. */
int fw_wasm_set_builtin_rules(const char *json, size_t len, fw_error *e) {
  reset(e);
  static char *kept;
  char *copy = fw_malloc(len + 1);
  if (!copy) {
    e->code = FW_ERR_NOMEM;
    snprintf(e->message, sizeof e->message, "out of memory");
    return (int)FW_ERR_NOMEM;
  }
  memcpy(copy, json, len);
  copy[len] = '\0';
  fw_set_builtin_rules(copy, len);
  fw_free(kept);
  kept = copy;
  return 0;
}

fw_rules *fw_wasm_rules_new(fw_error *e) {
  reset(e);
  fw_rules *r = NULL;
  return fw_rules_new(&r, e) == FW_OK ? r : NULL;
}

int fw_wasm_rules_add_pack(fw_rules *r, const char *json, size_t len, fw_error *e) {
  reset(e);
  return (int)fw_rules_add_pack(r, json, len, e);
}

fw_classifier *fw_wasm_classifier_new(const fw_rules *r, fw_error *e) {
  reset(e);
  fw_classifier *c = NULL;
  return fw_classifier_new(r, &c, e) == FW_OK ? c : NULL;
}

fw_ir *fw_wasm_ir_parse(const char *json, size_t len, fw_error *e) {
  reset(e);
  fw_ir *ir = NULL;
  return fw_ir_parse(json, len, &ir, e) == FW_OK ? ir : NULL;
}

char *fw_wasm_ir_to_json(const fw_ir *ir, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_ir_to_json(ir, &out, e), out, e);
}

fw_store *fw_wasm_store_new(fw_error *e) {
  reset(e);
  fw_store *s = NULL;
  return fw_store_new(&s, e) == FW_OK ? s : NULL;
}

int fw_wasm_store_load(fw_store *s, const char *json, size_t len, fw_error *e) {
  reset(e);
  return (int)fw_store_load(s, json, len, e);
}

/* ---- Calls that return JSON -------------------------------------------------------------- */

char *fw_wasm_classify(fw_classifier *c, const char *text, size_t len, const fw_ir *ir,
                                const char *endpoint, const char *now, size_t max_input, unsigned deadline_ms,
                                const char *stack, fw_error *e) {
  reset(e);
  fw_classify_options o = {.ir = ir, .endpoint = endpoint, .now = now, .max_input = max_input, .deadline_ms = deadline_ms,
                           .stack = stack};
  char *out = NULL;
  return result(fw_classify(c, text, len, &o, &out, e), out, e);
}

char *fw_wasm_classify_record(fw_classifier *c, const char *line, size_t len,
                                       const fw_ir *ir, const char *endpoint, const char *now,
                                       size_t max_input, unsigned deadline_ms, const char *stack, fw_error *e) {
  reset(e);
  fw_classify_options o = {.ir = ir, .endpoint = endpoint, .now = now, .max_input = max_input, .deadline_ms = deadline_ms,
                           .stack = stack};
  char *out = NULL;
  fw_status st = fw_classify_record(c, line, len, &o, &out, e);
  if (st != FW_OK && e->code == FW_OK) e->code = st;
  return out;
}

char *fw_wasm_redact(fw_classifier *c, const char *text, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_redact(c, text, len, &out, NULL, e), out, e);
}

char *fw_wasm_normalize(const char *text, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_normalize_message(text, len, &out, e), out, e);
}

int fw_wasm_json_check(const char *json, size_t len, fw_error *e) {
  reset(e);
  return (int)fw_json_check(json, len, e);
}

char *fw_wasm_smoke_validate(const char *json, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_smoke_validate(json, len, &out, e), out, e);
}

/* One or more JUnit reports, separated by NUL bytes (XML cannot hold one), as a SmokeTestResult. */
char *fw_wasm_junit_to_smoke(const char *docs, size_t len, const char *run_id, const fw_ir *ir, fw_error *e) {
  reset(e);
  enum { MAX_REPORTS = 256 };
  const char *starts[MAX_REPORTS];
  size_t lens[MAX_REPORTS], n = 0, at = 0;
  while (at <= len) {
    const char *nul = memchr(docs + at, '\0', len - at);
    size_t end = nul ? (size_t)(nul - docs) : len;
    if (n == MAX_REPORTS) {
      e->code = FW_ERR_ARG;
      snprintf(e->message, sizeof e->message, "more than %d JUnit reports in one run", MAX_REPORTS);
      return NULL;
    }
    starts[n] = docs + at;
    lens[n++] = end - at;
    at = end + 1;
  }
  char *out = NULL;
  return result(fw_junit_to_smoke(starts, lens, n, run_id, ir, &out, e), out, e);
}

int fw_wasm_junit_detect(const char *text, size_t len) { return fw_junit_detect(text, len); }

/* The module has no environment: Expat's debug switches (EXPAT_ENTROPY_DEBUG, ...) read with
 * getenv() stay off, and no WASI environment call is linked. */
char *getenv(const char *name) {
  (void)name;
  return NULL;
}

char *fw_wasm_collect(fw_classifier *c, const char *smoke, size_t smoke_len,
                               const fw_ir *ir, const char *manifest, size_t manifest_len,
                               const char *now, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_collect(c, smoke, smoke_len, ir, manifest, manifest_len, now, &out, e), out, e);
}

/* The lifecycle thresholds from JS: NaN min_lift and 0 counts mean the defaults. */
static fw_lifecycle_options lifecycle(double min_lift, int min_exposures, int unseen_runs, int retire_exposures) {
  fw_lifecycle_options o = {0};
  o.min_lift_set = min_lift == min_lift; /* not NaN */
  o.min_lift = o.min_lift_set ? min_lift : 0.0;
  o.min_exposures = min_exposures;
  o.unseen_runs = unseen_runs;
  o.retire_exposures = retire_exposures;
  return o;
}

char *fw_wasm_enhance(const fw_store *s, const char *prompt, size_t len,
                               const char *scope, const char *target, const fw_ir *ir,
                               const fw_rules *rules, size_t max_patterns, int min_occurrences,
                               size_t budget, size_t quote_cap, const char *stack, double holdout,
                               const char *run_id, double min_lift, int min_exposures, int unseen_runs,
                               int retire_exposures, fw_error *e) {
  reset(e);
  fw_lifecycle_options life = lifecycle(min_lift, min_exposures, unseen_runs, retire_exposures);
  fw_enhance_options o = {0};
  o.holdout = holdout;
  o.run_id = run_id;
  o.lifecycle = &life;
  o.stack = stack;
  o.scope = scope;
  o.target = target;
  o.ir = ir;
  o.rules = rules;
  o.max_patterns = max_patterns;
  o.min_occurrences = min_occurrences;
  o.budget = budget;
  o.quote_cap = quote_cap;
  char *out = NULL;
  return result(fw_enhance(s, prompt, len, &o, &out, e), out, e);
}

char *fw_wasm_store_to_json(const fw_store *s, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_store_to_json(s, &out, e), out, e);
}

char *fw_wasm_store_apply(fw_store *s, const char *changeset, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_store_apply(s, changeset, len, &out, e), out, e);
}

char *fw_wasm_store_get(const fw_store *s, const char *pattern_id, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_store_get(s, pattern_id, &out, e), out, e);
}

char *fw_wasm_store_query(const fw_store *s, const char *query, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_store_query(s, query, len, &out, e), out, e);
}

char *fw_wasm_store_list(const fw_store *s, int unclassified, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_store_list(s, unclassified != 0, &out, e), out, e);
}

char *fw_wasm_store_stats(const fw_store *s, double min_lift, int min_exposures, int unseen_runs,
                          int retire_exposures, fw_error *e) {
  reset(e);
  fw_lifecycle_options life = lifecycle(min_lift, min_exposures, unseen_runs, retire_exposures);
  char *out = NULL;
  return result(fw_store_stats_with(s, &life, &out, e), out, e);
}

char *fw_wasm_store_lessons(const fw_store *s, const char *state, double min_lift, int min_exposures,
                            int unseen_runs, int retire_exposures, fw_error *e) {
  reset(e);
  fw_lifecycle_options life = lifecycle(min_lift, min_exposures, unseen_runs, retire_exposures);
  char *out = NULL;
  return result(fw_store_lessons(s, &life, state, &out, e), out, e);
}

char *fw_wasm_store_decide(fw_store *s, const char *pattern_id, const char *decision, const char *now,
                           fw_error *e) {
  reset(e);
  char *out = NULL;
  fw_status st = fw_store_decide(s, pattern_id, decision, now, e);
  if (st == FW_OK) st = fw_store_get(s, pattern_id, &out, e);
  return result(st, out, e);
}

char *fw_wasm_cypher_decide(const char *pattern_id, const char *decision, const char *now, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_decide(pattern_id, decision, now, &out, e), out, e);
}

/* The pattern as it was, then deleted from the store. */
char *fw_wasm_store_delete(fw_store *s, const char *pattern_id, fw_error *e) {
  reset(e);
  char *out = NULL;
  fw_status st = fw_store_get(s, pattern_id, &out, e);
  if (st == FW_OK) st = fw_store_delete(s, pattern_id, e);
  return result(st, out, e);
}

char *fw_wasm_cypher_delete(const char *pattern_id, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_delete(pattern_id, &out, e), out, e);
}

char *fw_wasm_cypher_import(const char *doc, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_import(doc, len, &out, e), out, e);
}

/* ---- Neo4j over the HTTP Query API: the core's requests and its parser, for fetch in JS ---- */

char *fw_wasm_cypher_schema(size_t i, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_schema(i, &out, e), out, e);
}

char *fw_wasm_cypher_schema_check(fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_schema_check(&out, e), out, e);
}

char *fw_wasm_cypher_apply(const char *changeset, size_t len, const char *token, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_apply(changeset, len, token, &out, e), out, e);
}

char *fw_wasm_cypher_apply_result(const char *changeset, size_t len, const char *parsed,
                                  size_t parsed_len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_apply_result(changeset, len, parsed, parsed_len, &out, e), out, e);
}

char *fw_wasm_cypher_dump(int full, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_dump(full != 0, &out, e), out, e);
}

char *fw_wasm_cypher_get(const char *pattern_id, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_get(pattern_id, &out, e), out, e);
}

char *fw_wasm_cypher_query(const char *query, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_cypher_query(query, len, &out, e), out, e);
}

char *fw_wasm_cypher_enhance_selection(const char *scope, const char *target, const fw_ir *ir,
                                       int min_occurrences, int max_patterns, int min_exposures,
                                       int unseen_runs, int retire_exposures, fw_error *e) {
  reset(e);
  fw_lifecycle_options life = lifecycle(NAN, min_exposures, unseen_runs, retire_exposures);
  fw_enhance_options o = {0};
  o.scope = scope;
  o.target = target;
  o.ir = ir;
  o.min_occurrences = min_occurrences;
  o.max_patterns = (size_t)max_patterns;
  o.lifecycle = &life;
  char *out = NULL;
  return result(fw_cypher_enhance_selection(&o, &out, e), out, e);
}

char *fw_wasm_neo4j_parse(int http_status, const char *body, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_neo4j_parse(http_status, body, len, &out, e), out, e);
}

int fw_wasm_neo4j_transient(int http_status, const fw_error *e) {
  return fw_neo4j_transient(http_status, e) ? 1 : 0;
}

char *fw_wasm_neo4j_store_document(const char *parsed, size_t len, fw_error *e) {
  reset(e);
  char *out = NULL;
  return result(fw_neo4j_store_document(parsed, len, &out, e), out, e);
}
