/* redact.h - secrets out of every text before the core keeps, prints, sends or injects it.
 *
 * A rule pack's "redact" list holds patterns (PCRE2) each with a replacement in PCRE2's
 * substitute syntax ($1, ${name}) and optional literals of which one must occur (ASCII case
 * ignored) before the pattern runs. The built-in pack's list covers URL passwords,
 * Authorization/Cookie values, JWTs, PEM private keys, well-known API key prefixes, secret-named
 * key/value pairs and e-mail addresses; a pack added later puts its patterns first and can never
 * remove the built-in ones. Applied once to the prepared text of every classification, so every
 * string derived from it (message, template, context, sample, snippets) is redacted. */
#ifndef FW_REDACT_H
#define FW_REDACT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include "internal.h"

struct cJSON;
struct fw_classifier;

typedef struct fw_redaction {
  char *id;
  pcre2_code *re;
  char *replace;
  char **requires; /* any one must occur, ASCII case-insensitively; none: always runs */
  size_t *requires_len;
  size_t nrequires;
} fw_redaction;

typedef struct fw_redactions {
  fw_redaction *list;
  size_t n;
} fw_redactions;

/* A pack's "redact" array, compiled; on failure nothing is kept. */
fw_status fw__redactions_parse(const struct cJSON *arr, fw_redactions *out, fw_error *err);
/* Put `add` before the patterns of `into` (add is emptied); false when out of memory. */
bool fw__redactions_prepend(fw_redactions *into, fw_redactions *add);
void fw__redactions_free(fw_redactions *r);

/* Redact buf in place (it may grow), with the classifier's match data and limits; *count gets
 * the number of replacements when not NULL. A pattern that exceeds the match limits fails the
 * whole text (FW_ERR_RULE_LIMIT): nothing unredacted goes on. */
fw_status fw__redact_buf(struct fw_classifier *cl, fw_buf *buf, size_t *count, fw_error *err);

/* SQL parameters bound to a secret-named column ("[SQL: ...]" then "[parameters: (...)]"), as
 * their placeholders, into out (the whole text); how many values were replaced (0: out unused). */
size_t fw__redact_sql_parameters(fw_buf *buf, fw_buf *out);

#endif
