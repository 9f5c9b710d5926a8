/*
 * internal.h - shared helpers of the core: allocation through the hooks, error filling, a
 * growable string buffer, UTF-8 checking and hashing. Not part of the public API.
 */
#ifndef FW_INTERNAL_H
#define FW_INTERNAL_H

#include "forewarn.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define FW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FW_PRINTF(a, b)
#endif

void *fw__realloc(void *ptr, size_t size);
char *fw__strndup(const char *s, size_t n);
char *fw__strdup(const char *s);

/* Fill err (when not NULL) and return code, so callers can `return fw__fail(...)`. */
fw_status fw__fail(fw_error *err, fw_status code, const char *fmt, ...) FW_PRINTF(3, 4);
fw_status fw__fail_path(fw_error *err, fw_status code, const char *path, const char *fmt, ...)
    FW_PRINTF(4, 5);
void fw__error_clear(fw_error *err);
/* Record which rule an error is about (no-op when err is NULL). */
void fw__set_rule(fw_error *err, const char *rule_id);

/* Growable NUL-terminated byte buffer. On allocation failure it sets `failed` and keeps going
 * quietly, so builders check once at the end. */
typedef struct fw_buf {
  char *data;
  size_t len;
  size_t cap;
  bool failed;
} fw_buf;

void fw_buf_init(fw_buf *b);
void fw_buf_free(fw_buf *b);
void fw_buf_reset(fw_buf *b);
/* NUL bytes (binary junk in a log, a \u0000 decoded) become spaces: the core reads its texts as
 * C strings, where a NUL would silently end the text. */
void fw_buf_nul_to_space(fw_buf *b);
/* Room for extra more bytes (and the NUL); false once allocation failed. */
bool fw_buf_reserve(fw_buf *b, size_t extra);
void fw_buf_append(fw_buf *b, const char *s, size_t n);
void fw_buf_puts(fw_buf *b, const char *s);
void fw__buf_putc_slow(fw_buf *b, char c);
static inline void fw_buf_putc(fw_buf *b, char c) {
  if (b->len + 2 <= b->cap && !b->failed) {
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
  } else {
    fw__buf_putc_slow(b, c);
  }
}
void fw_buf_printf(fw_buf *b, const char *fmt, ...) FW_PRINTF(2, 3);
/* Hand the buffer's string to the caller (empty string when nothing was written). */
char *fw_buf_take(fw_buf *b);

/* Offset of the first invalid UTF-8 sequence, or (size_t)-1 when the text is valid. */
size_t fw__utf8_invalid_at(const char *s, size_t n);

/* Largest offset <= at that is not inside a UTF-8 sequence. */
size_t fw__utf8_floor(const char *s, size_t at);

/* FNV-1a 64-bit: small, fast and identical on every platform and build. */
uint64_t fw__fnv1a64(const void *data, size_t n, uint64_t seed);
#define FW_FNV_SEED 0xcbf29ce484222325ULL

struct cJSON;
/* Validate a parsed SmokeTestResult (smoke.c). */
fw_status fw__smoke_check(const struct cJSON *doc, fw_error *err);

/* snprintf(out, cap, "%s%s...", parts...) without the format machinery (a few calls a record
 * added up): the parts joined, NULL ones as "", cut to cap - 1 bytes. cap > 0. */
void fw__join(char *out, size_t cap, const char *const *parts, size_t nparts);

/* Offset of needle in s[0,n), or (size_t)-1. Subjects are not NUL-terminated. */
size_t fw__find(const char *s, size_t n, const char *needle, size_t m);

/* ASCII helpers that ignore the C locale. */
bool fw__ieq(const char *a, const char *b);
bool fw__ieqn(const char *a, size_t an, const char *b);

#endif
