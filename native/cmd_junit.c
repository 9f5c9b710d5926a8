/*
 * cmd_junit.c - `forewarn junit REPORT.xml`: the SmokeTestResult forewarn reads from JUnit XML
 * reports (what `ingest --junit` classifies), so a user can see which cases became violations,
 * with which text and endpoint, before anything is stored.
 */
#include "args.h"

#include <stdlib.h>
#include <string.h>

static void junit_usage(FILE *out) {
  fputs("usage: forewarn junit REPORT.xml [--junit MORE.xml]... [--ir SPEC] [--run-id ID]\n"
        "\n"
        "Print the SmokeTestResult that `forewarn ingest --junit` takes from JUnit XML reports\n"
        "(pytest --junitxml, jest-junit, Maven Surefire / Gradle, go-junit-report), as JSON: a\n"
        "violation per failed or errored testcase (test, outcome, message, its text as traceback,\n"
        "endpoint when its text or name tells it) and the run's test counts. Several reports\n"
        "make one run. With --ir (an ApplicationIR or OpenAPI document), endpoints read from test\n"
        "names are matched against the spec's. A DOCTYPE is refused (exit 2).\n"
        "\n"
        "Example:\n"
        "  forewarn junit tests/junit/pytest-shop.xml --ir examples/shop/openapi.json\n",
        out);
}

int cmd_junit(int argc, char **argv) {
  const char *first = NULL, *ir_path = NULL, *run_id = NULL;
  static cli_list more;
  more.n = 0;
  const cli_option opts[] = {{"--junit", OPT_LIST, &more}, {"--ir", OPT_STRING, &ir_path}, {"--run-id", OPT_STRING, &run_id}};
  int rc = parse_options(argc, argv, "junit", opts, sizeof opts / sizeof *opts, junit_usage, &first);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  if (!first) {
    junit_usage(stderr);
    return EXIT_USAGE;
  }
  static cli_list all;
  all.n = 0;
  all.items[all.n++] = first;
  for (size_t i = 0; i < more.n && all.n < CLI_LIST_MAX; i++) all.items[all.n++] = more.items[i];
  fw_ir *ir = NULL;
  if (ir_path && (rc = cli_load_ir(ir_path, &ir)) != EXIT_OK) return rc;
  char *smoke = NULL, *pretty = NULL;
  size_t len = 0;
  rc = cli_read_smoke("junit", NULL, &all, run_id, ir, &smoke, &len);
  fw_error err;
  if (rc == EXIT_OK) {
    if (fw_json_pretty(smoke, len, &pretty, &err) == FW_OK) {
      puts(pretty);
    } else {
      cli_report("junit", &err);
      rc = EXIT_RUNTIME;
    }
  }
  fw_free(pretty);
  free(smoke);
  fw_ir_free(ir);
  return rc;
}
