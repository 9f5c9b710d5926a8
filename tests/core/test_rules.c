/* test_rules.c - rule packs: user rules take precedence, broken packs are refused with the
 * rule named and leave the set unchanged, runaway rules stop at the match limit. */
#include "fixture.h"

#include <time.h>

static fw_status add(fw_rules *r, const char *json, fw_error *err) {
  return fw_rules_add_pack(r, json, strlen(json), err);
}

static void test_user_rule_wins(void) {
  fw_rules *r;
  fw_classifier *cl;
  fw_error err;
  CHECK(fw_rules_new(&r, &err) == FW_OK);
  size_t before = fw_rules_count(r);
  CHECK(before > 60);
  CHECK(add(r, "{\"format_version\": 1, \"categories\": {\"tenant_missing\": {\"error_type\": \"code\", "
               "\"constraint\": \"tenant\", \"summary\": \"{exception}: tenant {name} missing\", "
               "\"bad_code\": \"b\", \"correct_code\": \"c\"}}, \"rules\": [{\"id\": \"acme.tenant\", "
               "\"category\": \"tenant_missing\", \"message\": \"tenant '(?<name>\\\\w+)' not found\"}, "
               "{\"id\": \"acme.override\", \"category\": \"missing_key\", \"exception\": \"KeyError$\", "
               "\"message\": \"^'tenant_id'\"}]}",
            &err) == FW_OK);
  CHECK(fw_rules_count(r) == before + 2);
  CHECK(fw_classifier_new(r, &cl, &err) == FW_OK);
  char *out = NULL;
  const char *text = "app.errors.TenantError: tenant 'acme' not found";
  CHECK(fw_classify(cl, text, strlen(text), NULL, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"category\":\"tenant_missing\"") && strstr(out, "\"name\":\"acme\"") &&
        strstr(out, "\"rule_id\":\"acme.tenant\""));
  fw_free(out);
  text = "KeyError: 'tenant_id'";
  CHECK(fw_classify(cl, text, strlen(text), NULL, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"rule_id\":\"acme.override\""));
  fw_free(out);
  fw_classifier_free(cl);
  fw_rules_free(r);
}

static void refused(const char *json, fw_status code, const char *rule, const char *words) {
  fw_rules *r;
  fw_error err;
  CHECK(fw_rules_new(&r, &err) == FW_OK);
  size_t before = fw_rules_count(r);
  fw_status st = add(r, json, &err);
  CHECK(st == code);
  if (rule) CHECK_STR(err.rule_id, rule);
  if (words && !strstr(err.message, words)) {
    fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, words);
    CHECK(0);
  }
  CHECK(fw_rules_count(r) == before);
  fw_rules_free(r);
}

static void test_broken_packs(void) {
  refused("{\"format_version\": 1, \"rules\": [{\"id\": \"ok\", \"category\": \"missing_key\", \"message\": \"x\"}, "
          "{\"id\": \"bad.paren\", \"category\": \"missing_key\", \"message\": \"(unclosed\"}]}",
          FW_ERR_RULE_COMPILE, "bad.paren", "does not compile");
  refused("{\"format_version\": 1, \"rules\": [{\"id\": \"typo\", \"category\": \"missing_key\", "
          "\"message\": \"(?<colum>\\\\w+)\"}]}",
          FW_ERR_RULE_COMPILE, "typo", "not a context key");
  refused("{\"format_version\": 1, \"rules\": [{\"id\": \"nocat\", \"category\": \"no_such\", \"message\": \"x\"}]}",
          FW_ERR_SCHEMA, "nocat", "unknown category");
  refused("{\"format_version\": 1, \"rules\": [{\"id\": \"empty\", \"category\": \"missing_key\"}]}",
          FW_ERR_SCHEMA, "empty", "needs a");
  refused("{\"format_version\": 2, \"rules\": []}", FW_ERR_SCHEMA, NULL, "format_version");
  refused("{\"format_version\": 1, \"rules\": [", FW_ERR_JSON, NULL, "not valid JSON");
  refused("{\"format_version\": 1, \"log_prefixes\": [\"[\"]}", FW_ERR_RULE_COMPILE, NULL, "log_prefixes");
  /* a template naming no placeholder: refused with its path, never written into a prompt as is */
  refused("{\"format_version\": 1, \"categories\": {\"c\": {\"error_type\": \"code\", \"constraint\": \"x\", "
          "\"summary\": \"s\", \"bad_code\": \"b\", \"correct_code\": \"use {entitty}\"}}}",
          FW_ERR_SCHEMA, NULL, "$.categories.c.correct_code: unknown placeholder {entitty}");
  /* a key twice */
  refused("{\"format_version\": 1, \"rules\": [], \"rules\": []}", FW_ERR_JSON, NULL, "twice");
}

static void test_runaway_rule_stops(void) {
  fw_rules *r;
  fw_classifier *cl;
  fw_error err;
  CHECK(fw_rules_new(&r, &err) == FW_OK);
  CHECK(add(r, "{\"format_version\": 1, \"rules\": [{\"id\": \"evil.backtrack\", \"category\": \"missing_key\", "
               "\"scope\": \"text\", \"message\": \"(a|aa)+(a|aa)+$\\\\d\"}]}",
            &err) == FW_OK);
  CHECK(fw_classifier_new(r, &cl, &err) == FW_OK);
  size_t n = 200000;
  char *text = malloc(n + 1);
  memset(text, 'a', n);
  text[n] = '\0';
  char *out = NULL;
  clock_t t0 = clock();
  fw_status st = fw_classify(cl, text, n, NULL, &out, &err);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  CHECK(st == FW_ERR_RULE_LIMIT);
  CHECK_STR(err.rule_id, "evil.backtrack");
  CHECK(out == NULL);
  printf("runaway rule stopped after %.2f s\n", secs);
  free(text);
  fw_classifier_free(cl);
  fw_rules_free(r);
}

/* Overriding two built-in categories in one pack (found by fuzz_rules: the override used to
 * search an array whose strings it had just freed). */
static void test_category_override(void) {
  fw_rules *r;
  fw_classifier *cl;
  fw_error err;
  CHECK(fw_rules_new(&r, &err) == FW_OK);
  CHECK(add(r, "{\"format_version\": 1, \"categories\": {"
               "\"missing_key\": {\"error_type\": \"code\", \"constraint\": \"key\", \"summary\": \"ACME: key {name}\", \"bad_code\": \"b\", \"correct_code\": \"c\"},"
               "\"undefined_name\": {\"error_type\": \"code\", \"constraint\": \"name\", \"summary\": \"ACME: name {name}\", \"bad_code\": \"b\", \"correct_code\": \"c\"}}}",
            &err) == FW_OK);
  CHECK(fw_classifier_new(r, &cl, &err) == FW_OK);
  char *out = NULL;
  const char *text = "KeyError: 'tenant'";
  fw_classify_options fastapi = {0};
  fastapi.stack = "fastapi-sqlalchemy"; /* a category's own lesson is that stack's */
  CHECK(fw_classify(cl, text, strlen(text), &fastapi, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"remediation\":\"ACME: key tenant\""));
  fw_free(out);
  /* "{{name}}" is a literal "{name}" */
  CHECK(add(r, "{\"format_version\": 1, \"categories\": {"
               "\"missing_key\": {\"error_type\": \"code\", \"constraint\": \"key\", \"summary\": \"GET /t/{{tenant_id}}: {name}\", \"bad_code\": \"b\", \"correct_code\": \"c\"}}}",
            &err) == FW_OK);
  fw_classifier_free(cl);
  CHECK(fw_classifier_new(r, &cl, &err) == FW_OK);
  CHECK(fw_classify(cl, text, strlen(text), &fastapi, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"remediation\":\"GET /t/{tenant_id}: tenant\""));
  fw_free(out);
  fw_classifier_free(cl);
  fw_rules_free(r);
}

/* The implicit prefilter taken from a rule's literal prefix must not drop an alternative. */
static void test_implicit_prefilter_keeps_alternatives(void) {
  fw_rules *r;
  fw_classifier *cl;
  fw_error err;
  CHECK(fw_rules_new(&r, &err) == FW_OK);
  CHECK(add(r, "{\"format_version\": 1, \"rules\": [{\"id\": \"alt\", \"category\": \"missing_key\", "
               "\"message\": \"tenant gone|account '(?<name>\\\\w+)' vanished\"}]}",
            &err) == FW_OK);
  CHECK(fw_classifier_new(r, &cl, &err) == FW_OK);
  char *out = NULL;
  const char *text = "acme.Oops: account 'zed' vanished";
  CHECK(fw_classify(cl, text, strlen(text), NULL, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"rule_id\":\"alt\"") && strstr(out, "\"name\":\"zed\""));
  fw_free(out);
  fw_classifier_free(cl);
  fw_rules_free(r);
}

int main(void) {
  test_implicit_prefilter_keeps_alternatives();
  test_category_override();
  test_user_rule_wins();
  test_broken_packs();
  test_runaway_rule_stops();
  HARNESS_DONE();
}
