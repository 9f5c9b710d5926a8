/*
 * cli_lifecycle.c - the options that say when a lesson retires (--min-lift, --min-exposures,
 * --unseen-runs, --retire-after), shared by enhance, stats and patterns, and fractions such as --holdout.
 */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_fraction(const char *cmd, const char *name, const char *text, double lo, double hi, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (!*text || *end || errno || !isfinite(v) || v < lo || v > hi) {
    fprintf(stderr, "forewarn %s: %s must be a number from %g to %g, not '%s'\n", cmd, name, lo, hi, text);
    return EXIT_USAGE;
  }
  *out = v;
  return EXIT_OK;
}

static int whole(const char *cmd, const char *name, const char *text, long long *out) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (!*text || *end || errno || v < 1) {
    fprintf(stderr, "forewarn %s: %s must be a whole number of at least 1, not '%s'\n", cmd, name, text);
    return EXIT_USAGE;
  }
  *out = v;
  return EXIT_OK;
}

int cli_lifecycle_parse(const char *cmd, const cli_lifecycle *in, fw_lifecycle_options *out) {
  memset(out, 0, sizeof *out);
  int rc = EXIT_OK;
  if (in->min_lift) {
    rc = cli_fraction(cmd, "--min-lift", in->min_lift, -1.0, 1.0, &out->min_lift);
    out->min_lift_set = true;
  }
  if (rc == EXIT_OK && in->min_exposures) rc = whole(cmd, "--min-exposures", in->min_exposures, &out->min_exposures);
  if (rc == EXIT_OK && in->retire_after) rc = whole(cmd, "--retire-after", in->retire_after, &out->retire_exposures);
  if (rc == EXIT_OK && in->unseen_runs) {
    if (strcmp(in->unseen_runs, "never") == 0) out->unseen_runs = -1;
    else rc = whole(cmd, "--unseen-runs", in->unseen_runs, &out->unseen_runs);
  }
  return rc;
}
