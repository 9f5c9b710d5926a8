/*
 * ir_map.c - maps what an error text shows onto the spec (the seed's extract_ir_context):
 * table -> entity, column -> field, endpoint -> its IR template and generalised pattern, and
 * the constraint and relationship types read from the IR field. Without an IR the same record
 * is filled from the text alone, so remediation snippets still name real things.
 */
#include "classify_internal.h"
#include "ir_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(char *dst, size_t cap, const char *src) { fw__join(dst, cap, &src, 1); }
#define PUT(dst, src) put(dst, sizeof(dst), src)

static bool is_upper_c(char c) { return c >= 'A' && c <= 'Z'; }

static const fw_ir_field *field_ci(const fw_ir_entity *e, const char *name);

/* "finance.sys_user" -> "sys_user", quotes dropped. */
static const char *bare_table(const char *t, char *buf, size_t cap) {
  const char *dot = strrchr(t, '.');
  put(buf, cap, dot ? dot + 1 : t);
  size_t w = 0;
  for (size_t r = 0; buf[r]; r++) {
    if (buf[r] != '"' && buf[r] != '`') buf[w++] = buf[r];
  }
  buf[w] = '\0';
  return buf;
}

static const fw_ir_entity *entity_by_table(const fw_ir *ir, const char *table) {
  char bare[128];
  bare_table(table, bare, sizeof bare);
  for (size_t i = 0; i < ir->nentities; i++) {
    const fw_ir_entity *e = &ir->entities[i];
    if (fw__ieq(e->table, bare) || fw__ieq(e->name, bare)) return e;
    char *derived = fw__table_name(e->name);
    bool same = derived && fw__ieq(derived, bare);
    fw_free(derived);
    if (same) return e;
  }
  /* "order_item", "OrderItems", "order-items": the entity name once case, '_', '-' and a plural
   * ending are dropped */
  char want[128], have[128];
  size_t n = fw__ir_squash(bare, SIZE_MAX, want, sizeof want);
  if (n > 3 && strcmp(want + n - 3, "ies") == 0) strcpy(want + n - 3, "y");
  else if (n > 1 && want[n - 1] == 's' && want[n - 2] != 's') want[n - 1] = '\0';
  for (size_t i = 0; want[0] && i < ir->nentities; i++) {
    fw__ir_squash(ir->entities[i].name, SIZE_MAX, have, sizeof have);
    if (strcmp(want, have) == 0) return &ir->entities[i];
  }
  /* Django's default table is <app_label>_<model>: "shop_orderitem" is OrderItem when no entity
   * is called ShopOrderitem */
  const char *us = strchr(bare, '_');
  return us && us[1] ? entity_by_table(ir, us + 1) : NULL;
}

/* The only entity with a field of that name, when the text names a column but no table. */
static const fw_ir_entity *entity_by_field(const fw_ir *ir, const char *name) {
  const fw_ir_entity *hit = NULL;
  for (size_t i = 0; name && i < ir->nentities; i++) {
    if (!field_ci(&ir->entities[i], name)) continue;
    if (hit) return NULL;
    hit = &ir->entities[i];
  }
  return hit;
}

static const fw_ir_entity *entity_by_name(const fw_ir *ir, const char *name) {
  for (size_t i = 0; ir && i < ir->nentities; i++) {
    if (fw__ieq(ir->entities[i].name, name)) return &ir->entities[i];
  }
  return NULL;
}

/* Schema names follow the entity: ProductCreate, ProductUpdate, ProductRead, ProductOut... */
static const fw_ir_entity *entity_by_schema(const fw_ir *ir, const char *model) {
  const fw_ir_entity *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; i < ir->nentities; i++) {
    size_t n = strlen(ir->entities[i].name);
    if (n > best_len && strncmp(model, ir->entities[i].name, n) == 0) {
      best = &ir->entities[i];
      best_len = n;
    }
  }
  return best;
}

static const fw_ir_field *field_ci(const fw_ir_entity *e, const char *name) {
  for (size_t i = 0; e && name && i < e->nfields; i++) {
    if (fw__ieq(e->fields[i].name, name)) return &e->fields[i];
  }
  return NULL;
}

/* A name with case, '_' and '-' dropped: "fullName", "full_name" and "Full-Name" agree. */
size_t fw__ir_squash(const char *s, size_t n, char *out, size_t cap) {
  size_t w = 0;
  for (size_t i = 0; s && i < n && s[i] && w + 1 < cap; i++) {
    char c = s[i];
    if (c == '_' || c == '-' || c == ' ') continue;
    out[w++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  out[w] = '\0';
  return w;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), stopped
 * early once it passes `limit`: names are short, so three rows on the stack suffice. */
static size_t edit_distance(const char *a, size_t an, const char *b, size_t bn, size_t limit) {
  enum { W = 64 };
  if (an >= W || bn >= W) return limit + 1;
  size_t rows[3][W], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= bn; j++) prev[j] = j;
  for (size_t i = 1; i <= an; i++) {
    cur[0] = i;
    size_t best = cur[0];
    for (size_t j = 1; j <= bn; j++) {
      size_t cost = a[i - 1] != b[j - 1];
      size_t v = prev[j - 1] + cost;
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
        v = prev2[j - 2] + 1;
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    size_t *t = prev2;
    prev2 = prev, prev = cur, cur = t;
  }
  return prev[bn];
}

/* The spec field a misspelt or differently cased name stands for (docs/formats.md, "Spec
 * mapping"): the same letters once case, '_' and '-' are dropped ("fullName" -> "full_name"),
 * else the one field within edit distance 1 (names of 4 to 7 letters) or 2 (8 or more), where
 * exactly one field is that close. Short names and ties map to nothing: a wrong field is worse
 * than none. */
static const fw_ir_field *field_similar(const fw_ir_entity *e, const char *name) {
  char want[128], have[128];
  size_t wn = name ? fw__ir_squash(name, SIZE_MAX, want, sizeof want) : 0;
  if (!e || wn == 0) return NULL;
  for (size_t i = 0; i < e->nfields; i++) {
    fw__ir_squash(e->fields[i].name, SIZE_MAX, have, sizeof have);
    if (strcmp(want, have) == 0) return &e->fields[i];
  }
  if (wn < 4) return NULL;
  size_t limit = wn >= 8 ? 2 : 1, best_d = limit + 1;
  const fw_ir_field *best = NULL;
  bool tie = false;
  for (size_t i = 0; i < e->nfields; i++) {
    size_t hn = fw__ir_squash(e->fields[i].name, SIZE_MAX, have, sizeof have);
    if (hn < 4) continue;
    size_t d = edit_distance(want, wn, have, hn, limit);
    if (d < best_d) best = &e->fields[i], best_d = d, tie = false;
    else if (d == best_d && d <= limit) tie = true;
  }
  return best_d <= limit && !tie ? best : NULL;
}

/* A field of e by a name from the text: exactly (any case), else by similarity. */
static const fw_ir_field *field_named(const fw_ir_entity *e, const char *name) {
  const fw_ir_field *f = field_ci(e, name);
  return f ? f : field_similar(e, name);
}

/* A constraint name such as "users_email_key" or "fk_orders_customer_id" contains the field. */
static const fw_ir_field *field_in_constraint(const fw_ir_entity *e, const char *constraint) {
  const fw_ir_field *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; e && i < e->nfields; i++) {
    const char *name = e->fields[i].name;
    size_t n = strlen(name);
    for (const char *p = constraint; (p = strstr(p, name)) != NULL; p++) {
      bool left = p == constraint || p[-1] == '_';
      bool right = p[n] == '\0' || p[n] == '_';
      if (left && right && n > best_len) {
        best = &e->fields[i];
        best_len = n;
      }
    }
  }
  return best;
}

/* The only field of e with a property, or NULL when there are none or several. */
static const fw_ir_field *only_field(const fw_ir_entity *e, bool (*pred)(const fw_ir_field *)) {
  const fw_ir_field *hit = NULL;
  for (size_t i = 0; e && i < e->nfields; i++) {
    if (!pred(&e->fields[i])) continue;
    if (hit) return NULL;
    hit = &e->fields[i];
  }
  return hit;
}
static bool is_fk(const fw_ir_field *f) { return f->fk_entity != NULL; }
static bool is_unique(const fw_ir_field *f) { return f->unique && !f->primary_key; }
static bool is_bounded(const fw_ir_field *f) { return f->has_min || f->has_max; }

static bool segment_is_param(const char *s, size_t n) {
  if (n >= 2 && s[0] == '{' && s[n - 1] == '}') return true;
  if (n >= 1 && s[0] == ':') return true;
  bool digits = n > 0, hexish = n >= 8;
  for (size_t i = 0; i < n; i++) {
    digits &= s[i] >= '0' && s[i] <= '9';
    hexish &= (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || s[i] == '-';
  }
  return digits || hexish;
}

static bool segment_is_collection(const fw_ir *ir, const char *s, size_t n) {
  for (size_t i = 0; ir && i < ir->nentities; i++) {
    const fw_ir_entity *e = &ir->entities[i];
    char *dashed = fw__table_name(e->name);
    bool hit = fw__ieqn(s, n, e->table) || (dashed && fw__ieqn(s, n, dashed));
    if (dashed && !hit) {
      for (char *c = dashed; *c; c++) {
        if (*c == '_') *c = '-';
      }
      hit = fw__ieqn(s, n, dashed);
    }
    /* a nested collection: "/orders/{id}/items" for the table "order_items" */
    size_t tl = strlen(e->table);
    if (!hit && tl > n + 1 && e->table[tl - n - 1] == '_') hit = fw__ieqn(s, n, e->table + tl - n);
    fw_free(dashed);
    if (hit) return true;
  }
  return false;
}

/* "/products/12" -> "/{entities}/{id}": the seed's endpoint_pattern. Collections are
 * recognised from the IR; without one, literal segments stay as they are. */
static void generalize_path(const fw_ir *ir, const char *path, char *out, size_t cap) {
  fw_buf b;
  fw_buf_init(&b);
  const char *p = path;
  while (*p) {
    if (*p != '/') {
      p++;
      continue;
    }
    const char *s = ++p;
    while (*p && *p != '/' && *p != '?') p++;
    size_t n = (size_t)(p - s);
    if (!n) continue;
    fw_buf_putc(&b, '/');
    if (segment_is_param(s, n)) fw_buf_puts(&b, "{id}");
    else if (ir && segment_is_collection(ir, s, n)) fw_buf_puts(&b, "{entities}");
    else fw_buf_append(&b, s, n);
    if (*p == '?') break;
  }
  if (!b.len) fw_buf_putc(&b, '/');
  put(out, cap, b.failed ? "" : b.data);
  fw_buf_free(&b);
}

/* Does a concrete path match an IR template ("/products/12" vs "/products/{id}")? */
static bool path_matches(const char *tpl, const char *path) {
  while (*tpl && *path) {
    if (*tpl == '{') {
      while (*tpl && *tpl != '}') tpl++;
      if (*tpl) tpl++;
      while (*path && *path != '/') path++;
      continue;
    }
    if (*tpl != *path) return false;
    tpl++, path++;
  }
  while (*path == '/') path++;
  while (*tpl == '/') tpl++;
  return !*tpl && (!*path || *path == '?');
}

static const fw_ir_endpoint *find_endpoint(const fw_ir *ir, const char *method, const char *path) {
  for (size_t i = 0; ir && i < ir->nendpoints; i++) {
    const fw_ir_endpoint *e = &ir->endpoints[i];
    if (strcmp(e->method, method) == 0 && path_matches(e->path, path)) return e;
  }
  return NULL;
}

static const char *const relational[] = {"nullable", "unique", "foreign_key", "check", "max_length"};

static void set_constraint(fw_ir_context *x, const char *category_constraint, bool database,
                           const fw_ir_field *f) {
  for (size_t i = 0; i < 5; i++) {
    if (strcmp(category_constraint, relational[i]) == 0) {
      PUT(x->constraint_type, category_constraint);
      return;
    }
  }
  /* a database error of another kind (wrong type, missing column) is about the field's own
   * constraint; validation and code errors keep their category's */
  if (!database) PUT(x->constraint_type, category_constraint);
  else if (f && f->fk_entity) PUT(x->constraint_type, "foreign_key");
  else if (f && f->unique) PUT(x->constraint_type, "unique");
  else if (f && f->max_length >= 0) PUT(x->constraint_type, "max_length");
  else if (f && !f->nullable && !f->primary_key) PUT(x->constraint_type, "nullable");
  else PUT(x->constraint_type, category_constraint);
}

static void set_field(fw_ir_context *x, const fw_ir *ir, const fw_ir_field *f) {
  PUT(x->field, f->name);
  PUT(x->field_type, f->type);
  x->max_length = f->max_length;
  x->spec_required = !f->nullable && !f->primary_key;
  if (f->fk_entity) {
    PUT(x->relationship_type, "many_to_one");
    PUT(x->ref_entity, f->fk_entity);
    PUT(x->ref_field, f->fk_field);
    const fw_ir_entity *target = fw__ir_entity(ir, f->fk_entity);
    if (target) PUT(x->ref_table, target->table);
  }
}

/* "order_items" -> "OrderItem": a readable entity name when there is no IR. */
static void entity_from_table(const char *table, char *out, size_t cap) {
  char bare[128];
  bare_table(table, bare, sizeof bare);
  size_t n = strlen(bare);
  if (n > 3 && strcmp(bare + n - 3, "ies") == 0) {
    bare[n - 3] = 'y';
    bare[n - 2] = '\0';
  } else if (n > 1 && bare[n - 1] == 's' && bare[n - 2] != 's') {
    bare[n - 1] = '\0';
  }
  size_t w = 0;
  bool up = true;
  for (size_t i = 0; bare[i] && w + 1 < cap; i++) {
    char c = bare[i];
    if (c == '_' || c == '-') {
      up = true;
      continue;
    }
    out[w++] = (up && c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    up = false;
  }
  out[w] = '\0';
}

static const char *ctx(const fw_classification *c, int key) { return c->context[key]; }
enum { K_TABLE, K_COLUMN, K_CONSTRAINT, K_FIELD, K_LOC, K_MODULE, K_NAME, K_ATTRIBUTE, K_OBJECT, K_VALUE };

static const char *column_name(const fw_classification *c) {
  const char *col = ctx(c, K_COLUMN);
  if (!col) return NULL;
  const char *dot = strrchr(col, '.');
  return dot ? dot + 1 : col;
}

void fw__ir_map(const fw_ir *ir, const char *endpoint, fw_classification *c,
                const fw_rules *rules) {
  fw_ir_context *x = &c->ir;
  memset(x, 0, sizeof *x);
  x->max_length = -1;
  const char *category_constraint =
      c->category == (size_t)-1 ? "unknown" : rules->categories[c->category].constraint;

  /* endpoint: the given one, else what the text shows ("POST /items HTTP/1.1") */
  const char *method = NULL, *path = NULL;
  char method_buf[16] = "", path_buf[200] = "";
  if (endpoint && *endpoint) {
    const char *sp = strchr(endpoint, ' ');
    if (sp && (size_t)(sp - endpoint) < sizeof method_buf) {
      memcpy(method_buf, endpoint, (size_t)(sp - endpoint));
      method_buf[sp - endpoint] = '\0';
      while (*sp == ' ') sp++;
      PUT(path_buf, sp);
    } else {
      PUT(path_buf, endpoint);
    }
  } else if (c->hints[FW_HINT_PATH]) {
    PUT(method_buf, c->hints[FW_HINT_METHOD]);
    PUT(path_buf, c->hints[FW_HINT_PATH]);
  }
  for (char *m = method_buf; *m; m++) {
    if (*m >= 'a' && *m <= 'z') *m = (char)(*m - 'a' + 'A');
  }
  method = method_buf[0] ? method_buf : NULL;
  path = path_buf[0] ? path_buf : NULL;
  const fw_ir_endpoint *ep = (ir && method && path) ? find_endpoint(ir, method, path) : NULL;
  if (method) PUT(x->method, method);
  if (path) {
    PUT(x->path, ep ? ep->path : path);
    char gen[200];
    generalize_path(ir, x->path, gen, sizeof gen);
    const char *pattern[] = {method, method ? " " : NULL, gen};
    fw__join(x->endpoint_pattern, sizeof x->endpoint_pattern, pattern, 3);
    const char *endpoint_parts[] = {method, method ? " " : NULL, path};
    fw__join(x->endpoint, sizeof x->endpoint, endpoint_parts, 3);
  }
  if (ep) x->success_status = ep->success_status;

  /* entity: table, then class/model names, then the endpoint's entity, then the only entity
   * with the column the text names (the last two inferred: the text did not name it) */
  const fw_ir_entity *ent = NULL;
  const char *model = c->hints[FW_HINT_MODEL];
  if (ir) {
    if (ctx(c, K_TABLE)) ent = entity_by_table(ir, ctx(c, K_TABLE));
    if (!ent && ctx(c, K_OBJECT)) ent = entity_by_name(ir, ctx(c, K_OBJECT));
    if (!ent && model) ent = entity_by_schema(ir, model);
    if (!ent && ep && ep->entity) {
      ent = fw__ir_entity(ir, ep->entity);
      x->entity_inferred = ent != NULL;
    }
    if (!ent && column_name(c)) {
      ent = entity_by_field(ir, column_name(c));
      x->entity_inferred = ent != NULL;
    }
  }
  if (ent) {
    PUT(x->entity, ent->name);
    PUT(x->table, ent->table);
  } else if (ctx(c, K_TABLE)) {
    entity_from_table(ctx(c, K_TABLE), x->entity, sizeof x->entity);
    bare_table(ctx(c, K_TABLE), x->table, sizeof x->table);
  } else if (ctx(c, K_OBJECT) && is_upper_c(ctx(c, K_OBJECT)[0]) &&
             strcmp(ctx(c, K_OBJECT), "NoneType") != 0) {
    PUT(x->entity, ctx(c, K_OBJECT));
  }

  /* field: with a spec, always one of the entity's fields or none (never a code identifier of
   * the traceback): the column or validation field the text names, exactly or by similarity,
   * the attribute, a field inside the constraint's name; when the text names none of these,
   * the only candidate the spec leaves (inferred) */
  const fw_ir_field *fld = NULL;
  if (ent) {
    fld = field_named(ent, column_name(c));
    if (!fld) fld = field_named(ent, ctx(c, K_FIELD));
    if (!fld) fld = field_ci(ent, ctx(c, K_ATTRIBUTE));
    if (!fld && ctx(c, K_CONSTRAINT)) fld = field_in_constraint(ent, ctx(c, K_CONSTRAINT));
    bool named = column_name(c) || ctx(c, K_FIELD) || ctx(c, K_ATTRIBUTE);
    if (!fld && !named) {
      if (strcmp(category_constraint, "foreign_key") == 0) fld = only_field(ent, is_fk);
      else if (strcmp(category_constraint, "unique") == 0) fld = only_field(ent, is_unique);
      else if (strcmp(category_constraint, "check") == 0) fld = only_field(ent, is_bounded);
      /* "value too long for type character varying(32)": the field declared with that length */
      else if (strcmp(category_constraint, "max_length") == 0 && c->hints[FW_HINT_LENGTH]) {
        long want = strtol(c->hints[FW_HINT_LENGTH], NULL, 10);
        for (size_t i = 0; i < ent->nfields; i++) {
          if (ent->fields[i].max_length != want) continue;
          if (fld) { fld = NULL; break; } /* ambiguous: two fields of that length */
          fld = &ent->fields[i];
        }
      }
      x->field_inferred = fld != NULL;
    }
  }
  if (fld) set_field(x, ir, fld);
  else if (ir) { /* no spec field: none */ }
  else if (column_name(c)) PUT(x->field, column_name(c));
  else if (ctx(c, K_FIELD)) PUT(x->field, ctx(c, K_FIELD));
  else if (ctx(c, K_ATTRIBUTE)) PUT(x->field, ctx(c, K_ATTRIBUTE));
  bool database = c->category != (size_t)-1 &&
                  strcmp(rules->categories[c->category].error_type, "database") == 0;
  set_constraint(x, category_constraint, database, fld);

  /* schema: the Pydantic model named in the text, else the endpoint's request schema */
  if (model) PUT(x->schema, model);
  else if (ep && ep->request_schema) PUT(x->schema, ep->request_schema);
  x->mapped = ir != NULL && (ent != NULL || ep != NULL);
}

void fw__endpoint_pattern(const fw_ir *ir, const char *endpoint, char *out, size_t cap,
                          const char **entity) {
  char method[16] = "";
  const char *sp = strchr(endpoint, ' ');
  const char *path = sp ? sp + 1 : endpoint;
  while (*path == ' ') path++;
  if (sp && (size_t)(sp - endpoint) < sizeof method) {
    memcpy(method, endpoint, (size_t)(sp - endpoint));
    method[sp - endpoint] = '\0';
  }
  for (char *m = method; *m; m++) {
    if (*m >= 'a' && *m <= 'z') *m = (char)(*m - 'a' + 'A');
  }
  const fw_ir_endpoint *ep = ir && method[0] ? find_endpoint(ir, method, path) : NULL;
  char gen[200];
  generalize_path(ir, ep ? ep->path : path, gen, sizeof gen);
  snprintf(out, cap, "%s%s%s", method, method[0] ? " " : "", gen);
  if (entity) *entity = ep ? ep->entity : NULL;
}
