/* test_junit.c - JUnit XML reports as smoke runs (junit*.c): cases to violations and counts, the
 * endpoint rules, run ids, and the refusals (DOCTYPE and entities, malformed XML, wrong root,
 * nesting, size). The reports here are synthetic, each written for one rule; the reports real
 * tools wrote (tests/junit/) are tested by tests/node/spec_inputs.test.mjs. */
#include "harness.h"
#include "forewarn.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static cJSON *convert(const char *xml, const char *run_id, const fw_ir *ir) {
  const char *docs[] = {xml};
  size_t lens[] = {strlen(xml)};
  char *out = NULL;
  fw_error err;
  fw_status st = fw_junit_to_smoke(docs, lens, 1, run_id, ir, &out, &err);
  if (st != FW_OK) fprintf(stderr, "junit failed: %s\n", err.message);
  CHECK(st == FW_OK);
  cJSON *doc = out ? cJSON_Parse(out) : NULL;
  fw_free(out);
  return doc;
}

static const char *str_at(const cJSON *doc, int i, const char *key) {
  const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "violations"), i);
  const cJSON *s = cJSON_GetObjectItem(v, key);
  return cJSON_IsString(s) ? s->valuestring : NULL;
}

static int count(const cJSON *doc, const char *key) {
  return (int)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "tests"), key));
}

static void test_cases_and_counts(void) {
  const char *xml =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<testsuites><testsuite name=\"smoke\" timestamp=\"2026-12-01T10:00:00\" tests=\"5\">"
      "<testcase classname=\"t\" name=\"test_ok\"/>"
      "<testcase classname=\"t\" name=\"test_post_books_dup\"><failure message=\"AssertionError: POST /books "
      "returned 500\">Traceback &amp; body &lt;here&gt;</failure><system-out>log line</system-out></testcase>"
      "<testcase classname=\"t\" name=\"test_err\"><error type=\"KeyError\" message=\"'x'\"><![CDATA[E KeyError: 'x']]>"
      "</error></testcase>"
      "<testcase classname=\"t\" name=\"test_skip\"><skipped message=\"later\"/></testcase>"
      "<testcase classname=\"t\" name=\"test_flaky\"><flakyFailure message=\"first try\"/></testcase>"
      "</testsuite></testsuites>";
  cJSON *doc = convert(xml, NULL, NULL);
  if (!doc) return;
  CHECK_STR(cJSON_GetObjectItem(doc, "run_id")->valuestring, "smoke@2026-12-01T10:00:00");
  CHECK(count(doc, "total") == 5 && count(doc, "passed") == 2 && count(doc, "failed") == 1 &&
        count(doc, "errors") == 1 && count(doc, "skipped") == 1);
  CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "violations")) == 2);
  CHECK_STR(str_at(doc, 0, "test"), "t::test_post_books_dup");
  CHECK_STR(str_at(doc, 0, "outcome"), "failure");
  CHECK_STR(str_at(doc, 0, "endpoint"), "POST /books");
  CHECK_STR(str_at(doc, 0, "traceback"), "AssertionError: POST /books returned 500\nTraceback & body <here>\nlog line");
  CHECK_STR(str_at(doc, 1, "outcome"), "error");
  CHECK_STR(str_at(doc, 1, "message"), "KeyError: 'x'"); /* the type, then the message */
  CHECK(str_at(doc, 1, "endpoint") == NULL);         /* neither its text nor its name tells */
  cJSON_Delete(doc);
  /* a given run id wins */
  doc = convert(xml, "ci-42", NULL);
  CHECK(doc && strcmp(cJSON_GetObjectItem(doc, "run_id")->valuestring, "ci-42") == 0);
  cJSON_Delete(doc);
}

static void test_endpoints(void) {
  const char *spec =
      "{\"entities\": [{\"name\": \"Order\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}]},"
      " {\"name\": \"OrderItem\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}]}],"
      " \"endpoints\": [{\"method\": \"GET\", \"path\": \"/orders\"}, {\"method\": \"GET\", \"path\": \"/orders/{id}\"},"
      " {\"method\": \"POST\", \"path\": \"/orders\"}, {\"method\": \"POST\", \"path\": \"/orders/{id}/items\"},"
      " {\"method\": \"PATCH\", \"path\": \"/orders/{id}\"}]}";
  fw_ir *ir = NULL;
  fw_error err;
  CHECK(fw_ir_parse(spec, strlen(spec), &ir, &err) == FW_OK);
  const char *xml =
      "<testsuite name=\"s\">"
      /* names: pytest's, and Java's CRUD verbs, matched against the spec */
      "<testcase name=\"test_get_order_missing\"><failure message=\"boom\"/></testcase>"
      "<testcase name=\"test_get_orders_empty\"><failure message=\"boom\"/></testcase>"
      "<testcase name=\"test_post_order_items_unknown_product\"><failure message=\"boom\"/></testcase>"
      "<testcase name=\"updateOrder_badStatus_returns400\"><failure message=\"boom\"/></testcase>"
      /* jest's describe title in the class name */
      "<testcase classname=\"POST /orders rejects a bad total\" name=\"rejects a bad total\"><failure message=\"x\"/></testcase>"
      /* the text before the name: an httpx log line (the last request), MockMvc's print */
      "<testcase name=\"test_get_orders_x\"><failure message=\"boom\"/><system-err>HTTP Request: POST "
      "http://testserver/orders \"HTTP/1.1 201\"\nHTTP Request: DELETE http://testserver/orders/7 \"HTTP/1.1 500\""
      "</system-err></testcase>"
      "<testcase name=\"whatever\"><failure message=\"x\"/><system-out>MockHttpServletRequest:\n      HTTP Method = PUT\n"
      "      Request URI = /orders/3\n</system-out></testcase>"
      /* pytest's fixture error: the request was the fixture's, not the test's */
      "<testcase name=\"test_post_orders\"><error message=\"failed on setup with &quot;KeyError&quot;\"/></testcase>"
      /* a request in the test's quoted source (pytest lists it) is not the one that failed */
      "<testcase name=\"test_get_orders_z\"><failure message=\"KeyError\">    assert r.status_code == 201, "
      "f\"POST /orders returned {r.text}\"\nE   KeyError</failure></testcase>"
      "</testsuite>";
  cJSON *doc = convert(xml, NULL, ir);
  if (doc) {
    CHECK_STR(str_at(doc, 0, "endpoint"), "GET /orders/{id}");
    CHECK_STR(str_at(doc, 1, "endpoint"), "GET /orders");
    CHECK_STR(str_at(doc, 2, "endpoint"), "POST /orders/{id}/items");
    CHECK_STR(str_at(doc, 3, "endpoint"), "PATCH /orders/{id}");
    CHECK_STR(str_at(doc, 4, "endpoint"), "POST /orders");
    CHECK_STR(str_at(doc, 5, "endpoint"), "DELETE /orders/7");
    CHECK_STR(str_at(doc, 6, "endpoint"), "PUT /orders/3");
    CHECK(str_at(doc, 7, "endpoint") == NULL);
    CHECK_STR(str_at(doc, 8, "endpoint"), "GET /orders");
    cJSON_Delete(doc);
  }
  /* without a spec, a pytest name gives its resource word as written */
  doc = convert("<testsuite><testcase name=\"test_post_books_dup\"><failure/></testcase></testsuite>", NULL, NULL);
  CHECK(doc && strcmp(str_at(doc, 0, "endpoint"), "POST /books") == 0);
  cJSON_Delete(doc);
  fw_ir_free(ir);
}

/* A suite's own output goes to its failing case only when there is exactly one. */
static void test_suite_output(void) {
  cJSON *doc = convert("<testsuites><testsuite name=\"a\"><testcase name=\"one\"><failure message=\"f\"/></testcase>"
                       "<system-out>QueryFailedError: boom</system-out></testsuite>"
                       "<testsuite name=\"b\"><testcase name=\"two\"><failure message=\"g\"/></testcase>"
                       "<testcase name=\"three\"><failure message=\"h\"/></testcase><system-out>whose?</system-out>"
                       "</testsuite></testsuites>",
                       NULL, NULL);
  if (!doc) return;
  CHECK_STR(str_at(doc, 0, "traceback"), "f\nQueryFailedError: boom");
  CHECK_STR(str_at(doc, 1, "traceback"), "g\n");
  CHECK_STR(str_at(doc, 2, "traceback"), "h\n");
  /* no timestamp: the run id is the report's hash, the same for the same bytes */
  const char *rid = cJSON_GetObjectItem(doc, "run_id")->valuestring;
  CHECK(strncmp(rid, "a@", 2) == 0 && strlen(rid) == 18);
  cJSON_Delete(doc);
}

static void expect_refused(const char *xml, fw_status code, const char *needle) {
  const char *docs[] = {xml};
  size_t lens[] = {strlen(xml)};
  char *out = NULL;
  fw_error err;
  fw_status st = fw_junit_to_smoke(docs, lens, 1, NULL, NULL, &out, &err);
  CHECK(st == code);
  CHECK(out == NULL);
  if (!strstr(err.message, needle)) fprintf(stderr, "message: %s\n", err.message);
  CHECK(strstr(err.message, needle) != NULL);
}

static void test_refusals(void) {
  /* billion laughs and external entities: refused at the DOCTYPE, nothing declared or read */
  expect_refused("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
                 "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><testsuite><testcase name=\"&lol2;\"/>"
                 "</testsuite>",
                 FW_ERR_XML, "DOCTYPE");
  expect_refused("<!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><testsuite>&x;</testsuite>", FW_ERR_XML,
                 "DOCTYPE");
  expect_refused("<!DOCTYPE testsuite SYSTEM \"http://example.com/junit.dtd\"><testsuite/>", FW_ERR_XML, "DOCTYPE");
  expect_refused("<testsuite><testcase name=\"&undeclared;\"/></testsuite>", FW_ERR_XML, "undefined entity");
  expect_refused("<testsuite><testcase name=\"a\"></testsuite>", FW_ERR_XML, "line 1");
  expect_refused("<html><body/></html>", FW_ERR_SCHEMA, "root element is <html>");
  expect_refused("<testsuite name=\"\xff\"/>", FW_ERR_UTF8, "UTF-8");
  expect_refused("<testsuite><testcase name=\"a\"><testcase name=\"b\"/></testcase></testsuite>", FW_ERR_SCHEMA,
                 "inside a <testcase>");
  char deep[2000] = "<testsuites>";
  for (int i = 0; i < 80; i++) strcat(deep, "<testsuite>");
  expect_refused(deep, FW_ERR_SCHEMA, "deeper than 64");
  size_t n = 0;
  const char *none[] = {""};
  char *out = NULL;
  fw_error err;
  CHECK(fw_junit_to_smoke(none, &n, 1, NULL, NULL, &out, &err) == FW_ERR_EMPTY);
  CHECK(fw_junit_to_smoke(NULL, NULL, 0, NULL, NULL, &out, &err) == FW_ERR_ARG);
}

/* A case's text is kept to a bound: a report with megabytes of logs stays bounded in memory. */
static void test_text_bound(void) {
  size_t big = (3u << 20);
  char *xml = malloc(big + 200);
  if (!xml) return;
  strcpy(xml, "<testsuite><testcase name=\"t\"><failure message=\"m\">");
  size_t at = strlen(xml);
  memset(xml + at, 'x', big);
  strcpy(xml + at + big, "</failure></testcase></testsuite>");
  cJSON *doc = convert(xml, NULL, NULL);
  free(xml);
  if (!doc) return;
  const char *tb = str_at(doc, 0, "traceback");
  CHECK(tb && strlen(tb) <= (1u << 20) + 8);
  cJSON_Delete(doc);
}

static void test_detect(void) {
  CHECK(fw_junit_detect("\xEF\xBB\xBF  \n<?xml version=\"1.0\"?>", 25));
  CHECK(fw_junit_detect("<testsuite/>", 12));
  CHECK(!fw_junit_detect("{\"run_id\": \"x\"}", 15));
  CHECK(!fw_junit_detect("   ", 3));
}

int main(void) {
  test_cases_and_counts();
  test_endpoints();
  test_suite_output();
  test_refusals();
  test_text_bound();
  test_detect();
  HARNESS_DONE();
}
