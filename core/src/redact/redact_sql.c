/*
 * redact_sql.c - SQL parameters bound to a secret-named column, as SQLAlchemy logs them:
 *   [SQL: INSERT INTO users (email, password_hash) VALUES (?, ?)]
 *   [parameters: ('bob@x.org', 'pbkdf2:sha256:...')]
 * A tuple carries no names, so no regex can tell which value is the password: the statement's
 * column list (INSERT) or the column compared with each placeholder (UPDATE ... SET c = ?,
 * WHERE c = %s) names it. Named parameters ({'password': ...}) are already covered by the
 * secret-pair patterns of the rule pack. The column words are those of those patterns.
 */
#include "redact.h"

#include <string.h>

#define MAX_PLACEHOLDERS 512
#define MAX_SCAN (256u * 1024u) /* a statement and its parameters are read this far at most */

/* memmem, which C11 lacks. */
static const char *find(const char *hay, size_t n, const char *needle, size_t m) {
  for (size_t i = 0; i + m <= n; i++)
    if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0) return hay + i;
  return NULL;
}

static bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool contains_ci(const char *s, size_t n, const char *word) {
  size_t m = strlen(word);
  for (size_t i = 0; i + m <= n; i++) {
    size_t k = 0;
    while (k < m && (s[i + k] | 0x20) == word[k]) k++;
    if (k == m) return true;
  }
  return false;
}

/* The placeholder for a value bound to column name[0..n), or NULL when the name is not secret. */
static const char *secret_kind(const char *name, size_t n) {
  static const char *const passwords[] = {"password", "passwd", "passphrase", "pwd"};
  static const char *const secrets[] = {"secret", "api_key", "apikey", "access_key", "private_key", "session_id"};
  for (size_t i = 0; i < sizeof passwords / sizeof *passwords; i++)
    if (contains_ci(name, n, passwords[i])) return "<password>";
  for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
    if (contains_ci(name, n, secrets[i])) return "<secret>";
  /* "token" but not "tokens" (a count) */
  for (size_t i = 0; i + 5 <= n; i++)
    if (contains_ci(name + i, 5, "token") && !(i + 5 < n && (name[i + 5] | 0x20) == 's')) return "<secret>";
  return NULL;
}

typedef struct span {
  size_t at, len;
} span;

/* The identifier ending just before s[end] (skipping quotes), as a span; len 0 when none. */
static span ident_before(const char *s, size_t end) {
  while (end > 0 && (s[end - 1] == '"' || s[end - 1] == '`' || s[end - 1] == ']')) end--;
  size_t start = end;
  while (start > 0 && ident_char(s[start - 1])) start--;
  return (span){start, end - start};
}

/* The column a placeholder at s[at] is compared with or assigned to: "col = ?", "col <> %s",
 * "col LIKE ?", "col IN (?". */
static span compared_column(const char *s, size_t at) {
  size_t i = at;
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '(')) i--;
  size_t op = i;
  while (i > 0 && (s[i - 1] == '=' || s[i - 1] == '<' || s[i - 1] == '>' || s[i - 1] == '!')) i--;
  if (i == op) { /* a word operator */
    size_t w = i;
    while (w > 0 && ident_char(s[w - 1])) w--;
    bool like = i - w == 4 && contains_ci(s + w, 4, "like"), in = i - w == 2 && contains_ci(s + w, 2, "in");
    if (!like && !in) return (span){0, 0};
    i = w;
  }
  while (i > 0 && s[i - 1] == ' ') i--;
  return ident_before(s, i);
}

/* The columns of "INSERT INTO t (a, b, c) VALUES", or 0. */
static size_t insert_columns(const char *s, size_t n, span *cols, size_t cap) {
  if (n < 12 || !contains_ci(s, 6, "insert")) return 0;
  const char *open = memchr(s, '(', n);
  const char *values = NULL;
  for (size_t i = 0; i + 6 <= n && !values; i++)
    if (contains_ci(s + i, 6, "values")) values = s + i;
  if (!open || !values || open > values) return 0;
  size_t count = 0, at = (size_t)(open - s) + 1;
  for (size_t i = at; i < (size_t)(values - s) && count < cap; i++) {
    if (s[i] != ',' && s[i] != ')') continue;
    size_t e = i;
    while (e > at && s[e - 1] == ' ') e--;
    cols[count++] = ident_before(s, e);
    if (s[i] == ')') break;
    at = i + 1;
  }
  return count;
}

/* Placeholders of the statement in order: where each is and which column it goes to. */
static size_t statement_columns(const char *s, size_t n, span *out, size_t cap) {
  span cols[MAX_PLACEHOLDERS];
  size_t ncols = insert_columns(s, n, cols, MAX_PLACEHOLDERS);
  const char *values = NULL;
  for (size_t i = 0; ncols && i + 6 <= n && !values; i++)
    if (contains_ci(s + i, 6, "values")) values = s + i;
  size_t count = 0, in_values = 0;
  char quote = 0;
  for (size_t i = 0; i < n && count < cap; i++) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'') {
      quote = c;
      continue;
    }
    bool qmark = c == '?', pct = c == '%' && i + 1 < n && s[i + 1] == 's',
         dollar = c == '$' && i + 1 < n && s[i + 1] >= '1' && s[i + 1] <= '9';
    if (!qmark && !pct && !dollar) continue;
    if (values && s + i > values) out[count++] = cols[in_values++ % ncols];
    else out[count++] = compared_column(s, i);
  }
  return count;
}

/* The values of one parameter tuple starting at s[at] == '(' (or a bare list of values up to
 * the closing ']'): spans of each top-level value; *end is past the tuple. */
static size_t tuple_values(const char *s, size_t n, size_t at, span *vals, size_t cap, size_t *end) {
  bool paren = s[at] == '(';
  size_t i = paren ? at + 1 : at, start = i, count = 0;
  int depth = 0;
  char quote = 0;
  for (; i < n; i++) {
    char c = s[i];
    if (quote) {
      if (c == '\\') i++;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    else if (c == '(' || c == '[' || c == '{') depth++;
    else if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
    else if (depth == 0 && (c == ',' || c == ')' || c == ']')) {
      size_t a = start, b = i;
      while (a < b && s[a] == ' ') a++;
      while (b > a && s[b - 1] == ' ') b--;
      if (b > a && count < cap) vals[count++] = (span){a, b - a};
      start = i + 1;
      if (c != ',') break;
    }
  }
  *end = i < n ? i + 1 : n;
  return count;
}

/* Write the replacement of one value: quotes kept, content replaced. */
static void put_value(fw_buf *out, const char *v, size_t n, const char *placeholder) {
  size_t q = 0;
  while (q < n && q < 2 && (v[q] == 'b' || v[q] == 'r' || v[q] == 'u' || v[q] == 'B' || v[q] == 'R')) q++;
  if (q < n && (v[q] == '\'' || v[q] == '"')) {
    fw_buf_append(out, v, q + 1);
    fw_buf_puts(out, placeholder);
    fw_buf_putc(out, v[q]);
  } else {
    fw_buf_puts(out, placeholder);
  }
}

static bool is_null(const char *v, size_t n) {
  return (n == 4 && memcmp(v, "None", 4) == 0) || (n == 4 && contains_ci(v, 4, "null"));
}

/* Redact the parameters that follow one statement s[0..sn) at p[0..pn) into out; how many. */
static size_t redact_parameters(const char *stmt, size_t sn, const char *p, size_t pn, fw_buf *out, size_t *used) {
  span cols[MAX_PLACEHOLDERS], vals[MAX_PLACEHOLDERS];
  size_t ncols = statement_columns(stmt, sn, cols, MAX_PLACEHOLDERS), count = 0, at = 0, copied = 0;
  *used = 0;
  if (!ncols || !pn || (p[0] != '(' && p[0] != '[')) return 0;
  bool many = p[0] == '[' && pn > 1 && p[1] == '('; /* executemany: [(...), (...)] */
  if (many) at = 1;
  do {
    while (at < pn && (p[at] == ' ' || p[at] == ',')) at++;
    if (at >= pn || p[at] != '(') break;
    size_t end;
    size_t nv = tuple_values(p, pn, at, vals, MAX_PLACEHOLDERS, &end);
    for (size_t k = 0; k < nv && k < ncols; k++) {
      const char *kind = cols[k].len ? secret_kind(stmt + cols[k].at, cols[k].len) : NULL;
      if (!kind || is_null(p + vals[k].at, vals[k].len) || memchr(p + vals[k].at, '<', vals[k].len)) continue;
      fw_buf_append(out, p + copied, vals[k].at - copied);
      put_value(out, p + vals[k].at, vals[k].len, kind);
      copied = vals[k].at + vals[k].len;
      count++;
    }
    at = end;
  } while (many && at < pn && p[at] != ']');
  *used = copied;
  return count;
}

size_t fw__redact_sql_parameters(fw_buf *buf, fw_buf *out) {
  static const char sql[] = "[SQL: ", params[] = "[parameters: ";
  const char *s = buf->data;
  size_t n = buf->len, copied = 0, total = 0;
  fw_buf_reset(out);
  for (const char *at = s; (at = find(at, (size_t)(s + n - at), sql, sizeof sql - 1)) != NULL;) {
    const char *stmt = at + sizeof sql - 1;
    size_t window = (size_t)(s + n - stmt) < MAX_SCAN ? (size_t)(s + n - stmt) : MAX_SCAN;
    const char *pm = find(stmt, window, params, sizeof params - 1);
    at = stmt;
    if (!pm) continue;
    const char *close = pm;
    while (close > stmt && close[-1] != ']') close--; /* the statement's closing bracket */
    if (close == stmt) continue;
    const char *p = pm + sizeof params - 1;
    size_t pn = (size_t)(s + n - p) < MAX_SCAN ? (size_t)(s + n - p) : MAX_SCAN;
    fw_buf_append(out, s + copied, (size_t)(p - s) - copied);
    size_t used;
    size_t k = redact_parameters(stmt, (size_t)(close - 1 - stmt), p, pn, out, &used);
    total += k;
    copied = (size_t)(p - s) + used;
    at = p;
  }
  if (!total) return 0;
  fw_buf_append(out, s + copied, n - copied);
  return total;
}
