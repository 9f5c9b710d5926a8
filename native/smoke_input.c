/*
 * smoke_input.c - the smoke results `forewarn ingest` takes, as the core's SmokeTestResult: a
 * JSON document as it is, or JUnit XML reports (--junit, or a --smoke file that starts with '<')
 * converted by the core, several files making one run.
 */
#include "args.h"

#include <stdlib.h>
#include <string.h>

/* Each report may be as large as a smoke result. */
#define REPORT_MAX (256u << 20)

static int from_reports(const char *context, const char *const *paths, size_t n, const char *run_id, const fw_ir *ir,
                        char **out, size_t *len) {
  char **docs = calloc(n, sizeof *docs);
  size_t *lens = calloc(n, sizeof *lens);
  int rc = docs && lens ? EXIT_OK : EXIT_RUNTIME;
  if (rc) fprintf(stderr, "forewarn: out of memory\n");
  for (size_t i = 0; i < n && rc == EXIT_OK; i++) rc = cli_read_file(paths[i], REPORT_MAX, &docs[i], &lens[i]);
  char *smoke = NULL;
  fw_error err;
  if (rc == EXIT_OK) {
    fw_status st = fw_junit_to_smoke((const char *const *)docs, lens, n, run_id, ir, &smoke, &err);
    if (st != FW_OK) {
      cli_report(context, &err);
      rc = cli_exit_for(st);
    }
  }
  if (rc == EXIT_OK) {
    /* the caller frees with free(), like every file read */
    *len = strlen(smoke);
    *out = malloc(*len + 1);
    if (*out) memcpy(*out, smoke, *len + 1);
    else rc = EXIT_RUNTIME, fprintf(stderr, "forewarn: out of memory\n");
  }
  fw_free(smoke);
  for (size_t i = 0; docs && i < n; i++) free(docs[i]);
  free(docs);
  free(lens);
  return rc;
}

int cli_read_smoke(const char *context, const char *smoke_path, const cli_list *junit, const char *run_id,
                   const fw_ir *ir, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (junit && junit->n) return from_reports(context, junit->items, junit->n, run_id, ir, out, len);
  int rc = cli_read_file(smoke_path, REPORT_MAX, out, len);
  if (rc != EXIT_OK) return rc;
  if (fw_junit_detect(*out, *len)) {
    free(*out);
    *out = NULL;
    return from_reports(context, &smoke_path, 1, run_id, ir, out, len);
  }
  if (run_id) {
    fprintf(stderr, "forewarn ingest: --run-id is for JUnit reports; a SmokeTestResult names its own run_id\n");
    free(*out);
    *out = NULL;
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
