/* fuzz_classify.c - libFuzzer target: any bytes as an error text, and as a JSON-lines record. */
#include <stdint.h>
#include <stdlib.h>

#include "forewarn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fw_rules *rules;
static fw_classifier *cl;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fw_error err;
  if (!rules) fw_set_allocator(NULL); /* as the CLI: each record's JSON in the classifier's arena */
  if (!rules && (fw_rules_new(&rules, &err) != FW_OK || fw_classifier_new(rules, &cl, &err) != FW_OK)) abort();
  char *out = NULL;
  if (fw_classify(cl, (const char *)data, size, NULL, &out, &err) == FW_OK && !out) abort();
  fw_free(out);
  out = NULL;
  fw_classify_record(cl, (const char *)data, size, NULL, &out, &err);
  fw_free(out);
  return 0;
}
