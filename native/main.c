/*
 * main.c - the forewarn command: dispatches subcommands. Data goes to stdout, diagnostics to
 * stderr; exit codes are 0 (ok), 1 (runtime failure), 2 (usage or bad input).
 */
#include "cli.h"

#include <string.h>

static void usage(FILE *out) {
  fputs("forewarn " FW_VERSION_STRING " - learn from generated apps' failures, warn the next generation\n"
        "\n"
        "usage: forewarn <command> [options]\n"
        "\n"
        "commands:\n"
        "  classify   classify an error text (or JSON lines of them) into an anti-pattern\n"
        "  ingest     store the anti-patterns of one smoke run (feedback collector)\n"
        "  enhance    print a generation prompt with the known issues to avoid\n"
        "  stats      per-run history: repeated errors, prevention rate, totals, lessons' effects\n"
        "  patterns   list the stored anti-patterns with their state (or --unclassified errors)\n"
        "  pattern    retire or activate a lesson: a person's decision\n"
        "  migrate    apply the Neo4j store's schema (idempotent)\n"
        "  store      export / import a whole store as JSON lines (file store <-> Neo4j)\n"
        "  redact     print a text with its secrets replaced (what every stored text goes through)\n"
        "  ir         print the ApplicationIR read from a spec or derived from an OpenAPI document\n"
        "  junit      print the smoke run read from JUnit XML reports (what ingest --junit takes)\n"
        "  version    print the version\n"
        "\n"
        "Run 'forewarn <command> --help' for a command's options.\n"
        "Example: forewarn classify --ir examples/shop/ir.json examples/errors/post_customers_unique.txt\n"
        "\n"
        "Neo4j store (--store neo4j+http://HOST:PORT): NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE;\n"
        "an unreachable server, 5xx and Neo.TransientError answers are retried FOREWARN_NEO4J_RETRIES\n"
        "times (3), FOREWARN_NEO4J_BACKOFF_MS apart (250, doubled after each retry up to 5000);\n"
        "FOREWARN_NEO4J_TIMEOUT_MS (60000) per attempt. e.g. riding out a restart of about a minute:\n"
        "  FOREWARN_NEO4J_RETRIES=15 FOREWARN_NEO4J_BACKOFF_MS=500 forewarn ingest --store neo4j+http://...\n"
        "\n"
        "exit codes: 0 ok, 1 runtime failure, 2 usage error or bad input\n",
        out);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(stdout);
    return EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("forewarn %s\n", fw_version());
    return EXIT_OK;
  }
  if (strcmp(cmd, "classify") == 0) return cmd_classify(argc - 1, argv + 1);
  if (strcmp(cmd, "ingest") == 0) return cmd_ingest(argc - 1, argv + 1);
  if (strcmp(cmd, "enhance") == 0) return cmd_enhance(argc - 1, argv + 1);
  if (strcmp(cmd, "stats") == 0) return cmd_stats(argc - 1, argv + 1);
  if (strcmp(cmd, "patterns") == 0) return cmd_patterns(argc - 1, argv + 1);
  if (strcmp(cmd, "pattern") == 0) return cmd_pattern(argc - 1, argv + 1);
  if (strcmp(cmd, "migrate") == 0) return cmd_migrate(argc - 1, argv + 1);
  if (strcmp(cmd, "store") == 0) return cmd_store(argc - 1, argv + 1);
  if (strcmp(cmd, "redact") == 0) return cmd_redact(argc - 1, argv + 1);
  if (strcmp(cmd, "ir") == 0) return cmd_ir(argc - 1, argv + 1);
  if (strcmp(cmd, "junit") == 0) return cmd_junit(argc - 1, argv + 1);
  fprintf(stderr, "forewarn: unknown command '%s'\n\n", cmd);
  usage(stderr);
  return EXIT_USAGE;
}
