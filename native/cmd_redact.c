/*
 * cmd_redact.c - `forewarn redact`: a text with its secrets replaced by typed placeholders, by
 * the same step every classification goes through (the built-in redactions plus a pack's).
 * --lines redacts each line on its own (a log, a list of values); --count reports how many
 * values were replaced on stderr.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void redact_usage(FILE *out) {
  fputs("usage: forewarn redact [--rules FILE] [--lines] [--count] [--max-input BYTES] [FILE|-]\n"
        "\n"
        "Print the text with passwords, tokens, keys, cookies and e-mail addresses replaced by\n"
        "typed placeholders (<password>, <jwt>, <api_key>, <email>, ...), as forewarn does to\n"
        "every error text before it keeps, prints, sends or injects anything of it.\n"
        "\n"
        "  --rules FILE       add a rule pack; its \"redact\" patterns run before the built-in ones\n"
        "  --lines            redact each line on its own (output has the input's lines)\n"
        "  --count            print the number of replacements to stderr\n"
        "  --max-input BYTES  refuse inputs larger than this (default 4194304)\n",
        out);
}

static int redact_span(fw_classifier *cl, const char *s, size_t n, size_t *total) {
  char *out = NULL;
  size_t count = 0;
  fw_error err;
  fw_status st = fw_redact(cl, s, n, &out, &count, &err);
  if (st != FW_OK) {
    cli_report("redact", &err);
    return cli_exit_for(st);
  }
  fputs(out, stdout);
  fw_free(out);
  *total += count;
  return EXIT_OK;
}

int cmd_redact(int argc, char **argv) {
  const char *rules_path = NULL, *input = "-";
  bool lines = false, show_count = false, have_input = false;
  size_t max_input = FW_DEFAULT_MAX_INPUT;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--rules") == 0 || strcmp(arg, "--max-input") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "forewarn redact: %s needs a value\n", arg);
        return EXIT_USAGE;
      }
      if (arg[2] == 'r') {
        rules_path = argv[++i];
      } else {
        char *end;
        unsigned long long v = strtoull(argv[++i], &end, 10);
        if (*end || v == 0) {
          fprintf(stderr, "forewarn redact: --max-input needs a positive number of bytes\n");
          return EXIT_USAGE;
        }
        max_input = (size_t)v;
      }
    } else if (strcmp(arg, "--lines") == 0) {
      lines = true;
    } else if (strcmp(arg, "--count") == 0) {
      show_count = true;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      redact_usage(stdout);
      return EXIT_OK;
    } else if (arg[0] == '-' && arg[1]) {
      fprintf(stderr, "forewarn redact: unknown option '%s'\n", arg);
      redact_usage(stderr);
      return EXIT_USAGE;
    } else if (have_input) {
      fprintf(stderr, "forewarn redact: only one input file is accepted\n");
      return EXIT_USAGE;
    } else {
      input = arg;
      have_input = true;
    }
  }
  fw_rules *rules = NULL;
  int rc = cli_load_rules(rules_path, &rules);
  if (rc) return rc;
  fw_classifier *cl = NULL;
  fw_error err;
  if (fw_classifier_new(rules, &cl, &err) != FW_OK) {
    cli_report("redact", &err);
    fw_rules_free(rules);
    return EXIT_RUNTIME;
  }
  char *text = NULL;
  size_t len = 0, total = 0;
  rc = cli_read_file(input, max_input, &text, &len);
  if (!rc && !lines) rc = redact_span(cl, text, len, &total);
  for (size_t at = 0; !rc && lines && at < len;) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - text) : len;
    rc = redact_span(cl, text + at, end - at, &total);
    if (!rc && nl) fputc('\n', stdout);
    at = end + 1;
  }
  if (!rc && show_count) fprintf(stderr, "forewarn redact: %zu replaced\n", total);
  free(text);
  fw_classifier_free(cl);
  fw_rules_free(rules);
  return rc;
}
