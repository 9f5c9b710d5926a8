/* fuzz_junit.c - libFuzzer target: any bytes as a JUnit XML report (one, then split at its first
 * NUL into two), with and without a spec for reading endpoints from test names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forewarn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fw_ir *spec;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char ir_json[] =
      "{\"entities\": [{\"name\": \"Order\", \"fields\": [{\"name\": \"id\", \"type\": \"integer\"}]}],"
      " \"endpoints\": [{\"method\": \"GET\", \"path\": \"/orders/{id}\"}, {\"method\": \"POST\", \"path\": \"/orders\"}]}";
  fw_error err;
  if (!spec && fw_ir_parse(ir_json, sizeof ir_json - 1, &spec, &err) != FW_OK) abort();
  const char *s = (const char *)data;
  char *out = NULL;
  const char *docs[2] = {s, NULL};
  size_t lens[2] = {size, 0};
  fw_junit_to_smoke(docs, lens, 1, NULL, NULL, &out, &err);
  fw_free(out);
  out = NULL;
  const char *nul = memchr(s, '\0', size);
  if (nul) {
    lens[0] = (size_t)(nul - s);
    docs[1] = nul + 1;
    lens[1] = size - lens[0] - 1;
    fw_junit_to_smoke(docs, lens, 2, "fuzz", spec, &out, &err);
  } else {
    fw_junit_to_smoke(docs, lens, 1, "fuzz", spec, &out, &err);
  }
  fw_free(out);
  fw_junit_detect(s, size);
  return 0;
}
