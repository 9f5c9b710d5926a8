/*
 * cmd_pattern.c - `forewarn pattern retire|activate|delete ID`: a person's decision on a lesson,
 * recorded as such (decision, decision_at) in the file store or in Neo4j, or the pattern deleted.
 */
#include "args.h"
#include "store_neo4j.h"

#include <stdlib.h>
#include <string.h>

static void pattern_usage(FILE *out) {
  fputs("usage: forewarn pattern retire|activate|delete PATTERN_ID [--store PATH|neo4j+http://HOST:PORT]\n"
        "\n"
        "Record a person's decision on a lesson. retire: it is no longer injected (it stays stored\n"
        "and counted). activate: it is injected again and the automatic rules (no effect, not seen)\n"
        "do not retire it. `forewarn patterns` shows it with state_reason \"person\".\n"
        "delete: the pattern, its lesson and counters are removed (the runs that counted it stay in\n"
        "the history); if the error comes again it is a new pattern. Retiring keeps the evidence.\n",
        out);
}

/* The file store: the decision (NULL: the deletion) written under the store's lock. */
static int decide_file(const char *path, const char *id, const char *decision) {
  file_store fs;
  int rc = file_store_open(path, true, &fs);
  if (rc != EXIT_OK) return rc;
  fw_error err;
  fw_status st = decision ? fw_store_decide(fs.mem, id, decision, cli_now(), &err) : fw_store_delete(fs.mem, id, &err);
  if (st == FW_OK) rc = file_store_save(&fs);
  else cli_report("pattern", &err), rc = cli_exit_for(st);
  file_store_close(&fs);
  return rc;
}

static int decide_neo4j(cli_store *s, const char *id, const char *decision) {
  fw_error err;
  char *body = NULL;
  fw_store *mem = NULL;
  fw_status st = decision ? fw_cypher_decide(id, decision, cli_now(), &body, &err) : fw_cypher_delete(id, &body, &err);
  if (st == FW_OK) st = neo4j_store_load(&s->neo, body, &mem, &err);
  fw_free(body);
  if (st != FW_OK) {
    cli_report("pattern", &err);
    return cli_exit_for(st);
  }
  size_t found = fw_store_pattern_count(mem);
  fw_store_free(mem);
  if (!found) {
    fprintf(stderr, "forewarn pattern: no pattern '%s' in the store\n", id);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

int cmd_pattern(int argc, char **argv) {
  bool known = argc >= 2 && (strcmp(argv[1], "retire") == 0 || strcmp(argv[1], "activate") == 0 ||
                             strcmp(argv[1], "delete") == 0);
  if (!known) {
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
      pattern_usage(stdout);
      return EXIT_OK;
    }
    pattern_usage(stderr);
    return EXIT_USAGE;
  }
  const char *decision = strcmp(argv[1], "retire") == 0 ? "retired" : strcmp(argv[1], "activate") == 0 ? "active" : NULL;
  const char *store_opt = NULL, *id = NULL;
  const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}};
  int rc = parse_options(argc - 1, argv + 1, "pattern", opts, 1, pattern_usage, &id);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  if (!id) {
    fprintf(stderr, "forewarn pattern %s: which pattern? give its pattern_id\n", argv[1]);
    return EXIT_USAGE;
  }
  cli_store store;
  if ((rc = cli_store_open(store_opt, &store)) != EXIT_OK) return rc;
  rc = store.neo4j ? decide_neo4j(&store, id, decision) : decide_file(store.path, id, decision);
  cli_store_close(&store);
  if (rc == EXIT_OK) printf("%s: %s by a person\n", id, decision ? decision : "deleted");
  return rc;
}
