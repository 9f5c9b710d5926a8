/* store_doc.c - see store_doc.h. */
#include "store_doc.h"

#include <stdlib.h>
#include <string.h>

#define IMPORT_BATCH 500 /* records per Neo4j request */

const char *const store_lists[3] = {"patterns", "unclassified", "runs"};
const char *const store_ids[3] = {"pattern_id", "template_id", "run_id"};
static const char *const *const lists = store_lists;

/* The target's whole content as a store document (cJSON); a file store stays open in fs
 * (locked exclusively when write) until the caller closes it. */
int store_doc_load(cli_store *s, bool write, file_store *fs, cJSON **out) {
  *out = NULL;
  fw_error err;
  fw_store *mem = NULL;
  if (s->neo4j) {
    char *body = NULL;
    fw_status st = fw_cypher_dump(true, &body, &err);
    if (st == FW_OK) st = neo4j_store_load(&s->neo, body, &mem, &err);
    fw_free(body);
    if (st != FW_OK) {
      cli_report("store", &err);
      return EXIT_RUNTIME;
    }
  } else {
    int rc = file_store_open(s->path, write, fs);
    if (rc != EXIT_OK) return rc;
    mem = fs->mem;
  }
  char *json = NULL;
  fw_status st = fw_store_to_json(mem, &json, &err);
  if (s->neo4j) fw_store_free(mem);
  if (st != FW_OK) {
    cli_report("store", &err);
    return EXIT_RUNTIME;
  }
  *out = cJSON_Parse(json);
  fw_free(json);
  if (!*out) {
    fprintf(stderr, "forewarn store: out of memory\n");
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

cJSON *store_doc_empty(void) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddStringToObject(d, "format", "forewarn-store");
  cJSON_AddNumberToObject(d, "version", 1);
  for (int l = 0; l < 3; l++) cJSON_AddArrayToObject(d, lists[l]);
  return d;
}


/* Write the changes into Neo4j, IMPORT_BATCH records a request, runs in their order. */
int store_doc_write_neo4j(cli_store *s, cJSON *changes, const char *what) {
  fw_error err;
  long long added;
  if (neo4j_store_migrate(&s->neo, &added, &err) != FW_OK) {
    cli_report(what, &err);
    return EXIT_RUNTIME;
  }
  cJSON *batch = store_doc_empty();
  size_t inbatch = 0;
  int rc = EXIT_OK;
  for (int l = 0; l <= 3 && rc == EXIT_OK; l++) {
    cJSON *e = l < 3 ? cJSON_GetObjectItemCaseSensitive(changes, lists[l])->child : NULL;
    for (;;) {
      bool flush = l == 3 ? inbatch > 0 : (e == NULL ? false : inbatch == IMPORT_BATCH);
      if (flush) {
        char *json = cJSON_PrintUnformatted(batch), *body = NULL, *parsed = NULL;
        fw_status st = json ? fw_cypher_import(json, strlen(json), &body, &err) : FW_ERR_NOMEM;
        cJSON_free(json);
        if (st == FW_OK) st = neo4j_request(&s->neo.conn, body, &parsed, &err);
        fw_free(body);
        fw_free(parsed);
        if (st != FW_OK) {
          cli_report(what, &err);
          rc = EXIT_RUNTIME;
          break;
        }
        cJSON_Delete(batch);
        batch = store_doc_empty();
        inbatch = 0;
      }
      if (!e) break;
      cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(batch, lists[l]), cJSON_Duplicate(e, true));
      inbatch++;
      e = e->next;
    }
  }
  cJSON_Delete(batch);
  return rc;
}

