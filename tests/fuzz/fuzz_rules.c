/* fuzz_rules.c - libFuzzer target: any bytes as a user rule pack added to the built-in rules,
 * then a classification with the result (slow per input: each one compiles a rule set). */
#include <stdint.h>
#include <stdlib.h>

#include "forewarn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fw_error err;
  fw_rules *r = NULL;
  if (fw_rules_new(&r, &err) != FW_OK) abort();
  if (fw_rules_add_pack(r, (const char *)data, size, &err) == FW_OK) {
    fw_classifier *cl = NULL;
    if (fw_classifier_new(r, &cl, &err) == FW_OK) {
      static const char text[] = "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: t.c";
      char *out = NULL;
      fw_classify(cl, text, sizeof text - 1, NULL, &out, &err);
      fw_free(out);
    }
    fw_classifier_free(cl);
  }
  fw_rules_free(r);
  return 0;
}
