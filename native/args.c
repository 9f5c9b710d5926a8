/* args.c - see args.h. */
#include "args.h"

#include <stdlib.h>
#include <string.h>

int parse_options(int argc, char **argv, const char *cmd, const cli_option *opts, size_t nopts,
                  void (*usage)(FILE *), const char **positional) {
  bool have_positional = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage(stdout);
      return -1;
    }
    const cli_option *o = NULL;
    for (size_t k = 0; k < nopts && !o; k++) {
      if (strcmp(opts[k].name, arg) == 0) o = &opts[k];
    }
    if (!o) {
      if (arg[0] == '-' && arg[1]) {
        fprintf(stderr, "forewarn %s: unknown option '%s'\n", cmd, arg);
        usage(stderr);
        return EXIT_USAGE;
      }
      if (!positional || have_positional) {
        fprintf(stderr, "forewarn %s: unexpected argument '%s'\n", cmd, arg);
        return EXIT_USAGE;
      }
      *positional = arg;
      have_positional = true;
      continue;
    }
    if (o->kind == OPT_FLAG) {
      *(bool *)o->slot = true;
      continue;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "forewarn %s: %s needs a value\n", cmd, arg);
      return EXIT_USAGE;
    }
    const char *value = argv[++i];
    if (o->kind == OPT_STRING) {
      *(const char **)o->slot = value;
    } else if (o->kind == OPT_LIST) {
      cli_list *l = o->slot;
      if (l->n == CLI_LIST_MAX) {
        fprintf(stderr, "forewarn %s: %s given more than %d times\n", cmd, arg, CLI_LIST_MAX);
        return EXIT_USAGE;
      }
      l->items[l->n++] = value;
    } else {
      char *end;
      long long v = strtoll(value, &end, 10);
      if (*end || v < 1) {
        fprintf(stderr, "forewarn %s: %s needs a positive whole number, not '%s'\n", cmd, arg, value);
        return EXIT_USAGE;
      }
      *(long long *)o->slot = v;
    }
  }
  return EXIT_OK;
}
