/* harness.h - a minimal test harness: CHECK records a failure and goes on; main returns the
 * failure count so ctest sees it. */
#ifndef FW_HARNESS_H
#define FW_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failures;
static int harness_checks;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    harness_checks++;                                                                              \
    if (!(cond)) {                                                                                 \
      harness_failures++;                                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                    \
    }                                                                                              \
  } while (0)

#define CHECK_STR(a, b)                                                                            \
  do {                                                                                             \
    const char *a_ = (a), *b_ = (b);                                                               \
    harness_checks++;                                                                              \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                       \
      harness_failures++;                                                                          \
      fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, b_ ? b_ : "(null)", \
              a_ ? a_ : "(null)");                                                                 \
    }                                                                                              \
  } while (0)

#define HARNESS_DONE()                                                                             \
  do {                                                                                             \
    printf("%d checks, %d failures\n", harness_checks, harness_failures);                         \
    return harness_failures ? 1 : 0;                                                               \
  } while (0)

#endif
