/* fixture.h - shared set-up for core tests: a classifier over the built-in rules, and a helper
 * that classifies a text into the internal record. */
#ifndef FW_FIXTURE_H
#define FW_FIXTURE_H

#include "classify_internal.h"
#include "harness.h"

#include <stdlib.h>

static fw_rules *fixture_rules;
static fw_classifier *fixture_cl;

static inline void fixture_init(void) {
  fw_error err;
  if (fw_rules_new(&fixture_rules, &err) != FW_OK || fw_classifier_new(fixture_rules, &fixture_cl, &err) != FW_OK) {
    fprintf(stderr, "fixture: %s\n", err.message);
    exit(2);
  }
}

static inline void fixture_done(void) {
  fw_classifier_free(fixture_cl);
  fw_rules_free(fixture_rules);
}

/* Classify text (with an optional IR and endpoint); the caller clears *c. */
static inline fw_status classify_text(const char *text, const fw_ir *ir, const char *endpoint, fw_classification *c) {
  fw_classify_options opts = {0};
  opts.ir = ir;
  opts.endpoint = endpoint;
  fw_error err;
  return fw__classify(fixture_cl, text, strlen(text), &opts, c, &err);
}

static inline const char *category_of(const fw_classification *c) {
  return c->category == (size_t)-1 ? "unknown" : fixture_rules->categories[c->category].name;
}

static inline const char *ctx_of(const fw_classification *c, const char *key) {
  return c->context[fw__context_key_index(key, strlen(key))];
}

#endif
