/*
 * smoke.c - validates a SmokeTestResult: run_id, violations (endpoint "METHOD /path",
 * status_code, expected_status, error_type, message; from a test report also test, outcome and
 * its own traceback, and no endpoint when none could be told), stack_traces (endpoint,
 * traceback) and the run's test counts.
 */
#include "internal.h"
#include "json_in.h"
#include "json_out.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static bool valid_endpoint(const char *s) {
  const char *sp = strchr(s, ' ');
  if (!sp || sp == s || sp[1] != '/') return false;
  for (const char *p = s; p < sp; p++) {
    if (!(*p >= 'A' && *p <= 'Z')) return false;
  }
  return true;
}

static fw_status check_string(const cJSON *o, const char *key, const char *path, bool required,
                              fw_error *err) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  char p[160];
  snprintf(p, sizeof p, "%s.%s", path, key);
  if (!v || cJSON_IsNull(v))
    return required ? fw__fail_path(err, FW_ERR_SCHEMA, p, "required string is missing") : FW_OK;
  if (!cJSON_IsString(v)) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a string");
  if (strcmp(key, "endpoint") == 0 && !valid_endpoint(v->valuestring))
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected \"METHOD /path\", got \"%.60s\"",
                         v->valuestring);
  return FW_OK;
}

static fw_status check_status(const cJSON *o, const char *key, const char *path, fw_error *err) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!v || cJSON_IsNull(v)) return FW_OK;
  char p[160];
  snprintf(p, sizeof p, "%s.%s", path, key);
  if (!cJSON_IsNumber(v) || v->valuedouble < 100 || v->valuedouble > 599 ||
      v->valuedouble != (double)(int)v->valuedouble)
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected an HTTP status between 100 and 599");
  return FW_OK;
}

static fw_status check_list(const cJSON *doc, const char *key, bool violations, fw_error *err) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, key);
  char path[160];
  snprintf(path, sizeof path, "$.%s", key);
  if (!arr) return FW_OK;
  if (!cJSON_IsArray(arr)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an array");
  size_t i = 0;
  const cJSON *item;
  fw_status st;
  cJSON_ArrayForEach(item, arr) {
    snprintf(path, sizeof path, "$.%s[%zu]", key, i++);
    if (!cJSON_IsObject(item)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object");
    if ((st = check_string(item, "endpoint", path, !violations, err)) != FW_OK) return st;
    if (violations) {
      if ((st = check_string(item, "traceback", path, false, err)) != FW_OK) return st;
      if ((st = check_string(item, "test", path, false, err)) != FW_OK) return st;
      if ((st = check_string(item, "outcome", path, false, err)) != FW_OK) return st;
      if ((st = check_status(item, "status_code", path, err)) != FW_OK) return st;
      if ((st = check_status(item, "expected_status", path, err)) != FW_OK) return st;
      if ((st = check_string(item, "error_type", path, false, err)) != FW_OK) return st;
      if ((st = check_string(item, "message", path, false, err)) != FW_OK) return st;
    } else if ((st = check_string(item, "traceback", path, true, err)) != FW_OK) {
      return st;
    }
  }
  return FW_OK;
}

fw_status fw__smoke_check(const cJSON *doc, fw_error *err) {
  if (!cJSON_IsObject(doc)) return fw__fail_path(err, FW_ERR_SCHEMA, "$", "expected an object");
  fw_status st = check_string(doc, "run_id", "$", true, err);
  if (st == FW_OK && !cJSON_GetObjectItemCaseSensitive(doc, "violations"))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$.violations", "required array is missing");
  if (st == FW_OK) st = check_list(doc, "violations", true, err);
  if (st == FW_OK) st = check_list(doc, "stack_traces", false, err);
  const cJSON *tests = cJSON_GetObjectItemCaseSensitive(doc, "tests");
  if (st == FW_OK && tests) {
    static const char *const counts[] = {"total", "passed", "failed", "errors", "skipped"};
    if (!cJSON_IsObject(tests)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.tests", "expected an object of counts");
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
      if (!fw__json_is_count_or_absent(tests, counts[i])) {
        char p[64];
        snprintf(p, sizeof p, "$.tests.%s", counts[i]);
        return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a whole number >= 0");
      }
    }
  }
  return st;
}

fw_status fw_smoke_validate(const char *json, size_t len, char **out_json, fw_error *err) {
  if (!json) return fw__fail(err, FW_ERR_ARG, "json is required");
  if (out_json) *out_json = NULL;
  cJSON *doc;
  fw_status st = fw__json_parse_input(json, len, "SmokeTestResult", &doc, err);
  if (st != FW_OK) return st;
  st = fw__smoke_check(doc, err);
  if (st == FW_OK && out_json) {
    *out_json = cJSON_PrintUnformatted(doc);
    if (!*out_json) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  cJSON_Delete(doc);
  return st;
}
