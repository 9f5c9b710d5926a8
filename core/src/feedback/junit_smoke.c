/*
 * junit_smoke.c - JUnit XML reports as one SmokeTestResult (fw_junit_to_smoke): a violation per
 * failed or errored case, with its text and endpoint, and the run's test counts. The collector
 * then treats it like any other smoke run, so reports and JSON results share every later step.
 */
#include "ir_internal.h"
#include "json_out.h"
#include "junit_internal.h"

#include <stdio.h>
#include <string.h>

bool fw_junit_detect(const char *text, size_t len) {
  size_t i = 0;
  if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) i = 3;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) i++;
  return i < len && text[i] == '<'; /* no JSON document starts with '<' */
}

/* What the classifier reads: the message, the failure's text, then the case's output. */
static char *case_text(const fw_junit_case *c) {
  fw_buf t;
  fw_buf_init(&t);
  if (c->message && c->message[0]) fw_buf_printf(&t, "%s\n", c->message);
  if (c->body.len) {
    fw_buf_append(&t, c->body.data, c->body.len);
    fw_buf_putc(&t, '\n');
  }
  if (c->out.len) fw_buf_append(&t, c->out.data, c->out.len);
  if (!t.len) fw_buf_puts(&t, ""); /* an empty <failure/>: still a violation */
  return fw_buf_take(&t);
}

/* The message's first line, as the violation's message (its full text is the traceback). */
static cJSON *first_line(const char *s) {
  size_t n = strcspn(s, "\r\n");
  if (n > 500) n = 500;
  char *line = fw__strndup(s, n);
  cJSON *j = line ? cJSON_CreateString(line) : NULL;
  fw_free(line);
  return j;
}

static cJSON *violation(const fw_junit_case *c, const fw_ir *ir, const fw_junit_matchers *m) {
  cJSON *v = cJSON_CreateObject();
  char *text = case_text(c);
  if (!v || !text) {
    cJSON_Delete(v);
    fw_free(text);
    return NULL;
  }
  fw_buf test;
  fw_buf_init(&test);
  if (c->classname[0]) fw_buf_printf(&test, "%s::", c->classname);
  fw_buf_puts(&test, c->name);
  char endpoint[300];
  endpoint[0] = '\0';
  fw__junit_endpoint(c, ir, m, endpoint, sizeof endpoint);
  fw__json_add(v, "test", cJSON_CreateString(test.data ? test.data : ""));
  if (endpoint[0]) fw__json_add(v, "endpoint", cJSON_CreateString(endpoint));
  fw__json_add(v, "outcome", cJSON_CreateString(c->errored ? "error" : "failure"));
  fw__json_add(v, "message", first_line(c->message ? c->message : text));
  fw__json_add(v, "traceback", cJSON_CreateString(text));
  fw_buf_free(&test);
  fw_free(text);
  return v;
}

static void default_run_id(const fw_junit_report *rep, const char *const *docs, const size_t *lens, size_t ndocs,
                           char *out, size_t cap) {
  const char *suite = rep->suite_name ? rep->suite_name : "junit";
  if (rep->timestamp) {
    snprintf(out, cap, "%.100s@%.40s", suite, rep->timestamp);
    return;
  }
  /* no timestamp (Surefire writes none): the reports' own hash, so ingesting them again is
   * recognised as the same run */
  uint64_t h = FW_FNV_SEED;
  for (size_t i = 0; i < ndocs; i++) h = fw__fnv1a64(docs[i], lens[i], h);
  snprintf(out, cap, "%.100s@%016llx", suite, (unsigned long long)h);
}

fw_status fw_junit_to_smoke(const char *const *docs, const size_t *lens, size_t ndocs, const char *run_id,
                            const fw_ir *ir, char **smoke_json, fw_error *err) {
  if (!docs || !lens || !ndocs || !smoke_json) return fw__fail(err, FW_ERR_ARG, "docs, lens (at least one) and smoke_json are required");
  *smoke_json = NULL;
  fw_junit_report rep;
  memset(&rep, 0, sizeof rep);
  fw_status st = FW_OK;
  for (size_t i = 0; i < ndocs && st == FW_OK; i++) {
    if (!docs[i]) st = fw__fail(err, FW_ERR_ARG, "JUnit XML: the report is NULL");
    else if (!lens[i]) st = fw__fail(err, FW_ERR_EMPTY, "JUnit XML: the report is empty");
    else if (fw__utf8_invalid_at(docs[i], lens[i]) != (size_t)-1)
      st = fw__fail(err, FW_ERR_UTF8, "JUnit XML: invalid UTF-8 at byte %zu", fw__utf8_invalid_at(docs[i], lens[i]));
    else st = fw__junit_parse(docs[i], lens[i], &rep, err);
    if (st != FW_OK && ndocs > 1 && err) { /* which of the reports */
      char msg[sizeof err->message];
      snprintf(msg, sizeof msg, "report %zu of %zu: %s", i + 1, ndocs, err->message);
      memcpy(err->message, msg, sizeof msg);
    }
  }
  fw_junit_matchers m = {0};
  if (st == FW_OK) st = fw__junit_matchers_init(&m, err);
  cJSON *doc = st == FW_OK ? cJSON_CreateObject() : NULL;
  if (st == FW_OK && !doc) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (st == FW_OK) {
    char rid[160];
    if (run_id && run_id[0]) snprintf(rid, sizeof rid, "%s", run_id);
    else default_run_id(&rep, docs, lens, ndocs, rid, sizeof rid);
    fw__json_str(doc, "run_id", rid);
    fw__json_str(doc, "source", "junit");
    long long failed = 0, errors = 0, skipped = 0;
    cJSON *vs = cJSON_CreateArray();
    for (size_t i = 0; i < rep.ncases; i++) {
      const fw_junit_case *c = rep.cases[i];
      if (c->failed || c->errored) {
        cJSON *v = violation(c, ir, &m);
        if (!v || !cJSON_AddItemToArray(vs, v)) {
          cJSON_Delete(v);
          st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
          break;
        }
        if (c->errored) errors++;
        else failed++;
      } else if (c->skipped) {
        skipped++;
      }
    }
    cJSON *tests = cJSON_CreateObject();
    fw__json_int(tests, "total", (long long)rep.ncases);
    fw__json_int(tests, "passed", (long long)rep.ncases - failed - errors - skipped);
    fw__json_int(tests, "failed", failed);
    fw__json_int(tests, "errors", errors);
    fw__json_int(tests, "skipped", skipped);
    fw__json_add(doc, "tests", tests);
    fw__json_add(doc, "violations", vs);
    fw__json_add(doc, "stack_traces", cJSON_CreateArray());
  }
  if (st == FW_OK && !(*smoke_json = cJSON_PrintUnformatted(doc))) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  cJSON_Delete(doc);
  fw__junit_matchers_free(&m);
  fw__junit_report_free(&rep);
  return st;
}
