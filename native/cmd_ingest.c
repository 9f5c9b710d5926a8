/*
 * cmd_ingest.c - `forewarn ingest`: the feedback collector on one smoke run. Classification runs
 * before the store is locked; the lock covers only load, apply and the atomic save, so parallel
 * CI jobs serialise briefly and lose no increment.
 */
#include "args.h"
#include "store_neo4j.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void ingest_usage(FILE *out) {
  fputs("usage: forewarn ingest (--smoke SMOKE.json | --junit REPORT.xml...) --ir SPEC\n"
        "                       [--run-id ID] [--stack NAME] [--manifest MANIFEST.json] [--store PATH]\n"
        "                       [--rules FILE] [--redact FILE] [--json]\n"
        "\n"
        "Classify one smoke run's violations (matched with their stack traces) into anti-patterns\n"
        "and store them: new ones with occurrence_count 1, known ones counted again. With the\n"
        "manifest of the prompts that produced this run, injected patterns that did not recur are\n"
        "counted as prevented. Ingesting the same run_id again changes nothing.\n"
        "\n"
        "  --smoke FILE   a SmokeTestResult (JSON), or a JUnit XML report (told by its first '<')\n"
        "  --junit FILE   a JUnit XML report (pytest --junitxml, jest-junit, Surefire, Gradle);\n"
        "                 give it once per file (Surefire writes one per class): one run. Each\n"
        "                 failed or errored testcase is a violation; passed and skipped ones are\n"
        "                 counted (\"tests\" in --json)\n"
        "  --ir SPEC      the ApplicationIR, or the app's OpenAPI 3.x document\n"
        "  --run-id ID    the run's id for a JUnit report (default: its suite's name and\n"
        "                 timestamp, else a hash of the reports)\n"
        "  --stack NAME   store the lessons in this stack (default: the IR's \"stack\", else the\n"
        "                 one each error shows, else neutral; docs/rules.md, \"Stacks\")\n"
        "  --store PATH   the store file (default $FOREWARN_STORE or .forewarn/patterns.json), or\n"
        "                 neo4j+http://HOST:PORT, neo4j+https://..., neo4j (NEO4J_URI): a Neo4j\n"
        "                 store (credentials from NEO4J_USERNAME / NEO4J_PASSWORD, database from\n"
        "                 NEO4J_DATABASE); one request per run, the schema applied when missing\n"
        REDACT_OPTION_HELP
        "  --json             print the FeedbackProcessingResult as JSON\n"
        "\n"
        "Example:\n"
        "  forewarn ingest --smoke examples/shop/runs/run-1.json --ir examples/shop/ir.json\n"
        "  forewarn ingest --junit report.xml --ir openapi.json --run-id ci-1234\n",
        out);
}

/* The seed's summary line, then what the prevention accounting found. */
static void print_summary(const char *result, const char *path) {
  cJSON *r = cJSON_Parse(result);
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "already_ingested"))) {
    printf("Run already ingested: nothing changed in %s\n", path);
  } else {
    long long prevented = (long long)cli_json_number(r, "prevented"), recurred = (long long)cli_json_number(r, "not_prevented");
    printf("Generation feedback: %lld new, %lld updated anti-patterns, %d unclassifiable\n",
           (long long)cli_json_number(r, "patterns_created"), (long long)cli_json_number(r, "patterns_updated"),
           cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "unclassifiable_errors")));
    if (prevented + recurred)
      printf("Prevention: %lld of %lld injected warnings held, %lld recurred\n", prevented,
             prevented + recurred, recurred);
    long long withheld = (long long)cli_json_number(r, "withheld");
    if (withheld) /* the holdout arm: what happened without the warning */
      printf("Holdout: %lld warnings withheld, %lld of their errors recurred\n", withheld,
             (long long)cli_json_number(r, "withheld_recurred"));
  }
  cJSON_Delete(r);
}

static void print_summary_to(const char *result, const char *path, bool json) {
  if (json) puts(result);
  else print_summary(result, path);
}

int cmd_ingest(int argc, char **argv) {
  const char *smoke_path = NULL, *ir_path = NULL, *manifest_path = NULL, *store_opt = NULL,
             *rules_path = NULL, *redact_path = NULL, *run_id = NULL, *stack = NULL;
  static cli_list junit; /* static: CLI_LIST_MAX pointers stay off the stack */
  junit.n = 0;
  bool json = false;
  const cli_option opts[] = {{"--smoke", OPT_STRING, &smoke_path}, {"--ir", OPT_STRING, &ir_path},
                             {"--junit", OPT_LIST, &junit}, {"--run-id", OPT_STRING, &run_id},
                             {"--stack", OPT_STRING, &stack},
                             {"--manifest", OPT_STRING, &manifest_path}, {"--store", OPT_STRING, &store_opt},
                             {"--rules", OPT_STRING, &rules_path}, {"--redact", OPT_STRING, &redact_path},
                             {"--json", OPT_FLAG, &json}};
  int rc = parse_options(argc, argv, "ingest", opts, sizeof opts / sizeof *opts, ingest_usage, NULL);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  if ((!smoke_path && !junit.n) || (smoke_path && junit.n) || !ir_path) {
    fprintf(stderr, "forewarn ingest: --ir and one of --smoke or --junit are required\n");
    ingest_usage(stderr);
    return EXIT_USAGE;
  }
  fw_rules *rules = NULL;
  fw_ir *ir = NULL;
  fw_classifier *cl = NULL;
  char *smoke = NULL, *manifest = NULL, *changeset = NULL, *result = NULL;
  size_t smoke_len = 0, manifest_len = 0;
  fw_error err;
  if ((rc = cli_load_rules(rules_path, redact_path, &rules)) != EXIT_OK) goto done;
  if ((rc = cli_load_ir(ir_path, &ir)) != EXIT_OK) goto done;
  if ((rc = cli_read_smoke("ingest", smoke_path, &junit, run_id, ir, &smoke, &smoke_len)) != EXIT_OK) goto done;
  if (manifest_path && (rc = cli_read_file(manifest_path, 64u << 20, &manifest, &manifest_len)) != EXIT_OK) goto done;
  if (fw_classifier_new(rules, &cl, &err) != FW_OK) {
    cli_report("classifier", &err);
    rc = EXIT_RUNTIME;
    goto done;
  }
  if (fw_classifier_set_stack(cl, stack, &err) != FW_OK) {
    cli_report("ingest", &err);
    rc = cli_exit_for(err.code);
    goto done;
  }
  fw_status st = fw_collect(cl, smoke, smoke_len, ir, manifest, manifest_len, cli_now(), &changeset, &err);
  if (st != FW_OK) {
    cli_report("ingest", &err);
    rc = cli_exit_for(st);
    goto done;
  }
  cli_store store;
  if ((rc = cli_store_open(store_opt, &store)) != EXIT_OK) goto done;
  const char *path = store.path;
  st = store.methods->apply(store.self, changeset, strlen(changeset), &result, &err);
  if (st == FW_OK) print_summary_to(result, path, json);
  cli_store_close(&store);
  if (st != FW_OK) {
    cli_report("store", &err);
    rc = EXIT_RUNTIME;
    goto done;
  }
done:
  fw_free(result);
  fw_free(changeset);
  free(smoke);
  free(manifest);
  fw_classifier_free(cl);
  fw_ir_free(ir);
  fw_rules_free(rules);
  return rc;
}
