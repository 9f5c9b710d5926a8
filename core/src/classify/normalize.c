/*
 * normalize.c - turns a message into its template (Sentry-style parameterisation: emails, URLs,
 * UUIDs, dates, hex, paths, quoted values and numbers become <placeholders>) and, in the same
 * pass, into error_message_pattern: a PCRE2 regex that matches the message and its variants.
 */
#include "normalize_internal.h"

#include <string.h>

#define TEMPLATE_MAX_LINES 4
#define TEMPLATE_MAX_BYTES 600

static const char *placeholder_regex(const char *mark) {
  if (strcmp(mark, "num") == 0) return "-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?";
  if (strcmp(mark, "str") == 0)
    return "(?:'(?:[^'\"\\\\\\n]|\\\\.)*'|\"(?:[^\"'\\\\\\n]|\\\\.)*\"|`[^`\\n]*`)";
  if (strcmp(mark, "uuid") == 0) return "[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}";
  if (strcmp(mark, "hex") == 0) return "(?:0x)?[0-9a-fA-F]+";
  if (strcmp(mark, "date") == 0) return "\\d{4}-\\d\\d-\\d\\d(?:[T ][\\d:.,]+(?:Z|[+-]\\d\\d:?\\d\\d)?)?";
  if (strcmp(mark, "ip") == 0) return "\\d{1,3}(?:\\.\\d{1,3}){3}";
  if (strcmp(mark, "time") == 0) return "\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?";
  return "\\S+"; /* email, url, path */
}

/* Bytes escaped in the regex: its metacharacters, '/', and NUL (as strchr() on this set did). */
static const bool regex_special[256] = {
    ['\\'] = 1, ['^'] = 1, ['$'] = 1, ['.'] = 1, ['|'] = 1, ['?'] = 1, ['*'] = 1, ['+'] = 1,
    ['('] = 1,  [')'] = 1, ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, ['/'] = 1, [0] = 1};

static void append_literal_regex(fw_buf *re, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && !regex_special[(unsigned char)s[run]]) run++;
    fw_buf_append(re, s + i, run - i); /* the plain run at once */
    if (run == n) break;
    fw_buf_putc(re, '\\');
    fw_buf_putc(re, s[run]);
    i = run + 1;
  }
}

/* Literal text: whitespace runs collapse to one space in the template and to \s+ in the regex,
 * so re-wrapped or re-indented variants stay one group. */
static void append_literal(fw_buf *tpl, fw_buf *re, const char *s, size_t n, bool *in_space) {
  size_t i = 0;
  while (i < n) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
      size_t j = i;
      bool newline = false;
      while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) {
        newline |= s[j] == '\n';
        j++;
      }
      if (!*in_space) {
        fw_buf_putc(tpl, newline ? '\n' : ' ');
        if (re) fw_buf_puts(re, "\\s+");
      }
      *in_space = true;
      i = j;
      continue;
    }
    size_t j = i;
    while (j < n && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) j++;
    fw_buf_append(tpl, s + i, j - i);
    if (re) append_literal_regex(re, s + i, j - i);
    *in_space = false;
    i = j;
  }
}

/* Up to where the full masks are needed: the last '@', ":/" or ":\\" of s[0,n) (the email, URL
 * and drive-letter masks cannot match past it); (size_t)-1 when there is none. */
static size_t last_special(const char *s, size_t n) {
  for (size_t i = n; i-- > 0;) {
    if (s[i] == '@') return i;
    if (s[i] == ':' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '\\')) return i;
  }
  return (size_t)-1;
}

fw_status fw__normalize(const pcre2_code *full, const pcre2_code *lite, pcre2_match_data *md,
                        pcre2_match_context *mctx, const char *s, size_t n, fw_buf *tpl,
                        fw_buf *re) {
  /* leading/trailing whitespace never distinguishes two errors */
  while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
  /* bound the work: a template is a few lines */
  size_t lines = 0, cut = 0;
  while (cut < n && cut < TEMPLATE_MAX_BYTES) {
    if (s[cut] == '\n' && ++lines == TEMPLATE_MAX_LINES) break;
    cut++;
  }
  n = fw__utf8_floor(s, cut < n ? cut : n);
  if (re) fw_buf_putc(re, '^');
  size_t at = 0, special = lite ? last_special(s, n) : 0;
  bool in_space = false;
  while (at < n) {
    /* each match starts at or after `at`: past the last special the lite masks find the same */
    bool need_full = !lite || (special != (size_t)-1 && at <= special);
    int rc = fw__regex_match(need_full ? full : lite, s, n, at, md, mctx);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) return FW_ERR_RULE_LIMIT;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (ov[1] == ov[0]) { /* cannot happen with these masks, but never loop forever */
      at = ov[1] + 1;
      continue;
    }
    append_literal(tpl, re, s + at, ov[0] - at, &in_space);
    const char *mark = (const char *)pcre2_get_mark(md);
    fw_buf_putc(tpl, '<');
    fw_buf_puts(tpl, mark ? mark : "var");
    fw_buf_putc(tpl, '>');
    if (re) fw_buf_puts(re, placeholder_regex(mark ? mark : ""));
    in_space = false;
    at = ov[1];
  }
  if (at < n) append_literal(tpl, re, s + at, n - at, &in_space);
  return (tpl->failed || (re && re->failed)) ? FW_ERR_NOMEM : FW_OK;
}

fw_status fw_normalize_message(const char *message, size_t len, char **out, fw_error *err) {
  if (!message || !out) return fw__fail(err, FW_ERR_ARG, "message and out are required");
  *out = NULL;
  if (fw__utf8_invalid_at(message, len) != (size_t)-1)
    return fw__fail(err, FW_ERR_UTF8, "message is not valid UTF-8");
  pcre2_code *re = fw__regex_compile(fw__normalizer_pattern, err, "normalizer");
  if (!re) return FW_ERR_RULE_COMPILE;
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  fw_buf tpl;
  fw_buf_init(&tpl);
  fw_status st = md ? fw__normalize(re, NULL, md, NULL, message, len, &tpl, NULL) : FW_ERR_NOMEM;
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  if (st != FW_OK) {
    fw_buf_free(&tpl);
    return fw__fail(err, st, "normalizing the message failed");
  }
  *out = fw_buf_take(&tpl);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}
