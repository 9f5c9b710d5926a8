/*
 * ir.c - parses and validates an ApplicationIR (entities with fields, endpoints). Every error
 * names the JSON path and what was expected, so a spec author can fix the document directly.
 */
#include "ir_internal.h"
#include "json_in.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};

static bool is_lower_c(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper_c(char c) { return c >= 'A' && c <= 'Z'; }

char *fw__table_name(const char *entity) {
  fw_buf b;
  fw_buf_init(&b);
  for (size_t i = 0; entity[i]; i++) {
    char c = entity[i];
    if (is_upper_c(c)) {
      bool boundary = i > 0 && (is_lower_c(entity[i - 1]) || (entity[i - 1] >= '0' && entity[i - 1] <= '9') ||
                                (is_upper_c(entity[i - 1]) && is_lower_c(entity[i + 1])));
      if (boundary && b.len && b.data[b.len - 1] != '_') fw_buf_putc(&b, '_');
      fw_buf_putc(&b, (char)(c - 'A' + 'a'));
    } else {
      fw_buf_putc(&b, c == '-' || c == ' ' ? '_' : c);
    }
  }
  size_t n = b.len;
  const char *s = b.data ? b.data : "";
  char last = n ? s[n - 1] : '\0', prev = n > 1 ? s[n - 2] : '\0';
  if (last == 'y' && n > 1 && !strchr("aeiou", prev)) {
    b.len--;
    fw_buf_puts(&b, "ies");
  } else if (last == 's' || last == 'x' || last == 'z' || (last == 'h' && (prev == 'c' || prev == 's'))) {
    fw_buf_puts(&b, "es");
  } else if (n) {
    fw_buf_putc(&b, 's');
  }
  return fw_buf_take(&b);
}

static void ir_free_contents(fw_ir *ir) {
  for (size_t i = 0; i < ir->nentities; i++) {
    fw_ir_entity *e = &ir->entities[i];
    for (size_t f = 0; f < e->nfields; f++) {
      fw_ir_field *fd = &e->fields[f];
      fw_free(fd->name);
      fw_free(fd->type);
      fw_free(fd->type_raw);
      fw_free(fd->fk_entity);
      fw_free(fd->fk_field);
    }
    fw_free(e->fields);
    fw_strmap_free(&e->by_field);
    fw_free(e->name);
    fw_free(e->table);
  }
  fw_free(ir->entities);
  fw_strmap_free(&ir->by_entity);
  fw_buf_free(&ir->warnings);
  for (size_t i = 0; i < ir->nendpoints; i++) {
    fw_ir_endpoint *p = &ir->endpoints[i];
    fw_free(p->method);
    fw_free(p->path);
    fw_free(p->entity);
    fw_free(p->request_schema);
    fw_free(p->response_schema);
  }
  fw_free(ir->endpoints);
  fw_free(ir->name);
  fw_free(ir->stack);
}

const char *fw_ir_warnings(const fw_ir *ir) {
  return ir && ir->warnings.data ? ir->warnings.data : "";
}

void fw_ir_free(fw_ir *ir) {
  if (!ir) return;
  ir_free_contents(ir);
  fw_free(ir);
}

const fw_ir_entity *fw__ir_entity(const fw_ir *ir, const char *name) {
  size_t i = ir && name ? fw_strmap_get(&ir->by_entity, name) : (size_t)-1;
  return i == (size_t)-1 ? NULL : &ir->entities[i];
}

const fw_ir_field *fw__ir_field(const fw_ir_entity *e, const char *name) {
  size_t i = e && name ? fw_strmap_get(&e->by_field, name) : (size_t)-1;
  return i == (size_t)-1 ? NULL : &e->fields[i];
}

/* Typed member readers: each reports "$.path.key: expected ..." on a wrong type. */
static fw_status opt_string(const cJSON *obj, const char *key, const char *path, char **out,
                            bool required, fw_error *err) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  char p[160];
  snprintf(p, sizeof p, "%s.%s", path, key);
  if (!v || cJSON_IsNull(v)) {
    if (required) return fw__fail_path(err, FW_ERR_SCHEMA, p, "required string is missing");
    return FW_OK;
  }
  if (!cJSON_IsString(v) || (required && !v->valuestring[0]))
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a non-empty string");
  *out = fw__strdup(v->valuestring);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

static fw_status opt_bool(const cJSON *obj, const char *key, const char *path, bool *out,
                          fw_error *err) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v) return FW_OK;
  if (!cJSON_IsBool(v)) {
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected true or false");
  }
  *out = cJSON_IsTrue(v);
  return FW_OK;
}

static fw_status opt_number(const cJSON *obj, const char *key, const char *path, double *out,
                            bool *has, fw_error *err) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v || cJSON_IsNull(v)) return FW_OK;
  if (!cJSON_IsNumber(v)) {
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a number");
  }
  *out = v->valuedouble;
  *has = true;
  return FW_OK;
}

static bool in_list(const char *s, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (fw__ieq(s, list[i])) return true;
  }
  return false;
}

/* The field's type: canonical when its spelling is known (what Optional[...] or VARCHAR(120) says
 * fills nullable and max_length unless the field sets them), else kept as written, with a warning:
 * forewarn's job is the errors, not policing the spec. */
static fw_status read_type(const cJSON *f, const char *path, fw_ir_field *out, fw_buf *warnings, fw_error *err) {
  fw_status st = opt_string(f, "type", path, &out->type, true, err);
  if (st != FW_OK) return st;
  fw_ir_type t = fw__ir_type(out->type);
  const cJSON *format = cJSON_GetObjectItemCaseSensitive(f, "format");
  const char *by_format = cJSON_IsString(format) ? fw__ir_type_for_format(format->valuestring) : NULL;
  if (by_format && t.canonical && (strcmp(t.canonical, "string") == 0 || strcmp(t.canonical, "integer") == 0))
    t.canonical = by_format; /* JSON Schema: {"type": "string", "format": "date-time"} */
  if (!t.canonical) {
    fw_buf_printf(warnings, "%s.type: unknown type '%.80s', kept as written\n", path, out->type);
    return FW_OK;
  }
  if (!cJSON_GetObjectItemCaseSensitive(f, "nullable")) out->nullable = t.nullable;
  if (!cJSON_GetObjectItemCaseSensitive(f, "max_length")) out->max_length = t.max_length;
  if (strcmp(t.canonical, out->type) != 0) {
    out->type_raw = out->type;
    out->type = fw__strdup(t.canonical);
    if (!out->type) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  return FW_OK;
}

static fw_status parse_field(const cJSON *f, const char *path, fw_ir_field *out, fw_buf *warnings, fw_error *err) {
  if (!cJSON_IsObject(f)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected a field object");
  out->max_length = -1;
  fw_status st;
  char *fk = NULL;
  if ((st = opt_string(f, "name", path, &out->name, true, err)) != FW_OK) return st;
  if ((st = read_type(f, path, out, warnings, err)) != FW_OK) return st;
  if ((st = opt_bool(f, "nullable", path, &out->nullable, err)) != FW_OK) return st;
  if ((st = opt_bool(f, "unique", path, &out->unique, err)) != FW_OK) return st;
  if ((st = opt_bool(f, "primary_key", path, &out->primary_key, err)) != FW_OK) return st;
  if ((st = opt_number(f, "min", path, &out->min, &out->has_min, err)) != FW_OK) return st;
  if ((st = opt_number(f, "max", path, &out->max, &out->has_max, err)) != FW_OK) return st;
  double ml = 0;
  bool has_ml = false;
  if ((st = opt_number(f, "max_length", path, &ml, &has_ml, err)) != FW_OK) return st;
  if (has_ml) {
    if (ml < 1 || ml > 1e9 || ml != (double)(long)ml) {
      char p[160];
      snprintf(p, sizeof p, "%s.max_length", path);
      return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a positive integer");
    }
    out->max_length = (long)ml;
  }
  if ((st = opt_string(f, "foreign_key", path, &fk, false, err)) != FW_OK) return st;
  if (fk) {
    char *dot = strchr(fk, '.');
    if (!dot || dot == fk || !dot[1] || strchr(dot + 1, '.')) {
      char p[160];
      snprintf(p, sizeof p, "%s.foreign_key", path);
      fw_free(fk);
      return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected \"Entity.field\"");
    }
    out->fk_entity = fw__strndup(fk, (size_t)(dot - fk));
    out->fk_field = fw__strdup(dot + 1);
    fw_free(fk);
  }
  return FW_OK;
}

static fw_status parse_entity(const cJSON *e, const char *path, fw_ir_entity *out, fw_buf *warnings, fw_error *err) {
  if (!cJSON_IsObject(e)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an entity object");
  fw_status st;
  if ((st = opt_string(e, "name", path, &out->name, true, err)) != FW_OK) return st;
  if ((st = opt_string(e, "table", path, &out->table, false, err)) != FW_OK) return st;
  if (!out->table && !(out->table = fw__table_name(out->name)))
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  const cJSON *fields = cJSON_GetObjectItemCaseSensitive(e, "fields");
  char p[160];
  snprintf(p, sizeof p, "%s.fields", path);
  if (!cJSON_IsArray(fields) || cJSON_GetArraySize(fields) == 0)
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a non-empty array of fields");
  size_t n = (size_t)cJSON_GetArraySize(fields);
  out->fields = fw_malloc(sizeof *out->fields * n);
  if (!out->fields) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(out->fields, 0, sizeof *out->fields * n);
  const cJSON *f;
  cJSON_ArrayForEach(f, fields) {
    snprintf(p, sizeof p, "%s.fields[%zu]", path, out->nfields);
    out->nfields++;
    if ((st = parse_field(f, p, &out->fields[out->nfields - 1], warnings, err)) != FW_OK) return st;
    const char *name = out->fields[out->nfields - 1].name;
    if (fw_strmap_get(&out->by_field, name) != (size_t)-1)
      return fw__fail_path(err, FW_ERR_SCHEMA, p, "duplicate field name '%s'", name);
    if (!fw_strmap_put(&out->by_field, name, out->nfields - 1)) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  return FW_OK;
}

static int default_status(const char *method) {
  if (strcmp(method, "POST") == 0) return 201;
  if (strcmp(method, "DELETE") == 0) return 204;
  return 200;
}

static fw_status parse_endpoint(const cJSON *e, const char *path, const fw_ir *ir,
                                fw_ir_endpoint *out, fw_error *err) {
  if (!cJSON_IsObject(e)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an endpoint object");
  fw_status st;
  char p[160];
  if ((st = opt_string(e, "method", path, &out->method, true, err)) != FW_OK) return st;
  for (char *c = out->method; *c; c++) {
    if (is_lower_c(*c)) *c = (char)(*c - 'a' + 'A');
  }
  if (!in_list(out->method, methods, sizeof methods / sizeof *methods)) {
    snprintf(p, sizeof p, "%s.method", path);
    return fw__fail_path(err, FW_ERR_SCHEMA, p,
                         "unknown method '%s' (expected GET, POST, PUT, PATCH, DELETE, HEAD or "
                         "OPTIONS)",
                         out->method);
  }
  if ((st = opt_string(e, "path", path, &out->path, true, err)) != FW_OK) return st;
  if (out->path[0] != '/') {
    snprintf(p, sizeof p, "%s.path", path);
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a path starting with '/'");
  }
  if ((st = opt_string(e, "entity", path, &out->entity, false, err)) != FW_OK) return st;
  if (out->entity && !fw__ir_entity(ir, out->entity)) {
    snprintf(p, sizeof p, "%s.entity", path);
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "unknown entity '%s'", out->entity);
  }
  if ((st = opt_string(e, "request_schema", path, &out->request_schema, false, err)) != FW_OK) return st;
  if ((st = opt_string(e, "response_schema", path, &out->response_schema, false, err)) != FW_OK) return st;
  double status = 0;
  bool has = false;
  if ((st = opt_number(e, "success_status", path, &status, &has, err)) != FW_OK) return st;
  if (has && (status < 100 || status > 599 || status != (double)(int)status)) {
    snprintf(p, sizeof p, "%s.success_status", path);
    return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected an HTTP status between 100 and 599");
  }
  out->success_status = has ? (int)status : default_status(out->method);
  return FW_OK;
}

static fw_status check_foreign_keys(const fw_ir *ir, fw_error *err) {
  for (size_t i = 0; i < ir->nentities; i++) {
    const fw_ir_entity *e = &ir->entities[i];
    for (size_t f = 0; f < e->nfields; f++) {
      const fw_ir_field *fd = &e->fields[f];
      if (!fd->fk_entity) continue;
      char p[160];
      snprintf(p, sizeof p, "$.entities[%zu].fields[%zu].foreign_key", i, f);
      const fw_ir_entity *target = fw__ir_entity(ir, fd->fk_entity);
      if (!target)
        return fw__fail_path(err, FW_ERR_SCHEMA, p, "references unknown entity '%s'", fd->fk_entity);
      if (!fw__ir_field(target, fd->fk_field))
        return fw__fail_path(err, FW_ERR_SCHEMA, p, "references unknown field '%s.%s'",
                             fd->fk_entity, fd->fk_field);
    }
  }
  return FW_OK;
}

static fw_status parse_ir(const cJSON *doc, fw_ir *ir, fw_error *err) {
  if (!cJSON_IsObject(doc)) return fw__fail_path(err, FW_ERR_SCHEMA, "$", "expected an object");
  fw_status st;
  if ((st = opt_string(doc, "name", "$", &ir->name, false, err)) != FW_OK) return st;
  if ((st = opt_string(doc, "stack", "$", &ir->stack, false, err)) != FW_OK) return st;
  const cJSON *ents = cJSON_GetObjectItemCaseSensitive(doc, "entities");
  if (!cJSON_IsArray(ents) || cJSON_GetArraySize(ents) == 0)
    return fw__fail_path(err, FW_ERR_SCHEMA, "$.entities", "expected a non-empty array of entities");
  size_t n = (size_t)cJSON_GetArraySize(ents);
  ir->entities = fw_malloc(sizeof *ir->entities * n);
  if (!ir->entities) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(ir->entities, 0, sizeof *ir->entities * n);
  const cJSON *e;
  char p[160];
  cJSON_ArrayForEach(e, ents) {
    snprintf(p, sizeof p, "$.entities[%zu]", ir->nentities);
    ir->nentities++;
    if ((st = parse_entity(e, p, &ir->entities[ir->nentities - 1], &ir->warnings, err)) != FW_OK) return st;
    const char *name = ir->entities[ir->nentities - 1].name;
    if (fw_strmap_get(&ir->by_entity, name) != (size_t)-1)
      return fw__fail_path(err, FW_ERR_SCHEMA, p, "duplicate entity name '%s'", name);
    if (!fw_strmap_put(&ir->by_entity, name, ir->nentities - 1)) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  if ((st = check_foreign_keys(ir, err)) != FW_OK) return st;
  const cJSON *eps = cJSON_GetObjectItemCaseSensitive(doc, "endpoints");
  if (!eps) return FW_OK;
  if (!cJSON_IsArray(eps)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.endpoints", "expected an array");
  n = (size_t)cJSON_GetArraySize(eps);
  ir->endpoints = fw_malloc(sizeof *ir->endpoints * (n ? n : 1));
  if (!ir->endpoints) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(ir->endpoints, 0, sizeof *ir->endpoints * (n ? n : 1));
  cJSON_ArrayForEach(e, eps) {
    snprintf(p, sizeof p, "$.endpoints[%zu]", ir->nendpoints);
    ir->nendpoints++;
    if ((st = parse_endpoint(e, p, ir, &ir->endpoints[ir->nendpoints - 1], err)) != FW_OK) return st;
  }
  return FW_OK;
}

fw_status fw_ir_parse(const char *json, size_t len, fw_ir **out, fw_error *err) {
  if (!json || !out) return fw__fail(err, FW_ERR_ARG, "json and out are required");
  *out = NULL;
  cJSON *doc;
  fw_status parsed = fw__json_parse_input(json, len, "ApplicationIR", &doc, err);
  if (parsed != FW_OK) return parsed;
  fw_ir *ir = fw_malloc(sizeof *ir);
  if (!ir) {
    cJSON_Delete(doc);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  memset(ir, 0, sizeof *ir);
  fw_status st = FW_OK;
  if (fw__ir_is_openapi(doc)) {
    cJSON *derived = NULL;
    st = fw__ir_from_openapi(doc, &derived, &ir->warnings, err);
    cJSON_Delete(doc);
    doc = derived;
  }
  if (st == FW_OK) st = parse_ir(doc, ir, err);
  cJSON_Delete(doc);
  if (st != FW_OK) {
    fw_ir_free(ir);
    return st;
  }
  *out = ir;
  return FW_OK;
}

fw_status fw_ir_to_json(const fw_ir *ir, char **out_json, fw_error *err) {
  if (!ir || !out_json) return fw__fail(err, FW_ERR_ARG, "ir and out_json are required");
  cJSON *doc = cJSON_CreateObject(), *ents = cJSON_AddArrayToObject(doc, "entities");
  if (ir->name) cJSON_AddStringToObject(doc, "name", ir->name);
  if (ir->stack) cJSON_AddStringToObject(doc, "stack", ir->stack);
  for (size_t i = 0; i < ir->nentities; i++) {
    const fw_ir_entity *e = &ir->entities[i];
    cJSON *je = cJSON_CreateObject();
    cJSON_AddItemToArray(ents, je);
    cJSON_AddStringToObject(je, "name", e->name);
    cJSON_AddStringToObject(je, "table", e->table);
    cJSON *jf = cJSON_AddArrayToObject(je, "fields");
    for (size_t f = 0; f < e->nfields; f++) {
      const fw_ir_field *fd = &e->fields[f];
      cJSON *o = cJSON_CreateObject();
      cJSON_AddItemToArray(jf, o);
      cJSON_AddStringToObject(o, "name", fd->name);
      cJSON_AddStringToObject(o, "type", fd->type);
      if (fd->type_raw) cJSON_AddStringToObject(o, "type_raw", fd->type_raw);
      cJSON_AddBoolToObject(o, "nullable", fd->nullable);
      cJSON_AddBoolToObject(o, "unique", fd->unique);
      cJSON_AddBoolToObject(o, "primary_key", fd->primary_key);
      if (fd->fk_entity) {
        char fk[300];
        snprintf(fk, sizeof fk, "%s.%s", fd->fk_entity, fd->fk_field);
        cJSON_AddStringToObject(o, "foreign_key", fk);
      }
      if (fd->max_length >= 0) cJSON_AddNumberToObject(o, "max_length", (double)fd->max_length);
      if (fd->has_min) cJSON_AddNumberToObject(o, "min", fd->min);
      if (fd->has_max) cJSON_AddNumberToObject(o, "max", fd->max);
    }
  }
  cJSON *eps = cJSON_AddArrayToObject(doc, "endpoints");
  for (size_t i = 0; i < ir->nendpoints; i++) {
    const fw_ir_endpoint *p = &ir->endpoints[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(eps, o);
    cJSON_AddStringToObject(o, "method", p->method);
    cJSON_AddStringToObject(o, "path", p->path);
    if (p->entity) cJSON_AddStringToObject(o, "entity", p->entity);
    if (p->request_schema) cJSON_AddStringToObject(o, "request_schema", p->request_schema);
    if (p->response_schema) cJSON_AddStringToObject(o, "response_schema", p->response_schema);
    cJSON_AddNumberToObject(o, "success_status", p->success_status);
  }
  *out_json = cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  return *out_json ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}
