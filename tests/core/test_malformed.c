/* test_malformed.c - bad input gets a clear status and message: empty, whitespace, invalid
 * UTF-8, over the size limit, a 10 MB text under a raised limit, broken JSON-lines records. */
#include "fixture.h"

static void expect(const char *text, size_t len, size_t max, fw_status code, const char *words) {
  fw_classify_options opts = {0};
  opts.max_input = max;
  char *out = NULL;
  fw_error err;
  fw_status st = fw_classify(fixture_cl, text, len, &opts, &out, &err);
  CHECK(st == code);
  if (code != FW_OK) {
    CHECK(out == NULL);
    if (!strstr(err.message, words)) {
      fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, words);
      CHECK(0);
    }
  }
  fw_free(out);
}

static void record(const char *line, fw_status code, const char *expect_in_output) {
  char *out = NULL;
  fw_error err;
  CHECK(fw_classify_record(fixture_cl, line, strlen(line), NULL, &out, &err) == code);
  CHECK(out != NULL);
  if (out && !strstr(out, expect_in_output)) {
    fprintf(stderr, "output %s lacks %s\n", out, expect_in_output);
    CHECK(0);
  }
  fw_free(out);
}

/* fw_json_check(): the same refusals for every document, with the place named. */
static void json_check(const char *json, fw_status code, const char *words) {
  fw_error err;
  fw_status st = fw_json_check(json, strlen(json), &err);
  CHECK(st == code);
  if (code != FW_OK && !strstr(err.message, words)) {
    fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, words);
    CHECK(0);
  }
}

static void json_check_cases(void) {
  json_check("{\"a\": 1, \"b\": {\"c\": [1, {\"d\": 2}]}}", FW_OK, "");
  json_check("{\"a\": 1, \"b\": {\"c\": [1, {\"d\": 2, \"d\": 3}]}}", FW_ERR_JSON, "$.b.c[1]: the document has the key \"d\" twice");
  json_check("[1, 2", FW_ERR_JSON, "not valid JSON (error near byte");
  json_check("\"a\\u0000\"", FW_ERR_JSON, "NUL character");
  /* a large object goes through the hash map: same answer */
  char big[4096] = "{";
  for (int i = 0; i < 100; i++) snprintf(big + strlen(big), sizeof big - strlen(big), "\"k%d\": %d, ", i, i);
  json_check(strcat(big, "\"z\": 0}"), FW_OK, "");
  big[strlen(big) - 1] = '\0';
  json_check(strcat(big, ", \"k57\": 1}"), FW_ERR_JSON, "$: the document has the key \"k57\" twice");
}

int main(void) {
  fixture_init();
  expect("", 0, 0, FW_ERR_EMPTY, "empty");
  expect(" \n\t\n", 4, 0, FW_ERR_EMPTY, "empty");
  expect("KeyError: '\xff'", 13, 0, FW_ERR_UTF8, "offset 11");
  expect("KeyError: '\xe2\x82'", 14, 0, FW_ERR_UTF8, "UTF-8"); /* truncated sequence */
  expect("KeyError: '\xed\xa0\x80'", 15, 0, FW_ERR_UTF8, "UTF-8"); /* surrogate */
  /* 10 MB: over the default 4 MiB limit, refused before any regex runs */
  size_t big = 10u * 1024 * 1024;
  char *text = malloc(big + 1);
  for (size_t i = 0; i < big; i++) text[i] = "Traceback line\n"[i % 15];
  const char *tail = "\nsqlite3.IntegrityError: UNIQUE constraint failed: users.email\n";
  memcpy(text + big - strlen(tail), tail, strlen(tail));
  text[big] = '\0';
  expect(text, big, 0, FW_ERR_TOO_LARGE, "over the limit");
  /* raised limit: the same 10 MB classifies, found at the end of the log */
  char *out = NULL;
  fw_error err;
  fw_classify_options opts = {0};
  opts.max_input = 16u * 1024 * 1024;
  CHECK(fw_classify(fixture_cl, text, big, &opts, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "unique_constraint_missing"));
  fw_free(out);
  free(text);
  record("{\"id\": 7, \"text\": \"NameError: name 'x' is not defined\"}", FW_OK, "\"id\":7,");
  record("{\"id\": \"a\", \"text\": ", FW_ERR_JSON, "\"error\":{\"code\":\"json\"");
  record("{\"id\": \"b\"}", FW_ERR_SCHEMA, "\"id\":\"b\",\"error\":{\"code\":\"schema\",\"message\":\"$.text");
  record("{\"id\": \"c\", \"text\": \"\"}", FW_ERR_EMPTY, "\"id\":\"c\",\"error\"");
  record("[1, 2]", FW_ERR_JSON, "\"id\":null");
  record("{\"id\": \"d\", \"text\": \"\xff\"}", FW_ERR_UTF8, "\"code\":\"utf8\"");
  /* a NUL would cut the text short in C: refused, the id still answered */
  record("{\"id\": \"e\", \"text\": \"a\\u0000b\"}", FW_ERR_JSON, "\"id\":\"e\",\"error\":{\"code\":\"json\",\"message\":\"record holds a NUL");
  /* an escaped backslash before u0000 is text, not a NUL */
  record("{\"id\": \"f\", \"text\": \"KeyError: 'a\\\\u0000'\"}", FW_OK, "\"category\":\"missing_key\"");
  /* a key twice: readers disagree on which counts, so neither does */
  record("{\"id\": \"g\", \"text\": \"KeyError: 'a'\", \"text\": \"x\"}", FW_ERR_JSON, "has the key \\\"text\\\" twice");
  json_check_cases();
  /* a NUL byte inside a text (binary junk in a log) is a space, not the end of the text */
  static const char nul_text[] = "KeyError: 'ab\0cd'";
  out = NULL;
  CHECK(fw_classify(fixture_cl, nul_text, sizeof nul_text - 1, NULL, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"message\":\"'ab cd'\""));
  fw_free(out);
  /* a FastAPI body whose loc index is 1e300: no undefined float-to-integer cast (UBSan) */
  const char *body = "{\"detail\":[{\"loc\":[\"body\",1e300,\"name\"],\"msg\":\"field required\",\"type\":\"value_error.missing\"}]}";
  out = NULL;
  CHECK(fw_classify(fixture_cl, body, strlen(body), NULL, &out, &err) == FW_OK);
  fw_free(out);
  fixture_done();
  HARNESS_DONE();
}
