/* fuzz_documents.c - libFuzzer target: any bytes as an ApplicationIR, a SmokeTestResult, a
 * store document, a change set and a base prompt (rule packs: fuzz_rules.c). */
#include <stdint.h>
#include <stdlib.h>

#include "forewarn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fw_rules *base;
static fw_classifier *cl;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  fw_error err;
  if (!base && (fw_rules_new(&base, &err) != FW_OK || fw_classifier_new(base, &cl, &err) != FW_OK)) abort();
  fw_ir *ir = NULL;
  if (fw_ir_parse(s, size, &ir, &err) == FW_OK) {
    char *j = NULL;
    fw_ir_to_json(ir, &j, &err);
    fw_free(j);
  }
  char *out = NULL;
  fw_smoke_validate(s, size, &out, &err);
  fw_free(out);
  out = NULL;
  fw_collect(cl, s, size, ir, s, size, "2026-01-01T00:00:00Z", &out, &err);
  fw_free(out);
  fw_store *st = NULL;
  if (fw_store_new(&st, &err) == FW_OK) {
    fw_store_load(st, s, size, &err);
    out = NULL;
    fw_store_apply(st, s, size, &out, &err);
    fw_free(out);
    fw_enhance_options o = {0};
    o.scope = "entity";
    o.target = "Product";
    o.ir = ir;
    o.rules = base;
    out = NULL;
    fw_enhance(st, s, size, &o, &out, &err);
    fw_free(out);
    out = NULL;
    fw_store_to_json(st, &out, &err);
    fw_free(out);
  }
  fw_store_free(st);
  fw_ir_free(ir);
  return 0;
}
