/*
 * cmd_classify.c - `forewarn classify`: one error text in, one JSON object out; with --jsonl,
 * JSON lines {"id", "text", "endpoint"?} in and one JSON line out per record, in order.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void classify_usage(FILE *out) {
  fputs("usage: forewarn classify [--ir FILE] [--rules FILE] [--endpoint \"METHOD /path\"]\n"
        "                         [--jsonl] [--pretty] [--max-input BYTES] [FILE|-]\n"
        "\n"
        "Classify a failure (traceback, exception line, DB error, 422 body) into a category of\n"
        "the taxonomy, with its context, message template, pattern_id and anti-pattern.\n"
        "\n"
        "  --ir FILE          map the error onto this ApplicationIR (entity, field, constraint)\n"
        "  --rules FILE       add a rule pack; its rules are tried before the built-in ones\n"
        "  --endpoint E       the endpoint the failure came from, e.g. \"POST /products\"\n"
        "  --jsonl            input is JSON lines {\"id\", \"text\", \"endpoint\"?}; one line out each\n"
        "  --pretty           indent the JSON output (single text mode)\n"
        "  --max-input BYTES  refuse texts larger than this (default 4194304)\n"
        "\n"
        "Example:\n"
        "  echo 'sqlite3.IntegrityError: NOT NULL constraint failed: products.name' |\n"
        "    forewarn classify --ir examples/shop/ir.json --endpoint 'POST /products' -\n",
        out);
}

typedef struct classify_args {
  const char *ir_path, *rules_path, *endpoint, *input;
  bool jsonl, pretty;
  size_t max_input;
} classify_args;

static int parse_args(int argc, char **argv, classify_args *a) {
  memset(a, 0, sizeof *a);
  a->input = "-";
  a->max_input = FW_DEFAULT_MAX_INPUT;
  bool have_input = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char **slot = strcmp(arg, "--ir") == 0         ? &a->ir_path
                        : strcmp(arg, "--rules") == 0    ? &a->rules_path
                        : strcmp(arg, "--endpoint") == 0 ? &a->endpoint
                                                         : NULL;
    if (slot || strcmp(arg, "--max-input") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "forewarn classify: %s needs a value\n", arg);
        return EXIT_USAGE;
      }
      if (slot) {
        *slot = argv[++i];
      } else {
        char *end;
        unsigned long long v = strtoull(argv[++i], &end, 10);
        if (*end || v == 0) {
          fprintf(stderr, "forewarn classify: --max-input needs a positive number of bytes\n");
          return EXIT_USAGE;
        }
        a->max_input = (size_t)v;
      }
    } else if (strcmp(arg, "--jsonl") == 0) {
      a->jsonl = true;
    } else if (strcmp(arg, "--pretty") == 0) {
      a->pretty = true;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      classify_usage(stdout);
      return -1;
    } else if (arg[0] == '-' && arg[1]) {
      fprintf(stderr, "forewarn classify: unknown option '%s'\n", arg);
      classify_usage(stderr);
      return EXIT_USAGE;
    } else if (have_input) {
      fprintf(stderr, "forewarn classify: only one input file is accepted\n");
      return EXIT_USAGE;
    } else {
      a->input = arg;
      have_input = true;
    }
  }
  return EXIT_OK;
}

static int classify_one(fw_classifier *cl, const classify_args *a, fw_classify_options *opts) {
  char *text;
  size_t len;
  int rc = cli_read_file(a->input, a->max_input, &text, &len);
  if (rc) return rc;
  char *json = NULL;
  fw_error err;
  fw_status st = fw_classify(cl, text, len, opts, &json, &err);
  free(text);
  if (st != FW_OK) {
    cli_report(strcmp(a->input, "-") == 0 ? "standard input" : a->input, &err);
    return cli_exit_for(st);
  }
  if (a->pretty) {
    /* re-indent through the core's own printer for a person reading it */
    fw_error perr;
    char *pretty = NULL;
    if (fw_json_pretty(json, strlen(json), &pretty, &perr) == FW_OK) {
      fw_free(json);
      json = pretty;
    }
  }
  puts(json);
  fw_free(json);
  return EXIT_OK;
}

static int classify_lines(fw_classifier *cl, const classify_args *a, fw_classify_options *opts) {
  FILE *in = strcmp(a->input, "-") == 0 ? stdin : fopen(a->input, "rb");
  if (!in) {
    fprintf(stderr, "forewarn classify: cannot open %s\n", a->input);
    return EXIT_USAGE;
  }
  static char outbuf[1 << 20];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  char *line = NULL;
  size_t cap = 0, lineno = 0, bad = 0, failed = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, in)) != -1) {
    lineno++;
    size_t len = (size_t)n;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    bool blank = true;
    for (size_t i = 0; i < len && blank; i++) blank = line[i] == ' ' || line[i] == '\t';
    if (blank) continue;
    char *json = NULL;
    fw_error err;
    fw_status st = fw_classify_record(cl, line, len, opts, &json, &err);
    if (json) {
      fputs(json, stdout);
      fputc('\n', stdout);
      fw_free(json);
    }
    if (st != FW_OK) {
      fprintf(stderr, "forewarn classify: line %zu: %s\n", lineno, err.message);
      if (cli_exit_for(st) == EXIT_USAGE) bad++;
      else failed++;
    }
  }
  free(line);
  bool read_error = ferror(in);
  if (in != stdin) fclose(in);
  fflush(stdout);
  if (read_error) {
    fprintf(stderr, "forewarn classify: error reading %s\n", a->input);
    return EXIT_RUNTIME;
  }
  return failed ? EXIT_RUNTIME : bad ? EXIT_USAGE : EXIT_OK;
}

int cmd_classify(int argc, char **argv) {
  classify_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  fw_rules *rules = NULL;
  fw_ir *ir = NULL;
  fw_classifier *cl = NULL;
  if ((rc = cli_load_rules(a.rules_path, &rules)) != EXIT_OK) return rc;
  if (a.ir_path && (rc = cli_load_ir(a.ir_path, &ir)) != EXIT_OK) {
    fw_rules_free(rules);
    return rc;
  }
  fw_error err;
  if (fw_classifier_new(rules, &cl, &err) != FW_OK) {
    cli_report("classifier", &err);
    rc = EXIT_RUNTIME;
  } else {
    fw_classify_options opts = {0};
    opts.ir = ir;
    opts.endpoint = a.endpoint;
    opts.now = cli_now();
    opts.max_input = a.max_input;
    rc = a.jsonl ? classify_lines(cl, &a, &opts) : classify_one(cl, &a, &opts);
  }
  fw_classifier_free(cl);
  fw_ir_free(ir);
  fw_rules_free(rules);
  return rc;
}
