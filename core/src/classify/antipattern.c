/*
 * antipattern.c - turns a classification into a GenerationAntiPattern: a stable pattern_id and
 * FastAPI + SQLAlchemy + Pydantic snippets rendered from the category's templates with the real
 * entity and field names.
 *
 * pattern_id = "ap1-" + FNV-1a-64 (hex) of a canonical key, fields separated by 0x1f:
 *   "1", category, then the subject: the IR entity and field when mapped, else the lower-cased
 *   table (schema dropped), column, constraint, field, module, name, attribute and object_type
 *   the text shows; http categories add the endpoint pattern; unknown errors add the exception
 *   class and message template. Values, numbers, line numbers and message wording are not part
 *   of it, so variants of a message (or the same cause in SQLite and PostgreSQL wording) share
 *   an id. See docs/pattern-id.md.
 */
#include "antipattern_internal.h"
#include "stacks.h"

#include <stdio.h>
#include <string.h>

enum { K_TABLE, K_COLUMN, K_CONSTRAINT, K_FIELD, K_LOC, K_MODULE, K_NAME, K_ATTRIBUTE, K_OBJECT, K_VALUE };

/* The key is hashed as it is built (FNV-1a runs byte by byte), never stored. */
static uint64_t hash_byte(uint64_t h, char c) {
  return (h ^ (unsigned char)c) * 0x100000001b3ULL; /* fw__fnv1a64's step */
}

static uint64_t key_part(uint64_t h, const char *s) {
  h = hash_byte(h, 0x1f);
  for (; s && *s; s++) {
    char c = *s;
    if (c == '"' || c == '`') continue;
    h = hash_byte(h, (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c);
  }
  return h;
}

static const char *short_class(const char *cls) {
  const char *dot = strrchr(cls, '.');
  return dot ? dot + 1 : cls;
}

#define STR_(x) #x
#define STR(x) STR_(x)

void fw__pattern_id(const fw_classification *c, const fw_rules *rules, char out[32]) {
  const fw_category *cat = c->category == (size_t)-1 ? NULL : &rules->categories[c->category];
  uint64_t h = hash_byte(FW_FNV_SEED, '1');
  h = key_part(h, cat ? cat->name : "unknown");
  if (c->ir.mapped && c->ir.entity[0]) {
    h = key_part(h, c->ir.entity);
    h = key_part(h, c->ir.field);
  } else {
    const char *table = c->context[K_TABLE];
    const char *dot = table ? strrchr(table, '.') : NULL;
    h = key_part(h, dot ? dot + 1 : table);
    const int keys[] = {K_COLUMN, K_CONSTRAINT, K_FIELD, K_MODULE, K_NAME, K_ATTRIBUTE, K_OBJECT};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) h = key_part(h, c->context[keys[i]]);
  }
  if (cat && strcmp(cat->error_type, "http") == 0) h = key_part(h, c->ir.endpoint_pattern);
  if (!cat) {
    h = key_part(h, short_class(c->exception_class));
    h = key_part(h, c->message_template);
  }
  /* "ap1-" and 16 lower-case hex digits, as "ap%d-%016llx" printed them */
  static const char prefix[] = "ap" STR(FW_SIGNATURE_VERSION) "-";
  memcpy(out, prefix, sizeof prefix - 1);
  char *hex = out + sizeof prefix - 1;
  for (int i = 15; i >= 0; i--, h >>= 4) hex[i] = "0123456789abcdef"[h & 15];
  hex[16] = '\0';
}

static const char *py_type(const char *ir_type) {
  static const char *const map[][2] = {
      {"string", "str"},   {"text", "str"},          {"email", "str"},    {"url", "str"},
      {"enum", "str"},     {"integer", "int"},       {"int", "int"},      {"bigint", "int"},
      {"float", "float"},  {"number", "float"},      {"decimal", "Decimal"}, {"boolean", "bool"},
      {"bool", "bool"},    {"datetime", "datetime"}, {"date", "date"},    {"time", "time"},
      {"uuid", "UUID"},    {"json", "dict"}};
  for (size_t i = 0; ir_type && i < sizeof map / sizeof *map; i++) {
    if (fw__ieq(ir_type, map[i][0])) return map[i][1];
  }
  return "str";
}

static const char *or_default(const char *v, const char *fallback) {
  return v && *v ? v : fallback;
}

/* The placeholders placeholder() knows besides the context keys: a pack's template naming any
 * other is refused when the pack loads (fw__template_unknown), not written into a prompt as is. */
static const char *const known_placeholders[] = {
    "entity", "entity_camel", "table", "field", "field_camel", "type", "column", "py_type", "ref_entity", "ref_table", "ref_field", "max_length", "min",
    "max", "schema", "method", "method_lower", "path", "entities", "entity_snake", "status", "exception", "message"};
static const char *const context_placeholders[] = {"table", "column", "constraint", "field", "loc", "module",
                                                   "name", "attribute", "object_type", "value"};

static bool placeholder_known(const char *name, size_t n) {
  for (size_t i = 0; i < sizeof known_placeholders / sizeof *known_placeholders; i++)
    if (strlen(known_placeholders[i]) == n && memcmp(known_placeholders[i], name, n) == 0) return true;
  for (size_t i = 0; i < sizeof context_placeholders / sizeof *context_placeholders; i++)
    if (strlen(context_placeholders[i]) == n && memcmp(context_placeholders[i], name, n) == 0) return true;
  return false;
}

/* The name of a {placeholder} at p (p[0] == '{'), or 0 when p starts no placeholder. */
static size_t placeholder_at(const char *p, const char **close) {
  if (p[1] == '{') return 0; /* "{{": a literal brace */
  *close = strchr(p, '}');
  bool name_like = *close && *close > p + 1;
  for (const char *q = p + 1; name_like && q < *close; q++) name_like = (*q >= 'a' && *q <= 'z') || *q == '_';
  return name_like ? (size_t)(*close - p - 1) : 0;
}

const char *fw__template_unknown(const char *tpl, size_t *len) {
  for (const char *p = strchr(tpl, '{'); p; p = strchr(p + 1, '{')) {
    if (p[1] == '{') {
      p++;
      continue;
    }
    const char *close;
    size_t n = placeholder_at(p, &close);
    if (n && !placeholder_known(p + 1, n)) {
      *len = n;
      return p + 1;
    }
  }
  return NULL;
}

/* Value of a {placeholder}; the defaults keep a snippet readable when the text names nothing. */
static void placeholder(const fw_classification *c, const fw_rules *rules, const char *name,
                        size_t n, fw_buf *out) {
  const fw_ir_context *x = &c->ir;
  char tmp[256];
#define IS(s) (n == strlen(s) && memcmp(name, s, n) == 0)
  if (IS("entity")) fw_buf_puts(out, or_default(x->entity, "Item"));
  else if (IS("table")) fw_buf_puts(out, or_default(x->table, or_default(c->context[K_TABLE], "items")));
  else if (IS("field")) fw_buf_puts(out, or_default(x->field, "<field>"));
  else if (IS("column")) fw_buf_puts(out, or_default(c->context[K_COLUMN], or_default(x->field, "column")));
  else if (IS("py_type")) fw_buf_puts(out, py_type(x->field_type[0] ? x->field_type : NULL));
  else if (IS("type")) { /* the field's type as the lesson's stack spells it */
    const char *t = fw__stack_type(rules, c->stack, x->field_type[0] ? x->field_type : "string");
    fw_buf_puts(out, t ? t : py_type(x->field_type[0] ? x->field_type : NULL));
  } else if (IS("entity_camel")) { /* OrderItem -> orderItem (Prisma's client property) */
    const char *e = or_default(x->entity, "Item");
    fw_buf_putc(out, (*e >= 'A' && *e <= 'Z') ? (char)(*e - 'A' + 'a') : *e);
    fw_buf_puts(out, e + 1);
  } else if (IS("field_camel")) { /* category_id -> categoryId */
    const char *f = or_default(x->field, "field");
    for (bool up = false; *f; f++) {
      if (*f == '_' && f[1]) up = true;
      else if (up) {
        fw_buf_putc(out, (*f >= 'a' && *f <= 'z') ? (char)(*f - 'a' + 'A') : *f);
        up = false;
      } else fw_buf_putc(out, *f);
    }
  }
  else if (IS("ref_entity")) fw_buf_puts(out, or_default(x->ref_entity, "Parent"));
  else if (IS("ref_table")) fw_buf_puts(out, or_default(x->ref_table, "parents"));
  else if (IS("ref_field")) fw_buf_puts(out, or_default(x->ref_field, "id"));
  else if (IS("max_length")) {
    if (x->max_length >= 0) fw_buf_printf(out, "%ld", x->max_length);
    else fw_buf_puts(out, "255");
  } else if (IS("min")) fw_buf_puts(out, "0");
  else if (IS("max")) fw_buf_puts(out, "1000000");
  else if (IS("schema")) {
    if (x->schema[0]) fw_buf_puts(out, x->schema);
    else fw_buf_printf(out, "%sCreate", or_default(x->entity, "Item"));
  } else if (IS("method")) fw_buf_puts(out, or_default(x->method, "POST"));
  else if (IS("method_lower")) {
    const char *m = or_default(x->method, "post");
    for (; *m; m++) fw_buf_putc(out, (*m >= 'A' && *m <= 'Z') ? (char)(*m - 'A' + 'a') : *m);
  } else if (IS("path")) fw_buf_puts(out, or_default(x->path, "/items"));
  else if (IS("entities")) fw_buf_puts(out, or_default(x->table, "items"));
  else if (IS("entity_snake")) {
    char *t = fw__table_name(or_default(x->entity, "Item"));
    size_t len = t ? strlen(t) : 0;
    if (t && len > 1) t[len - 1] = '\0'; /* singular enough for a module name */
    fw_buf_puts(out, t ? t : "item");
    fw_free(t);
  } else if (IS("status")) {
    fw_buf_printf(out, "%d", x->success_status ? x->success_status : 201);
  } else if (IS("exception")) {
    const char *cls = short_class(c->exception_class);
    fw_buf_puts(out, *cls ? cls : (c->category == (size_t)-1 ? "Error" : rules->categories[c->category].name));
  } else if (IS("message")) {
    snprintf(tmp, sizeof tmp, "%s", c->message_template ? c->message_template : "");
    fw_buf_puts(out, tmp);
  } else {
    for (int k = 0; k < FW_CONTEXT_KEY_COUNT; k++) {
      if (IS(context_placeholders[k])) {
        fw_buf_puts(out, or_default(c->context[k], k == K_MODULE ? "module" : k == K_NAME ? "name" : "value"));
        return;
      }
    }
    fw_buf_putc(out, '{');
    fw_buf_append(out, name, n);
    fw_buf_putc(out, '}');
  }
#undef IS
}

void fw__render_template_into(const fw_classification *c, const fw_rules *rules, const char *tpl,
                              fw_buf *b) {
  for (const char *p = tpl; *p;) {
    /* the literal run up to the next '{' in one append */
    const char *open = strchr(p, '{');
    size_t run = open ? (size_t)(open - p) : strlen(p);
    fw_buf_append(b, p, run);
    if (!open) break;
    p = open;
    const char *close = NULL;
    size_t n = placeholder_at(p, &close);
    if (n) {
      placeholder(c, rules, p + 1, n, b);
      p = close + 1;
    } else if (p[1] == '{') { /* "{{name}}" writes "{name}": a literal placeholder-like text */
      fw_buf_putc(b, '{');
      p += 2;
      const char *end = strstr(p, "}}");
      if (end) {
        fw_buf_append(b, p, (size_t)(end - p));
        fw_buf_putc(b, '}');
        p = end + 2;
      }
    } else {
      fw_buf_putc(b, *p++);
    }
  }
}

char *fw__render_template(const fw_classification *c, const fw_rules *rules, const char *tpl) {
  fw_buf b;
  fw_buf_init(&b);
  fw__render_template_into(c, rules, tpl, &b);
  return fw_buf_take(&b);
}

void fw__field_pattern(const fw_classification *c, char *out, size_t cap) {
  const char *parts[] = {c->ir.constraint_type[0] ? c->ir.constraint_type : "unknown", ":",
                         c->ir.field[0] ? c->ir.field : "*"};
  fw__join(out, cap, parts, 3);
}
