/*
 * classify.c - the classification pipeline: check the input, prepare the text, find the
 * exceptions, try the rules on each exception's message block (the innermost wrapper-free
 * evidence first by rule priority, the outermost exception on ties), fall back to the whole text,
 * then extract the context, template and spec mapping.
 */
#include "classify_internal.h"
#include "stacks.h"
#include "ir_internal.h"
#include "literals.h"
#include "normalize_internal.h"

#include <string.h>

/* Bounds for every match: a hostile user rule or input stops with FW_ERR_RULE_LIMIT instead of
 * backtracking for minutes. */
#define MATCH_LIMIT 2000000u
#define DEPTH_LIMIT 20000u
#define HEAP_LIMIT_KIB 65536u

fw_status fw_classifier_new(const fw_rules *rules, fw_classifier **out, fw_error *err) {
  if (!rules || !out) return fw__fail(err, FW_ERR_ARG, "rules and out are required");
  fw_classifier *cl = fw_malloc(sizeof *cl);
  if (!cl) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(cl, 0, sizeof *cl);
  cl->rules = rules;
  cl->md = pcre2_match_data_create(64, NULL);
  cl->mctx = pcre2_match_context_create(NULL);
  if (!cl->md || !cl->mctx) {
    fw_classifier_free(cl);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  pcre2_set_match_limit(cl->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit(cl->mctx, DEPTH_LIMIT);
  pcre2_set_heap_limit(cl->mctx, HEAP_LIMIT_KIB);
  cl->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL); /* NULL without JIT */
  if (cl->jit_stack) pcre2_jit_stack_assign(cl->mctx, NULL, cl->jit_stack);
  fw_buf_init(&cl->work);
  fw_buf_init(&cl->scratch);
  fw__arena_init(&cl->arena);
  for (int i = 0; i < 3; i++) fw_buf_init(&cl->snippets[i]);
  fw_buf_init(&cl->out);
  *out = cl;
  return FW_OK;
}

void fw_classifier_free(fw_classifier *cl) {
  if (!cl) return;
  pcre2_match_data_free(cl->md);
  pcre2_match_context_free(cl->mctx);
  pcre2_jit_stack_free(cl->jit_stack);
  fw_buf_free(&cl->work);
  fw_buf_free(&cl->scratch);
  fw__arena_free(&cl->arena);
  for (int i = 0; i < 3; i++) fw_buf_free(&cl->snippets[i]);
  fw_buf_free(&cl->out);
  fw_free(cl->through);
  fw_free(cl->stack);
  fw_free(cl);
}

fw_status fw_classifier_set_stack(fw_classifier *cl, const char *stack, fw_error *err) {
  if (!cl) return fw__fail(err, FW_ERR_ARG, "classifier is required");
  fw_status st = fw__stack_check(cl->rules, stack, err);
  if (st != FW_OK) return st;
  char *copy = stack ? fw__strdup(stack) : NULL;
  if (stack && !copy) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  fw_free(cl->stack);
  cl->stack = copy;
  return FW_OK;
}

int fw__match(fw_classifier *cl, const pcre2_code *re, const char *s, size_t len, size_t start) {
  if (fw__budget_spent(cl)) return -1;
  int rc = fw__regex_match(re, s, len, start, cl->md, cl->mctx);
  if (rc >= 0) return 1;
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  return -1; /* match/depth/heap/JIT-stack limit, or an internal error: treat all as runaway */
}

char *fw__group(fw_classifier *cl, const char *name) {
  PCRE2_SIZE len;
  if (pcre2_substring_length_byname(cl->md, (PCRE2_SPTR)name, &len) != 0) return NULL;
  char *out = fw_malloc(len + 1);
  if (!out) return NULL;
  PCRE2_SIZE cap = len + 1;
  if (pcre2_substring_copy_byname(cl->md, (PCRE2_SPTR)name, (PCRE2_UCHAR *)out, &cap) != 0) {
    fw_free(out);
    return NULL;
  }
  return out;
}

void fw__classification_clear(fw_classification *c) {
  fw_free(c->message);
  fw_free(c->message_template);
  fw_free(c->message_pattern);
  for (int i = 0; i < FW_CONTEXT_KEY_COUNT; i++) fw_free(c->context[i]);
  for (int i = 0; i < FW_HINT_COUNT; i++) fw_free(c->hints[i]);
  memset(c, 0, sizeof *c);
  c->category = (size_t)-1;
}

static int class_matches(fw_classifier *cl, const pcre2_code *re, const char *cls) {
  return cls[0] ? fw__match(cl, re, cls, strlen(cls), 0) : 0;
}

#define WHOLE_TEXT FW_MAX_EXCEPTIONS /* the subject after the exception blocks */

/* The rules that get past their literal prefilters on subject k (exception block k, or
 * WHOLE_TEXT), read once per classification; NULL without an index or the memory for one. */
static const uint64_t *subject_rules(fw_classifier *cl, size_t k) {
  const fw_literals *ix = cl->rules->literals;
  if (!ix) return NULL;
  size_t words = fw__literals_rule_words(ix);
  if (cl->through_words != words) { /* first use, or a pack added since */
    fw_free(cl->through);
    cl->through = fw_malloc(sizeof *cl->through * words * (WHOLE_TEXT + 1));
    cl->through_words = cl->through ? words : 0;
    cl->through_ready = 0;
    if (!cl->through) return NULL;
  }
  uint64_t *through = cl->through + k * words;
  if (!(cl->through_ready >> k & 1)) {
    size_t from = k == WHOLE_TEXT ? 0 : cl->exc[k].msg_start;
    size_t to = k == WHOLE_TEXT ? cl->work.len : cl->exc[k].msg_end;
    fw__literals_scan(ix, cl->work.data + from, to - from, through);
    cl->through_ready |= (uint64_t)1 << k;
  }
  return through;
}

/* The first rule in [r, end) that `through` and the unscreened rules leave to try (every one
 * without a set). */
static size_t next_rule(const fw_classifier *cl, const uint64_t *through, size_t r, size_t end) {
  const uint64_t *unscreened = through ? fw__literals_unscreened(cl->rules->literals) : NULL;
  while (through && r < end) {
    uint64_t w = (through[r / 64] | unscreened[r / 64]) >> (r % 64);
    if (!w) {
      r = (r / 64 + 1) * 64;
      continue;
    }
    while (!(w & 1)) w >>= 1, r++;
    break;
  }
  return r < end ? r : end;
}

/* Rule ri's literal prefilter on subject k (s[0,n)): skip the regex when none of its literals
 * occurs. */
static bool requires_met(fw_classifier *cl, size_t ri, size_t k, const char *s, size_t n) {
  const fw_rule *r = &cl->rules->rules[ri];
  if (!r->nrequires) return true;
  const uint64_t *through = subject_rules(cl, k);
  if (through) return through[ri / 64] >> (ri % 64) & 1;
  for (size_t i = 0; i < r->nrequires; i++) {
    if (fw__find(s, n, r->requires[i], r->requires_len[i]) != (size_t)-1) return true;
  }
  return false;
}

/* Does rule ri apply to exception block k? */
static int rule_on_block(fw_classifier *cl, size_t ri, size_t k) {
  const fw_rule *r = &cl->rules->rules[ri];
  const fw_exception *e = &cl->exc[k];
  if (r->exception) {
    int m = class_matches(cl, r->exception, e->cls);
    if (m == 0) m = class_matches(cl, r->exception, e->inner);
    if (m <= 0) return m;
  }
  if (!r->message) return 1;
  const char *s = cl->work.data + e->msg_start;
  size_t n = e->msg_end - e->msg_start;
  if (!requires_met(cl, ri, k, s, n)) return 0;
  return fw__match(cl, r->message, s, n, 0);
}

/* Does rule ri apply to the whole text (the fallback when no block matched)? */
static int rule_on_text(fw_classifier *cl, size_t ri) {
  const fw_rule *r = &cl->rules->rules[ri];
  if (r->exception) {
    int m = 0;
    for (size_t k = 0; k < cl->nexc && m == 0; k++) {
      m = class_matches(cl, r->exception, cl->exc[k].cls);
      if (m == 0) m = class_matches(cl, r->exception, cl->exc[k].inner);
    }
    if (m <= 0) return m;
  }
  if (!r->message) return 1;
  if (!requires_met(cl, ri, WHOLE_TEXT, cl->work.data, cl->work.len)) return 0;
  return fw__match(cl, r->message, cl->work.data, cl->work.len, 0);
}

static fw_status runaway(fw_error *err, const fw_rule *r) {
  fw__fail(err, FW_ERR_RULE_LIMIT,
           "rule '%s' exceeded the regex match limit on this input (runaway pattern)", r->id);
  fw__set_rule(err, r->id);
  return FW_ERR_RULE_LIMIT;
}

static char *dup_trimmed(const char *s, size_t n) {
  while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
  if (n > FW_MESSAGE_MAX) n = fw__utf8_floor(s, FW_MESSAGE_MAX);
  return fw__strndup(s, n);
}

/* The lines a text-level match spans: the message of an error that had no exception line. */
static char *lines_around(const char *s, size_t n, size_t from, size_t to) {
  while (from > 0 && s[from - 1] != '\n') from--;
  while (to < n && s[to] != '\n') to++;
  return dup_trimmed(s + from, to - from);
}

static char *last_line(const char *s, size_t n) {
  while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t')) n--;
  size_t from = n;
  while (from > 0 && s[from - 1] != '\n') from--;
  return dup_trimmed(s + from, n - from);
}

static void copy_class(char *dst, const char *src) {
  size_t n = strlen(src);
  if (n >= FW_CLASS_MAX) n = FW_CLASS_MAX - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* "IntegrityError at /path" (Django's debug page) or "IntegrityError > msg": a class name that
 * opens the text without the usual colon. */
static void leading_class(const char *s, size_t n, char *out) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) i++;
  size_t start = i;
  while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                   (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.'))
    i++;
  size_t len = i - start;
  bool error_like = (len > 5 && memcmp(s + i - 5, "Error", 5) == 0) ||
                    (len > 9 && memcmp(s + i - 9, "Exception", 9) == 0);
  if (error_like && i < n && s[i] == ' ' && len < FW_CLASS_MAX) {
    memcpy(out, s + start, len);
    out[len] = '\0';
  }
}

static const char *const hint_group_names[FW_HINT_COUNT] = {"model", "method", "path", "status",
                                                            "length"};

/* The context key (0..) or hint (FW_CONTEXT_KEY_COUNT + hint) a group name fills, or -1. */
static int group_slot(const char *name) {
  int k = fw__context_key_index(name, strlen(name));
  if (k >= 0) return k;
  for (k = 0; k < FW_HINT_COUNT; k++) {
    if (strcmp(hint_group_names[k], name) == 0) return FW_CONTEXT_KEY_COUNT + k;
  }
  return -1;
}

/* Copy the named groups of re's last match into the context and hints not yet set. The
 * pattern's name table is walked once (asking PCRE2 for each of the fifteen names by name cost
 * a table search each). It is in name order, a duplicated name's groups in number order, so the
 * first group set under a name decides, as with pcre2_substring_copy_byname(). */
static void take_groups(fw_classifier *cl, const pcre2_code *re, fw_classification *c) {
  uint32_t count = 0, entry = 0, decided = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(cl->md);
  uint32_t ovecs = pcre2_get_ovector_count(cl->md);
  for (uint32_t i = 0; i < count; i++) {
    PCRE2_SPTR e = table + i * entry;
    int k = group_slot((const char *)e + 2);
    char **slot = k < 0 ? NULL : k < FW_CONTEXT_KEY_COUNT ? &c->context[k]
                                                          : &c->hints[k - FW_CONTEXT_KEY_COUNT];
    uint32_t group = (uint32_t)e[0] << 8 | e[1];
    if (!slot || *slot || decided >> k & 1 || group >= ovecs || ov[2 * group] == PCRE2_UNSET)
      continue;
    decided |= 1u << k;
    PCRE2_SIZE len, cap;
    if (pcre2_substring_length_bynumber(cl->md, group, &len) != 0) continue;
    char *out = fw_malloc(len + 1);
    cap = len + 1;
    if (out && pcre2_substring_copy_bynumber(cl->md, group, (PCRE2_UCHAR *)out, &cap) != 0) {
      fw_free(out);
      out = NULL;
    }
    *slot = out;
  }
}

/* A block matched only by a rule that names nothing (an SQLSTATE or Prisma error code): an
 * earlier rule of the same category may find the table, column or constraint elsewhere in the
 * text (the driver's message logged above the wrapper). Its context is taken, the category and
 * message stay. -1: a rule ran away. */
static int enrich_context(fw_classifier *cl, fw_classification *c, size_t best) {
  for (int k = 0; k < FW_CONTEXT_KEY_COUNT; k++)
    if (c->context[k]) return 0;
  const fw_rules *rules = cl->rules;
  const uint64_t *through = subject_rules(cl, WHOLE_TEXT);
  for (size_t r = next_rule(cl, through, 0, best); r < best; r = next_rule(cl, through, r + 1, best)) {
    const fw_rule *rule = &rules->rules[r];
    if (rule->category != rules->rules[best].category || !rule->message ||
        rule->scope == FW_SCOPE_MESSAGE)
      continue;
    int m = rule_on_text(cl, r);
    if (m < 0) return -1;
    if (m == 0) continue;
    take_groups(cl, rule->message, c);
    for (int k = 0; k < FW_CONTEXT_KEY_COUNT; k++)
      if (c->context[k]) return 0;
  }
  return 0;
}

/* A FastAPI location that is only where in the request or response the error is (its loc[0]):
 * the whole body missing names no field. Other validators' "body" is a field of that name. */
static bool request_part(const char *loc) {
  static const char *const parts[] = {"body", "query", "path", "header", "cookie", "response"};
  for (size_t k = 0; k < sizeof parts / sizeof *parts; k++)
    if (strcmp(loc, parts[k]) == 0) return true;
  return false;
}

/* Context keys in the form the taxonomy defines: loc joined by '.', field = the loc's last
 * name, quotes gone, the table of a database error taken from the echoed SQL when the message
 * itself does not name it. */
/* Returns <0 when a sql_table pattern ran away (the caller fails the text, as for a rule). */
static int finish_context(fw_classifier *cl, fw_classification *c) {
  char **loc = &c->context[4], **field = &c->context[3], **table = &c->context[0];

  if (*loc) {
    fw_buf b;
    fw_buf_init(&b);
    /* "a -> b" (Pydantic v1 text) and "'a', 0, 'b'" (a Python tuple repr) both become "a.0.b" */
    const char *s = *loc;
    while (*s) {
      if (strncmp(s, " -> ", 4) == 0) {
        fw_buf_putc(&b, '.');
        s += 4;
      } else if (*s == ',') {
        fw_buf_putc(&b, '.');
        s++;
        while (*s == ' ') s++;
      } else if (*s == '\'' || *s == '"') {
        s++;
      } else {
        fw_buf_putc(&b, *s++);
      }
    }
    while (b.len && b.data[b.len - 1] == '.') b.data[--b.len] = '\0'; /* ('response',) */
    char *joined = fw_buf_take(&b);
    if (joined) {
      fw_free(*loc);
      *loc = joined;
    }
  }
  if (*loc && !*field) {
    const char *last = strrchr(*loc, '.');
    last = last ? last + 1 : *loc;
    bool numeric = *last != '\0';
    for (const char *p = last; *p; p++) numeric &= (*p >= '0' && *p <= '9');
    /* FastAPI's errors (a 422 body, RequestValidationError) carry no "validation error(s) for
     * Model" header; a model's own ValidationError does, and its loc starts at a field */
    bool fastapi_loc = c->rule_id &&
                       (strncmp(c->rule_id, "pydantic.", 9) == 0 || strncmp(c->rule_id, "fastapi.", 8) == 0) &&
                       fw__find(cl->work.data, cl->work.len, "validation error for ", 21) == (size_t)-1 &&
                       fw__find(cl->work.data, cl->work.len, "validation errors for ", 22) == (size_t)-1;
    if (*last && !numeric && !(fastapi_loc && last == *loc && request_part(last)))
      *field = fw__strdup(last);
  }
  /* a validation error that names only its field ({"name": ["This field is required."]}):
   * the field is its whole location */
  bool validation = c->category != (size_t)-1 &&
                    strcmp(cl->rules->categories[c->category].error_type, "validation") == 0;
  if (validation && *field && !*loc) *loc = fw__strdup(*field);
  bool database = c->category != (size_t)-1 &&
                  strcmp(cl->rules->categories[c->category].error_type, "database") == 0;
  char **column = &c->context[1], **value = &c->context[9];
  if (database && *column && strchr(*column, ',')) { /* a composite key (a, b)=(1, 2): no one column */
    fw_free(*column);
    fw_free(*value);
    *column = *value = NULL;
  }
  for (size_t k = 0; database && !*table && k < cl->rules->sql_table.n; k++) {
    int m = fw__match(cl, cl->rules->sql_table.re[k], cl->work.data, cl->work.len, 0);
    if (m < 0) return m;
    if (m > 0) *table = fw__group(cl, "table");
  }
  return 0;
}

/* Context from the pack's hints; <0 when one ran away: a hostile hint fails the text instead of
 * being skipped in silence. */
static int find_hints(fw_classifier *cl, fw_classification *c) {
  for (size_t h = 0; h < cl->rules->hints.n; h++) {
    const pcre2_code *re = cl->rules->hints.re[h];
    int m = fw__match(cl, re, cl->work.data, cl->work.len, 0);
    if (m < 0) return m;
    if (m > 0) take_groups(cl, re, c);
  }
  return 0;
}

static fw_status check_input(const char *text, size_t len, size_t max, bool utf8_known,
                             fw_error *err) {
  if (!text && len) return fw__fail(err, FW_ERR_ARG, "text is NULL");
  if (len > max)
    return fw__fail(err, FW_ERR_TOO_LARGE, "input is %zu bytes, over the limit of %zu bytes", len,
                    max);
  size_t bad = utf8_known ? (size_t)-1 : fw__utf8_invalid_at(text, len);
  if (bad != (size_t)-1)
    return fw__fail(err, FW_ERR_UTF8, "input is not valid UTF-8 (first bad byte at offset %zu)",
                    bad);
  for (size_t i = 0; i < len; i++) {
    if (!(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) return FW_OK;
  }
  return fw__fail(err, FW_ERR_EMPTY, "input is empty: expected an error text");
}

fw_status fw__classification_template(fw_classifier *cl, fw_classification *c, fw_error *err) {
  const fw_rules *rules = cl->rules;
  fw_free(c->message_template);
  fw_free(c->message_pattern);
  c->message_template = c->message_pattern = NULL;
  fw_buf tpl, re;
  fw_buf_init(&tpl);
  fw_buf_init(&re);
  size_t mlen = strlen(c->message);
  /* room for the usual sizes at once, instead of doubling from 64 bytes */
  fw_buf_reserve(&tpl, mlen + 64);
  fw_buf_reserve(&re, 2 * mlen + 256);
  fw_status st = fw__normalize(rules->normalizer, rules->normalizer_lite, cl->md, cl->mctx,
                               c->message, mlen, &tpl, &re);
  c->message_template = fw_buf_take(&tpl);
  c->message_pattern = fw_buf_take(&re);
  if (st == FW_ERR_RULE_LIMIT) return fw__fail(err, st, "normalizer exceeded its match limit");
  if (st != FW_OK || !c->message_template || !c->message_pattern)
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  return FW_OK;
}

/* The stack the lesson is written in: the caller's, the spec's (when the rules know it), the
 * first whose detect patterns match the text (module paths, exception classes), else neutral:
 * a lesson in a stack the app is not written in would be a wrong instruction. */
static fw_status choose_stack(fw_classifier *cl, const fw_classify_options *opts, fw_classification *c, fw_error *err) {
  const fw_rules *rules = cl->rules;
  if ((opts && opts->stack) || cl->stack) {
    c->stack = opts && opts->stack ? opts->stack : cl->stack; /* both checked before */
    c->stack_source = "flag";
    return FW_OK;
  }
  const char *spec = opts && opts->ir ? fw__ir_stack(opts->ir) : NULL;
  if (fw__stack_known(rules, spec)) {
    c->stack = spec;
    c->stack_source = "ir";
    return FW_OK;
  }
  for (size_t i = 0; i < rules->stacks.n; i++) {
    const fw_stack *s = &rules->stacks.list[i];
    for (size_t k = 0; k < s->detect.n; k++) {
      int m = fw__match(cl, s->detect.re[k], cl->work.data, cl->work.len, 0);
      if (m < 0) return fw__fail(err, FW_ERR_RULE_LIMIT, "the detect patterns of stack '%s' exceeded the regex match limit", s->id);
      if (m > 0) {
        c->stack = s->id;
        c->stack_source = "detected";
        return FW_OK;
      }
    }
  }
  c->stack = FW_NEUTRAL_STACK;
  c->stack_source = "neutral";
  return FW_OK;
}

fw_status fw__classify(fw_classifier *cl, const char *text, size_t len,
                       const fw_classify_options *opts, fw_classification *c, fw_error *err) {
  fw__budget_start(cl, opts ? opts->deadline_ms : 0, len);
  fw_status st = fw__classify_checked(cl, text, len, opts, false, c, err);
  return st != FW_OK && cl->over_budget ? fw__budget_fail(cl, err) : st;
}

fw_status fw__classify_checked(fw_classifier *cl, const char *text, size_t len,
                               const fw_classify_options *opts, bool text_is_utf8,
                               fw_classification *c, fw_error *err) {
  memset(c, 0, sizeof *c);
  c->category = (size_t)-1;
  fw_status st = fw__stack_check(cl->rules, opts ? opts->stack : NULL, err);
  if (st != FW_OK) return st;
  size_t max = opts && opts->max_input ? opts->max_input : FW_DEFAULT_MAX_INPUT;
  st = check_input(text, len, max, text_is_utf8, err);
  if (st == FW_OK) st = fw__prepare_text(cl, text, len, err);
  if (st == FW_OK) st = fw__parse_exceptions(cl, err);
  if (st != FW_OK) return st;
  cl->through_ready = 0; /* a new text */

  const fw_rules *rules = cl->rules;
  size_t best = rules->nrules, block = (size_t)-1;
  /* outermost exception first; an earlier (inner) block wins only with a better rule */
  for (size_t k = cl->nexc; k-- > 0;) {
    const uint64_t *through = subject_rules(cl, k);
    for (size_t r = next_rule(cl, through, 0, best); r < best;
         r = next_rule(cl, through, r + 1, best)) {
      if (rules->rules[r].scope == FW_SCOPE_TEXT) continue;
      int m = rule_on_block(cl, r, k);
      if (m < 0) return runaway(err, &rules->rules[r]);
      if (m) {
        best = r;
        block = k;
        break;
      }
    }
  }
  if (best == rules->nrules) {
    const uint64_t *through = subject_rules(cl, WHOLE_TEXT);
    size_t end = rules->nrules;
    for (size_t r = next_rule(cl, through, 0, end); r < end;
         r = next_rule(cl, through, r + 1, end)) {
      if (rules->rules[r].scope == FW_SCOPE_MESSAGE) continue;
      int m = rule_on_text(cl, r);
      if (m < 0) return runaway(err, &rules->rules[r]);
      if (m) {
        best = r;
        break;
      }
    }
  }

  const char *w = cl->work.data;
  c->span_start = 0;
  c->span_end = cl->work.len;
  if (block != (size_t)-1) { /* the block and what follows it, up to the next exception */
    c->span_start = cl->exc[block].msg_start;
    c->span_end = block + 1 < cl->nexc ? cl->exc[block + 1].msg_start : cl->work.len;
    if (c->span_end < c->span_start) c->span_end = cl->exc[block].msg_end;
  }
  if (best < rules->nrules) {
    const fw_rule *rule = &rules->rules[best];
    c->category = rule->category;
    c->rule_id = rule->id;
    if (block != (size_t)-1) {
      const fw_exception *e = &cl->exc[block];
      copy_class(c->exception_class, e->cls);
      copy_class(c->inner_exception_class, e->inner);
      /* a chain: the same cause raised earlier under another class is the inner one */
      for (size_t k = 0; k < block && !c->inner_exception_class[0]; k++) {
        if (strcmp(cl->exc[k].cls, e->cls) != 0 && rule_on_block(cl, best, k) > 0)
          copy_class(c->inner_exception_class, cl->exc[k].cls);
      }
      c->message = dup_trimmed(w + e->msg_start, e->msg_end - e->msg_start);
      if (rule->message &&
          fw__match(cl, rule->message, w + e->msg_start, e->msg_end - e->msg_start, 0) > 0)
        take_groups(cl, rule->message, c);
      if (enrich_context(cl, c, best) < 0) return runaway(err, rule);
    } else {
      if (cl->nexc) {
        const fw_exception *e = &cl->exc[cl->nexc - 1];
        copy_class(c->exception_class, e->cls);
        copy_class(c->inner_exception_class, e->inner);
      } else {
        leading_class(w, cl->work.len, c->exception_class);
      }
      if (rule->message && fw__match(cl, rule->message, w, cl->work.len, 0) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(cl->md);
        c->message = lines_around(w, cl->work.len, ov[0], ov[1]);
        take_groups(cl, rule->message, c);
      } else {
        c->message = last_line(w, cl->work.len);
      }
    }
  } else if (cl->nexc) {
    const fw_exception *e = &cl->exc[cl->nexc - 1];
    copy_class(c->exception_class, e->cls);
    copy_class(c->inner_exception_class, e->inner);
    c->message = dup_trimmed(w + e->msg_start, e->msg_end - e->msg_start);
  } else {
    leading_class(w, cl->work.len, c->exception_class);
    c->message = last_line(w, cl->work.len);
  }
  if (!c->message) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (finish_context(cl, c) < 0)
    return fw__fail(err, FW_ERR_RULE_LIMIT, "a sql_table pattern exceeded the regex match limit on this input");
  if (find_hints(cl, c) < 0)
    return fw__fail(err, FW_ERR_RULE_LIMIT, "a hints pattern exceeded the regex match limit on this input");

  st = fw__classification_template(cl, c, err);
  if (st != FW_OK) return st;
  fw__ir_map(opts ? opts->ir : NULL, opts ? opts->endpoint : NULL, c, rules);
  return choose_stack(cl, opts, c, err);
}
