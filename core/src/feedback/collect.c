/*
 * collect.c - the feedback collector: turns one SmokeTestResult (and the manifest of what was
 * injected into that run's prompts) into a change set for a store: observed anti-patterns with
 * counts, unclassified errors grouped by template, and for each injection whether it recurred.
 * Pure: the store applies the change set (store_apply.c, or Cypher for Neo4j).
 */
#include "antipattern_internal.h"
#include "json_in.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "strmap.h"

static const char *str_of(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}


static const char *reason(int status) {
  switch (status) {
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 409: return "Conflict";
  case 422: return "Unprocessable Entity";
  case 500: return "Internal Server Error";
  default: return "";
  }
}

/* A violation without a traceback, written the way uvicorn and test runners print it, so the
 * ordinary rules classify it. */
static void synthesize(fw_buf *b, const cJSON *v) {
  const char *endpoint = str_of(v, "endpoint"), *message = str_of(v, "message");
  int status = (int)fw__json_get_int(v, "status_code"), expected = (int)fw__json_get_int(v, "expected_status");
  const char *sp = endpoint ? strchr(endpoint, ' ') : NULL;
  if (status && sp)
    fw_buf_printf(b, "INFO:     127.0.0.1:0 - \"%.*s %s HTTP/1.1\" %d %s\n", (int)(sp - endpoint),
                  endpoint, sp + 1, status, reason(status));
  if (status && expected && status != expected && status < 300 && expected < 300)
    fw_buf_printf(b, "expected %d, got %d\n", expected, status);
  if (message) fw_buf_printf(b, "%s\n", message);
}

typedef struct observation {
  char id[32];
  cJSON *pattern;
  cJSON *endpoints;
  long long count;
  char category[64], constraint[32], entity[128];
} observation;

/* Did an injected pattern recur in this run? Its own id, or for a general pattern the same
 * category and constraint on the entity it was injected for. */
static bool recurred(const cJSON *inj, const observation *obs, size_t n) {
  const char *id = str_of(inj, "pattern_id");
  const char *category = str_of(inj, "category"), *constraint = str_of(inj, "constraint");
  const char *target = str_of(inj, "entity");
  bool general = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(inj, "general"));
  for (size_t i = 0; i < n; i++) {
    if (id && strcmp(obs[i].id, id) == 0) return true;
    if (general && category && constraint && strcmp(obs[i].category, category) == 0 &&
        strcmp(obs[i].constraint, constraint) == 0 && (!target || fw__ieq(obs[i].entity, target)))
      return true;
  }
  return false;
}

/* What a run's violations add up to: observations by pattern_id, unclassified groups by
 * template id (each found through a map, so a run stays linear in its violations). */
typedef struct collector {
  observation *obs;
  size_t nobs, cap;
  fw_strmap seen, unseen; /* keys: the ids inside each record's own cJSON (stable, unlike obs) */
  cJSON *unc, *msgs;
  cJSON **uncs; /* the unclassified records by index, unseen's values (no walk of the list) */
  size_t nuncs, capuncs;
  fw_strmap listed; /* "id\x1fendpoint" of every endpoint listed under a record */
  char **listed_keys;
  size_t nlisted, caplisted;
} collector;

static bool grow_ptrs(void *items, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return true;
  size_t bigger = *cap ? *cap * 2 : 64;
  void *grown = fw__realloc(*(void **)items, size * bigger);
  if (!grown) return false;
  *(void **)items = grown;
  *cap = bigger;
  return true;
}

/* List endpoint under the record `id` once (a map, not a search of the list: a template seen
 * at 40 000 endpoints stays linear). false on allocation failure. */
static bool add_endpoint(collector *col, const char *id, cJSON *arr, const char *endpoint) {
  if (!endpoint) return true;
  fw_buf key;
  fw_buf_init(&key);
  fw_buf_printf(&key, "%s\x1f%s", id, endpoint);
  char *k = fw_buf_take(&key);
  if (!k) return false;
  if (fw_strmap_get(&col->listed, k) != (size_t)-1) {
    fw_free(k);
    return true;
  }
  if (!grow_ptrs(&col->listed_keys, &col->caplisted, col->nlisted, sizeof *col->listed_keys)) {
    fw_free(k);
    return false;
  }
  col->listed_keys[col->nlisted++] = k;
  cJSON *item = cJSON_CreateString(endpoint);
  if (!item || !fw_strmap_put(&col->listed, k, 0)) {
    cJSON_Delete(item);
    return false;
  }
  cJSON_AddItemToArray(arr, item);
  return true;
}

static void collector_free(collector *col) {
  fw_free(col->obs);
  fw_free(col->uncs);
  for (size_t i = 0; i < col->nlisted; i++) fw_free(col->listed_keys[i]);
  fw_free(col->listed_keys);
  fw_strmap_free(&col->seen);
  fw_strmap_free(&col->unseen);
  fw_strmap_free(&col->listed);
}

static fw_status record(collector *col, fw_classifier *cl, const fw_classification *c,
                        const char *endpoint, const char *now, fw_error *err) {
  char id[32];
  fw__pattern_id(c, cl->rules, id);
  if (c->category == (size_t)-1) {
    char tid[40];
    snprintf(tid, sizeof tid, "un%s", id + 2); /* same hash: exception class + template */
    size_t at = fw_strmap_get(&col->unseen, tid);
    cJSON *rec = at == (size_t)-1 ? NULL : col->uncs[at];
    if (!rec) {
      rec = cJSON_CreateObject();
      fw__json_str(rec, "template_id", tid);
      fw__json_str(rec, "exception_class", c->exception_class);
      fw__json_str(rec, "message_template", c->message_template);
      char sample[512];
      snprintf(sample, sizeof sample, "%s", c->message);
      fw__json_str(rec, "sample", sample);
      fw__json_int(rec, "count", 0);
      fw__json_add(rec, "endpoints", cJSON_CreateArray());
      cJSON_AddItemToArray(col->unc, rec);
      if (!grow_ptrs(&col->uncs, &col->capuncs, col->nuncs, sizeof *col->uncs) ||
          !fw_strmap_put(&col->unseen, str_of(rec, "template_id"), col->nuncs))
        return fw__fail(err, FW_ERR_NOMEM, "out of memory");
      col->uncs[col->nuncs++] = rec;
    }
    char raw[24];
    snprintf(raw, sizeof raw, "%lld", fw__json_get_int(rec, "count") + 1);
    cJSON_ReplaceItemInObjectCaseSensitive(rec, "count", cJSON_CreateRaw(raw));
    if (!add_endpoint(col, tid, cJSON_GetObjectItemCaseSensitive(rec, "endpoints"), endpoint))
      return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    char line[300];
    snprintf(line, sizeof line, "%s: %.200s", endpoint ? endpoint : "(no endpoint)", c->message);
    cJSON_AddItemToArray(col->msgs, cJSON_CreateString(line));
    return FW_OK;
  }
  /* by id: a run of many violations over many patterns stays linear */
  size_t k = fw_strmap_get(&col->seen, id);
  if (k == (size_t)-1) {
    if (col->nobs == col->cap) {
      size_t cap = col->cap ? col->cap * 2 : 16;
      observation *grown = fw__realloc(col->obs, sizeof *grown * cap);
      if (!grown) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
      col->obs = grown;
      col->cap = cap;
    }
    k = col->nobs;
    observation *o = &col->obs[col->nobs++];
    memset(o, 0, sizeof *o);
    snprintf(o->id, sizeof o->id, "%s", id);
    o->pattern = fw__antipattern_object(c, cl->rules, id, now, NULL);
    fw__json_str(o->pattern, "schema", c->ir.schema);
    o->endpoints = cJSON_CreateArray();
    snprintf(o->category, sizeof o->category, "%s", cl->rules->categories[c->category].name);
    snprintf(o->constraint, sizeof o->constraint, "%s", c->ir.constraint_type);
    snprintf(o->entity, sizeof o->entity, "%s", c->ir.entity);
    if (!fw_strmap_put(&col->seen, str_of(o->pattern, "pattern_id"), k))
      return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  col->obs[k].count++;
  if (!add_endpoint(col, id, col->obs[k].endpoints, endpoint)) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  return FW_OK;
}

static fw_status parse_doc(const char *json, size_t len, const char *what, cJSON **out, fw_error *err) {
  return fw__json_parse_input(json, len, what, out, err);
}

static fw_status check_manifest(const cJSON *m, const char *run_id, fw_error *err) {
  const char *mid = str_of(m, "run_id");
  const cJSON *inj = cJSON_GetObjectItemCaseSensitive(m, "injections");
  if (!cJSON_IsObject(m) || !mid) return fw__fail_path(err, FW_ERR_SCHEMA, "$.run_id", "manifest needs a string run_id");
  if (strcmp(mid, run_id) != 0)
    return fw__fail_path(err, FW_ERR_SCHEMA, "$.run_id", "manifest is for run '%s' but the smoke result is run '%s'", mid, run_id);
  if (!cJSON_IsArray(inj)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.injections", "expected an array");
  size_t i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, inj) {
    char path[64];
    snprintf(path, sizeof path, "$.injections[%zu].pattern_id", i++);
    if (!str_of(e, "pattern_id")) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected a string");
  }
  return FW_OK;
}

fw_status fw_collect(fw_classifier *cl, const char *smoke_json, size_t smoke_len, const fw_ir *ir,
                     const char *manifest_json, size_t manifest_len, const char *now,
                     char **changeset_json, fw_error *err) {
  if (!cl || !smoke_json || !changeset_json) return fw__fail(err, FW_ERR_ARG, "classifier, smoke_json and changeset_json are required");
  *changeset_json = NULL;
  if (!now) now = "1970-01-01T00:00:00Z";
  cJSON *smoke = NULL, *manifest = NULL;
  fw_status st = parse_doc(smoke_json, smoke_len, "SmokeTestResult", &smoke, err);
  if (st == FW_OK) st = fw__smoke_check(smoke, err);
  if (st == FW_OK && manifest_json) st = parse_doc(manifest_json, manifest_len, "manifest", &manifest, err);
  const char *run_id = smoke ? str_of(smoke, "run_id") : NULL;
  if (st == FW_OK && manifest) st = check_manifest(manifest, run_id, err);
  const cJSON *violations = smoke ? cJSON_GetObjectItemCaseSensitive(smoke, "violations") : NULL;
  const cJSON *traces = smoke ? cJSON_GetObjectItemCaseSensitive(smoke, "stack_traces") : NULL;
  size_t ntrace = cJSON_IsArray(traces) ? (size_t)cJSON_GetArraySize(traces) : 0;
  bool *used = ntrace ? fw_malloc(sizeof *used * ntrace) : NULL;
  if (ntrace && !used) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (used) memset(used, 0, sizeof *used * ntrace);
  const cJSON **trace_items = ntrace ? fw_malloc(sizeof *trace_items * ntrace) : NULL;
  if (ntrace && !trace_items) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  size_t nt = 0;
  const cJSON *ti;
  if (trace_items) cJSON_ArrayForEach(ti, traces) trace_items[nt++] = ti;
  fw_strmap cursor; /* next trace per endpoint */
  fw_strmap_init(&cursor);
  collector col = {0};
  fw_strmap_init(&col.seen);
  fw_strmap_init(&col.unseen);
  fw_strmap_init(&col.listed);
  size_t nrecorded = 0; /* violations, a multi-error text counted once per error */
  cJSON *cs = cJSON_CreateObject(), *unc = cJSON_CreateArray(), *msgs = cJSON_CreateArray();
  col.unc = unc;
  col.msgs = msgs;
  fw_buf text;
  fw_buf_init(&text);
  const cJSON *v;
  if (st == FW_OK) cJSON_ArrayForEach(v, violations) {
    const char *endpoint = str_of(v, "endpoint");
    /* its own traceback (a test report's case), else the next unused trace of the same
     * endpoint: several failures per endpoint keep order; a cursor per endpoint keeps this
     * linear in the number of traces */
    const char *trace = str_of(v, "traceback");
    size_t from = endpoint ? fw_strmap_get(&cursor, endpoint) : (size_t)-1;
    for (size_t t = from == (size_t)-1 ? 0 : from; endpoint && t < ntrace && !trace; t++) {
      if (!used[t] && strcmp(str_of(trace_items[t], "endpoint"), endpoint) == 0) {
        used[t] = true;
        trace = str_of(trace_items[t], "traceback");
        if (!fw_strmap_put(&cursor, endpoint, t + 1)) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
      }
    }
    if (!trace && endpoint && !fw_strmap_put(&cursor, endpoint, ntrace)) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
    if (st != FW_OK) break;
    fw_classify_options opts = {0};
    opts.ir = ir;
    opts.endpoint = endpoint;
    opts.now = now;
    fw_classification c;
    memset(&c, 0, sizeof c);
    fw_error cerr;
    fw__error_clear(&cerr);
    fw_status cst = FW_ERR_EMPTY;
    if (trace) cst = fw__classify(cl, trace, strlen(trace), &opts, &c, &cerr);
    if (!trace || (cst == FW_OK && c.category == (size_t)-1) || cst == FW_ERR_EMPTY) {
      fw_classification alt;
      memset(&alt, 0, sizeof alt);
      fw_buf_reset(&text);
      synthesize(&text, v);
      fw_status ast = text.len ? fw__classify(cl, text.data, text.len, &opts, &alt, &cerr) : FW_ERR_EMPTY;
      if (ast == FW_OK && (cst != FW_OK || alt.category != (size_t)-1)) {
        fw__classification_clear(&c);
        c = alt;
        cst = FW_OK;
      } else {
        fw__classification_clear(&alt);
        if (cst != FW_OK) cst = ast;
      }
    }
    if (cst != FW_OK) fw__classification_clear(&c);
    if (cst == FW_ERR_RULE_LIMIT || cst == FW_ERR_BUDGET || cst == FW_ERR_NOMEM) {
      if (err) *err = cerr;
      st = cst;
      break;
    }
    if (cst != FW_OK) { /* an empty or unusable violation is still counted as unclassifiable */
      char line[300];
      snprintf(line, sizeof line, "%s: %s", endpoint ? endpoint : "(no endpoint)", cerr.message);
      cJSON_AddItemToArray(msgs, cJSON_CreateString(line));
      nrecorded++;
      continue;
    }
    fw_classification *items = NULL;
    size_t nitems = 0;
    fw_status ist = fw__classify_items(cl, &c, &opts, &items, &nitems, &cerr);
    if (ist != FW_OK) {
      if (err) *err = cerr;
      st = ist;
      fw__classification_clear(&c);
      break;
    }
    /* a text with several errors (a 422 body) is that many violations */
    for (size_t k = 0; k < (nitems ? nitems : 1) && st == FW_OK; k++)
      st = record(&col, cl, nitems ? &items[k] : &c, endpoint, now, err);
    nrecorded += nitems ? nitems : 1;
    fw__classifications_free(items, nitems);
    fw__classification_clear(&c);
  }
  fw_buf_free(&text);
  cJSON *arr = cJSON_CreateArray();
  for (size_t k = 0; k < col.nobs; k++) {
    cJSON *o = cJSON_CreateObject();
    fw__json_add(o, "pattern", col.obs[k].pattern);
    fw__json_int(o, "count", col.obs[k].count);
    fw__json_add(o, "endpoints", col.obs[k].endpoints);
    cJSON_AddItemToArray(arr, o);
  }
  cJSON *injections = cJSON_CreateArray();
  const cJSON *inj;
  cJSON *minj = manifest ? cJSON_GetObjectItemCaseSensitive(manifest, "injections") : NULL;
  if (st == FW_OK) cJSON_ArrayForEach(inj, minj) {
    cJSON *copy = cJSON_Duplicate(inj, true);
    if (!copy) continue;
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "recurred");
    fw__json_bool(copy, "recurred", recurred(inj, col.obs, col.nobs));
    cJSON_AddItemToArray(injections, copy);
  }
  fw__json_str(cs, "run_id", run_id ? run_id : "");
  fw__json_str(cs, "now", now);
  fw__json_int(cs, "violations", (long long)nrecorded);
  fw__json_add(cs, "observations", arr);
  fw__json_add(cs, "unclassified", unc);
  fw__json_add(cs, "injections", injections);
  fw__json_add(cs, "unclassifiable_errors", msgs);
  const cJSON *tests = smoke ? cJSON_GetObjectItemCaseSensitive(smoke, "tests") : NULL;
  if (tests) fw__json_add(cs, "tests", cJSON_Duplicate(tests, true)); /* a report's counts, kept with the run */
  if (st == FW_OK) {
    *changeset_json = cJSON_PrintUnformatted(cs);
    if (!*changeset_json) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  cJSON_Delete(cs);
  collector_free(&col);
  fw_free(used);
  fw_free(trace_items);
  fw_strmap_free(&cursor);
  cJSON_Delete(smoke);
  cJSON_Delete(manifest);
  return st;
}
