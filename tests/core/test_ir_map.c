/* test_ir_map.c - mapping errors onto the example spec: entity, field, constraint, endpoint. */
#include "fixture.h"
#include "ir_internal.h"

static fw_ir *load_ir(void) {
  FILE *f = fopen(FW_SOURCE_DIR "/examples/shop/ir.json", "rb");
  static char buf[1 << 16];
  size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f) fclose(f);
  fw_ir *ir = NULL;
  fw_error err;
  if (fw_ir_parse(buf, n, &ir, &err) != FW_OK) fprintf(stderr, "ir: %s\n", err.message);
  return ir;
}

static void expect(const fw_ir *ir, const char *text, const char *endpoint, const char *entity,
                   const char *field, const char *constraint, const char *relationship,
                   const char *endpoint_pattern) {
  fw_classification c;
  CHECK(classify_text(text, ir, endpoint, &c) == FW_OK);
  CHECK(c.ir.mapped);
  CHECK_STR(c.ir.entity, entity);
  CHECK_STR(c.ir.field, field);
  CHECK_STR(c.ir.constraint_type, constraint);
  CHECK_STR(c.ir.relationship_type, relationship);
  CHECK_STR(c.ir.endpoint_pattern, endpoint_pattern);
  fw__classification_clear(&c);
}

/* The spec field (or none, "") a text maps to, and whether the field was inferred. */
static void expect_field(const fw_ir *ir, const char *text, const char *endpoint, const char *entity,
                         const char *field, bool field_inferred) {
  fw_classification c;
  CHECK(classify_text(text, ir, endpoint, &c) == FW_OK);
  CHECK_STR(c.ir.entity, entity);
  CHECK_STR(c.ir.field, field);
  CHECK(c.ir.field_inferred == field_inferred);
  fw__classification_clear(&c);
}

/* ir.field_name is a field of the spec or null; misspellings map by similarity; a text that
 * names no column gets the spec's only candidate, marked inferred. */
static void spec_fields(const fw_ir *ir) {
  /* a code identifier of the traceback is not a field */
  expect_field(ir, "AttributeError: 'Result' object has no attribute 'scalar_one_or_none'", "GET /products/1",
               "Product", "", false);
  expect_field(ir, "AttributeError: module 'starlette.status' has no attribute 'HTTP_201_CREATE'",
               "POST /products", "Product", "", false);
  /* a column the spec's entity does not have */
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: products.created_at", "POST /products",
               "Product", "", false);
  /* misspellings and other spellings of a spec field */
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: customers.fullname", "POST /customers",
               "Customer", "full_name", false);
  expect_field(ir, "body.fullName\n  Field required [type=missing]", "POST /customers", "Customer", "full_name", false);
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: customers.emial", "POST /customers",
               "Customer", "email", false);
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: order_items.unitprice", "POST /orders/1/items",
               "OrderItem", "unit_price", false);
  /* too far from every field, or too short to tell */
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: products.colour", "POST /products",
               "Product", "", false);
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: products.nam", "POST /products",
               "Product", "", false);
  /* a table spelt otherwise than the spec's: singular, CamelCase */
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: product.price", NULL, "Product", "price", false);
  expect_field(ir, "sqlite3.IntegrityError: NOT NULL constraint failed: OrderItem.quantity", NULL, "OrderItem",
               "quantity", false);
  /* the text names no column: the only foreign key, the only CHECK-bearing field */
  expect_field(ir, "sqlite3.IntegrityError: FOREIGN KEY constraint failed", "POST /orders", "Order", "customer_id", true);
  expect_field(ir, "sqlite3.IntegrityError: CHECK constraint failed", "PATCH /orders/1", "Order", "total", true);
  /* two candidates: no field */
  expect_field(ir, "sqlite3.IntegrityError: FOREIGN KEY constraint failed", "POST /orders/1/items", "OrderItem", "", false);
  expect_field(ir, "sqlite3.IntegrityError: CHECK constraint failed", "POST /products", "Product", "", false);
  /* no table, no endpoint: the only entity with that column */
  expect_field(ir, "psycopg2.errors.NotNullViolation: null value in column \"sku\" violates not-null constraint", NULL,
               "Product", "sku", false);
}

int main(void) {
  fixture_init();
  fw_ir *ir = load_ir();
  CHECK(ir != NULL);
  /* table -> entity, column -> field; the FK field's relationship comes from the IR */
  expect(ir, "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: products.category_id",
         "POST /products", "Product", "category_id", "nullable", "many_to_one", "POST /{entities}");
  /* SQLite names no column for FKs: the endpoint's entity has exactly one FK field */
  expect(ir, "sqlite3.IntegrityError: FOREIGN KEY constraint failed", "POST /products", "Product",
         "category_id", "foreign_key", "many_to_one", "POST /{entities}");
  /* a constraint name carries the field */
  expect(ir, "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint \"customers_email_key\"",
         "POST /customers", "Customer", "email", "unique", "", "POST /{entities}");
  /* a concrete path matches its template; snake_case table of a two-word entity */
  expect(ir, "(1406, \"Data too long for column 'status' at row 1\")", "PATCH /orders/42", "Order",
         "status", "max_length", "", "PATCH /{entities}/{id}");
  /* nested collection path */
  expect(ir, "asyncpg.exceptions.ForeignKeyViolationError: insert or update on table \"order_items\" violates foreign key constraint \"order_items_product_id_fkey\"\nDETAIL:  Key (product_id)=(999) is not present in table \"products\".",
         "POST /orders/7/items", "OrderItem", "product_id", "foreign_key", "many_to_one",
         "POST /{entities}/{id}/{entities}");
  /* a Pydantic model name maps to its entity */
  expect(ir, "pydantic_core._pydantic_core.ValidationError: 1 validation error for ProductCreate\nprice\n  Field required [type=missing, input_value={'name': 'x'}, input_type=dict]",
         NULL, "Product", "price", "required", "", "");
  spec_fields(ir);
  fw_ir_free(ir);
  fixture_done();
  HARNESS_DONE();
}
