/* redact.c - see redact.h. The substitution itself is PCRE2's (pcre2_substitute). */
#include "redact.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_internal.h"

static void redaction_clear(fw_redaction *r) {
  fw_free(r->id);
  pcre2_code_free(r->re);
  fw_free(r->replace);
  for (size_t i = 0; i < r->nrequires; i++) fw_free(r->requires[i]);
  fw_free(r->requires);
  fw_free(r->requires_len);
}

void fw__redactions_free(fw_redactions *r) {
  for (size_t i = 0; i < r->n; i++) redaction_clear(&r->list[i]);
  fw_free(r->list);
  r->list = NULL;
  r->n = 0;
}

static bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The first "$n", "${n}", "$name" or "${name}" of a replacement that names no group of re. */
static const char *unknown_group(const pcre2_code *re, const char *rep) {
  uint32_t groups = 0;
  pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
  for (const char *p = rep; *p; p++) {
    if (*p != '$') continue;
    if (p[1] == '$') {
      p++;
      continue;
    }
    const char *q = p + 1;
    bool braced = *q == '{';
    if (braced) q++;
    char name[64];
    size_t n = 0;
    while (is_word(q[n]) && n + 1 < sizeof name) {
      name[n] = q[n];
      n++;
    }
    name[n] = '\0';
    if (!n || (braced && q[n] != '}')) return p;
    if (name[0] >= '0' && name[0] <= '9') {
      if ((uint32_t)strtoul(name, NULL, 10) > groups) return p;
    } else if (pcre2_substring_number_from_name(re, (PCRE2_SPTR)name) < 0) {
      return p;
    }
  }
  return NULL;
}

static fw_status parse_one(const cJSON *item, size_t k, fw_redaction *out, fw_error *err) {
  char path[48];
  snprintf(path, sizeof path, "$.redact[%zu]", k);
  memset(out, 0, sizeof *out);
  if (!cJSON_IsObject(item)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object");
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
  const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(item, "pattern");
  const cJSON *replace = cJSON_GetObjectItemCaseSensitive(item, "replace");
  const cJSON *req = cJSON_GetObjectItemCaseSensitive(item, "requires");
  if (!cJSON_IsString(id) || !id->valuestring[0])
    return fw__fail_path(err, FW_ERR_SCHEMA, path, "\"id\" must be a non-empty string");
  if (!cJSON_IsString(pattern) || !pattern->valuestring[0])
    return fw__fail_path(err, FW_ERR_SCHEMA, path, "redaction '%s': \"pattern\" must be a non-empty regex string", id->valuestring);
  if (replace && !cJSON_IsString(replace))
    return fw__fail_path(err, FW_ERR_SCHEMA, path, "redaction '%s': \"replace\" must be a string", id->valuestring);
  if (req && !cJSON_IsArray(req))
    return fw__fail_path(err, FW_ERR_SCHEMA, path, "redaction '%s': \"requires\" must be an array of strings", id->valuestring);
  out->id = fw__strdup(id->valuestring);
  out->replace = fw__strdup(replace ? replace->valuestring : "<secret>");
  if (!out->id || !out->replace) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  out->re = fw__regex_compile(pattern->valuestring, err, id->valuestring);
  if (!out->re) return FW_ERR_RULE_COMPILE;
  size_t n = req ? (size_t)cJSON_GetArraySize(req) : 0;
  if (n) {
    out->requires = fw_malloc(sizeof *out->requires * n);
    out->requires_len = fw_malloc(sizeof *out->requires_len * n);
    if (!out->requires || !out->requires_len) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    const cJSON *lit;
    cJSON_ArrayForEach(lit, req) {
      if (!cJSON_IsString(lit) || !lit->valuestring[0])
        return fw__fail_path(err, FW_ERR_SCHEMA, path, "redaction '%s': \"requires\" entries must be non-empty strings", out->id);
      char *copy = fw__strdup(lit->valuestring);
      if (!copy) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
      out->requires_len[out->nrequires] = strlen(copy);
      out->requires[out->nrequires++] = copy;
    }
  }
  /* a reference to a group the pattern lacks ($9 of a pattern with one group) is found now,
   * not on the first text that matches */
  const char *bad = unknown_group(out->re, out->replace);
  if (bad)
    return fw__fail_path(err, FW_ERR_RULE_COMPILE, path, "redaction '%s': \"replace\" refers to a group the pattern does not have: %s", out->id, bad);
  return FW_OK;
}

fw_status fw__redactions_parse(const cJSON *arr, fw_redactions *out, fw_error *err) {
  out->list = NULL;
  out->n = 0;
  if (!cJSON_IsArray(arr)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.redact", "expected an array");
  size_t n = (size_t)cJSON_GetArraySize(arr);
  out->list = fw_malloc(sizeof *out->list * (n ? n : 1));
  if (!out->list) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  const cJSON *item;
  cJSON_ArrayForEach(item, arr) {
    fw_status st = parse_one(item, out->n, &out->list[out->n], err);
    out->n++;
    if (st != FW_OK) {
      fw__redactions_free(out);
      return st;
    }
  }
  return FW_OK;
}

bool fw__redactions_prepend(fw_redactions *into, fw_redactions *add) {
  if (!add->n) return true;
  fw_redaction *merged = fw_malloc(sizeof *merged * (into->n + add->n));
  if (!merged) return false;
  memcpy(merged, add->list, sizeof *merged * add->n);
  if (into->n) memcpy(merged + add->n, into->list, sizeof *merged * into->n);
  fw_free(into->list);
  fw_free(add->list);
  into->list = merged;
  into->n += add->n;
  add->list = NULL;
  add->n = 0;
  return true;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* Does a literal occur in s, ASCII case ignored? */
static bool contains_ci(const char *s, size_t n, const char *lit, size_t m) {
  if (m > n) return false;
  char first = lower(lit[0]);
  for (size_t i = 0; i + m <= n; i++) {
    if (lower(s[i]) != first) continue;
    size_t k = 1;
    while (k < m && lower(s[i + k]) == lower(lit[k])) k++;
    if (k == m) return true;
  }
  return false;
}

static bool requires_met(const fw_redaction *r, const char *s, size_t n) {
  if (!r->nrequires) return true;
  for (size_t i = 0; i < r->nrequires; i++)
    if (contains_ci(s, n, r->requires[i], r->requires_len[i])) return true;
  return false;
}

fw_status fw__redact_buf(fw_classifier *cl, fw_buf *buf, size_t *count, fw_error *err) {
  const fw_redactions *all = &cl->rules->redactions;
  /* first the positional SQL parameters, named by their statement's columns (redact_sql.c),
   * while the statement is as it was logged */
  size_t total = buf->len ? fw__redact_sql_parameters(buf, &cl->scratch) : 0;
  if (cl->scratch.failed) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (total) {
    fw_buf tmp = *buf;
    *buf = cl->scratch;
    cl->scratch = tmp;
  }
  for (size_t i = 0; i < all->n && buf->len; i++) {
    const fw_redaction *r = &all->list[i];
    if (fw__budget_spent(cl)) return fw__budget_fail(cl, err);
    if (!requires_met(r, buf->data, buf->len)) continue;
    fw_buf *out = &cl->scratch;
    /* the result is rarely much longer: placeholders are short; PCRE2 says when it is */
    size_t cap = buf->len + buf->len / 4 + 64;
    int rc;
    for (;;) {
      fw_buf_reset(out);
      if (!fw_buf_reserve(out, cap)) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
      PCRE2_SIZE outlen = cap;
      rc = pcre2_substitute(r->re, (PCRE2_SPTR)buf->data, buf->len, 0,
                            PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | PCRE2_NO_UTF_CHECK,
                            cl->md, cl->mctx, (PCRE2_SPTR)r->replace, PCRE2_ZERO_TERMINATED,
                            (PCRE2_UCHAR *)out->data, &outlen);
      if (rc == PCRE2_ERROR_NOMEMORY) {
        cap = outlen + 1;
        continue;
      }
      if (rc > 0) out->len = outlen;
      break;
    }
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
        rc == PCRE2_ERROR_JIT_STACKLIMIT) {
      fw__fail(err, FW_ERR_RULE_LIMIT, "redaction '%s' exceeded the regex match limit on this input", r->id);
      fw__set_rule(err, r->id);
      return FW_ERR_RULE_LIMIT;
    }
    if (rc < 0) {
      PCRE2_UCHAR msg[160];
      pcre2_get_error_message(rc, msg, sizeof msg);
      return fw__fail(err, FW_ERR_RULE_LIMIT, "redaction '%s' failed: %s", r->id, (const char *)msg);
    }
    if (rc == 0) continue;
    total += (size_t)rc;
    fw_buf tmp = *buf; /* swap: the result becomes the text, the old text the scratch */
    *buf = *out;
    *out = tmp;
  }
  if (count) *count = total;
  return FW_OK;
}

fw_status fw_redact(fw_classifier *cl, const char *text, size_t len, char **out, size_t *count,
                    fw_error *err) {
  if (!cl || !out || (!text && len)) return fw__fail(err, FW_ERR_ARG, "classifier, text and out are required");
  *out = NULL;
  if (count) *count = 0;
  if (fw__utf8_invalid_at(text, len) != (size_t)-1) return fw__fail(err, FW_ERR_UTF8, "text is not valid UTF-8");
  fw_buf b;
  fw_buf_init(&b);
  fw_buf_append(&b, text ? text : "", len);
  if (b.failed) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  fw_buf_nul_to_space(&b);
  fw__budget_start(cl, 0, len);
  fw_status st = fw__redact_buf(cl, &b, count, err);
  if (st == FW_OK && !(*out = fw_buf_take(&b))) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  fw_buf_free(&b);
  return st;
}
