/*
 * classify_internal.h - the classification record passed between the pipeline's stages:
 * text preparation, traceback parsing, rule matching, IR mapping and anti-pattern building.
 */
#ifndef FW_CLASSIFY_INTERNAL_H
#define FW_CLASSIFY_INTERNAL_H

#include "arena.h"
#include "rules_internal.h"

#define FW_CLASS_MAX 160
#define FW_MAX_EXCEPTIONS 32
#define FW_BLOCK_MAX_LINES 40
#define FW_BLOCK_MAX_BYTES 8192
#define FW_MESSAGE_MAX 2048

enum { FW_HINT_MODEL, FW_HINT_METHOD, FW_HINT_PATH, FW_HINT_STATUS, FW_HINT_LENGTH, FW_HINT_COUNT };

/* One exception found in the text: its class and the span of its message block. */
typedef struct fw_exception {
  char cls[FW_CLASS_MAX];
  char inner[FW_CLASS_MAX]; /* "(sqlite3.IntegrityError)" or "<class '...'>" in the message */
  size_t msg_start, msg_end; /* message block in the prepared text */
} fw_exception;

/* What the IR says about the error (the seed's extract_ir_context). Strings point into the IR
 * or into small owned buffers here; all may be empty. */
typedef struct fw_ir_context {
  bool mapped;
  bool entity_inferred, field_inferred; /* from the spec's only candidate, not from the text */
  char entity[128];
  char table[128];
  char field[128];
  char field_type[64];
  char constraint_type[32];
  char relationship_type[32];
  char ref_entity[128];
  char ref_table[128];
  char ref_field[128];
  char schema[128];
  char endpoint[256];         /* "POST /products" as given */
  char endpoint_pattern[256]; /* "POST /{entities}" */
  char method[16];
  char path[200];             /* the IR's path template, e.g. "/products/{id}" */
  long max_length;
  int success_status;
  bool spec_required; /* the field was found in the spec, which requires it (not nullable) */
} fw_ir_context;

typedef struct fw_classification {
  size_t category; /* index into rules->categories, (size_t)-1 for unknown */
  const char *rule_id;
  char exception_class[FW_CLASS_MAX];
  char inner_exception_class[FW_CLASS_MAX];
  char *message;
  char *message_template;
  char *message_pattern; /* error_message_pattern */
  char *context[FW_CONTEXT_KEY_COUNT];
  char *hints[FW_HINT_COUNT];
  fw_ir_context ir;
  size_t span_start, span_end; /* the prepared text the rule matched in: its block, or all */
  const char *stack;        /* the stack its lesson is written in (the rules' or a literal) */
  const char *stack_source; /* "flag", "ir", "detected" or "neutral" */
} fw_classification;

struct fw_classifier {
  const fw_rules *rules;
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack;
  fw_buf work;    /* the prepared text */
  fw_buf scratch; /* prefix stripping, rendering */
  fw_exception exc[FW_MAX_EXCEPTIONS];
  size_t nexc;
  /* kept from record to record, so that one allocates next to nothing: */
  fw_arena arena;      /* the record's cJSON trees (arena.h) */
  fw_buf snippets[3];  /* the anti-pattern's rendered snippets, referenced by the tree */
  fw_buf out;          /* the printed record, before the caller's copy */
  /* the rules each exception block and (last) the whole text get past the literal prefilters
   * with (literals.h): scanned when first needed (bit k of through_ready), FW_MAX_EXCEPTIONS + 1
   * sets of through_words words */
  uint64_t *through;
  size_t through_words;
  uint64_t through_ready;
  /* the current text's time budget (budget.c) */
  uint64_t deadline; /* monotonic ms; 0 before any entry point started one */
  unsigned budget_ms;
  bool over_budget;
  char *stack; /* fw_classifier_set_stack(), or NULL */
};

/* Start the budget of one text of len bytes (deadline_ms 0: FW_DEFAULT_DEADLINE_MS per started
 * MiB of text). */
void fw__budget_start(fw_classifier *cl, unsigned deadline_ms, size_t len);
/* Whether the budget is spent; once it is, every later match fails (as runaway) until the next
 * start, and the entry point reports fw__budget_fail() instead of the failing step's message. */
bool fw__budget_spent(fw_classifier *cl);
fw_status fw__budget_fail(const fw_classifier *cl, fw_error *err);

void fw__classification_clear(fw_classification *c);

/* Stage 1: turn the raw text into the text rules see (JSON bodies rendered, escaped newlines
 * decoded, log prefixes stripped). Result in cl->work. */
fw_status fw__prepare_text(fw_classifier *cl, const char *text, size_t len, fw_error *err);

/* Stage 2: find exception lines and their message blocks in cl->work. */
fw_status fw__parse_exceptions(fw_classifier *cl, fw_error *err);

/* Run one regex with the classifier's limits. Returns >0 on match, 0 on no match, and
 * FW_ERR_RULE_LIMIT (negated status) when the pattern ran away. */
int fw__match(fw_classifier *cl, const pcre2_code *re, const char *s, size_t len, size_t start);

/* Copy a named group of the last match (NULL if unset). */
char *fw__group(fw_classifier *cl, const char *name);

/* Stage 3: full classification of one text. text_is_utf8 skips the UTF-8 check when the
 * caller has already validated the bytes (a JSON-lines record). */
fw_status fw__classify(fw_classifier *cl, const char *text, size_t len,
                       const fw_classify_options *opts, fw_classification *out, fw_error *err);
fw_status fw__classify_checked(fw_classifier *cl, const char *text, size_t len,
                               const fw_classify_options *opts, bool text_is_utf8,
                               fw_classification *out, fw_error *err);

/* The message's template and regex (error_message_pattern), from c->message. */
fw_status fw__classification_template(fw_classifier *cl, fw_classification *c, fw_error *err);

/* Stage 4: map context onto the IR (ir_map.c). */
void fw__ir_map(const fw_ir *ir, const char *endpoint, fw_classification *c,
                const fw_rules *rules);

/* "POST /products/3" -> "POST /{entities}/{id}" and the IR endpoint's entity (NULL if none). */
void fw__endpoint_pattern(const fw_ir *ir, const char *endpoint, char *out, size_t cap,
                          const char **entity);

/* What a prompt target is about: the entity (of an entity target, of an endpoint's IR entry, or
 * of a schema by its longest entity-name prefix) and an endpoint's pattern. Shared by the
 * enhancer and the Neo4j selection so both pick the same patterns. FW_ERR_ARG for a bad scope. */
struct fw_enhance_options;
fw_status fw__enhance_target(const struct fw_enhance_options *o, const char **entity,
                             char *endpoint_pattern, size_t cap, fw_error *err);

/* Stage 4b: the errors of a text that holds several (classify_items.c). Call right after
 * fw__classify() produced c, while the classifier still holds c's text: *out gets one
 * classification per error (*n of them, freed with fw__classifications_free), or *n = 0 when the
 * text holds one error or c is not a validation error. */
fw_status fw__classify_items(fw_classifier *cl, const fw_classification *c,
                             const fw_classify_options *opts, fw_classification **out, size_t *n,
                             fw_error *err);
void fw__classifications_free(fw_classification *items, size_t n);

/* Stage 5: identity and remediation (antipattern.c). */
void fw__pattern_id(const fw_classification *c, const fw_rules *rules, char out[32]);

#endif
