/* junit_internal.h - a JUnit XML report read into its test cases (junit.c), the endpoint each
 * case hit (junit_endpoint.c), and the SmokeTestResult made of them (junit_smoke.c). */
#ifndef FW_JUNIT_INTERNAL_H
#define FW_JUNIT_INTERNAL_H

#include "internal.h"

#include <pcre2.h>

struct fw_ir;

/* Bounds: the text kept per case (failure body, its output), and element nesting. */
#define FW_JUNIT_MAX_TEXT ((size_t)1 << 20)
#define FW_JUNIT_MAX_DEPTH 64

typedef struct fw_junit_case {
  char *name, *classname;
  char *message; /* the failure's or error's type and message attribute ("AssertionError: ...") */
  fw_buf body;   /* the failure's or error's text */
  fw_buf out;    /* the case's system-out and system-err (and its suite's, when it alone failed) */
  bool failed, errored, skipped;
} fw_junit_case;

typedef struct fw_junit_report {
  fw_junit_case **cases;
  size_t ncases, capcases;
  char *suite_name, *timestamp; /* of the first suite that has them */
  fw_buf suite_out_buf;         /* the open suite's own system-out/err */
} fw_junit_report;

/* Parse one document into rep (appending: several reports make one run). */
fw_status fw__junit_parse(const char *xml, size_t len, fw_junit_report *rep, fw_error *err);
fw_junit_case *fw__junit_add_case(fw_junit_report *rep);
void fw__junit_end_suite(fw_junit_report *rep, size_t first_case);
void fw__junit_report_free(fw_junit_report *rep);

/* The patterns that find a request in a case's text, compiled once per report. */
typedef struct fw_junit_matchers {
  pcre2_code *request_line, *mockmvc;
} fw_junit_matchers;
fw_status fw__junit_matchers_init(fw_junit_matchers *m, fw_error *err);
void fw__junit_matchers_free(fw_junit_matchers *m);

/* "METHOD /path" of the request a failed case made, into out (cap bytes), or "" when neither its
 * text nor its name tells (rules in docs/formats.md, "JUnit XML"). */
void fw__junit_endpoint(const fw_junit_case *c, const struct fw_ir *ir, const fw_junit_matchers *m, char *out, size_t cap);

#endif
