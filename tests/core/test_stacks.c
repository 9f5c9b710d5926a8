/* test_stacks.c - lessons in the app's stack (stacks.c): which stack a classification's lesson is
 * written in (flag, spec, detected, neutral), the stack's templates and type spellings, a user
 * pack's lessons first, and packs refused with the path named. The packs here are synthetic. */
#include "harness.h"
#include "forewarn.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static const char *const text = "sqlite3.IntegrityError: UNIQUE constraint failed: customers.email";

static cJSON *classify(fw_rules *rules, const char *t, const char *stack, const fw_ir *ir) {
  fw_classifier *cl = NULL;
  fw_error err;
  if (fw_classifier_new(rules, &cl, &err) != FW_OK) return NULL;
  fw_classify_options o = {0};
  o.stack = stack;
  o.ir = ir;
  char *out = NULL;
  fw_status st = fw_classify(cl, t, strlen(t), &o, &out, &err);
  if (st != FW_OK) fprintf(stderr, "classify: %s\n", err.message);
  cJSON *doc = out ? cJSON_Parse(out) : NULL;
  fw_free(out);
  fw_classifier_free(cl);
  return doc;
}

static const char *ap(const cJSON *doc, const char *key) {
  const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "anti_pattern"), key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char pack[] =
    "{\"format_version\": 1, \"stacks\": {\"toy\": {\"name\": \"Toy\", \"language\": \"text\","
    " \"types\": {\"string\": \"Txt\", \"email\": \"Mail\"}, \"detect\": [\"\\\\btoyorm\\\\b\"],"
    " \"lessons\": {\"unique_constraint_missing\": {\"summary\": \"toy: make {entity}.{field} unique\","
    " \"bad_code\": \"field {field_camel}: {type}\", \"correct_code\": \"field {field_camel}: {type} unique\"},"
    " \"nullable_missing\": {\"not_applicable\": \"toy columns are never NULL\"}}},"
    " \"neutral\": {\"language\": \"text\", \"lessons\": {\"nullable_missing\": {\"summary\": \"words: {field} NOT NULL\","
    " \"bad_code\": \"INSERT without {column}\", \"correct_code\": \"ALTER TABLE {table} ...\"}}}}}";

static void test_choice_and_rendering(void) {
  fw_rules *rules = NULL;
  fw_error err;
  CHECK(fw_rules_new(&rules, &err) == FW_OK);
  CHECK(fw_rules_add_pack(rules, pack, sizeof pack - 1, &err) == FW_OK);
  const char *spec = "{\"stack\": \"toy\", \"entities\": [{\"name\": \"Customer\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"},"
                     " {\"name\": \"email_address\", \"type\": \"email\", \"unique\": true}]}]}";
  fw_ir *ir = NULL;
  CHECK(fw_ir_parse(spec, strlen(spec), &ir, &err) == FW_OK);
  const char *t2 = "sqlite3.IntegrityError: UNIQUE constraint failed: customers.email_address";
  /* the spec's stack, with its type spelling and camelCase */
  cJSON *doc = classify(rules, t2, NULL, ir);
  CHECK_STR(ap(doc, "stack"), "toy");
  CHECK_STR(ap(doc, "stack_source"), "ir");
  CHECK_STR(ap(doc, "remediation"), "toy: make Customer.email_address unique");
  CHECK_STR(ap(doc, "correct_code_snippet"), "field emailAddress: Mail unique");
  cJSON_Delete(doc);
  /* the flag wins over the spec */
  doc = classify(rules, t2, "fastapi-sqlalchemy", ir);
  CHECK_STR(ap(doc, "stack"), "fastapi-sqlalchemy");
  CHECK_STR(ap(doc, "stack_source"), "flag");
  CHECK(ap(doc, "correct_code_snippet") && strstr(ap(doc, "correct_code_snippet"), "unique=True"));
  cJSON_Delete(doc);
  /* detected from the text */
  doc = classify(rules, "toyorm.Error: UNIQUE constraint failed: customers.email", NULL, NULL);
  CHECK_STR(ap(doc, "stack_source"), "detected");
  CHECK_STR(ap(doc, "stack"), "toy");
  cJSON_Delete(doc);
  doc = classify(rules, text, NULL, NULL); /* sqlite3. alone says no stack */
  CHECK_STR(ap(doc, "stack"), "neutral");
  CHECK_STR(ap(doc, "stack_source"), "neutral");
  cJSON_Delete(doc);
  /* a category the stack cannot have: the neutral lesson, never another stack's code */
  doc = classify(rules, "sqlite3.IntegrityError: NOT NULL constraint failed: customers.email_address", "toy", ir);
  CHECK_STR(ap(doc, "remediation"), "words: email_address NOT NULL");
  CHECK_STR(ap(doc, "correct_code_snippet"), "ALTER TABLE customers ...");
  cJSON_Delete(doc);
  /* an unknown stack asked for: refused, naming the known ones */
  fw_classifier *cl = NULL;
  CHECK(fw_classifier_new(rules, &cl, &err) == FW_OK);
  fw_classify_options o = {0};
  o.stack = "rails";
  char *out = NULL;
  CHECK(fw_classify(cl, text, strlen(text), &o, &out, &err) == FW_ERR_ARG);
  CHECK(strstr(err.message, "unknown stack 'rails'") && strstr(err.message, "toy"));
  fw_classifier_free(cl);
  fw_ir_free(ir);
  fw_rules_free(rules);
}

static void expect_refused(const char *p, const char *path, const char *needle) {
  fw_rules *rules = NULL;
  fw_error err;
  CHECK(fw_rules_new(&rules, &err) == FW_OK);
  size_t before = fw_rules_count(rules);
  CHECK(fw_rules_add_pack(rules, p, strlen(p), &err) == FW_ERR_SCHEMA || err.code == FW_ERR_RULE_COMPILE);
  if (path) CHECK_STR(err.path, path);
  if (!strstr(err.message, needle)) fprintf(stderr, "message: %s\n", err.message);
  CHECK(strstr(err.message, needle) != NULL);
  CHECK(fw_rules_count(rules) == before);
  fw_rules_free(rules);
}

static void test_refusals(void) {
  expect_refused("{\"format_version\": 1, \"stacks\": []}", "$.stacks", "expected an object");
  expect_refused("{\"format_version\": 1, \"stacks\": {\"Bad Name\": {}}}", "$.stacks.Bad Name", "lower-case");
  expect_refused("{\"format_version\": 1, \"stacks\": {\"x\": {\"lessons\": {\"no_such\": {}}}}}", "$.stacks.x.lessons.no_such",
                 "unknown category");
  expect_refused("{\"format_version\": 1, \"stacks\": {\"x\": {\"lessons\": {\"unique_constraint_missing\": {\"summary\": \"a\","
                 " \"bad_code\": \"{nope}\", \"correct_code\": \"c\"}}}}}",
                 "$.stacks.x.lessons.unique_constraint_missing.bad_code", "unknown placeholder {nope}");
  expect_refused("{\"format_version\": 1, \"stacks\": {\"x\": {\"lessons\": {\"unique_constraint_missing\": {\"not_applicable\": \"\"}}}}}",
                 "$.stacks.x.lessons.unique_constraint_missing", "reason");
  expect_refused("{\"format_version\": 1, \"stacks\": {\"x\": {\"types\": {\"money\": \"M\"}}}}", "$.stacks.x.types.money",
                 "canonical type");
  expect_refused("{\"format_version\": 1, \"stacks\": {\"x\": {\"detect\": [\"(\"]}}}", NULL, "x");
}

int main(void) {
  test_choice_and_rendering();
  test_refusals();
  HARNESS_DONE();
}
