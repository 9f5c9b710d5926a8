/*
 * openapi_paths.c - endpoints from an OpenAPI document's paths: method and path as written, the
 * request and response schemas' names, the success status (the lowest 2xx response), and the
 * entity (the request schema's, else the response's, else the one a path segment names).
 */
#include "openapi_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"get", "put", "post", "delete", "options", "head", "patch"};

static const cJSON *member(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The schema of a body: content["application/json"] (else the first media type with a schema),
 * or Swagger 2.0's "schema" beside it. */
static const cJSON *body_schema(const cJSON *holder) {
  const cJSON *content = member(holder, "content"), *mt;
  const cJSON *json = member(content, "application/json");
  if (json && member(json, "schema")) return member(json, "schema");
  cJSON_ArrayForEach(mt, fw__if_object(content)) {
    if (member(mt, "schema")) return member(mt, "schema");
  }
  return member(holder, "schema");
}

static const cJSON *request_schema(const cJSON *op) {
  const cJSON *body = member(op, "requestBody");
  if (cJSON_IsObject(body)) return body_schema(body);
  const cJSON *p;
  cJSON_ArrayForEach(p, fw__if_array(member(op, "parameters"))) {
    const cJSON *in = member(p, "in");
    if (cJSON_IsString(in) && strcmp(in->valuestring, "body") == 0) return member(p, "schema");
  }
  return NULL;
}

/* The lowest 2xx response ("201", or "2XX" read as 200); 0 when none. */
static int success_response(const cJSON *op, const cJSON **response) {
  int best = 0;
  const cJSON *r;
  *response = NULL;
  cJSON_ArrayForEach(r, fw__if_object(member(op, "responses"))) {
    const char *k = r->string;
    int code = 0;
    if (k[0] == '2' && (k[1] == 'X' || k[1] == 'x')) code = 200;
    else if (k[0] == '2' && k[1] >= '0' && k[1] <= '9' && k[2] >= '0' && k[2] <= '9' && !k[3]) code = atoi(k);
    if (code && (!best || code < best)) {
      best = code;
      *response = r;
    }
  }
  return best;
}

/* The entity the path names: its last literal segment that names one ("/api/v1/books/{id}" ->
 * Book; "/orders/{id}/items" -> Order unless an entity is called Item). */
static const char *entity_of_path(const fw_openapi *o, const char *path) {
  const char *found = NULL;
  for (const char *s = path; *s;) {
    while (*s == '/') s++;
    const char *e = s;
    while (*e && *e != '/') e++;
    if (e > s && *s != '{' && *s != ':') {
      const char *hit = fw__openapi_entity_of_segment(o, s, (size_t)(e - s));
      if (hit) found = hit;
    }
    s = e;
  }
  return found;
}

static fw_status add_endpoint(fw_openapi *o, cJSON *eps, const char *path, const char *method,
                              const cJSON *op, fw_error *err) {
  cJSON *ep = cJSON_CreateObject();
  if (!ep || !cJSON_AddItemToArray(eps, ep)) {
    cJSON_Delete(ep);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  char upper[16];
  size_t i = 0;
  for (; method[i] && i + 1 < sizeof upper; i++) upper[i] = (char)(method[i] - 'a' + 'A');
  upper[i] = '\0';
  const cJSON *response = NULL;
  int status = success_response(op, &response);
  const cJSON *req = request_schema(op), *resp = response ? body_schema(response) : NULL;
  const char *req_name = req ? fw__openapi_schema_name(o, req) : NULL;
  const char *resp_name = resp ? fw__openapi_schema_name(o, resp) : NULL;
  const char *entity = req ? fw__openapi_entity_of(o, req) : NULL;
  if (!entity && resp) entity = fw__openapi_entity_of(o, resp);
  if (!entity) entity = entity_of_path(o, path);
  bool ok = cJSON_AddStringToObject(ep, "method", upper) && cJSON_AddStringToObject(ep, "path", path);
  if (ok && entity) ok = cJSON_AddStringToObject(ep, "entity", entity) != NULL;
  if (ok && req_name) ok = cJSON_AddStringToObject(ep, "request_schema", req_name) != NULL;
  if (ok && resp_name) ok = cJSON_AddStringToObject(ep, "response_schema", resp_name) != NULL;
  if (ok && status) ok = cJSON_AddNumberToObject(ep, "success_status", status) != NULL;
  return ok ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

/* The path the first server's URL adds ("/api" of "servers": [{"url": "/api"}] as drf-spectacular
 * writes it, or of "https://host/api/v1"), without a trailing '/'; "" when none. */
static void server_prefix(const cJSON *doc, char *out, size_t cap) {
  out[0] = '\0';
  const cJSON *servers = member(doc, "servers");
  const cJSON *url = cJSON_IsArray(servers) ? member(servers->child, "url") : NULL;
  if (!cJSON_IsString(url)) return;
  const char *u = url->valuestring, *scheme = strstr(u, "://");
  if (scheme) {
    u = strchr(scheme + 3, '/');
    if (!u) return;
  }
  if (u[0] != '/' || strchr(u, '{')) return; /* a relative "v1" or a templated URL: not a path */
  size_t n = strcspn(u, "?#");
  while (n > 0 && u[n - 1] == '/') n--;
  snprintf(out, cap, "%.*s", (int)n, u);
}

fw_status fw__openapi_paths(fw_openapi *o, fw_error *err) {
  cJSON *eps = cJSON_AddArrayToObject(o->ir, "endpoints");
  if (!eps) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  const cJSON *paths = member(o->doc, "paths"), *item;
  if (paths && !cJSON_IsObject(paths)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.paths", "expected an object of paths");
  char prefix[256];
  server_prefix(o->doc, prefix, sizeof prefix);
  cJSON_ArrayForEach(item, paths) {
    if (!cJSON_IsObject(item) || item->string[0] != '/') continue; /* "x-..." extensions */
    char path[1024];
    snprintf(path, sizeof path, "%s%s", prefix, item->string);
    const cJSON *op;
    cJSON_ArrayForEach(op, item) { /* in the document's order */
      bool is_method = false;
      for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) is_method |= strcmp(op->string, methods[m]) == 0;
      if (!is_method || !cJSON_IsObject(op)) continue; /* "parameters", "summary", "x-..." */
      fw_status st = add_endpoint(o, eps, path, op->string, op, err);
      if (st != FW_OK) return st;
    }
  }
  return FW_OK;
}
