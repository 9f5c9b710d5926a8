/*
 * rules_internal.h - the compiled rule set shared by classifiers: rules, remediation categories,
 * log-prefix and SQL-table patterns, and the traceback parser's own patterns. Immutable after
 * building, so one fw_rules can serve many classifiers.
 */
#ifndef FW_RULES_INTERNAL_H
#define FW_RULES_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "redact.h"

/* A list of compiled patterns from a pack (hints, items). */
typedef struct fw_regex_list {
  pcre2_code **re;
  size_t n;
} fw_regex_list;

/* A stack lessons can be written in (stacks.c). */
typedef struct fw_stack {
  const char *id; /* in doc */
  cJSON *doc;     /* {"id", "name", "language", "vocabulary", "types", "lessons", "detect"} */
  fw_regex_list detect;
} fw_stack;
typedef struct fw_stacks {
  fw_stack *list;
  size_t n;
} fw_stacks;

typedef enum fw_scope { FW_SCOPE_ANY = 0, FW_SCOPE_MESSAGE, FW_SCOPE_TEXT } fw_scope;

typedef struct fw_category {
  char *name;
  char *error_type;
  char *constraint;
  char *summary;
  char *bad_code;
  char *correct_code;
  /* the lesson when the spec requires the field ("spec_required"), or NULL: the usual one */
  char *spec_summary, *spec_bad_code, *spec_correct_code;
} fw_category;

typedef struct fw_rule {
  char *id;
  size_t category; /* index into fw_rules.categories */
  pcre2_code *message;   /* may be NULL when exception is set */
  pcre2_code *exception; /* may be NULL when message is set */
  fw_scope scope;
  /* literals of which one must occur in the subject before the regex runs: a cheap prefilter
   * for patterns that cannot start with a literal (NULL-terminated, may be NULL) */
  char **requires;
  size_t *requires_len;
  size_t nrequires;
} fw_rule;

struct fw_rules {
  fw_rule *rules;
  size_t nrules;
  fw_category *categories;
  size_t ncategories;
  char **prefix_sources; /* kept to rebuild the combined prefix pattern when packs are added */
  size_t nprefix;
  pcre2_code *log_prefix; /* (?m)^(?:p1|p2|...) or NULL */
  fw_regex_list sql_table; /* tried in order: the first that finds a table names it */
  fw_regex_list hints; /* regexes run over the text for spec-mapping hints (model, method, path) */
  /* one error each, of a text that holds several (a 422 body, "N validation errors"): each
   * item is classified on its own (classify_items.c) */
  fw_regex_list items;
  fw_redactions redactions; /* secrets out of the text first (redact.h); a later pack's first */
  fw_stacks stacks;          /* the stacks lessons are written in (stacks.c) */
  pcre2_code *exception_line; /* the traceback parser's line pattern */
  pcre2_code *normalizer;      /* the message template's masks */
  pcre2_code *normalizer_lite; /* the same without email/URL/drive masks (rules.c says when) */
  struct fw_literals *literals; /* the rules' literals in one pass (literals.c); NULL: one by one */
};

/* Index of a category by name, or (size_t)-1. */
size_t fw__category_find(const fw_rules *rules, const char *name);

/* Compile one pattern with the core's options (UTF, duplicate names, JIT when available). */
pcre2_code *fw__regex_compile(const char *pattern, fw_error *err, const char *what);
/* pcre2_match() on valid UTF-8 with offsets in range, as the core always calls it: straight into
 * the JIT code when the pattern has some (pcre2_jit_match skips pcre2_match's per-call checks,
 * a few hundred instructions of every match), else the interpreter (WASM, a pattern JIT
 * refused). The same results either way. */
static inline int fw__regex_match(const pcre2_code *re, const char *s, size_t len, size_t start,
                                  pcre2_match_data *md, pcre2_match_context *mctx) {
  int rc = pcre2_jit_match(re, (PCRE2_SPTR)s, len, start, PCRE2_NO_UTF_CHECK, md, mctx);
  if (rc == PCRE2_ERROR_JIT_BADOPTION)
    rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, PCRE2_NO_UTF_CHECK, md, mctx);
  return rc;
}

/* A pack's array of regex strings at `path` ("$.hints"), or one string, compiled; on failure
 * nothing is kept. */
struct cJSON;
fw_status fw__regex_list_parse(const struct cJSON *arr, const char *path, fw_regex_list *out,
                               fw_error *err);
void fw__regex_list_free(fw_regex_list *l);

/* The same with compile options added (e.g. PCRE2_USE_OFFSET_LIMIT). */
pcre2_code *fw__regex_compile_with(const char *pattern, uint32_t options, fw_error *err,
                                   const char *what);

/* The context keys a classification may report, in output order. */
extern const char *const fw__context_keys[];
#define FW_CONTEXT_KEY_COUNT 10
int fw__context_key_index(const char *name, size_t len);

#endif
