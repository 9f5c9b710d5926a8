/* openapi_internal.h - what the OpenAPI reader's parts share: openapi.c (the document and its
 * references), openapi_entities.c (entities from the schemas) and openapi_paths.c (endpoints from
 * the paths). The derivation rules are documented in docs/formats.md ("OpenAPI as the spec"). */
#ifndef FW_OPENAPI_INTERNAL_H
#define FW_OPENAPI_INTERNAL_H

#include <cjson/cJSON.h>

#include "internal.h"
#include "strmap.h"

/* Nesting followed through $ref / allOf / anyOf chains: enough for any real document, and a
 * bound for cyclic ones. */
#define FW_OPENAPI_MAX_DEPTH 16

struct fw_openapi_entity;

/* x when it is an array (an object), else NULL: for cJSON_ArrayForEach over optional members. */
static inline const cJSON *fw__if_array(const cJSON *x) { return cJSON_IsArray(x) ? x : NULL; }
static inline const cJSON *fw__if_object(const cJSON *x) { return cJSON_IsObject(x) ? x : NULL; }

/* The document being read, and the ApplicationIR under construction, as JSON: ir.c then reads
 * it like a hand-written one, so both forms go through the same checks. */
typedef struct fw_openapi {
  const cJSON *doc;
  const cJSON *schemas;       /* components.schemas (3.x) or definitions (Swagger 2.0); may be NULL */
  const char *ref_prefix;     /* "#/components/schemas/" or "#/definitions/" */
  fw_strmap schema_by_name;   /* schema name -> index in schema_nodes (keys: the document's) */
  const cJSON **schema_nodes;
  size_t nschemas;
  cJSON *ir;                  /* {"name", "entities": [...], "endpoints": [...]} */
  struct fw_openapi_entity *ents; /* one per entity, in the order of ir's entities */
  size_t nents;
  fw_strmap ent_by_base;      /* entity name -> index in ents */
  fw_strmap ent_by_schema;    /* schema name -> index in ents, for the schemas that give one */
  bool camel_case;            /* the document names properties in camelCase (categoryId) */
  fw_buf *warnings;
} fw_openapi;

/* The component schema a local "$ref" points at, or NULL (none, external or broken); *name (if
 * not NULL) receives its name. */
const cJSON *fw__openapi_ref(const fw_openapi *o, const cJSON *schema, const char **name);

/* Does this schema describe a list page ({"count", "results": [Book]}, Spring's Page) or an error
 * body (FastAPI's HTTPValidationError)? Neither is an entity. *items (if not NULL) receives the
 * list's item schema name. */
bool fw__openapi_is_list_page(const fw_openapi *o, const cJSON *schema, const char **items);
bool fw__openapi_is_error_body(const fw_openapi *o, const cJSON *schema);

/* Entities from the component schemas (openapi_entities.c). */
fw_status fw__openapi_entities(fw_openapi *o, fw_error *err);
/* The name of the entity a schema (a $ref, an array of them, a list page, a one-member allOf)
 * stands for, or NULL. */
const char *fw__openapi_entity_of(const fw_openapi *o, const cJSON *schema);
/* The entity a path segment names ("books", "order-items", "category"), or NULL. */
const char *fw__openapi_entity_of_segment(const fw_openapi *o, const char *seg, size_t n);
/* The name of the component schema a request or response schema is (through an array or a
 * one-member allOf), or NULL. */
const char *fw__openapi_schema_name(const fw_openapi *o, const cJSON *schema);
void fw__openapi_entities_free(fw_openapi *o);

/* The endpoints of $.paths, appended to the IR (openapi_paths.c). */
fw_status fw__openapi_paths(fw_openapi *o, fw_error *err);

#endif
