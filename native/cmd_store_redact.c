/*
 * cmd_store_redact.c - `forewarn store redact`: a store written before redaction existed (or
 * before a team added its own patterns) rewritten with every text value passed through the same
 * redactor as new classifications. Ids are kept, so counters and injections still refer to the
 * same records; only changed records are written (a Neo4j store gets them in batches).
 */
#include "cmd_store_redact.h"

#include <string.h>

#include "store_doc.h"

/* Ids and stamps are not text from an error: they stay as they are. */
static bool kept_as_is(const char *key) {
  static const char *const keys[] = {"pattern_id", "template_id", "run_id", "first_seen", "last_seen",
                                     "ingested_at", "category", "error_type", "signature_version"};
  for (size_t i = 0; key && i < sizeof keys / sizeof *keys; i++)
    if (strcmp(key, keys[i]) == 0) return true;
  return false;
}

/* Redact every string under node (members, array items, nested); how many changed, or -1 with
 * the message printed. */
static long redact_tree(fw_classifier *cl, cJSON *node) {
  long changed = 0;
  for (cJSON *c = node->child; c; c = c->next) {
    if (kept_as_is(c->string)) continue;
    if (cJSON_IsString(c)) {
      char *out = NULL;
      size_t count = 0;
      fw_error err;
      if (fw_redact(cl, c->valuestring, strlen(c->valuestring), &out, &count, &err) != FW_OK) {
        cli_report("store redact", &err);
        return -1;
      }
      if (count && strcmp(out, c->valuestring) != 0) {
        cJSON_SetValuestring(c, out);
        changed++;
      }
      fw_free(out);
    } else if (cJSON_IsArray(c) || cJSON_IsObject(c)) {
      long n = redact_tree(cl, c);
      if (n < 0) return -1;
      changed += n;
    }
  }
  return changed;
}

static int redact_lists(fw_classifier *cl, cJSON *doc, cJSON *changes, size_t *values, size_t *records) {
  for (int l = 0; l < 3; l++) {
    cJSON *carr = changes ? cJSON_GetObjectItemCaseSensitive(changes, store_lists[l]) : NULL;
    cJSON *rec;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItemCaseSensitive(doc, store_lists[l])) {
      long n = redact_tree(cl, rec);
      if (n < 0) return EXIT_RUNTIME;
      if (n == 0) continue;
      *values += (size_t)n;
      (*records)++;
      if (carr) cJSON_AddItemToArray(carr, cJSON_Duplicate(rec, true));
    }
  }
  return EXIT_OK;
}

int store_doc_redact(cJSON *doc, const char *redact_path, cJSON *changes, size_t *values, size_t *records) {
  *values = *records = 0;
  fw_rules *rules = NULL;
  fw_classifier *cl = NULL;
  fw_error err;
  int rc = cli_load_rules(NULL, redact_path, &rules);
  if (rc != EXIT_OK) return rc;
  if (fw_classifier_new(rules, &cl, &err) != FW_OK) {
    cli_report("store redact", &err);
    rc = EXIT_RUNTIME;
  } else {
    rc = redact_lists(cl, doc, changes, values, records);
  }
  fw_classifier_free(cl);
  fw_rules_free(rules);
  return rc;
}

static int save(cli_store *s, file_store *fs, cJSON *doc, cJSON *changes) {
  if (s->neo4j) return store_doc_write_neo4j(s, changes, "store redact");
  char *json = cJSON_PrintUnformatted(doc);
  fw_error err;
  fw_status st = json ? fw_store_load(fs->mem, json, strlen(json), &err) : FW_ERR_NOMEM;
  cJSON_free(json);
  if (st != FW_OK) {
    cli_report("store redact", &err);
    return EXIT_RUNTIME;
  }
  return file_store_save(fs);
}

int cmd_store_redact(const char *store_opt, const char *redact_path) {
  cli_store s;
  int rc = cli_store_open(store_opt, &s);
  if (rc != EXIT_OK) return rc;
  file_store fs = {.lock_fd = -1};
  cJSON *doc = NULL, *changes = store_doc_empty();
  size_t values = 0, records = 0;
  rc = store_doc_load(&s, true, &fs, &doc); /* the file store stays locked until written */
  if (rc == EXIT_OK) rc = store_doc_redact(doc, redact_path, changes, &values, &records);
  if (rc == EXIT_OK && records) rc = save(&s, &fs, doc, changes);
  if (rc == EXIT_OK)
    printf("redacted %s: %zu values in %zu records replaced by placeholders\n", s.path, values, records);
  if (!s.neo4j) file_store_close(&fs);
  cli_store_close(&s);
  cJSON_Delete(doc);
  cJSON_Delete(changes);
  return rc;
}
