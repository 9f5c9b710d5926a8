/* test_budget.c - the time budget of one text: a pack of slow rules, each match under PCRE2's
 * per-match limits, fails the text with FW_ERR_BUDGET ("budget exceeded") instead of running for
 * as long as the rules take; the classifier is reusable afterwards, and a JSON-lines record
 * answers with the error. The rules are synthetic. */
#include "fixture.h"

#include <string.h>

/* 400 rules that backtrack over a 12-letter word without ever matching it (\d never comes). */
static char *slow_pack(void) {
  fw_buf b;
  fw_buf_init(&b);
  fw_buf_puts(&b, "{\"format_version\": 1, \"rules\": [");
  for (int i = 0; i < 400; i++)
    fw_buf_printf(&b, "%s{\"id\": \"slow%d\", \"category\": \"missing_key\", \"message\": \"(?:\\\\w+\\\\s?)*\\\\d%.*s\"}",
                  i ? ", " : "", i, i % 40, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  fw_buf_puts(&b, "]}");
  return fw_buf_take(&b);
}

int main(void) {
  fw_error err;
  fw_rules *rules = NULL;
  fw_classifier *cl = NULL;
  char *pack = slow_pack();
  CHECK(fw_rules_new(&rules, &err) == FW_OK);
  CHECK(fw_rules_add_pack(rules, pack, strlen(pack), &err) == FW_OK);
  CHECK(fw_classifier_new(rules, &cl, &err) == FW_OK);
  fw_buf text;
  fw_buf_init(&text);
  for (int i = 0; i < 30; i++) fw_buf_puts(&text, "KeyError: aaaaaaaaaaaa\n");

  fw_classify_options opts = {0};
  opts.deadline_ms = 20;
  char *out = NULL;
  CHECK(fw_classify(cl, text.data, text.len, &opts, &out, &err) == FW_ERR_BUDGET);
  CHECK(out == NULL);
  CHECK(strstr(err.message, "budget exceeded") != NULL);
  CHECK(strcmp(fw_status_name(FW_ERR_BUDGET), "budget") == 0);

  /* the next text starts a budget of its own */
  const char *quick = "KeyError: 'sku'";
  CHECK(fw_classify(cl, quick, strlen(quick), &opts, &out, &err) == FW_OK);
  CHECK(out && strstr(out, "\"missing_key\""));
  fw_free(out);

  /* a record: one output line with the error, the id kept */
  fw_buf line;
  fw_buf_init(&line);
  fw_buf_puts(&line, "{\"id\": 9, \"text\": \"");
  for (int i = 0; i < 30; i++) fw_buf_puts(&line, "KeyError: aaaaaaaaaaaa\\n");
  fw_buf_puts(&line, "\"}");
  out = NULL;
  CHECK(fw_classify_record(cl, line.data, line.len, &opts, &out, &err) == FW_ERR_BUDGET);
  CHECK(out && strstr(out, "\"id\":9,\"error\":{\"code\":\"budget\""));
  fw_free(out);

  fw_buf_free(&line);
  fw_buf_free(&text);
  fw_free(pack);
  fw_classifier_free(cl);
  fw_rules_free(rules);
  HARNESS_DONE();
}
