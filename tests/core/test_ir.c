/* test_ir.c - ApplicationIR parsing: derived tables, defaults, and errors that name the path. */
#include "harness.h"
#include "ir_expect.h"
#include "ir_internal.h"

#include <stdlib.h>

static void test_table_names(void) {
  const char *cases[][2] = {{"Product", "products"},   {"Category", "categories"},
                            {"OrderItem", "order_items"}, {"Address", "addresses"},
                            {"Day", "days"},           {"HTTPLog", "http_logs"},
                            {"Box", "boxes"},          {"Match", "matches"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *t = fw__table_name(cases[i][0]);
    CHECK_STR(t, cases[i][1]);
    fw_free(t);
  }
}

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static void test_example_ir(void) {
  const char *json = read_all(FW_SOURCE_DIR "/examples/shop/ir.json");
  CHECK(json != NULL);
  if (!json) return;
  fw_ir *ir = NULL;
  fw_error err;
  CHECK(fw_ir_parse(json, strlen(json), &ir, &err) == FW_OK);
  if (!ir) return;
  CHECK(ir->nentities == 5);
  CHECK(ir->nendpoints >= 12);
  const fw_ir_entity *item = fw__ir_entity(ir, "OrderItem");
  CHECK(item && strcmp(item->table, "order_items") == 0);
  const fw_ir_field *fk = fw__ir_field(fw__ir_entity(ir, "Product"), "category_id");
  CHECK(fk && fk->fk_entity && strcmp(fk->fk_entity, "Category") == 0 && strcmp(fk->fk_field, "id") == 0);
  CHECK(ir->endpoints[8].success_status == 204);
  char *out = NULL;
  CHECK(fw_ir_to_json(ir, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"table\":\"order_items\""));
  fw_free(out);
  fw_ir_free(ir);
}

/* Field types as people write them: canonical type, nullable and max_length from the spelling;
 * an unknown type kept as written, with a warning naming its path. */
static void type_is(const char *type, const char *canonical, bool nullable, long max_length) {
  char json[400];
  snprintf(json, sizeof json, "{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"x\", \"type\": \"%s\"}]}]}", type);
  fw_ir *ir = NULL;
  fw_error err;
  CHECK(fw_ir_parse(json, strlen(json), &ir, &err) == FW_OK);
  const fw_ir_field *f = ir ? fw__ir_field(fw__ir_entity(ir, "A"), "x") : NULL;
  CHECK(f != NULL);
  if (f) {
    CHECK_STR(f->type, canonical);
    CHECK(f->nullable == nullable);
    CHECK(f->max_length == max_length);
  }
  fw_ir_free(ir);
}

static void test_field_types_as_written(void) {
  type_is("str", "string", false, -1);
  type_is("Optional[str]", "string", true, -1);
  type_is("Union[str, None]", "string", true, -1);
  type_is("typing.Union[None, Optional[int]]", "integer", true, -1);
  type_is("Union[int, str]", "Union[int, str]", false, -1); /* unknown: kept as written */
  type_is("typing.Optional[int]", "integer", true, -1);
  type_is("datetime.datetime | None", "datetime", true, -1);
  type_is("None | Decimal", "decimal", true, -1);
  type_is("VARCHAR(120)", "string", false, 120);
  type_is("NUMERIC(10,2)", "decimal", false, -1);
  type_is("TIMESTAMP WITH TIME ZONE", "datetime", false, -1);
  type_is("String?", "string", true, -1);
  type_is("DateTime", "datetime", false, -1);
  type_is("list[str]", "json", false, -1);
  type_is("string[]", "json", false, -1);
  type_is("Literal['a', 'b']", "enum", false, -1);
  type_is("EmailStr", "email", false, -1);
  type_is("JSONB", "json", false, -1);
  type_is("BIGINT", "bigint", false, -1);
  /* JSON Schema's format; an explicit nullable wins over the spelling */
  const char *schema = "{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"at\", \"type\": \"string\", "
                       "\"format\": \"date-time\"}, {\"name\": \"n\", \"type\": \"Optional[int]\", \"nullable\": false}, "
                       "{\"name\": \"w\", \"type\": \"Frobnicator\"}]}]}";
  fw_ir *ir = NULL;
  fw_error err;
  CHECK(fw_ir_parse(schema, strlen(schema), &ir, &err) == FW_OK);
  const fw_ir_entity *a = fw__ir_entity(ir, "A");
  CHECK_STR(fw__ir_field(a, "at")->type, "datetime");
  CHECK(!fw__ir_field(a, "n")->nullable);
  CHECK_STR(fw__ir_field(a, "w")->type, "Frobnicator");
  CHECK_STR(fw_ir_warnings(ir), "$.entities[0].fields[2].type: unknown type 'Frobnicator', kept as written\n");
  char *out = NULL;
  CHECK(fw_ir_to_json(ir, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"name\":\"n\",\"type\":\"integer\",\"type_raw\":\"Optional[int]\""));
  fw_free(out);
  fw_ir_free(ir);
}

static void test_errors_name_the_path(void) {
  expect_ir_error("{\"entities\": [", FW_ERR_JSON, NULL, "not valid JSON");
  expect_ir_error("[]", FW_ERR_SCHEMA, "$", "expected an object");
  expect_ir_error("{\"entities\": []}", FW_ERR_SCHEMA, "$.entities", "non-empty array");
  expect_ir_error("{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}, "
               "{\"name\": \"x\", \"type\": 42}]}]}",
               FW_ERR_SCHEMA, "$.entities[0].fields[1].type", "expected a non-empty string");
  expect_ir_error("{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"b_id\", \"type\": \"integer\", "
               "\"foreign_key\": \"B.id\"}]}]}",
               FW_ERR_SCHEMA, "$.entities[0].fields[0].foreign_key", "unknown entity 'B'");
  expect_ir_error("{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\", "
               "\"nullable\": \"no\"}]}]}",
               FW_ERR_SCHEMA, "$.entities[0].fields[0].nullable", "true or false");
  expect_ir_error("{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}]}], "
               "\"endpoints\": [{\"method\": \"FETCH\", \"path\": \"/a\"}]}",
               FW_ERR_SCHEMA, "$.endpoints[0].method", "unknown method");
  expect_ir_error("{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}]}], "
               "\"endpoints\": [{\"method\": \"GET\", \"path\": \"a\"}]}",
               FW_ERR_SCHEMA, "$.endpoints[0].path", "starting with '/'");
  expect_ir_error("{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}]}, "
               "{\"name\": \"A\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}]}]}",
               FW_ERR_SCHEMA, "$.entities[1]", "duplicate entity");
  expect_ir_error("{\"entities\": [{\"name\": \"A\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\", "
               "\"max_length\": -3}]}]}",
               FW_ERR_SCHEMA, "$.entities[0].fields[0].max_length", "positive integer");
  const char bad_utf8[] = "{\"name\": \"\xff\"}";
  expect_ir_error(bad_utf8, FW_ERR_UTF8, NULL, "UTF-8");
}

int main(void) {
  test_table_names();
  test_example_ir();
  test_errors_name_the_path();
  test_field_types_as_written();
  HARNESS_DONE();
}
