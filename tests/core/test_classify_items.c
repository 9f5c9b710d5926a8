/* test_classify_items.c - a text with several errors is several classifications: a FastAPI 422
 * body (v1 and v2), a pydantic ValidationError traceback, FastAPI's repr of its errors; a text
 * with one error, and database errors, stay one. */
#include "fixture.h"

typedef struct want {
  const char *category, *field, *loc;
} want;

static void expect_items(const char *text, const want *w, size_t n) {
  fw_classification c, *items = NULL;
  size_t nitems = 0;
  fw_error err;
  fw_classify_options opts = {0};
  CHECK(fw__classify(fixture_cl, text, strlen(text), &opts, &c, &err) == FW_OK);
  CHECK(fw__classify_items(fixture_cl, &c, &opts, &items, &nitems, &err) == FW_OK);
  CHECK(nitems == n);
  for (size_t k = 0; k < n && k < nitems; k++) {
    CHECK_STR(category_of(&items[k]), w[k].category);
    CHECK_STR(items[k].context[3] ? items[k].context[3] : "", w[k].field);
    CHECK_STR(items[k].context[4] ? items[k].context[4] : "", w[k].loc);
  }
  fw__classifications_free(items, nitems);
  fw__classification_clear(&c);
}

/* Through the public API, as the CLI runs it: each record's tree in the classifier's arena, the
 * items' snippets copied into it (LeakSanitizer fails the run if anything outlives the record). */
static void expect_errors_array(const char *text, const char *needle) {
  char *out = NULL;
  fw_error err;
  CHECK(fw_classify(fixture_cl, text, strlen(text), NULL, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"errors\":[") && strstr(out, needle));
  fw_free(out);
}

int main(void) {
  fw_set_allocator(NULL); /* before anything else, as its contract asks: installs the arena hooks */
  fixture_init();
  /* FastAPI 422, pydantic v2 errors */
  const want v2[] = {{"required_field_missing", "name", "body.name"},
                     {"type_mismatch", "price", "body.price"},
                     {"extra_field_in_schema", "colour", "body.colour"}};
  expect_items("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"name\"],\"msg\":\"Field required\",\"input\":{}},"
               "{\"type\":\"float_parsing\",\"loc\":[\"body\",\"price\"],\"msg\":\"Input should be a valid number, unable to parse string as a number\",\"input\":\"abc\"},"
               "{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"colour\"],\"msg\":\"Extra inputs are not permitted\",\"input\":\"red\"}]}",
               v2, 3);
  /* FastAPI 422, pydantic v1 errors */
  const want v1[] = {{"required_field_missing", "email", "body.email"}, {"type_mismatch", "age", "body.age"}};
  expect_items("{\"detail\": [{\"loc\": [\"body\", \"email\"], \"msg\": \"field required\", \"type\": \"value_error.missing\"},"
               " {\"loc\": [\"body\", \"age\"], \"msg\": \"value is not a valid integer\", \"type\": \"type_error.integer\"}]}",
               v1, 2);
  /* a pydantic v2 traceback: the header keeps the class and model for each item */
  const want tb[] = {{"required_field_missing", "API_ID", "API_ID"}, {"value_constraint_violated", "port", "port"}};
  expect_items("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    s = Settings()\n"
               "pydantic_core._pydantic_core.ValidationError: 2 validation errors for Settings\nAPI_ID\n"
               "  Field required [type=missing, input_value={}, input_type=dict]\n"
               "    For further information visit https://errors.pydantic.dev/2.7/v/missing\nport\n"
               "  Input should be greater than 0 [type=greater_than, input_value=-1, input_type=int]\n"
               "    For further information visit https://errors.pydantic.dev/2.7/v/greater_than\n",
               tb, 2);
  /* FastAPI's repr of the errors list */
  const want repr[] = {{"required_field_missing", "title", "body.title"}, {"required_field_missing", "year", "body.year"}};
  expect_items("fastapi.exceptions.RequestValidationError: [{'type': 'missing', 'loc': ('body', 'title'), 'msg': 'Field required', 'input': {'a': 1}}, "
               "{'type': 'missing', 'loc': ('body', 'year'), 'msg': 'Field required', 'input': {'a': 1}}]",
               repr, 2);
  /* DRF serializer errors, NestJS class-validator's message list, Laravel's errors object */
  const want drf[] = {{"required_field_missing", "name", "name"}, {"type_mismatch", "price", "price"}};
  expect_items("{\"name\":[\"This field is required.\"],\"price\":[\"A valid number is required.\"]}", drf, 2);
  const want nest[] = {{"value_constraint_violated", "email", "email"}, {"required_field_missing", "name", "name"},
                       {"extra_field_in_schema", "role", "role"}};
  expect_items("{\"message\":[\"email must be an email\",\"name should not be empty\",\"property role should not exist\"],"
               "\"error\":\"Bad Request\",\"statusCode\":400}", nest, 3);
  const want laravel[] = {{"required_field_missing", "email", "email"}, {"value_constraint_violated", "title", "title"}};
  expect_items("{\"message\":\"The given data was invalid.\",\"errors\":{\"email\":[\"The email field is required.\"],"
               "\"title\":[\"The title must not be greater than 255 characters.\"]}}", laravel, 2);
  expect_errors_array("{\"message\":[\"email must be an email\",\"name should not be empty\"],\"statusCode\":400}",
                      "\"remediation\"");
  /* one error, and a database error with DETAIL lines: no items */
  expect_items("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"name\"],\"msg\":\"Field required\",\"input\":{}}]}", NULL, 0);
  expect_items("psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint \"users_email_key\"\n"
               "DETAIL:  Key (email)=(a@example.com) already exists.\n", NULL, 0);
  fixture_done();
  HARNESS_DONE();
}
