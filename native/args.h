/* args.h - the subcommands' option parser: a table of --options, each a string, a number or a
 * flag; one optional positional argument. Prints the error and returns an exit code. */
#ifndef FW_ARGS_H
#define FW_ARGS_H

#include "cli.h"

typedef enum { OPT_STRING, OPT_NUMBER, OPT_FLAG, OPT_LIST } opt_kind;

/* The values of an option that may be given several times (--junit A.xml --junit B.xml). */
#define CLI_LIST_MAX 256
typedef struct cli_list {
  const char *items[CLI_LIST_MAX];
  size_t n;
} cli_list;

typedef struct cli_option {
  const char *name; /* "--store" */
  opt_kind kind;
  void *slot;       /* const char **, long long *, bool * or cli_list * */
} cli_option;

/* The smoke run `ingest` takes, as SmokeTestResult JSON (malloc'd): --smoke FILE (JSON, or a JUnit
 * report told by its first '<') or the --junit reports as one run (run_id and ir for those).
 * Returns an exit code, the message printed under `context` (the core's names the report). */
int cli_read_smoke(const char *context, const char *smoke_path, const cli_list *junit, const char *run_id,
                   const fw_ir *ir, char **out, size_t *len);

/* When a lesson retires (enhance, stats, patterns): the options as given, parsed by
 * cli_lifecycle_parse() (which prints what is wrong and returns an exit code). */
typedef struct cli_lifecycle {
  const char *min_lift, *min_exposures, *unseen_runs, *retire_after;
} cli_lifecycle;
#define CLI_LIFECYCLE_OPTIONS(l)                                                                   \
  {"--min-lift", OPT_STRING, &(l).min_lift}, {"--min-exposures", OPT_STRING, &(l).min_exposures}, \
      {"--unseen-runs", OPT_STRING, &(l).unseen_runs}, {"--retire-after", OPT_STRING, &(l).retire_after}
#define LIFECYCLE_OPTION_HELP                                                                        \
  "  --min-lift X       retire a lesson whose lift's 95% upper bound is below X (default 0.05)\n"    \
  "  --min-exposures N  slots per arm (injected, withheld) before an effect counts (default 5)\n"   \
  "  --unseen-runs N    retire a lesson whose error was not seen for N runs (default 20; never)\n"    \
  "  --retire-after N   slots per arm (withheld for --unseen-runs) before a lesson retires (20)\n"
int cli_lifecycle_parse(const char *cmd, const cli_lifecycle *in, fw_lifecycle_options *out);
/* A number in [lo, hi] (--holdout, --min-lift); prints what is wrong and returns an exit code. */
int cli_fraction(const char *cmd, const char *name, const char *text, double lo, double hi, double *out);

/* Returns EXIT_OK, EXIT_USAGE, or -1 when --help was printed. */
int parse_options(int argc, char **argv, const char *cmd, const cli_option *opts, size_t nopts,
                  void (*usage)(FILE *), const char **positional);

#endif
