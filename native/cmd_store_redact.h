/* cmd_store_redact.h - `forewarn store redact [--store X] [--redact FILE]`. */
#ifndef FW_CMD_STORE_REDACT_H
#define FW_CMD_STORE_REDACT_H

#include <cjson/cJSON.h>

#include "cli.h"

/* Redact every text value of the records of a store document in place (the built-in patterns
 * plus those of redact_path); changed records are also appended to changes (a store document)
 * when not NULL. An exit code (message printed). */
int store_doc_redact(cJSON *doc, const char *redact_path, cJSON *changes, size_t *values, size_t *records);

/* Rewrite the store with its text values redacted; prints how many changed. An exit code. */
int cmd_store_redact(const char *store_opt, const char *redact_path);

#endif
