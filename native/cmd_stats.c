/*
 * cmd_stats.c - `forewarn stats` (per-run history and totals: the seed's success metrics) and
 * `forewarn patterns` (what the store holds, every field). --json for machines, tables for people.
 */
#include "args.h"
#include "store_neo4j.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void stats_usage(FILE *out) {
  fputs("usage: forewarn stats [--store PATH|neo4j+http://HOST:PORT] [--json]\n"
        "\n"
        "Per ingested run: violations, classified, new patterns, repeated errors (a known pattern\n"
        "recurring), injected warnings, prevented, prevention rate; then the store's totals.\n",
        out);
}

static void patterns_usage(FILE *out) {
  fputs("usage: forewarn patterns [--store PATH|neo4j+http://HOST:PORT] [--json] [--unclassified]\n"
        "\n"
        "List the stored anti-patterns (every field, counters, prevention_rate, first/last seen),\n"
        "or with --unclassified the errors no rule classified, grouped by message template.\n",
        out);
}

static const char *s_of(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : "";
}

/* One read through the file store's interface. */
static int read_store(const char *store_opt, bool unclassified, bool stats, char **out) {
  cli_store store;
  int rc = cli_store_open(store_opt, &store);
  if (rc != EXIT_OK) return rc;
  fw_error err;
  fw_status st = stats ? store.methods->stats(store.self, out, &err)
                       : store.methods->list(store.self, unclassified, out, &err);
  cli_store_close(&store);
  if (st != FW_OK) {
    /* the file layer already said why (corrupt, unreadable); core errors are reported here */
    if (st != FW_ERR_ARG) cli_report("store", &err);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

int cmd_stats(int argc, char **argv) {
  const char *store_opt = NULL;
  bool json = false;
  const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}, {"--json", OPT_FLAG, &json}};
  int rc = parse_options(argc, argv, "stats", opts, 2, stats_usage, NULL);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  char *out = NULL;
  if ((rc = read_store(store_opt, false, true, &out)) != EXIT_OK) return rc;
  if (json) {
    puts(out);
    fw_free(out);
    return EXIT_OK;
  }
  cJSON *doc = cJSON_Parse(out);
  fw_free(out);
  printf("%-16s %10s %10s %8s %9s %9s %10s %11s\n", "run", "violations", "classified", "new",
         "repeated", "injected", "prevented", "prevention");
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "runs")) {
    printf("%-16.16s %10lld %10lld %8lld %9lld %9lld %10lld %10.1f%%\n", s_of(r, "run_id"),
           (long long)cli_json_number(r, "violations"), (long long)cli_json_number(r, "classified"), (long long)cli_json_number(r, "new_patterns"),
           (long long)cli_json_number(r, "repeated_errors"), (long long)cli_json_number(r, "injected"), (long long)cli_json_number(r, "prevented"),
           100.0 * cli_json_number(r, "prevention_rate"));
  }
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "totals");
  const char *first = s_of(t, "first_prevention_run");
  printf("\nstore: %lld runs, %lld anti-patterns (+%lld general), %lld occurrences, %lld prevented, "
         "prevention rate %.1f%%, %lld unclassified errors in %lld groups, first prevention: %s\n",
         (long long)cli_json_number(t, "runs"), (long long)cli_json_number(t, "patterns"), (long long)cli_json_number(t, "general_patterns"), (long long)cli_json_number(t, "occurrences"),
         (long long)cli_json_number(t, "prevented"), 100.0 * cli_json_number(t, "prevention_rate"), (long long)cli_json_number(t, "unclassified_errors"),
         (long long)cli_json_number(t, "unclassified_groups"), *first ? first : "none yet");
  cJSON_Delete(doc);
  return EXIT_OK;
}

int cmd_patterns(int argc, char **argv) {
  const char *store_opt = NULL;
  bool json = false, unclassified = false;
  const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}, {"--json", OPT_FLAG, &json},
                             {"--unclassified", OPT_FLAG, &unclassified}};
  int rc = parse_options(argc, argv, "patterns", opts, 3, patterns_usage, NULL);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  char *out = NULL;
  if ((rc = read_store(store_opt, unclassified, false, &out)) != EXIT_OK) return rc;
  if (json) {
    puts(out);
    fw_free(out);
    return EXIT_OK;
  }
  cJSON *arr = cJSON_Parse(out);
  fw_free(out);
  const cJSON *p;
  cJSON_ArrayForEach(p, arr) {
    if (unclassified) {
      printf("%s  x%lld  %s  (%s .. %s)\n    %s\n", s_of(p, "template_id"), (long long)cli_json_number(p, "count"),
             s_of(p, "exception_class"), s_of(p, "first_seen"), s_of(p, "last_seen"), s_of(p, "message_template"));
      continue;
    }
    printf("%s  %-26s %-14s %-22s %-24s occurrences %lld, prevented %lld (%.0f%%), injected %lld\n"
           "    %s  first %s  last %s\n    %s\n",
           s_of(p, "pattern_id"), s_of(p, "category"), s_of(p, "entity_pattern"), s_of(p, "field_pattern"),
           s_of(p, "endpoint_pattern"), (long long)cli_json_number(p, "occurrence_count"), (long long)cli_json_number(p, "times_prevented"),
           100.0 * cli_json_number(p, "prevention_rate"), (long long)cli_json_number(p, "times_injected"), s_of(p, "exception_class"),
           s_of(p, "first_seen"), s_of(p, "last_seen"), s_of(p, "remediation"));
  }
  cJSON_Delete(arr);
  return EXIT_OK;
}

static void migrate_usage(FILE *out) {
  fputs("usage: forewarn migrate [--store neo4j+http://HOST:PORT | neo4j]\n"
        "\n"
        "Apply the Neo4j store's schema (unique constraints on pattern_id, template_id, run_id;\n"
        "indexes on (error_type, exception_class), entity_pattern, endpoint_pattern, schema),\n"
        "each IF NOT EXISTS: running it again changes nothing. `ingest` applies it when its write\n"
        "finds it missing. Credentials from NEO4J_USERNAME / NEO4J_PASSWORD, database from NEO4J_DATABASE.\n"
        "\n"
        "Example:\n"
        "  NEO4J_URI=http://127.0.0.1:7474 NEO4J_PASSWORD=... forewarn migrate --store neo4j\n",
        out);
}

int cmd_migrate(int argc, char **argv) {
  const char *store_opt = NULL;
  const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}};
  int rc = parse_options(argc, argv, "migrate", opts, 1, migrate_usage, NULL);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  cli_store store;
  if ((rc = cli_store_open(store_opt ? store_opt : "neo4j", &store)) != EXIT_OK) return rc;
  if (!store.neo4j) {
    fprintf(stderr, "forewarn migrate: %s is a file store, which needs no schema\n", store.path);
    cli_store_close(&store);
    return EXIT_USAGE;
  }
  fw_error err;
  long long added = 0;
  fw_status st = neo4j_store_migrate(&store.neo, &added, &err);
  if (st == FW_OK)
    printf("schema of %s: %zu statements applied, %lld constraints and indexes added\n", store.path,
           fw_cypher_schema_count(), added);
  else
    cli_report("migrate", &err);
  cli_store_close(&store);
  return st == FW_OK ? EXIT_OK : EXIT_RUNTIME;
}
