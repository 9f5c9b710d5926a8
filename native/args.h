/* args.h - the subcommands' option parser: a table of --options, each a string, a number or a
 * flag; one optional positional argument. Prints the error and returns an exit code. */
#ifndef FW_ARGS_H
#define FW_ARGS_H

#include "cli.h"

typedef enum { OPT_STRING, OPT_NUMBER, OPT_FLAG } opt_kind;

typedef struct cli_option {
  const char *name; /* "--store" */
  opt_kind kind;
  void *slot;       /* const char **, long long * or bool * */
} cli_option;

/* Returns EXIT_OK, EXIT_USAGE, or -1 when --help was printed. */
int parse_options(int argc, char **argv, const char *cmd, const cli_option *opts, size_t nopts,
                  void (*usage)(FILE *), const char **positional);

#endif
