/*
 * store_doc.h - a whole store, file or Neo4j, as one store document (cJSON: patterns,
 * unclassified, runs), for the commands that rewrite records: store import and store redact.
 */
#ifndef FW_STORE_DOC_H
#define FW_STORE_DOC_H

#include <cjson/cJSON.h>

#include "store_neo4j.h"

/* The document's three lists and the id member of each one's records. */
extern const char *const store_lists[3];
extern const char *const store_ids[3];

/* The store's whole content; a file store stays open in fs (locked exclusively when write) until
 * the caller closes it. Returns an exit code (message printed). */
int store_doc_load(cli_store *s, bool write, file_store *fs, cJSON **out);

/* An empty store document. */
cJSON *store_doc_empty(void);

/* Write the records of changes (a store document) into Neo4j, 500 a request, runs in their
 * order, after applying the schema; `what` names the command in messages. An exit code. */
int store_doc_write_neo4j(cli_store *s, cJSON *changes, const char *what);

#endif
