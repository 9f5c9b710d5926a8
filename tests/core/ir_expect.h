/* ir_expect.h - what the IR tests (hand-written and OpenAPI specs) share: a document refused
 * with the status, the JSON path and words of the message expected, and no IR left behind. */
#ifndef FW_IR_EXPECT_H
#define FW_IR_EXPECT_H

#include "forewarn.h"
#include "harness.h"

static void expect_ir_error(const char *json, fw_status code, const char *path, const char *words) {
  fw_ir *ir = NULL;
  fw_error err;
  fw_status st = fw_ir_parse(json, strlen(json), &ir, &err);
  CHECK(st == code);
  CHECK(ir == NULL);
  if (path) CHECK_STR(err.path, path);
  if (words && !strstr(err.message, words)) {
    fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, words);
    CHECK(0);
  }
  fw_ir_free(ir);
}

#endif
