/*
 * util.c - allocation hooks, error filling, the string buffer, UTF-8 checking and hashing.
 * Everything the core allocates goes through the hooks so WASM, failing-allocator tests and
 * sanitizers plug in at one place.
 */
#include "internal.h"

#include "arena.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fw_allocator hooks = {malloc, realloc, free};

void fw_set_allocator(const fw_allocator *allocator) {
  if (allocator && allocator->malloc_fn && allocator->realloc_fn && allocator->free_fn) {
    hooks = *allocator;
  } else {
    hooks.malloc_fn = malloc;
    hooks.realloc_fn = realloc;
    hooks.free_fn = free;
  }
  fw__json_hooks_install(); /* cJSON allocates through these hooks, or a classifier's arena */
}

void *fw_malloc(size_t size) { return hooks.malloc_fn(size ? size : 1); }
void fw_free(void *ptr) {
  if (ptr) hooks.free_fn(ptr);
}
void *fw__realloc(void *ptr, size_t size) { return hooks.realloc_fn(ptr, size ? size : 1); }

char *fw__strndup(const char *s, size_t n) {
  char *d = fw_malloc(n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *fw__strdup(const char *s) { return fw__strndup(s, strlen(s)); }

const char *fw_version(void) { return FW_VERSION_STRING; }

const char *fw_status_name(fw_status status) {
  switch (status) {
  case FW_OK: return "ok";
  case FW_ERR_NOMEM: return "nomem";
  case FW_ERR_ARG: return "argument";
  case FW_ERR_JSON: return "json";
  case FW_ERR_SCHEMA: return "schema";
  case FW_ERR_UTF8: return "utf8";
  case FW_ERR_TOO_LARGE: return "too_large";
  case FW_ERR_EMPTY: return "empty";
  case FW_ERR_RULE_COMPILE: return "rule_compile";
  case FW_ERR_RULE_LIMIT: return "rule_limit";
  case FW_ERR_NEO4J: return "neo4j";
  case FW_ERR_BUDGET: return "budget";
  case FW_ERR_XML: return "xml";
  }
  return "unknown";
}

void fw__error_clear(fw_error *err) {
  if (!err) return;
  err->code = FW_OK;
  err->message[0] = err->path[0] = err->rule_id[0] = err->server_code[0] = '\0';
}

void fw__set_rule(fw_error *err, const char *rule_id) {
  if (err) snprintf(err->rule_id, sizeof err->rule_id, "%s", rule_id);
}

static void set_message(fw_error *err, const char *fmt, va_list ap) {
  vsnprintf(err->message, sizeof err->message, fmt, ap);
}

fw_status fw__fail(fw_error *err, fw_status code, const char *fmt, ...) {
  if (err) {
    fw__error_clear(err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, fmt, ap);
    va_end(ap);
  }
  return code;
}

fw_status fw__fail_path(fw_error *err, fw_status code, const char *path, const char *fmt, ...) {
  if (err) {
    fw__error_clear(err);
    err->code = code;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "$");
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(err->message, sizeof err->message, "%.150s: %.350s", err->path, detail);
  }
  return code;
}

void fw_buf_init(fw_buf *b) { memset(b, 0, sizeof *b); }
void fw_buf_free(fw_buf *b) {
  fw_free(b->data);
  fw_buf_init(b);
}
void fw_buf_nul_to_space(fw_buf *b) {
  for (char *p = b->data ? memchr(b->data, '\0', b->len) : NULL; p; p = memchr(p, '\0', (size_t)(b->data + b->len - p)))
    *p = ' ';
}

void fw_buf_reset(fw_buf *b) {
  b->len = 0;
  b->failed = false;
  if (b->data) b->data[0] = '\0';
}

bool fw_buf_reserve(fw_buf *b, size_t extra) {
  if (b->failed) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  char *d = fw__realloc(b->data, cap);
  if (!d) {
    b->failed = true;
    return false;
  }
  b->data = d;
  b->cap = cap;
  d[b->len] = '\0'; /* a fresh buffer is the empty string already */
  return true;
}

void fw_buf_append(fw_buf *b, const char *s, size_t n) {
  if (!fw_buf_reserve(b, n)) return;
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}
void fw_buf_puts(fw_buf *b, const char *s) { fw_buf_append(b, s, strlen(s)); }
void fw__buf_putc_slow(fw_buf *b, char c) { fw_buf_append(b, &c, 1); }

void fw_buf_printf(fw_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || !fw_buf_reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *fw_buf_take(fw_buf *b) {
  if (b->failed) {
    fw_buf_free(b);
    return NULL;
  }
  char *s = b->data ? b->data : fw__strndup("", 0);
  fw_buf_init(b);
  return s;
}

size_t fw__utf8_invalid_at(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    /* ASCII fast path, eight bytes at a time: error texts are nearly all ASCII */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    unsigned min;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + need >= n) return i; /* truncated sequence */
    for (size_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += need + 1;
  }
  return (size_t)-1;
}

size_t fw__utf8_floor(const char *s, size_t at) {
  while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80) at--;
  return at;
}

uint64_t fw__fnv1a64(const void *data, size_t n, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t h = seed;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

void fw__join(char *out, size_t cap, const char *const *parts, size_t nparts) {
  size_t at = 0;
  for (size_t i = 0; i < nparts; i++) {
    size_t n = parts[i] ? strlen(parts[i]) : 0;
    if (n > cap - 1 - at) n = cap - 1 - at;
    if (n) memcpy(out + at, parts[i], n);
    at += n;
  }
  out[at] = '\0';
}

size_t fw__find(const char *s, size_t n, const char *needle, size_t m) {
  if (m == 0) return 0;
  const char *p = s, *end = s + n;
  while ((size_t)(end - p) >= m) {
    p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
    if (!p) break;
    if (memcmp(p, needle, m) == 0) return (size_t)(p - s);
    p++;
  }
  return (size_t)-1;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

bool fw__ieq(const char *a, const char *b) {
  while (*a && *b) {
    if (lower(*a++) != lower(*b++)) return false;
  }
  return *a == *b;
}

bool fw__ieqn(const char *a, size_t an, const char *b) {
  size_t i = 0;
  for (; i < an && b[i]; i++) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return i == an && b[i] == '\0';
}

fw_status fw_json_pretty(const char *json, size_t len, char **out, fw_error *err) {
  if (!json || !out) return fw__fail(err, FW_ERR_ARG, "json and out are required");
  *out = NULL;
  cJSON *doc = cJSON_ParseWithLength(json, len);
  if (!doc) return fw__fail(err, FW_ERR_JSON, "not valid JSON");
  *out = cJSON_Print(doc);
  cJSON_Delete(doc);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}
