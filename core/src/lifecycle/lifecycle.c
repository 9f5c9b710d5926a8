/*
 * lifecycle.c - a lesson's state and expected benefit from its counters (lifecycle.h).
 *
 * States: a person's decision wins ("retired" stays retired, "active" is never retired by the
 * rules below). Otherwise, after retire_exposures slots per arm, a lesson is retired when its measured lift's 95 % upper bound lies
 * below the minimum useful lift (no_effect: it was measured while recurring, so a recurrence
 * does not bring it back; new evidence would), or when its error has not been seen for
 * unseen_runs runs although it was withheld from retire_exposures slots (not_seen: the error's
 * next occurrence makes it active again, as its last seen run moves). Both need withheld
 * slots: without a holdout no lesson is retired by a rule, and enhance behaves as before. An active lesson that keeps recurring although injected is escalated: it is
 * rendered in the DO NOT / Write instead form.
 */
#include "lifecycle.h"

#include <string.h>

fw_lifecycle_options fw__lifecycle_resolve(const fw_lifecycle_options *o) {
  fw_lifecycle_options r = {FW_DEFAULT_MIN_LIFT, true, FW_DEFAULT_MIN_EXPOSURES, FW_DEFAULT_UNSEEN_RUNS,
                            FW_DEFAULT_RETIRE_EXPOSURES};
  if (!o) return r;
  if (o->min_lift_set) r.min_lift = o->min_lift;
  if (o->min_exposures > 0) r.min_exposures = o->min_exposures;
  if (o->unseen_runs != 0) r.unseen_runs = o->unseen_runs;
  if (o->retire_exposures > 0) r.retire_exposures = o->retire_exposures;
  return r;
}

const char *fw__state_name(fw_state s) {
  return s == FW_STATE_RETIRED ? "retired" : s == FW_STATE_ESCALATED ? "escalated" : "active";
}

bool fw__escalated(long long injected, long long recurred) { return injected >= 2 && recurred * 2 > injected; }

fw_lesson_state fw__pattern_state(const fw_pattern *p, long long run_seq, const fw_lifecycle_options *o) {
  fw_lifecycle_options lo = fw__lifecycle_resolve(o);
  fw_lesson_state st = {FW_STATE_ACTIVE, NULL};
  if (!p) return st;
  bool escalated = fw__escalated(p->times_injected, p->times_recurred_injected);
  if (strcmp(p->decision, "retired") == 0) return (fw_lesson_state){FW_STATE_RETIRED, "person"};
  if (strcmp(p->decision, "active") == 0)
    return (fw_lesson_state){escalated ? FW_STATE_ESCALATED : FW_STATE_ACTIVE, "person"};
  fw_effect e;
  fw__effect_of(p->times_injected, p->times_recurred_injected, p->times_withheld, p->times_recurred_withheld,
                lo.min_exposures, &e);
  /* a rule retires only after retire_exposures slots per arm: an interval that starts below the
   * threshold on a handful of slots is as often luck as a useless lesson */
  bool enough = e.injected >= lo.retire_exposures && e.withheld >= lo.retire_exposures;
  if (e.measured && enough && e.high < lo.min_lift) return (fw_lesson_state){FW_STATE_RETIRED, "no_effect"};
  /* only a lesson that was withheld: an error unseen while its lesson is always injected may be
   * the one it prevents, so without a holdout nothing is retired as not seen */
  if (lo.unseen_runs > 0 && p->times_withheld >= lo.retire_exposures && p->last_seen_run >= 0 &&
      run_seq - p->last_seen_run >= lo.unseen_runs)
    return (fw_lesson_state){FW_STATE_RETIRED, "not_seen"};
  if (escalated) return (fw_lesson_state){FW_STATE_ESCALATED, "recurring"};
  return st;
}

double fw__pattern_benefit(const fw_pattern *p, long long occurrences, const fw_lifecycle_options *o) {
  fw_lifecycle_options lo = fw__lifecycle_resolve(o);
  if (!p) return (double)occurrences;
  fw_effect e;
  fw__effect_of(p->times_injected, p->times_recurred_injected, p->times_withheld, p->times_recurred_withheld,
                lo.min_exposures, &e);
  if (!e.measured) return (double)occurrences;
  /* the share of recurrences prevented: lift / withheld rate, in [-1, 1] */
  double p0 = (double)e.withheld_recurred / (double)e.withheld;
  double share = p0 > 0.0 ? e.lift / p0 : (e.injected_recurred > 0 ? -1.0 : 0.0);
  if (share > 1.0) share = 1.0;
  if (share < -1.0) share = -1.0;
  /* shrunk toward the prior (every lesson works: the frequency ranking) by min_exposures
   * pseudo-slots against the smaller arm */
  double n = (double)(e.injected < e.withheld ? e.injected : e.withheld), m = (double)lo.min_exposures;
  return (double)occurrences * (n * share + m) / (n + m);
}
