/*
 * junit.c - JUnit XML test reports (pytest --junitxml, jest-junit, Maven Surefire, Gradle,
 * go-junit-report) read as a SmokeTestResult: each failed or errored testcase is a violation
 * whose text is its failure/error message and body and its own system-out/system-err; passed and
 * skipped cases are counted. Parsed with Expat (a real XML parser, in the core so that WASM has
 * it too); a DOCTYPE is refused outright, so no entity is ever declared, expanded or fetched.
 * The endpoint of a case comes from junit_endpoint.c.
 */
#include "junit_internal.h"
#include "json_out.h"

#include <expat.h>
#include <stdio.h>
#include <string.h>

static const char *attr(const XML_Char **atts, const char *name) {
  for (size_t i = 0; atts && atts[i]; i += 2) {
    if (strcmp(atts[i], name) == 0) return atts[i + 1];
  }
  return NULL;
}

/* Where character data goes while inside an element. */
enum sink { SINK_NONE, SINK_FAILURE, SINK_CASE_OUT, SINK_SUITE_OUT };

typedef struct reader {
  XML_Parser parser;
  fw_error *err;
  fw_status status;
  int depth, suite_depth;
  fw_junit_report *report;
  fw_junit_case *kase;        /* the open testcase, or NULL */
  enum sink sink;
  fw_buf *suite_out;          /* the innermost open suite's system-out/err */
  size_t suite_first_case;    /* index of its first case, to hand its output to a lone failure */
} reader;

static void stop(reader *r, fw_status st, const char *fmt, const char *arg) {
  if (r->status != FW_OK) return;
  r->status = fw__fail(r->err, st, fmt, arg ? arg : "");
  XML_StopParser(r->parser, XML_FALSE);
}

static char *dup_or_empty(const char *s) { return fw__strdup(s ? s : ""); }

/* Character data is kept up to a bound per buffer: a report's logs can be large, the error is
 * at their start (an assertion, the first exception) or in the failure body. */
static void append_bounded(fw_buf *b, const char *s, size_t n) {
  if (b->len >= FW_JUNIT_MAX_TEXT) return;
  if (n > FW_JUNIT_MAX_TEXT - b->len) n = FW_JUNIT_MAX_TEXT - b->len;
  fw_buf_append(b, s, n);
}

static void on_start(void *ud, const XML_Char *el, const XML_Char **atts) {
  reader *r = ud;
  if (++r->depth > FW_JUNIT_MAX_DEPTH) {
    stop(r, FW_ERR_SCHEMA, "JUnit XML: elements nested deeper than %s", "64");
    return;
  }
  fw_junit_report *rep = r->report;
  if (r->depth == 1 && strcmp(el, "testsuites") != 0 && strcmp(el, "testsuite") != 0) {
    stop(r, FW_ERR_SCHEMA, "JUnit XML: the root element is <%s>, expected <testsuites> or <testsuite>", el);
    return;
  }
  if (strcmp(el, "testsuite") == 0 || (strcmp(el, "testsuites") == 0 && r->depth == 1)) {
    const char *name = attr(atts, "name"), *ts = attr(atts, "timestamp");
    if (name && name[0] && !rep->suite_name) rep->suite_name = fw__strdup(name);
    if (ts && ts[0] && !rep->timestamp) rep->timestamp = fw__strdup(ts);
    if (strcmp(el, "testsuite") == 0) {
      fw_buf_reset(&rep->suite_out_buf);
      r->suite_out = &rep->suite_out_buf;
      r->suite_first_case = rep->ncases;
      r->suite_depth = r->depth;
    }
    return;
  }
  if (strcmp(el, "testcase") == 0) {
    if (r->kase) {
      stop(r, FW_ERR_SCHEMA, "JUnit XML: a <testcase> inside a <testcase>%s", NULL);
      return;
    }
    fw_junit_case *c = fw__junit_add_case(rep);
    if (!c || !(c->name = dup_or_empty(attr(atts, "name"))) || !(c->classname = dup_or_empty(attr(atts, "classname")))) {
      stop(r, FW_ERR_NOMEM, "out of memory%s", NULL);
      return;
    }
    r->kase = c;
    return;
  }
  if (!r->kase) {
    if ((strcmp(el, "system-out") == 0 || strcmp(el, "system-err") == 0) && r->suite_out) r->sink = SINK_SUITE_OUT;
    return;
  }
  if (strcmp(el, "failure") == 0 || strcmp(el, "error") == 0) {
    bool is_error = strcmp(el, "error") == 0;
    if (!r->kase->failed && !r->kase->errored) {
      const char *msg = attr(atts, "message"), *type = attr(atts, "type");
      fw_buf m;
      fw_buf_init(&m);
      if (type && type[0] && (!msg || !strstr(msg, type))) fw_buf_printf(&m, "%s: ", type);
      if (msg) fw_buf_puts(&m, msg);
      r->kase->message = fw_buf_take(&m);
      if (!r->kase->message) r->kase->message = fw__strdup("");
    } else if (r->kase->body.len) {
      append_bounded(&r->kase->body, "\n", 1); /* a second <failure> (several assertions) */
    }
    if (is_error) r->kase->errored = true;
    else r->kase->failed = true;
    r->sink = SINK_FAILURE;
  } else if (strcmp(el, "skipped") == 0) {
    r->kase->skipped = true;
  } else if (strcmp(el, "system-out") == 0 || strcmp(el, "system-err") == 0) {
    if (r->kase->out.len) append_bounded(&r->kase->out, "\n", 1);
    r->sink = SINK_CASE_OUT;
  }
  /* rerunFailure / flakyFailure (Surefire's reruns) and properties are not the outcome */
}

static void on_end(void *ud, const XML_Char *el) {
  reader *r = ud;
  r->depth--;
  if (strcmp(el, "testcase") == 0) {
    r->kase = NULL;
  } else if (strcmp(el, "testsuite") == 0 && r->depth + 1 == r->suite_depth) {
    fw__junit_end_suite(r->report, r->suite_first_case);
    r->suite_out = NULL;
  }
  r->sink = SINK_NONE;
}

static void on_text(void *ud, const XML_Char *s, int len) {
  reader *r = ud;
  if (len <= 0) return;
  switch (r->sink) {
  case SINK_FAILURE: append_bounded(&r->kase->body, s, (size_t)len); break;
  case SINK_CASE_OUT: append_bounded(&r->kase->out, s, (size_t)len); break;
  case SINK_SUITE_OUT: append_bounded(r->suite_out, s, (size_t)len); break;
  default: break;
  }
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid, int has_internal) {
  (void)sysid, (void)pubid, (void)has_internal;
  stop(ud, FW_ERR_XML, "JUnit XML: a DOCTYPE (<!DOCTYPE %s ...>) is refused: DTDs and entity declarations are never read", name);
}

static void *xml_malloc(size_t n) { return fw_malloc(n); }
static void *xml_realloc(void *p, size_t n) { return fw__realloc(p, n); }
static void xml_free(void *p) { fw_free(p); }

fw_status fw__junit_parse(const char *xml, size_t len, fw_junit_report *rep, fw_error *err) {
  if (len > (size_t)0x7fffffff) return fw__fail(err, FW_ERR_TOO_LARGE, "JUnit XML: %zu bytes is more than Expat takes in one piece", len);
  const XML_Memory_Handling_Suite mem = {xml_malloc, xml_realloc, xml_free};
  XML_Parser p = XML_ParserCreate_MM("UTF-8", &mem, NULL);
  if (!p) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  reader r;
  memset(&r, 0, sizeof r);
  r.parser = p;
  r.err = err;
  r.report = rep;
  XML_SetUserData(p, &r);
  XML_SetElementHandler(p, on_start, on_end);
  XML_SetCharacterDataHandler(p, on_text);
  XML_SetStartDoctypeDeclHandler(p, on_doctype);
  if (XML_Parse(p, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR && r.status == FW_OK) {
    r.status = fw__fail(err, FW_ERR_XML, "JUnit XML: %s at line %lu, column %lu", XML_ErrorString(XML_GetErrorCode(p)),
                        (unsigned long)XML_GetCurrentLineNumber(p), (unsigned long)XML_GetCurrentColumnNumber(p) + 1);
  }
  XML_ParserFree(p);
  return r.status;
}

/* ---- The report ---------------------------------------------------------------------------- */

fw_junit_case *fw__junit_add_case(fw_junit_report *rep) {
  if (rep->ncases == rep->capcases) {
    size_t cap = rep->capcases ? rep->capcases * 2 : 16;
    fw_junit_case **bigger = fw__realloc(rep->cases, sizeof *bigger * cap);
    if (!bigger) return NULL;
    rep->cases = bigger;
    rep->capcases = cap;
  }
  fw_junit_case *c = fw_malloc(sizeof *c);
  if (!c) return NULL;
  memset(c, 0, sizeof *c);
  fw_buf_init(&c->body);
  fw_buf_init(&c->out);
  rep->cases[rep->ncases++] = c;
  return c;
}

/* A suite's own system-out/err (jest-junit puts the console there) goes to its failing case
 * when there is exactly one: with several it cannot be told whose it is. */
void fw__junit_end_suite(fw_junit_report *rep, size_t first) {
  fw_junit_case *only = NULL;
  size_t failing = 0;
  for (size_t i = first; i < rep->ncases; i++) {
    if (rep->cases[i]->failed || rep->cases[i]->errored) {
      only = rep->cases[i];
      failing++;
    }
  }
  if (failing == 1 && rep->suite_out_buf.len) {
    if (only->out.len) append_bounded(&only->out, "\n", 1);
    append_bounded(&only->out, rep->suite_out_buf.data, rep->suite_out_buf.len);
  }
  fw_buf_reset(&rep->suite_out_buf);
}

void fw__junit_report_free(fw_junit_report *rep) {
  for (size_t i = 0; i < rep->ncases; i++) {
    fw_junit_case *c = rep->cases[i];
    fw_free(c->name);
    fw_free(c->classname);
    fw_free(c->message);
    fw_buf_free(&c->body);
    fw_buf_free(&c->out);
    fw_free(c);
  }
  fw_free(rep->cases);
  fw_free(rep->suite_name);
  fw_free(rep->timestamp);
  fw_buf_free(&rep->suite_out_buf);
  memset(rep, 0, sizeof *rep);
}

