/* test_openapi.c - an OpenAPI document read as the spec (openapi*.c): variants merged into one
 * entity, nullable from each spelling, relations as foreign keys, endpoints from paths, and
 * the refusals. The documents here are synthetic, each written to exercise one rule; the real
 * documents (tests/specs/openapi/) are tested by tests/node/spec_inputs.test.mjs. */
#include "harness.h"
#include "ir_expect.h"
#include "ir_internal.h"

#include <stdlib.h>

static fw_ir *parse(const char *json) {
  fw_ir *ir = NULL;
  fw_error err;
  fw_status st = fw_ir_parse(json, strlen(json), &ir, &err);
  if (st != FW_OK) fprintf(stderr, "parse failed: %s (%s)\n", err.message, err.path);
  CHECK(st == FW_OK);
  return ir;
}

#define SCHEMAS_3_1                                                                                      \
  "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"Books\", \"version\": \"1\"}, \"paths\": {"       \
  "\"/books/\": {\"post\": {\"requestBody\": {\"content\": {\"application/json\": {\"schema\": "       \
  "{\"$ref\": \"#/components/schemas/BookCreate\"}}}}, \"responses\": {\"422\": {}, \"201\": "        \
  "{\"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/BookRead\"}}}}}}," \
  " \"get\": {\"responses\": {\"200\": {\"content\": {\"application/json\": {\"schema\": {\"type\": "   \
  "\"array\", \"items\": {\"$ref\": \"#/components/schemas/BookRead\"}}}}}}}},"                        \
  "\"/authors/{author_id}\": {\"parameters\": [], \"delete\": {\"responses\": {\"204\": {}}}}},"       \
  "\"components\": {\"schemas\": {"                                                                    \
  "\"BookCreate\": {\"type\": \"object\", \"required\": [\"title\", \"price\", \"author_id\"], "       \
  "\"properties\": {\"title\": {\"type\": \"string\", \"maxLength\": 200}, \"price\": {\"anyOf\": "    \
  "[{\"type\": \"number\"}, {\"type\": \"string\"}]}, \"summary\": {\"anyOf\": [{\"type\": \"string\", "  \
  "\"maxLength\": 500}, {\"type\": \"null\"}]}, \"author_id\": {\"type\": \"integer\"}, \"stock\": "   \
  "{\"type\": \"integer\", \"default\": 0, \"minimum\": 0}}},"                                         \
  "\"BookRead\": {\"type\": \"object\", \"required\": [\"id\", \"title\", \"price\", \"author_id\", "  \
  "\"created_at\"], \"properties\": {\"id\": {\"type\": \"integer\"}, \"title\": {\"type\": "          \
  "\"string\"}, \"price\": {\"type\": \"string\"}, \"summary\": {\"type\": [\"string\", \"null\"]}, "   \
  "\"author_id\": {\"type\": \"integer\"}, \"created_at\": {\"type\": \"string\", \"format\": "        \
  "\"date-time\"}, \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}},"              \
  "\"AuthorOut\": {\"type\": \"object\", \"required\": [\"id\", \"name\"], \"properties\": {\"id\": "  \
  "{\"type\": \"integer\"}, \"name\": {\"type\": \"string\"}, \"books\": {\"type\": \"array\", "       \
  "\"items\": {\"$ref\": \"#/components/schemas/BookRead\"}}}},"                                       \
  "\"HTTPValidationError\": {\"type\": \"object\", \"properties\": {\"detail\": {\"type\": \"array\", " \
  "\"items\": {\"$ref\": \"#/components/schemas/ValidationError\"}}}},"                                \
  "\"ValidationError\": {\"type\": \"object\", \"properties\": {\"loc\": {\"type\": \"array\"}, "       \
  "\"msg\": {\"type\": \"string\"}, \"type\": {\"type\": \"string\"}}}}}}"

static void test_variants_merge_3_1(void) {
  fw_ir *ir = parse(SCHEMAS_3_1);
  if (!ir) return;
  CHECK_STR(ir->name, "Books");
  CHECK(ir->nentities == 2); /* Book, Author; FastAPI's error bodies are not entities */
  const fw_ir_entity *book = fw__ir_entity(ir, "Book");
  CHECK(book && strcmp(book->table, "books") == 0);
  const fw_ir_field *f = fw__ir_field(book, "id");
  CHECK(f && f->primary_key && !f->nullable);
  f = fw__ir_field(book, "title");
  CHECK(f && strcmp(f->type, "string") == 0 && f->max_length == 200 && !f->nullable);
  f = fw__ir_field(book, "price"); /* Pydantic v2's Decimal: number-or-string in, string out */
  CHECK(f && strcmp(f->type, "decimal") == 0);
  f = fw__ir_field(book, "summary");
  CHECK(f && f->nullable && f->max_length == 500);
  f = fw__ir_field(book, "stock"); /* a default: optional in the request, never NULL */
  CHECK(f && !f->nullable && f->has_min && f->min == 0);
  f = fw__ir_field(book, "created_at");
  CHECK(f && strcmp(f->type, "datetime") == 0 && !f->nullable);
  f = fw__ir_field(book, "author_id");
  CHECK(f && f->fk_entity && strcmp(f->fk_entity, "Author") == 0 && strcmp(f->fk_field, "id") == 0);
  f = fw__ir_field(book, "tags");
  CHECK(f && strcmp(f->type, "json") == 0 && f->nullable);
  CHECK(!fw__ir_field(fw__ir_entity(ir, "Author"), "books")); /* a relation list, no column */
  CHECK(ir->nendpoints == 3);
  const fw_ir_endpoint *p = &ir->endpoints[0];
  CHECK_STR(p->method, "POST");
  CHECK_STR(p->path, "/books/");
  CHECK_STR(p->entity, "Book");
  CHECK_STR(p->request_schema, "BookCreate");
  CHECK_STR(p->response_schema, "BookRead");
  CHECK(p->success_status == 201);
  CHECK_STR(ir->endpoints[1].response_schema, "BookRead"); /* an array of them */
  p = &ir->endpoints[2];
  CHECK(strcmp(p->method, "DELETE") == 0 && p->entity && strcmp(p->entity, "Author") == 0 && p->success_status == 204);
  CHECK_STR(fw_ir_warnings(ir), "");
  fw_ir_free(ir);
}

/* 3.0's nullable, DRF's names (PatchedBookRequest, PaginatedBookList), relations as keys and as
 * nested objects, enums, the servers' path prefix. */
static void test_drf_style_3_0(void) {
  const char *doc =
      "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"Shop\", \"version\": \"1\"}, \"servers\": [{\"url\": "
      "\"https://api.example.com/api/\"}], \"paths\": {\"/books/\": {\"get\": {\"responses\": {\"200\": "
      "{\"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/PaginatedBookList\"}}}}}},"
      " \"post\": {\"requestBody\": {\"content\": {\"application/json\": {\"schema\": {\"$ref\": "
      "\"#/components/schemas/BookRequest\"}}}}, \"responses\": {\"201\": {\"content\": {\"application/json\": "
      "{\"schema\": {\"$ref\": \"#/components/schemas/Book\"}}}}}}},"
      " \"/shelves/{id}/\": {\"patch\": {\"requestBody\": {\"content\": {\"application/json\": {\"schema\": "
      "{\"$ref\": \"#/components/schemas/PatchedShelfRequest\"}}}}, \"responses\": {\"200\": {\"description\": \"ok\"}}}}},"
      " \"components\": {\"schemas\": {"
      "\"Book\": {\"type\": \"object\", \"required\": [\"id\", \"title\", \"shelf\", \"status\"], \"properties\": {"
      "\"id\": {\"type\": \"integer\", \"readOnly\": true}, \"title\": {\"type\": \"string\", \"maxLength\": 120}, "
      "\"isbn\": {\"type\": \"string\", \"nullable\": true}, \"shelf\": {\"allOf\": [{\"$ref\": "
      "\"#/components/schemas/Shelf\"}], \"readOnly\": true}, \"status\": {\"$ref\": \"#/components/schemas/StatusEnum\"}}},"
      "\"BookRequest\": {\"type\": \"object\", \"required\": [\"title\", \"shelf\"], \"properties\": {\"title\": "
      "{\"type\": \"string\", \"minLength\": 1}, \"shelf\": {\"type\": \"integer\"}}},"
      "\"PaginatedBookList\": {\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\"}, \"next\": "
      "{\"type\": \"string\", \"nullable\": true}, \"results\": {\"type\": \"array\", \"items\": {\"$ref\": "
      "\"#/components/schemas/Book\"}}}},"
      "\"Shelf\": {\"type\": \"object\", \"x-table\": \"library_shelf\", \"required\": [\"id\", \"label\"], \"properties\": {\"id\": {\"type\": "
      "\"integer\"}, \"label\": {\"type\": \"string\"}}},"
      "\"PatchedShelfRequest\": {\"type\": \"object\", \"properties\": {\"label\": {\"type\": \"string\"}, "
      "\"room\": {\"type\": \"string\"}}},"
      "\"StatusEnum\": {\"enum\": [\"new\", \"sold\"], \"type\": \"string\"}}}}";
  fw_ir *ir = parse(doc);
  if (!ir) return;
  CHECK(ir->nentities == 2); /* Book, Shelf: the page and the enum are not entities */
  CHECK_STR(fw__ir_entity(ir, "Shelf")->table, "library_shelf"); /* x-table names it */
  CHECK_STR(fw__ir_entity(ir, "Book")->table, "books");          /* else derived */
  const fw_ir_entity *book = fw__ir_entity(ir, "Book");
  const fw_ir_field *f = fw__ir_field(book, "isbn");
  CHECK(f && f->nullable);
  f = fw__ir_field(book, "shelf_id"); /* "shelf": 3 in requests, a nested Shelf in responses */
  CHECK(f && f->fk_entity && strcmp(f->fk_entity, "Shelf") == 0 && !f->nullable);
  CHECK(!fw__ir_field(book, "shelf"));
  f = fw__ir_field(book, "status");
  CHECK(f && strcmp(f->type, "enum") == 0);
  /* only the update variant has it, and the full variant's required list does not: nullable */
  f = fw__ir_field(fw__ir_entity(ir, "Shelf"), "room");
  CHECK(f && f->nullable);
  f = fw__ir_field(fw__ir_entity(ir, "Shelf"), "label"); /* required by the full variant */
  CHECK(f && !f->nullable);
  CHECK(ir->nendpoints == 3);
  CHECK_STR(ir->endpoints[0].path, "/api/books/");
  CHECK_STR(ir->endpoints[0].entity, "Book"); /* through the page's results */
  CHECK_STR(ir->endpoints[0].response_schema, "PaginatedBookList");
  CHECK_STR(ir->endpoints[2].path, "/api/shelves/{id}/");
  CHECK_STR(ir->endpoints[2].entity, "Shelf");
  CHECK(ir->endpoints[2].success_status == 200);
  fw_ir_free(ir);
}

/* NestJS's and Spring's names, camelCase relations, Swagger 2.0. */
static void test_names_and_swagger2(void) {
  const char *nest =
      "{\"openapi\": \"3.0.0\", \"paths\": {\"/api/v1/order-items\": {\"post\": {\"requestBody\": {\"content\": "
      "{\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/CreateOrderItemDto\"}}}}, "
      "\"responses\": {\"201\": {\"description\": \"\"}}}}, \"/api/v1/customers/{customerId}\": {\"get\": "
      "{\"responses\": {\"200\": {\"description\": \"\"}}}}}, \"components\": {\"schemas\": {"
      "\"CreateOrderItemDto\": {\"type\": \"object\", \"required\": [\"quantity\", \"productId\"], \"properties\": "
      "{\"quantity\": {\"type\": \"number\"}, \"productId\": {\"type\": \"number\"}}},"
      "\"EntityModelProduct\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}, \"unitPrice\": "
      "{\"type\": \"number\"}, \"_links\": {\"type\": \"object\"}}},"
      "\"AdminCustomerResponseDto\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}, "
      "\"fullName\": {\"type\": \"string\"}}}}}}";
  fw_ir *ir = parse(nest);
  if (ir) {
    CHECK(ir->nentities == 3);
    CHECK(fw__ir_entity(ir, "OrderItem") && fw__ir_entity(ir, "Product") && fw__ir_entity(ir, "Customer"));
    const fw_ir_field *f = fw__ir_field(fw__ir_entity(ir, "OrderItem"), "productId");
    CHECK(f && f->fk_entity && strcmp(f->fk_entity, "Product") == 0);
    CHECK(!fw__ir_field(fw__ir_entity(ir, "Product"), "_links"));
    CHECK_STR(ir->endpoints[0].entity, "OrderItem");
    CHECK_STR(ir->endpoints[1].entity, "Customer"); /* from the path: no schema says */
    fw_ir_free(ir);
  }
  const char *swagger =
      "{\"swagger\": \"2.0\", \"info\": {\"title\": \"Pets\"}, \"paths\": {\"/pets\": {\"post\": {\"parameters\": "
      "[{\"in\": \"body\", \"name\": \"body\", \"schema\": {\"$ref\": \"#/definitions/Pet\"}}], \"responses\": "
      "{\"201\": {\"schema\": {\"$ref\": \"#/definitions/Pet\"}}}}}}, \"definitions\": {\"Pet\": {\"type\": "
      "\"object\", \"required\": [\"name\"], \"properties\": {\"id\": {\"type\": \"integer\", \"format\": \"int64\"}, "
      "\"name\": {\"type\": \"string\", \"maxLength\": 40}, \"tag\": {\"type\": \"string\", \"x-nullable\": true}}}}}";
  ir = parse(swagger);
  if (ir) {
    const fw_ir_entity *pet = fw__ir_entity(ir, "Pet");
    CHECK(pet && fw__ir_field(pet, "id") && strcmp(fw__ir_field(pet, "id")->type, "bigint") == 0);
    CHECK(fw__ir_field(pet, "tag") && fw__ir_field(pet, "tag")->nullable);
    CHECK(ir->nendpoints == 1 && strcmp(ir->endpoints[0].request_schema, "Pet") == 0);
    fw_ir_free(ir);
  }
}

static void test_refusals_and_cycles(void) {
  expect_ir_error("{\"openapi\": \"2.0\", \"paths\": {}}", FW_ERR_SCHEMA, "$.openapi", "3.0.x");
  expect_ir_error("{\"swagger\": \"1.2\"}", FW_ERR_SCHEMA, "$.swagger", "2.0");
  expect_ir_error("{\"openapi\": \"3.1.0\", \"paths\": {}}", FW_ERR_SCHEMA, "$.components.schemas", "no object schema");
  expect_ir_error("{\"openapi\": \"3.0.0\", \"components\": {\"schemas\": []}}", FW_ERR_SCHEMA, "$.components.schemas",
               "expected an object");
  expect_ir_error("{\"openapi\": \"3.0.0\", \"components\": {\"schemas\": {\"A\": {\"properties\": {\"x\": "
               "{\"type\": \"string\"}}}}}, \"paths\": []}",
               FW_ERR_SCHEMA, "$.paths", "expected an object");
  /* schemas that refer to themselves, directly and through allOf: bounded, not an endless walk */
  const char *cyclic =
      "{\"openapi\": \"3.0.0\", \"components\": {\"schemas\": {"
      "\"Node\": {\"allOf\": [{\"$ref\": \"#/components/schemas/Node\"}, {\"properties\": {\"label\": {\"type\": "
      "\"string\"}, \"parent\": {\"$ref\": \"#/components/schemas/Node\"}, \"loop\": {\"$ref\": "
      "\"#/components/schemas/Loop\"}}}]},"
      "\"Loop\": {\"$ref\": \"#/components/schemas/Loop\"}}}}";
  fw_ir *ir = parse(cyclic);
  if (ir) {
    const fw_ir_entity *node = fw__ir_entity(ir, "Node");
    CHECK(node && fw__ir_field(node, "label") && fw__ir_field(node, "parent_id"));
    fw_ir_free(ir);
  }
}

int main(void) {
  test_variants_merge_3_1();
  test_drf_style_3_0();
  test_names_and_swagger2();
  test_refusals_and_cycles();
  HARNESS_DONE();
}
