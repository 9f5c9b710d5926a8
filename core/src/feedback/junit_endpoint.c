/*
 * junit_endpoint.c - which endpoint a failed test case hit. Its text first: a request line in the
 * failure message or body ("POST /customers returned 500", an httpx "HTTP Request: POST
 * http://testserver/customers"), else the request Spring's MockMvc prints in the case's output,
 * else the last request line logged there. Then its name: "POST /customers" in the class name or
 * title (jest's describe), or test_<method>_<resource>... (pytest), matched against the spec's
 * endpoints when there is one. Else none: a wrong endpoint would tie the lesson to the wrong place.
 */
#include "ir_internal.h"
#include "junit_internal.h"
#include "rules_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const request_line =
    "\\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\\s+(?:https?://[^/\\s\"'<>]+)?(/[^\\s\"'<>?#,;)\\]]*)";
static const char *const mockmvc_request = "HTTP Method = ([A-Z]+)\\s+Request URI = (/[^\\s?#]*)";

/* A match inside a string literal of quoted source code (pytest lists the test's source,
 * `assert r.status_code == 201, f"POST /customers returned ..."`) names a request the code
 * could make, not the one that failed: a quote before it on its line. */
static bool in_source_literal(const char *s, size_t at) {
  for (size_t i = at; i > 0 && s[i - 1] != '\n'; i--) {
    if (s[i - 1] == '"' || s[i - 1] == '\'' || s[i - 1] == '`') return true;
  }
  return false;
}

/* The first (or last) match of re in s into out as "METHOD /path". */
static bool find_request(pcre2_code *re, const char *s, size_t n, bool last, char *out, size_t cap) {
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  if (!md) return false;
  bool found = false;
  size_t at = 0;
  while (at < n && pcre2_match(re, (PCRE2_SPTR)s, n, at, 0, md, NULL) >= 3) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (ov[1] <= at) break;
    at = ov[1];
    if (in_source_literal(s, ov[0])) continue;
    snprintf(out, cap, "%.*s %.*s", (int)(ov[3] - ov[2]), s + ov[2], (int)(ov[5] - ov[4]), s + ov[4]);
    found = true;
    if (!last) break;
  }
  pcre2_match_data_free(md);
  return found;
}

/* ---- From the test's name --------------------------------------------------------------- */

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* The name's words, lower case: "test_post_order_items_x" and "testPostOrderItemsX" both give
 * test post order items x. */
static size_t words_of(const char *name, char words[][48], size_t max) {
  size_t n = 0, w = 0;
  for (const char *c = name;; c++) {
    bool boundary = !*c || *c == '_' || *c == ' ' || *c == '-' || *c == '.' || (is_upper(*c) && c > name && is_lower(c[-1]));
    if (boundary && w) {
      words[n][w] = '\0';
      if (++n == max) return n;
      w = 0;
    }
    if (!*c) return n;
    if (*c == '_' || *c == ' ' || *c == '-' || *c == '.') continue;
    if (w + 1 < sizeof words[0]) words[n][w++] = is_upper(*c) ? (char)(*c - 'A' + 'a') : *c;
  }
}

/* A name's first word as a method: the method itself (pytest's test_post_customers_...) or the
 * CRUD verb a Java or JS test starts with (createCustomer_..., getProduct_...). */
static const struct {
  const char *word, *method, *alt;
} method_words[] = {
    {"get", "GET", NULL},     {"post", "POST", NULL},   {"put", "PUT", NULL},         {"patch", "PATCH", NULL},
    {"delete", "DELETE", NULL}, {"create", "POST", NULL}, {"add", "POST", NULL},      {"list", "GET", NULL},
    {"find", "GET", NULL},    {"fetch", "GET", NULL},   {"read", "GET", NULL},        {"update", "PUT", "PATCH"},
    {"remove", "DELETE", NULL},
};

/* A path segment and a word name the same resource: equal, or one the plural of the other. */
static bool same_resource(const char *seg, size_t n, const char *word) {
  size_t w = strlen(word);
  if (n == w) return fw__ieqn(seg, n, word);
  if (n == w + 1 && (seg[n - 1] == 's' || seg[n - 1] == 'S')) return fw__ieqn(seg, w, word);
  if (n == w + 2 && fw__ieqn(seg + w, 2, "es")) return fw__ieqn(seg, w, word);
  if (w > 1 && n == w + 2 && word[w - 1] == 'y' && fw__ieqn(seg + w - 1, 3, "ies")) return fw__ieqn(seg, w - 1, word);
  return false;
}

/* How many of the path's literal segments the words after the method name, in order (0 when one
 * of them is not named); *param says whether the path has a parameter. */
static size_t match_path(const char *path, char words[][48], size_t nwords, bool *param) {
  size_t matched = 0;
  *param = false;
  for (const char *s = path; *s;) {
    while (*s == '/') s++;
    const char *e = s;
    while (*e && *e != '/') e++;
    if (e == s) break;
    if (*s == '{' || *s == ':') {
      *param = true;
    } else {
      if (matched >= nwords || !same_resource(s, (size_t)(e - s), words[matched])) return 0;
      matched++;
    }
    s = e;
  }
  return matched;
}

static bool from_spec(const fw_ir *ir, const char *method, char words[][48], size_t nwords, char *out, size_t cap) {
  const fw_ir_endpoint *best = NULL;
  size_t best_n = 0;
  bool plural_word = nwords && words[0][strlen(words[0]) - 1] == 's';
  for (size_t i = 0; i < ir->nendpoints; i++) {
    const fw_ir_endpoint *ep = &ir->endpoints[i];
    if (!fw__ieq(ep->method, method)) continue;
    bool param;
    size_t n = match_path(ep->path, words, nwords, &param);
    if (!n) continue;
    bool better = n > best_n;
    if (n == best_n && best) {
      bool best_param = strchr(best->path, '{') != NULL || strchr(best->path, ':') != NULL;
      /* "get_order_..." is one order (/orders/{id}), "get_orders" the collection */
      better = best_param != param && param == !plural_word;
    }
    if (better) {
      best = ep;
      best_n = n;
    }
  }
  if (!best) return false;
  snprintf(out, cap, "%s %s", best->method, best->path);
  return true;
}

static bool from_name(const fw_junit_case *c, const fw_ir *ir, pcre2_code *line, char *out, size_t cap) {
  /* jest: describe('POST /customers') makes the class name and title start with it */
  if (find_request(line, c->classname, strlen(c->classname), false, out, cap)) return true;
  if (find_request(line, c->name, strlen(c->name), false, out, cap)) return true;
  char words[12][48];
  size_t n = words_of(c->name, words, 12);
  size_t at = n && strcmp(words[0], "test") == 0 ? 1 : 0;
  if (at >= n) return false;
  size_t verb = (size_t)-1;
  for (size_t i = 0; i < sizeof method_words / sizeof *method_words; i++) {
    if (strcmp(words[at], method_words[i].word) == 0) verb = i;
  }
  if (verb == (size_t)-1 || at + 1 >= n) return false;
  const char *method = method_words[verb].method, *alt = method_words[verb].alt;
  if (ir && ir->nendpoints)
    return from_spec(ir, method, &words[at + 1], n - at - 1, out, cap) ||
           (alt && from_spec(ir, alt, &words[at + 1], n - at - 1, out, cap));
  /* no spec: the word after the method is the resource, as the test names it */
  snprintf(out, cap, "%s /%s", method, words[at + 1]);
  return true;
}

/* pytest's error in a fixture ("failed on setup with ..."): the request that failed was the
 * fixture's, not the one the test's name promises. */
static bool fixture_error(const char *msg) {
  return strncmp(msg, "failed on setup with", 20) == 0 || strncmp(msg, "failed on teardown with", 23) == 0;
}

fw_status fw__junit_matchers_init(fw_junit_matchers *m, fw_error *err) {
  m->request_line = fw__regex_compile(request_line, err, "junit request line");
  m->mockmvc = m->request_line ? fw__regex_compile(mockmvc_request, err, "junit MockMvc request") : NULL;
  if (m->mockmvc) return FW_OK;
  fw__junit_matchers_free(m);
  return err ? err->code : FW_ERR_NOMEM;
}

void fw__junit_matchers_free(fw_junit_matchers *m) {
  pcre2_code_free(m->request_line);
  pcre2_code_free(m->mockmvc);
  m->request_line = m->mockmvc = NULL;
}

void fw__junit_endpoint(const fw_junit_case *c, const fw_ir *ir, const fw_junit_matchers *m, char *out, size_t cap) {
  const char *msg = c->message ? c->message : "";
  bool found = find_request(m->request_line, msg, strlen(msg), false, out, cap) ||
               (c->body.data && find_request(m->request_line, c->body.data, c->body.len, false, out, cap)) ||
               (c->out.data && find_request(m->mockmvc, c->out.data, c->out.len, false, out, cap)) ||
               (c->out.data && find_request(m->request_line, c->out.data, c->out.len, true, out, cap)) ||
               (!fixture_error(msg) && from_name(c, ir, m->request_line, out, cap));
  if (!found) out[0] = '\0';
}
