/*
 * traceback.c - finds the exceptions in a prepared text: Python traceback tails (chained ones
 * too), one-line exceptions, "(module.Class) message" wrapper lines, Node "Name [Class]: msg",
 * Java "Caused by: x.Y: msg". Each exception gets the span of its message block: its line plus
 * continuation lines (DETAIL, Pydantic error lines), ending before frames, SQL echoes and the
 * next exception.
 */
#include "classify_internal.h"

#include <string.h>

static bool ends_with(const char *s, size_t n, const char *suffix) {
  size_t m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

/* A class name at the start of a line may be any CamelCase name (UniqueViolation,
 * MissingGreenlet); inside a line only names that say they are errors count, so prose like
 * "Note:" or "Detail:" never becomes an exception. */
static bool plausible_class(const char *s, size_t n, bool at_line_start) {
  const char *last = s;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.') last = s + i + 1;
  }
  size_t ln = n - (size_t)(last - s);
  if (ln == 0 || !is_upper(last[0])) return false;
  if (ends_with(last, ln, "Error") || ends_with(last, ln, "Exception") ||
      ends_with(last, ln, "Warning") || ends_with(last, ln, "Violation"))
    return true;
  if (!at_line_start) return false;
  int upper = 0, lower = 0;
  for (size_t i = 0; i < ln; i++) {
    upper += is_upper(last[i]);
    lower += is_lower(last[i]);
  }
  return upper >= 2 && lower >= 1;
}

/* What may stand between a line start and an exception class: indentation, pytest's "E",
 * a REPL or diff marker, Java's "Caused by:", an opening brace. */
static bool line_start_prefix(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  if (i < n && (s[i] == 'E' || s[i] == '>' || s[i] == '{' || s[i] == '|')) {
    i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  }
  if (n - i >= 10 && memcmp(s + i, "Caused by:", 10) == 0) {
    i += 10;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  }
  return i == n;
}

static size_t line_start_of(const char *s, size_t at) {
  while (at > 0 && s[at - 1] != '\n') at--;
  return at;
}

static size_t line_end_of(const char *s, size_t n, size_t at) {
  const char *nl = memchr(s + at, '\n', n - at);
  return nl ? (size_t)(nl - s) : n;
}

static bool starts_with_at(const char *s, size_t n, size_t at, const char *word) {
  size_t m = strlen(word);
  return at + m <= n && memcmp(s + at, word, m) == 0;
}

/* Lines that end a message block. */
static bool block_stop_line(const char *s, size_t n, size_t ls, size_t le) {
  size_t i = ls;
  while (i < le && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
  if (i == le) return true; /* blank line */
  static const char *const stops[] = {"File \"", "at ", "Traceback (most recent call last)",
                                      "During handling of the above exception",
                                      "The above exception was the direct cause", "[SQL:",
                                      "[parameters:", "(Background on this error", "^^^^", "~~~~"};
  for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
    /* Jackson's "at [Source: ...; line: 1] (through reference chain: ...)" continues its
     * message (the chain names the field); a frame is "at " and a name */
    if (starts_with_at(s, n, i, stops[k])) return !(k == 1 && starts_with_at(s, n, i, "at [Source:"));
  }
  return false;
}

static void copy_name(char *dst, const char *s, size_t n) {
  if (n >= FW_CLASS_MAX) n = FW_CLASS_MAX - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

static bool is_name_char(char c) {
  return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* "(sqlite3.IntegrityError) msg" and "<class 'asyncpg....Error'>: msg" name the wrapped
 * driver exception; move the message start past them. */
static void parse_inner(const char *s, fw_exception *e) {
  size_t p = e->msg_start;
  if (p < e->msg_end && s[p] == '(') {
    size_t q = p + 1;
    while (q < e->msg_end && is_name_char(s[q])) q++;
    if (q < e->msg_end && s[q] == ')' && q > p + 1 && q + 1 < e->msg_end && s[q + 1] == ' ') {
      copy_name(e->inner, s + p + 1, q - p - 1);
      p = q + 2;
    }
  }
  static const char open[] = "<class '";
  if (p + sizeof open - 1 < e->msg_end && memcmp(s + p, open, sizeof open - 1) == 0) {
    size_t q = p + sizeof open - 1, start = q;
    while (q < e->msg_end && is_name_char(s[q])) q++;
    if (q + 3 <= e->msg_end && memcmp(s + q, "'>:", 3) == 0) {
      copy_name(e->inner, s + start, q - start);
      p = q + 3;
      while (p < e->msg_end && s[p] == ' ') p++;
    }
  }
  e->msg_start = p;
}

/* What may stand between the start of a "Class: msg" match and its ':' (the class, a "[Name]",
 * blanks); bytes of UTF-8 sequences too, a superset is only slower. */
static bool class_run_char(unsigned char c) {
  return is_name_char((char)c) || c == '[' || c == ']' || c == ' ' || c == '\t' || c >= 0x80;
}

/* The exception-line regex on s[at, line_end), tried only where it can start. Scanning every
 * position of long lines (SQL echoes, JSON bodies) was most of the parser's time. A "Class: msg"
 * match starting at p uses the first ':' after p with only class_run_char bytes before it, so
 * for each ':' in turn the regex starts at the run before it and may not start past it
 * (PCRE2_USE_OFFSET_LIMIT); "(module.Class) msg" can only start at the line start. The first
 * hit is the one a plain scan from `at` finds. */
static int match_exception_line(fw_classifier *cl, const char *s, size_t line_end, size_t at) {
  const pcre2_code *re = cl->rules->exception_line;
  int rc = 0;
  if (at == 0 || s[at - 1] == '\n') {
    size_t i = at;
    while (i < line_end && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i < line_end && s[i] == '(') {
      pcre2_set_offset_limit(cl->mctx, at);
      rc = fw__match(cl, re, s, line_end, at);
    }
  }
  for (size_t from = at; rc == 0 && from < line_end;) {
    const char *colon = memchr(s + from, ':', line_end - from);
    if (!colon) break;
    size_t c = (size_t)(colon - s), start = c;
    while (start > from && class_run_char((unsigned char)s[start - 1])) start--;
    pcre2_set_offset_limit(cl->mctx, c);
    rc = fw__match(cl, re, s, line_end, start);
    from = c + 1;
  }
  pcre2_set_offset_limit(cl->mctx, PCRE2_UNSET); /* the other patterns refuse one */
  return rc;
}

fw_status fw__parse_exceptions(fw_classifier *cl, fw_error *err) {
  const char *s = cl->work.data;
  size_t n = cl->work.len, at = 0;
  size_t line_starts[FW_MAX_EXCEPTIONS];
  cl->nexc = 0;
  size_t line_end = 0;
  while (at < n) {
    /* only lines with a ':' or opening with '(' can hold an exception; a match never crosses a
     * line, so each candidate line is matched alone */
    if (at >= line_end) {
      for (;;) {
        line_end = line_end_of(s, n, at);
        if (memchr(s + at, ':', line_end - at)) break;
        size_t i = at;
        while (i < line_end && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i < line_end && s[i] == '(') break;
        at = line_end + 1;
        if (at >= n) break;
      }
      if (at >= n) break;
    }
    int rc = match_exception_line(cl, s, line_end, at);
    if (rc < 0) return fw__fail(err, FW_ERR_RULE_LIMIT, "exception scanner ran past its limit");
    if (rc == 0) {
      at = line_end + 1;
      continue;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(cl->md);
    size_t cs = ov[2], ce = ov[3], msg = ov[6];
    size_t ls = line_start_of(s, cs);
    bool at_start = line_start_prefix(s + ls, cs - ls);
    bool bracket = ov[4] != PCRE2_UNSET && ov[5] > ov[4];
    const char *name = bracket ? s + ov[4] : s + cs;
    size_t name_len = bracket ? ov[5] - ov[4] : ce - cs;
    bool paren_form = ce < n && s[ce] == ')'; /* the "(module.Class) msg" form */
    if (!paren_form && !plausible_class(name, name_len, at_start)) {
      at = ce; /* a later token on the same line may still be the exception */
      continue;
    }
    if (cl->nexc == FW_MAX_EXCEPTIONS) { /* keep the latest ones: the end of a log matters */
      memmove(cl->exc, cl->exc + 1, sizeof cl->exc[0] * (FW_MAX_EXCEPTIONS - 1));
      memmove(line_starts, line_starts + 1, sizeof line_starts[0] * (FW_MAX_EXCEPTIONS - 1));
      cl->nexc--;
    }
    fw_exception *e = &cl->exc[cl->nexc];
    copy_name(e->cls, name, name_len);
    e->inner[0] = '\0';
    e->msg_start = msg;
    e->msg_end = line_end_of(s, n, msg);
    line_starts[cl->nexc] = ls;
    cl->nexc++;
    at = e->msg_end;
  }
  for (size_t k = 0; k < cl->nexc; k++) {
    fw_exception *e = &cl->exc[k];
    size_t limit = k + 1 < cl->nexc ? line_starts[k + 1] : n;
    size_t end = e->msg_end, lines = 1;
    while (end < limit && lines < FW_BLOCK_MAX_LINES && end - e->msg_start < FW_BLOCK_MAX_BYTES) {
      size_t ls = end + 1;
      if (ls >= limit) break;
      size_t le = line_end_of(s, n, ls);
      if (le > limit) le = limit;
      if (block_stop_line(s, n, ls, le)) break;
      end = le;
      lines++;
    }
    if (end - e->msg_start > FW_BLOCK_MAX_BYTES)
      end = fw__utf8_floor(s, e->msg_start + FW_BLOCK_MAX_BYTES);
    /* one-line SQLAlchemy messages carry the statement inline */
    size_t sql = fw__find(s + e->msg_start, end - e->msg_start, "[SQL:", 5);
    if (sql != (size_t)-1) sql += e->msg_start;
    if (sql != (size_t)-1) end = sql;
    while (end > e->msg_start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
      end--;
    e->msg_end = end;
    parse_inner(s, e);
  }
  return FW_OK;
}
