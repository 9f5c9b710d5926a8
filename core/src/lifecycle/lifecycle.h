/*
 * lifecycle.h - what a lesson's exposures say: its effect (the lift in recurrence rate between
 * the slots it was withheld from and the slots it was injected into, with a 95 % interval), its
 * state (active, escalated, retired) and its expected benefit, which ranks the enhancer's picks.
 * Everything here is a pure function of a pattern's counters, so every store and build agrees.
 */
#ifndef FW_LIFECYCLE_H
#define FW_LIFECYCLE_H

#include <stdbool.h>

#include "internal.h"
#include "store_internal.h"

/* A lesson's effect. measured: both arms have at least min_exposures slots; only then are lift
 * and the interval defined. */
typedef struct fw_effect {
  long long injected, injected_recurred, withheld, withheld_recurred;
  bool measured;
  double lift, low, high; /* withheld rate - injected rate; Newcombe's hybrid score interval */
} fw_effect;

#define FW_EFFECT_METHOD "newcombe-hybrid-wilson-95"

void fw__effect_of(long long injected, long long injected_recurred, long long withheld,
                   long long withheld_recurred, long long min_exposures, fw_effect *e);
/* {"injected", "injected_recurred", "withheld", "withheld_recurred", "lift", "ci95", "method"},
 * lift and ci95 null while not measured; numbers rounded to 4 places. */
cJSON *fw__effect_json(const fw_effect *e);

/* The options with their defaults filled in. */
fw_lifecycle_options fw__lifecycle_resolve(const fw_lifecycle_options *o);

typedef enum { FW_STATE_ACTIVE, FW_STATE_ESCALATED, FW_STATE_RETIRED } fw_state;
typedef struct fw_lesson_state {
  fw_state state;
  const char *reason; /* "person", "no_effect", "not_seen", "recurring", or NULL */
} fw_lesson_state;

const char *fw__state_name(fw_state s);
/* Kept recurring although injected: injected at least twice, recurred more often than not. */
bool fw__escalated(long long injected, long long recurred);
/* The state of a pattern when the store has seen run_seq runs. */
fw_lesson_state fw__pattern_state(const fw_pattern *p, long long run_seq, const fw_lifecycle_options *o);
/* Expected benefit of injecting it: its frequency (occurrences: the prior ranking) times the
 * share of recurrences it prevents, shrunk toward 1 by how little it was measured. Equal to
 * occurrences while unmeasured, so without holdout data the ranking is the frequency one. */
double fw__pattern_benefit(const fw_pattern *p, long long occurrences, const fw_lifecycle_options *o);

#endif
