/* json_in.c - see json_in.h. */
#include "json_in.h"

#include <stdio.h>
#include <string.h>

#include "strmap.h"

/* Byte offset of the first \u0000 escape in a JSON text, or (size_t)-1. Outside strings valid
 * JSON has no backslash, and inside one each escape is skipped whole, so "\\u0000" (an escaped
 * backslash, then text) is not taken for one. */
static size_t nul_escape_at(const char *s, size_t len) {
  for (size_t i = 0; i + 1 < len; i++) {
    if (s[i] != '\\') continue;
    if (s[i + 1] == 'u' && i + 5 < len && memcmp(s + i + 2, "0000", 4) == 0) return i;
    i++;
  }
  return (size_t)-1;
}

/* Objects with more members than this are checked through a hash map, smaller ones pairwise. */
#define PAIRWISE_MAX 16

static const char *duplicate_in(const cJSON *obj, fw_strmap *seen) {
  size_t n = 0;
  for (const cJSON *c = obj->child; c; c = c->next) n++;
  if (n <= PAIRWISE_MAX) {
    for (const cJSON *a = obj->child; a; a = a->next)
      for (const cJSON *b = a->next; b; b = b->next)
        if (strcmp(a->string, b->string) == 0) return a->string;
    return NULL;
  }
  fw_strmap_init(seen);
  const char *dup = NULL;
  for (const cJSON *c = obj->child; c && !dup; c = c->next) {
    if (fw_strmap_get(seen, c->string) != (size_t)-1) dup = c->string;
    else if (!fw_strmap_put(seen, c->string, 0)) dup = ""; /* out of memory: reported by the caller */
  }
  fw_strmap_free(seen);
  return dup;
}

/* The first object holding a key twice, depth first; its path is written to path. */
static const char *find_duplicate(const cJSON *node, char *path, size_t cap, size_t at) {
  if (cJSON_IsObject(node)) {
    fw_strmap seen;
    const char *dup = duplicate_in(node, &seen);
    if (dup) return dup;
  }
  size_t i = 0;
  for (const cJSON *c = node->child; c; c = c->next, i++) {
    int n = cJSON_IsObject(node) ? snprintf(path + at, cap - at, ".%s", c->string)
                                 : snprintf(path + at, cap - at, "[%zu]", i);
    size_t next = n < 0 || (size_t)n >= cap - at ? cap - 1 : at + (size_t)n;
    const char *dup = find_duplicate(c, path, cap, next);
    if (dup) return dup;
    path[at] = '\0';
  }
  return NULL;
}

fw_status fw__json_parse_input(const char *json, size_t len, const char *what, cJSON **out, fw_error *err) {
  *out = NULL;
  if (fw__utf8_invalid_at(json, len) != (size_t)-1) return fw__fail(err, FW_ERR_UTF8, "%s is not valid UTF-8", what);
  const char *end = NULL;
  cJSON *doc = cJSON_ParseWithLengthOpts(json, len, &end, false);
  if (!doc)
    return fw__fail(err, FW_ERR_JSON, "%s is not valid JSON (error near byte %zu)", what,
                    end ? (size_t)(end - json) : 0);
  size_t nul = nul_escape_at(json, len);
  if (nul != (size_t)-1) {
    cJSON_Delete(doc);
    return fw__fail(err, FW_ERR_JSON, "%s holds a NUL character (\\u0000) at byte %zu, which would cut its text short",
                    what, nul);
  }
  char path[256] = "$";
  const char *dup = find_duplicate(doc, path, sizeof path, 1);
  if (dup) {
    fw_status st = *dup ? fw__fail_path(err, FW_ERR_JSON, path, "%s has the key \"%.80s\" twice in one object", what, dup)
                        : fw__fail(err, FW_ERR_NOMEM, "out of memory");
    cJSON_Delete(doc);
    return st;
  }
  *out = doc;
  return FW_OK;
}

fw_status fw_json_check(const char *json, size_t len, fw_error *err) {
  if (!json) return fw__fail(err, FW_ERR_ARG, "json is required");
  cJSON *doc;
  fw_status st = fw__json_parse_input(json, len, "the document", &doc, err);
  cJSON_Delete(doc);
  return st;
}
