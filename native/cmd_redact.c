/*
 * cmd_redact.c - `forewarn redact`: a text with its secrets replaced by typed placeholders, by
 * the same step every classification goes through (the built-in redactions plus a pack's).
 * --lines redacts each line on its own (a log, a list of values); --count reports how many
 * values were replaced on stderr.
 */
#include "args.h"

#include <stdlib.h>
#include <string.h>

static void redact_usage(FILE *out) {
  fputs("usage: forewarn redact [--rules FILE] [--redact FILE] [--lines] [--count] [--max-input BYTES]\n"
        "                       [FILE|-]\n"
        "\n"
        "Print the text with passwords, tokens, keys, cookies and e-mail addresses replaced by\n"
        "typed placeholders (<password>, <jwt>, <api_key>, <email>, ...), as forewarn does to\n"
        "every error text before it keeps, prints, sends or injects anything of it.\n"
        "\n"
        "  --rules FILE       add a rule pack; its \"redact\" patterns run before the built-in ones\n"
        REDACT_OPTION_HELP
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
  const char *rules_path = NULL, *redact_path = NULL, *input = "-";
  bool lines = false, show_count = false;
  long long max = FW_DEFAULT_MAX_INPUT;
  const cli_option opts[] = {{"--rules", OPT_STRING, &rules_path},  {"--redact", OPT_STRING, &redact_path},
                             {"--lines", OPT_FLAG, &lines},         {"--count", OPT_FLAG, &show_count},
                             {"--max-input", OPT_NUMBER, &max}};
  int parsed = parse_options(argc, argv, "redact", opts, sizeof opts / sizeof *opts, redact_usage, &input);
  if (parsed) return parsed < 0 ? EXIT_OK : parsed;
  size_t max_input = (size_t)max;
  fw_rules *rules = NULL;
  int rc = cli_load_rules(rules_path, redact_path, &rules);
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
