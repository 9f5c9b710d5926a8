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
        "                      [--min-lift X] [--min-exposures N] [--unseen-runs N|never]\n"
        "\n"
        "Per ingested run: violations, classified, new patterns, repeated errors (a known pattern\n"
        "recurring), injected warnings, prevented, prevention rate; then the store's totals.\n"
        "Then each lesson's measured effect (enhance --holdout): the lift in recurrence rate from\n"
        "the slots it was withheld from to those it was injected into, with a 95% interval,\n"
        "sorted by lift, and which lessons are shown to work, show no effect, or make things worse.\n"
        LIFECYCLE_OPTION_HELP,
        out);
}

static void patterns_usage(FILE *out) {
  fputs("usage: forewarn patterns [--store PATH|neo4j+http://HOST:PORT] [--json] [--unclassified]\n"
        "                         [--state active|escalated|retired]\n"
        "                         [--min-lift X] [--min-exposures N] [--unseen-runs N|never]\n"
        "\n"
        "List the stored anti-patterns (every field, counters, prevention_rate, first/last seen,\n"
        "state and measured effect), or with --unclassified the errors no rule classified,\n"
        "grouped by message template. --state keeps the lessons in that state.\n"
        LIFECYCLE_OPTION_HELP,
        out);
}

static const char *s_of(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : "";
}

/* What a question needs, read once from the store (file or Neo4j) into memory. */
typedef enum { READ_STATS, READ_LESSONS, READ_UNCLASSIFIED } read_kind;

static int read_store(const char *store_opt, read_kind kind, const fw_lifecycle_options *life,
                      const char *state, char **out) {
  cli_store store;
  int rc = cli_store_open(store_opt, &store);
  if (rc != EXIT_OK) return rc;
  fw_store *mem = NULL;
  rc = cli_store_load_for_enhance(&store, NULL, &mem); /* the whole store; errors printed */
  cli_store_close(&store);
  if (rc != EXIT_OK) return rc;
  fw_error err;
  fw_status st = kind == READ_STATS     ? fw_store_stats_with(mem, life, out, &err)
                 : kind == READ_LESSONS ? fw_store_lessons(mem, life, state, out, &err)
                                        : fw_store_list(mem, true, out, &err);
  fw_store_free(mem);
  if (st != FW_OK) {
    cli_report(kind == READ_STATS ? "stats" : "patterns", &err);
    return cli_exit_for(st);
  }
  return EXIT_OK;
}

static const char *interval(const cJSON *effect, char *buf, size_t cap) {
  const cJSON *ci = cJSON_GetObjectItemCaseSensitive(effect, "ci95");
  if (!cJSON_IsArray(ci)) return "-";
  snprintf(buf, cap, "[%+.2f, %+.2f]", cJSON_GetArrayItem(ci, 0)->valuedouble, cJSON_GetArrayItem(ci, 1)->valuedouble);
  return buf;
}

/* The effect table, sorted by lift as stats gives it, and what it shows in words. */
static void print_effects(const cJSON *doc) {
  const cJSON *effects = cJSON_GetObjectItemCaseSensitive(doc, "effects");
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "totals");
  const cJSON *life = cJSON_GetObjectItemCaseSensitive(doc, "lifecycle");
  printf("\nlessons: %lld active, %lld escalated, %lld retired (effects from %lld slots per arm; retired after %lld "
         "slots per arm below a lift of %.2f, or unseen for %lld runs)\n",
         (long long)cli_json_number(t, "active"), (long long)cli_json_number(t, "escalated"),
         (long long)cli_json_number(t, "retired"), (long long)cli_json_number(life, "min_exposures"),
         (long long)cli_json_number(life, "retire_exposures"), cli_json_number(life, "min_lift"),
         (long long)cli_json_number(life, "unseen_runs"));
  if (cJSON_GetArraySize(effects) == 0) {
    puts("no lesson was injected or withheld yet: `forewarn enhance --holdout 0.2` measures their effect");
    return;
  }
  puts("effect: recurrence rate when withheld minus when injected (lift), 95% interval (Newcombe)");
  printf("%-22s %-26s %-34s %9s %9s %7s %-18s %-9s\n", "pattern", "category", "entity / field", "injected",
         "withheld", "lift", "95% interval", "state");
  const cJSON *e;
  char buf[64], where[160];
  cJSON_ArrayForEach(e, effects) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(e, "effect");
    const cJSON *lift = cJSON_GetObjectItemCaseSensitive(x, "lift");
    char lift_text[16] = "-";
    if (cJSON_IsNumber(lift)) snprintf(lift_text, sizeof lift_text, "%+.2f", lift->valuedouble);
    snprintf(where, sizeof where, "%s %s", s_of(e, "entity_pattern"), s_of(e, "field_pattern"));
    printf("%-22.22s %-26.26s %-34.34s %4lld/%-4lld %4lld/%-4lld %7s %-18s %-9s\n", s_of(e, "pattern_id"),
           s_of(e, "category"), where, (long long)cli_json_number(x, "injected_recurred"),
           (long long)cli_json_number(x, "injected"), (long long)cli_json_number(x, "withheld_recurred"),
           (long long)cli_json_number(x, "withheld"), lift_text, interval(x, buf, sizeof buf), s_of(e, "state"));
  }
  static const char *const verdicts[][2] = {{"works", "shown to work (interval above 0)"},
                                            {"no_effect_shown", "no effect shown (interval holds 0)"},
                                            {"worse", "make things worse (interval below 0)"},
                                            {"not_enough_data", "not enough data yet"}};
  for (size_t v = 0; v < sizeof verdicts / sizeof *verdicts; v++) {
    size_t n = 0;
    cJSON_ArrayForEach(e, effects) {
      if (strcmp(s_of(e, "verdict"), verdicts[v][0]) != 0) continue;
      if (n++ == 0) printf("%s: ", verdicts[v][1]);
      else fputs(", ", stdout);
      fputs(s_of(e, "pattern_id"), stdout);
    }
    if (n) printf(" (%zu)\n", n);
  }
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(t, "effect");
  const cJSON *lift = cJSON_GetObjectItemCaseSensitive(all, "lift");
  if (cJSON_IsNumber(lift))
    printf("all lessons: lift %+.3f %s from %lld injected and %lld withheld slots\n", lift->valuedouble,
           interval(all, buf, sizeof buf), (long long)cli_json_number(all, "injected"),
           (long long)cli_json_number(all, "withheld"));
}

int cmd_stats(int argc, char **argv) {
  const char *store_opt = NULL;
  bool json = false;
  cli_lifecycle life = {0};
  const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}, {"--json", OPT_FLAG, &json},
                             CLI_LIFECYCLE_OPTIONS(life)};
  int rc = parse_options(argc, argv, "stats", opts, sizeof opts / sizeof *opts, stats_usage, NULL);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  fw_lifecycle_options lifecycle;
  if ((rc = cli_lifecycle_parse("stats", &life, &lifecycle)) != EXIT_OK) return rc;
  char *out = NULL;
  if ((rc = read_store(store_opt, READ_STATS, &lifecycle, NULL, &out)) != EXIT_OK) return rc;
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
  print_effects(doc);
  cJSON_Delete(doc);
  return EXIT_OK;
}

int cmd_patterns(int argc, char **argv) {
  const char *store_opt = NULL, *state = NULL;
  bool json = false, unclassified = false;
  cli_lifecycle life = {0};
  const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}, {"--json", OPT_FLAG, &json},
                             {"--unclassified", OPT_FLAG, &unclassified}, {"--state", OPT_STRING, &state},
                             CLI_LIFECYCLE_OPTIONS(life)};
  int rc = parse_options(argc, argv, "patterns", opts, sizeof opts / sizeof *opts, patterns_usage, NULL);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  fw_lifecycle_options lifecycle;
  if ((rc = cli_lifecycle_parse("patterns", &life, &lifecycle)) != EXIT_OK) return rc;
  if (state && strcmp(state, "active") != 0 && strcmp(state, "escalated") != 0 && strcmp(state, "retired") != 0) {
    fprintf(stderr, "forewarn patterns: --state is active, escalated or retired, not '%s'\n", state);
    return EXIT_USAGE;
  }
  if (state && unclassified) {
    fprintf(stderr, "forewarn patterns: --state is for lessons, not --unclassified errors\n");
    return EXIT_USAGE;
  }
  char *out = NULL;
  rc = read_store(store_opt, unclassified ? READ_UNCLASSIFIED : READ_LESSONS, &lifecycle, state, &out);
  if (rc != EXIT_OK) return rc;
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
    const char *reason = s_of(p, "state_reason");
    printf("%s  %-26s %-14s %-22s %-24s occurrences %lld, prevented %lld (%.0f%%), injected %lld, withheld %lld\n"
           "    %s%s%s%s  %s  first %s  last %s\n    %s\n",
           s_of(p, "pattern_id"), s_of(p, "category"), s_of(p, "entity_pattern"), s_of(p, "field_pattern"),
           s_of(p, "endpoint_pattern"), (long long)cli_json_number(p, "occurrence_count"), (long long)cli_json_number(p, "times_prevented"),
           100.0 * cli_json_number(p, "prevention_rate"), (long long)cli_json_number(p, "times_injected"),
           (long long)cli_json_number(p, "times_withheld"), s_of(p, "state"), *reason ? " (" : "",
           *reason ? reason : "", *reason ? ")" : "", s_of(p, "exception_class"), s_of(p, "first_seen"), s_of(p, "last_seen"),
           s_of(p, "remediation"));
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
