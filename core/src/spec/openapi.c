/*
 * openapi.c - an OpenAPI 3.0 / 3.1 document (or Swagger 2.0) read as the app's spec: users often
 * have their spec only as the generated app's /openapi.json. This file checks the document,
 * resolves its local references and tells list pages and error bodies from entities; the entities
 * and endpoints are derived in openapi_entities.c and openapi_paths.c into an ApplicationIR (JSON)
 * that ir.c then reads like a hand-written one.
 */
#include "ir_internal.h"
#include "openapi_internal.h"

#include <stdio.h>
#include <string.h>

bool fw__ir_is_openapi(const cJSON *doc) {
  return cJSON_IsObject(doc) && (cJSON_GetObjectItemCaseSensitive(doc, "openapi") ||
                                 cJSON_GetObjectItemCaseSensitive(doc, "swagger"));
}

const cJSON *fw__openapi_ref(const fw_openapi *o, const cJSON *schema, const char **name) {
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive(schema, "$ref");
  if (!cJSON_IsString(ref) || !o->ref_prefix) return NULL;
  size_t pl = strlen(o->ref_prefix);
  if (strncmp(ref->valuestring, o->ref_prefix, pl) != 0) return NULL;
  /* a JSON Pointer token: "~1" is '/', "~0" is '~' */
  char key[256];
  size_t w = 0;
  for (const char *c = ref->valuestring + pl; *c && w + 1 < sizeof key; c++) {
    if (*c == '/') return NULL; /* deeper than a component schema */
    if (c[0] == '~' && (c[1] == '0' || c[1] == '1')) {
      key[w++] = c[1] == '1' ? '/' : '~';
      c++;
    } else {
      key[w++] = *c;
    }
  }
  key[w] = '\0';
  size_t i = fw_strmap_get(&o->schema_by_name, key);
  if (i == (size_t)-1) return NULL;
  if (name) *name = o->schema_nodes[i]->string;
  return o->schema_nodes[i];
}

static const cJSON *member(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The item schema name of an array property ({"type": "array", "items": {"$ref": ...}}). */
static const char *array_items_ref(const fw_openapi *o, const cJSON *prop) {
  const cJSON *type = member(prop, "type"), *items = member(prop, "items");
  if (!cJSON_IsString(type) || strcmp(type->valuestring, "array") != 0 || !cJSON_IsObject(items)) return NULL;
  return fw__openapi_schema_name(o, items);
}

const char *fw__openapi_schema_name(const fw_openapi *o, const cJSON *schema) {
  for (int depth = 0; cJSON_IsObject(schema) && depth < FW_OPENAPI_MAX_DEPTH; depth++) {
    const char *name = NULL;
    if (fw__openapi_ref(o, schema, &name)) return name;
    const char *items = array_items_ref(o, schema);
    if (items) return items;
    const cJSON *wrap = member(schema, "allOf");
    if (!cJSON_IsArray(wrap)) wrap = member(schema, "oneOf");
    if (!cJSON_IsArray(wrap)) wrap = member(schema, "anyOf");
    if (!cJSON_IsArray(wrap) || cJSON_GetArraySize(wrap) != 1) return NULL;
    schema = wrap->child;
  }
  return NULL;
}

static bool has_key(const cJSON *props, const char *const *keys, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (member(props, keys[i])) return true;
  }
  return false;
}

bool fw__openapi_is_list_page(const fw_openapi *o, const cJSON *schema, const char **items) {
  static const char *const list_keys[] = {"results", "items", "content", "data", "records"};
  static const char *const page_keys[] = {"count", "total", "next", "previous", "page", "size",
                                          "totalElements", "totalPages", "pageable", "limit",
                                          "offset", "pages", "meta"};
  const cJSON *props = member(schema, "properties");
  if (!cJSON_IsObject(props) || !has_key(props, page_keys, sizeof page_keys / sizeof *page_keys)) return false;
  for (size_t i = 0; i < sizeof list_keys / sizeof *list_keys; i++) {
    const cJSON *list = member(props, list_keys[i]);
    const char *name = list ? array_items_ref(o, list) : NULL;
    if (name) {
      if (items) *items = name;
      return true;
    }
  }
  return false;
}

bool fw__openapi_is_error_body(const fw_openapi *o, const cJSON *schema) {
  const cJSON *props = member(schema, "properties");
  if (!cJSON_IsObject(props)) return false;
  int n = cJSON_GetArraySize(props);
  /* FastAPI's ValidationError {loc, msg, type} and HTTPValidationError {detail: [ValidationError]} */
  if (member(props, "loc") && member(props, "msg")) return true;
  const cJSON *detail = member(props, "detail");
  if (n == 1 && detail) {
    const char *items = array_items_ref(o, detail);
    const cJSON *target = NULL;
    if (items) {
      size_t i = fw_strmap_get(&o->schema_by_name, items);
      target = i == (size_t)-1 ? NULL : o->schema_nodes[i];
    }
    const cJSON *tprops = member(target, "properties");
    return tprops && member(tprops, "loc") && member(tprops, "msg");
  }
  return false;
}

static fw_status check_version(const cJSON *doc, fw_openapi *o, fw_error *err) {
  const cJSON *v = member(doc, "openapi");
  if (v) {
    if (!cJSON_IsString(v) || (strncmp(v->valuestring, "3.0", 3) != 0 && strncmp(v->valuestring, "3.1", 3) != 0))
      return fw__fail_path(err, FW_ERR_SCHEMA, "$.openapi",
                           "expected an OpenAPI version \"3.0.x\" or \"3.1.x\" (or a Swagger \"2.0\" document)");
    const cJSON *components = member(doc, "components");
    o->schemas = cJSON_IsObject(components) ? member(components, "schemas") : NULL;
    o->ref_prefix = "#/components/schemas/";
    return FW_OK;
  }
  v = member(doc, "swagger");
  if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0") != 0)
    return fw__fail_path(err, FW_ERR_SCHEMA, "$.swagger", "expected \"2.0\" (or an OpenAPI 3.0 / 3.1 document)");
  o->schemas = member(doc, "definitions");
  o->ref_prefix = "#/definitions/";
  return FW_OK;
}

static fw_status index_schemas(fw_openapi *o, fw_error *err) {
  if (!o->schemas) return FW_OK;
  if (!cJSON_IsObject(o->schemas))
    return fw__fail_path(err, FW_ERR_SCHEMA, o->ref_prefix[2] == 'c' ? "$.components.schemas" : "$.definitions",
                         "expected an object of schemas");
  size_t n = (size_t)cJSON_GetArraySize(o->schemas);
  o->schema_nodes = fw_malloc(sizeof *o->schema_nodes * (n ? n : 1));
  if (!o->schema_nodes) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  const cJSON *s;
  cJSON_ArrayForEach(s, o->schemas) {
    o->schema_nodes[o->nschemas] = s;
    if (!fw_strmap_put(&o->schema_by_name, s->string, o->nschemas)) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    o->nschemas++;
  }
  return FW_OK;
}

fw_status fw__ir_from_openapi(const cJSON *doc, cJSON **out, fw_buf *warnings, fw_error *err) {
  *out = NULL;
  fw_openapi o;
  memset(&o, 0, sizeof o);
  o.doc = doc;
  o.warnings = warnings;
  fw_status st = check_version(doc, &o, err);
  if (st == FW_OK) st = index_schemas(&o, err);
  if (st == FW_OK) {
    o.ir = cJSON_CreateObject();
    const cJSON *info = member(doc, "info"), *title = member(info, "title");
    const cJSON *stack = member(doc, "x-stack"); /* the stack the app is written in */
    if (!stack) stack = member(info, "x-stack");
    if (!o.ir || (cJSON_IsString(title) && title->valuestring[0] && !cJSON_AddStringToObject(o.ir, "name", title->valuestring)) ||
        (cJSON_IsString(stack) && stack->valuestring[0] && !cJSON_AddStringToObject(o.ir, "stack", stack->valuestring)))
      st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  if (st == FW_OK) st = fw__openapi_entities(&o, err);
  if (st == FW_OK) st = fw__openapi_paths(&o, err);
  fw__openapi_entities_free(&o);
  fw_strmap_free(&o.schema_by_name);
  fw_free(o.schema_nodes);
  if (st != FW_OK) {
    cJSON_Delete(o.ir);
    return st;
  }
  *out = o.ir;
  return FW_OK;
}
