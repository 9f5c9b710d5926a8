/*
 * budget.c - the time budget of one classification (one text, record or redaction): a hostile
 * rule pack whose every match stays under PCRE2's per-match limits can still take minutes over
 * many blocks and rules, so every match first checks a deadline. Checked at each match rather
 * than enforced by a timer: the core runs single-threaded in WASM, with no signals to stop it.
 */
#define _POSIX_C_SOURCE 200809L
#include "classify_internal.h"

#include <time.h>

static uint64_t now_ms(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void fw__budget_start(fw_classifier *cl, unsigned deadline_ms, size_t len) {
  /* by default a second per started MiB: real texts take time in proportion to their size (a
   * 4 MiB log takes ~1.7 s in WASM, without PCRE2's JIT), hostile packs do not need a big text */
  size_t mib = len / (1024u * 1024u) + 1;
  cl->budget_ms = deadline_ms ? deadline_ms : (unsigned)(FW_DEFAULT_DEADLINE_MS * (mib < 4096 ? mib : 4096));
  cl->deadline = now_ms() + cl->budget_ms;
  cl->over_budget = false;
}

bool fw__budget_spent(fw_classifier *cl) {
  if (!cl->deadline) return false; /* not started: an internal call outside any entry point */
  if (!cl->over_budget && now_ms() > cl->deadline) cl->over_budget = true;
  return cl->over_budget;
}

fw_status fw__budget_fail(const fw_classifier *cl, fw_error *err) {
  return fw__fail(err, FW_ERR_BUDGET,
                  "budget exceeded: this text took over %u ms to classify (a slow rule pack or a hostile "
                  "input); the limit is the deadline option (--deadline-ms)",
                  cl->budget_ms);
}
