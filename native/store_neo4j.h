/*
 * store_neo4j.h - the Neo4j store behind the core's store interface (fw_store_methods), and how
 * the CLI picks a store: --store / FOREWARN_STORE naming "neo4j" or "neo4j+http(s)://HOST:PORT"
 * is Neo4j, anything else the embedded file store. Writes are one request per run; reads load
 * what the question needs into an in-memory fw_store, so answers match the file store's.
 */
#ifndef FW_STORE_NEO4J_H
#define FW_STORE_NEO4J_H

#include "neo4j_http.h"
#include "store_file.h"

typedef struct neo4j_store {
  neo4j_conn conn;
  bool schema_ready; /* migrated by this process: a missing schema is not retried again */
} neo4j_store;

/* Apply the schema (constraints and indexes, IF NOT EXISTS). *added counts what was new. */
fw_status neo4j_store_migrate(neo4j_store *s, long long *added, fw_error *err);

/* Send a read request (fw_cypher_dump/_get/_query/_enhance_selection) and load its answer. */
fw_status neo4j_store_load(neo4j_store *s, const char *body, fw_store **out, fw_error *err);

const fw_store_methods *neo4j_store_methods(void);

/* A store chosen by the CLI. */
typedef struct cli_store {
  const fw_store_methods *methods;
  void *self;
  bool neo4j;
  neo4j_store neo;
  const char *path; /* the file store's path, or a description of the Neo4j store */
} cli_store;

/* --store value (or NULL) to a store; prints what is wrong; returns an exit code. */
int cli_store_open(const char *option, cli_store *s);
void cli_store_close(cli_store *s);

/* The in-memory store that enhance reads: the file store's document, or from Neo4j what these
 * options need (NULL options: everything, for --batch). Returns an exit code; errors printed. */
int cli_store_load_for_enhance(cli_store *s, const fw_enhance_options *o, fw_store **out);

#endif
