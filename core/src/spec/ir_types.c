/*
 * ir_types.c - field types as people write them, mapped onto the IR's canonical types: Python
 * annotations (str, Optional[int], list[str], Decimal, EmailStr), SQL (VARCHAR(120), NUMERIC(10,2),
 * TIMESTAMP WITH TIME ZONE), TypeScript / Prisma (string, Int, DateTime, String?), JSON Schema
 * (string with a format, integer, array). The table is docs/formats.md's "Field types".
 */
#include "ir_internal.h"

#include <stdio.h>
#include <string.h>

/* Spellings of each canonical type, compared without case once the wrapper (Optional[...],
 * "| None", "?", a size in parentheses) is off. */
static const struct {
  const char *canonical;
  const char *spellings[14];
} table[] = {
    {"string", {"string", "str", "varchar", "character varying", "char", "character", "nvarchar", "nchar",
                "citext", "bytes", "constr", NULL}},
    {"text", {"text", "longtext", "mediumtext", "tinytext", "clob", NULL}},
    {"integer", {"integer", "int", "int4", "smallint", "int2", "serial", "smallserial", "tinyint", "mediumint",
                 "conint", "positiveint", "nonnegativeint", NULL}},
    {"bigint", {"bigint", "int8", "bigserial", "long", NULL}},
    {"float", {"float", "number", "real", "double", "double precision", "float4", "float8", "confloat", NULL}},
    {"decimal", {"decimal", "numeric", "money", "condecimal", NULL}},
    {"boolean", {"boolean", "bool", "bit", NULL}},
    {"datetime", {"datetime", "timestamp", "timestamptz", "timestamp with time zone",
                  "timestamp without time zone", "date-time", "awaredatetime", "naivedatetime", NULL}},
    {"date", {"date", NULL}},
    {"time", {"time", "timetz", "time with time zone", "time without time zone", NULL}},
    {"uuid", {"uuid", "uuid4", "uniqueidentifier", NULL}},
    {"json", {"json", "jsonb", "dict", "object", "array", "list", "set", "tuple", "any", "mapping", NULL}},
    {"email", {"email", "emailstr", "nameemail", NULL}},
    {"url", {"url", "uri", "httpurl", "anyurl", "anyhttpurl", NULL}},
    {"enum", {"enum", "literal", NULL}},
};

static bool ieq_n(const char *a, size_t n, const char *b) {
  if (strlen(b) != n) return false;
  for (size_t i = 0; i < n; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

static void trim(const char **s, size_t *n) {
  while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

/* Strip a prefix "typing." / "pydantic." / "sa." / "datetime." / "decimal." / "uuid.". */
static void strip_module(const char **s, size_t *n) {
  const char *dot = NULL;
  for (size_t i = 0; i < *n && (*s)[i] != '[' && (*s)[i] != '('; i++)
    if ((*s)[i] == '.') dot = *s + i;
  if (dot) {
    *n -= (size_t)(dot + 1 - *s);
    *s = dot + 1;
  }
}

/* Inner type of "Name[...]" when the name is one of the wrappers; else false. */
static bool unwrap(const char **s, size_t *n, const char *wrapper) {
  size_t w = strlen(wrapper);
  if (*n < w + 2 || (*s)[*n - 1] != ']' || (*s)[w] != '[' || !ieq_n(*s, w, wrapper)) return false;
  *s += w + 1;
  *n -= w + 2;
  trim(s, n);
  return true;
}

/* Of two members a and b, the one that is not None (null, undefined) when exactly one is: the
 * type of "X | None" and Union[None, X]. */
static bool other_than_none(const char *a, size_t an, const char *b, size_t bn, const char **s, size_t *n) {
  trim(&a, &an);
  trim(&b, &bn);
  bool a_none = ieq_n(a, an, "none") || ieq_n(a, an, "null") || ieq_n(a, an, "undefined");
  bool b_none = ieq_n(b, bn, "none") || ieq_n(b, bn, "null") || ieq_n(b, bn, "undefined");
  if (a_none == b_none) return false;
  *s = a_none ? b : a;
  *n = a_none ? bn : an;
  return true;
}

fw_ir_type fw__ir_type(const char *raw) {
  fw_ir_type t = {NULL, false, -1};
  const char *s = raw;
  size_t n = strlen(raw);
  trim(&s, &n);
  for (int guard = 0; guard < 4; guard++) { /* wrappers: Optional[X], X | None, X?, Annotated[X, ...] */
    strip_module(&s, &n);
    if (unwrap(&s, &n, "optional")) {
      t.nullable = true;
      continue;
    }
    const char *us = s;
    size_t un = n;
    if (unwrap(&us, &un, "union")) { /* Union[X, None] / Union[None, X]; any other Union is unknown */
      const char *comma = NULL;
      int depth = 0, commas = 0;
      for (size_t i = 0; i < un; i++) {
        if (us[i] == '[') depth++;
        else if (us[i] == ']') depth--;
        else if (us[i] == ',' && depth == 0 && ++commas == 1) comma = us + i;
      }
      if (commas == 1 && other_than_none(us, (size_t)(comma - us), comma + 1, un - (size_t)(comma - us) - 1, &s, &n)) {
        t.nullable = true;
        continue;
      }
      break;
    }
    if (unwrap(&s, &n, "annotated")) {
      const char *comma = memchr(s, ',', n);
      if (comma) n = (size_t)(comma - s);
      trim(&s, &n);
      continue;
    }
    if (n > 1 && s[n - 1] == '?') { /* Prisma, TypeScript */
      t.nullable = true;
      n--;
      continue;
    }
    const char *bar = memchr(s, '|', n);
    if (bar && other_than_none(s, (size_t)(bar - s), bar + 1, n - (size_t)(bar - s) - 1, &s, &n)) { /* "X | None" */
      t.nullable = true;
      continue;
    }
    break;
  }
  /* containers: list[X], List[X], X[] are JSON arrays; Literal[...] an enum */
  if (n > 2 && s[n - 2] == '[' && s[n - 1] == ']') {
    t.canonical = "json";
    return t;
  }
  const char *open = memchr(s, '[', n);
  const char *paren = memchr(s, '(', n);
  size_t base = open ? (size_t)(open - s) : paren ? (size_t)(paren - s) : n;
  if (paren && !open) { /* VARCHAR(120), NUMERIC(10,2) */
    long size = -1;
    if (sscanf(paren + 1, "%ld", &size) == 1 && size > 0) t.max_length = size;
  }
  const char *name = s;
  size_t nn = base;
  trim(&name, &nn);
  for (size_t i = 0; i < sizeof table / sizeof *table && !t.canonical; i++)
    for (size_t k = 0; table[i].spellings[k] && !t.canonical; k++)
      if (ieq_n(name, nn, table[i].spellings[k])) t.canonical = table[i].canonical;
  /* only text types keep a size as max_length (NUMERIC(10,2) is a precision) */
  if (!t.canonical || strcmp(t.canonical, "string") != 0) t.max_length = -1;
  return t;
}

const char *fw__ir_type_for_format(const char *format) {
  static const char *const formats[][2] = {{"date-time", "datetime"}, {"date", "date"}, {"time", "time"},
                                           {"uuid", "uuid"},          {"email", "email"}, {"uri", "url"},
                                           {"url", "url"},            {"int64", "bigint"}, {"decimal", "decimal"}};
  for (size_t i = 0; format && i < sizeof formats / sizeof *formats; i++)
    if (strcmp(format, formats[i][0]) == 0) return formats[i][1];
  return NULL;
}
