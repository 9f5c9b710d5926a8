/*
 * store_delete.c - a person deletes a stored pattern (the page's pattern browser, `forewarn
 * pattern delete`). The store is rebuilt from its own document without that record, so every
 * index (ids, entities, the enhancer's general patterns) is built by the one loader that builds
 * them anyway; a deletion is rare and made by hand, so its O(store) cost does not matter.
 */
#include "store_internal.h"

#include <string.h>

#include "json_out.h"

fw_status fw_store_delete(fw_store *s, const char *pattern_id, fw_error *err) {
  if (!s || !pattern_id) return fw__fail(err, FW_ERR_ARG, "store and pattern_id are required");
  if (!fw__store_find(s, pattern_id)) return fw__fail(err, FW_ERR_ARG, "no pattern '%s' in the store", pattern_id);
  char *json = NULL;
  fw_status st = fw_store_to_json(s, &json, err);
  if (st != FW_OK) return st;
  cJSON *doc = cJSON_Parse(json);
  fw_free(json);
  json = NULL;
  cJSON *patterns = doc ? cJSON_GetObjectItemCaseSensitive(doc, "patterns") : NULL;
  for (cJSON *p = patterns ? patterns->child : NULL; p; p = p->next) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "pattern_id");
    if (cJSON_IsString(id) && strcmp(id->valuestring, pattern_id) == 0) {
      cJSON_Delete(cJSON_DetachItemViaPointer(patterns, p));
      break;
    }
  }
  /* a partial read (Neo4j) keeps the number of runs it has seen (the document does not say it) */
  if (doc) fw__json_int(doc, "run_seq", fw__store_run_seq(s));
  json = doc ? cJSON_PrintUnformatted(doc) : NULL;
  cJSON_Delete(doc);
  st = json ? fw_store_load(s, json, strlen(json), err) : fw__fail(err, FW_ERR_NOMEM, "out of memory");
  cJSON_free(json);
  return st;
}
