/* ir_internal.h - the parsed ApplicationIR, read by the IR mapper and the prompt enhancer. */
#ifndef FW_IR_INTERNAL_H
#define FW_IR_INTERNAL_H

#include "internal.h"
#include "strmap.h"

#include <cjson/cJSON.h>

typedef struct fw_ir_field {
  char *name;
  char *type;     /* canonical (ir_types.c), or as written when unknown */
  char *type_raw; /* as written, when it differs from type (NULL otherwise) */
  bool nullable, unique, primary_key;
  char *fk_entity, *fk_field; /* from "foreign_key": "Entity.field" */
  long max_length;            /* -1 when absent */
  bool has_min, has_max;
  double min, max;
} fw_ir_field;

typedef struct fw_ir_entity {
  char *name;
  char *table;
  fw_ir_field *fields;
  size_t nfields;
  fw_strmap by_field; /* name -> index in fields (keys are the fields' names) */
} fw_ir_entity;

typedef struct fw_ir_endpoint {
  char *method; /* upper case */
  char *path;
  char *entity; /* may be NULL */
  char *request_schema, *response_schema;
  int success_status;
} fw_ir_endpoint;

struct fw_ir {
  char *name;
  char *stack; /* the stack the app is written in ("django"), NULL when the spec does not say */
  fw_ir_entity *entities;
  size_t nentities;
  fw_strmap by_entity; /* name -> index in entities: lookups and checks stay linear in the IR */
  fw_buf warnings;      /* one line each: what was accepted with a doubt (an unknown type) */
  fw_ir_endpoint *endpoints;
  size_t nendpoints;
};

/* A field type as written, mapped onto a canonical IR type (NULL when unknown), with what its
 * spelling says besides: nullable (Optional[X], X | None, X?) and a size (VARCHAR(120)). */
typedef struct fw_ir_type {
  const char *canonical;
  bool nullable;
  long max_length; /* -1 when the type gives none */
} fw_ir_type;
fw_ir_type fw__ir_type(const char *raw);
/* The canonical type of a JSON Schema "format" (date-time, uuid, email, uri, int64, ...), or NULL. */
const char *fw__ir_type_for_format(const char *format);

/* An OpenAPI 3.x (or Swagger 2.0) document, told by its "openapi" (or "swagger") key, and the
 * ApplicationIR (JSON) derived from it (openapi.c); what was derived with a doubt goes to warnings. */
bool fw__ir_is_openapi(const cJSON *doc);
fw_status fw__ir_from_openapi(const cJSON *doc, cJSON **out, fw_buf *warnings, fw_error *err);

/* The stack the spec says the app is written in, or NULL. */
static inline const char *fw__ir_stack(const fw_ir *ir) { return ir ? ir->stack : NULL; }

const fw_ir_entity *fw__ir_entity(const fw_ir *ir, const char *name);
const fw_ir_field *fw__ir_field(const fw_ir_entity *e, const char *name);

/* A name without case, '_', '-' and ' ' ("order_item", "orderItem", "Order-Item" -> "orderitem"),
 * its first n bytes at most (SIZE_MAX: all), to compare names across spellings; returns its length. */
size_t fw__ir_squash(const char *s, size_t n, char *out, size_t cap);

/* snake_case plural of an entity name: "OrderItem" -> "order_items", "Category" -> "categories". */
char *fw__table_name(const char *entity);

#endif
