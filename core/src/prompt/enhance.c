/*
 * enhance.c - the prompt enhancer: picks the anti-patterns relevant to one prompt (an entity,
 * an endpoint or a schema), at most max_patterns of those seen at least min_occurrences times,
 * most frequent first (ties by pattern_id), and appends the seed's "AVOID THESE KNOWN ISSUES:"
 * section. Patterns that keep recurring although injected are rendered more forcefully; a
 * category that recurs on one kind of field across entities becomes a general pattern that
 * warns every entity with such a field. Everything taken from error texts is sanitised and the
 * section stays under a character budget.
 */
#include "antipattern_internal.h"
#include "store_internal.h"
#include "stacks.h"
#include "ir_internal.h"
#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

#define GENERAL_MIN_ENTITIES 2
#define HEADER "AVOID THESE KNOWN ISSUES:"

typedef struct fw_general {
  char id[32];
  char category[64];
  char constraint[32];
  char exception_class[96];
  char error_type[32];
  long long occurrence_count; /* sum over the specific patterns it generalises */
  size_t entities;
} fw_general;

void fw__general_free(fw_store *s) {
  fw_free(s->general);
  s->general = NULL;
  s->ngeneral = 0;
  s->general_valid = false;
}

static void constraint_of(const char *field_pattern, char *out, size_t cap) {
  const char *colon = strchr(field_pattern, ':');
  size_t n = colon ? (size_t)(colon - field_pattern) : strlen(field_pattern);
  snprintf(out, cap, "%.*s", (int)n, field_pattern);
}

typedef struct member {
  const fw_pattern *p;
  char key[112];
} member;

static int member_cmp(const void *a, const void *b) {
  const member *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  return strcmp(x->p->entity, y->p->entity);
}

/* Group specific patterns by (category, constraint); a group spanning several entities becomes
 * a general pattern. Cached until the store changes. */
static fw_status build_general(fw_store *s, fw_error *err) {
  if (s->general_valid && s->general_generation == s->generation) return FW_OK;
  fw__general_free(s);
  member *m = s->npatterns ? fw_malloc(sizeof *m * s->npatterns) : NULL;
  if (s->npatterns && !m) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  size_t n = 0;
  for (size_t i = 0; i < s->npatterns; i++) {
    const fw_pattern *p = &s->patterns[i];
    /* generalise what is about a kind of field: database and validation errors */
    if (p->general || strcmp(p->entity, "*") == 0 ||
        (strcmp(p->error_type, "database") != 0 && strcmp(p->error_type, "validation") != 0))
      continue;
    char constraint[32];
    constraint_of(p->field_pattern, constraint, sizeof constraint);
    m[n].p = p;
    snprintf(m[n].key, sizeof m[n].key, "%s|%s", p->category, constraint);
    n++;
  }
  if (n) qsort(m, n, sizeof *m, member_cmp);
  fw_general *g = n ? fw_malloc(sizeof *g * n) : NULL;
  if (n && !g) {
    fw_free(m);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  size_t ng = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i, entities = 0;
    long long occ = 0;
    const fw_pattern *top = m[i].p;
    for (; j < n && strcmp(m[j].key, m[i].key) == 0; j++) {
      if (j == i || !fw__ieq(m[j].p->entity, m[j - 1].p->entity)) entities++;
      occ += m[j].p->occurrence_count;
      if (m[j].p->occurrence_count > top->occurrence_count) top = m[j].p;
    }
    if (entities >= GENERAL_MIN_ENTITIES) {
      fw_general *x = &g[ng++];
      memset(x, 0, sizeof *x);
      snprintf(x->category, sizeof x->category, "%s", top->category);
      constraint_of(top->field_pattern, x->constraint, sizeof x->constraint);
      snprintf(x->exception_class, sizeof x->exception_class, "%s", top->exception_class);
      snprintf(x->error_type, sizeof x->error_type, "%s", top->error_type);
      x->occurrence_count = occ;
      x->entities = entities;
      char key[128];
      int kn = snprintf(key, sizeof key, "general\x1f%s\x1f%s", x->category, x->constraint);
      snprintf(x->id, sizeof x->id, "apg%d-%016llx", FW_SIGNATURE_VERSION,
               (unsigned long long)fw__fnv1a64(key, (size_t)kn, FW_FNV_SEED));
    }
    i = j;
  }
  fw_free(m);
  s->general = g;
  s->ngeneral = ng;
  s->general_generation = s->generation;
  s->general_valid = true;
  return FW_OK;
}

/* A candidate line of the section. */
typedef struct pick {
  const fw_pattern *p;   /* specific (or the stored record of a general one) */
  const fw_general *g;   /* general, or NULL */
  long long occurrence_count;
  double benefit;        /* the ranking key (lifecycle.h): occurrences until measured */
  bool retired;          /* kept only so that a general pattern does not bring it back */
  char target_field[128];
} pick;

/* Expected benefit first, then frequency, then pattern_id: without holdout data the benefit is
 * the frequency, and this is the frequency ranking. */
static int pick_cmp(const void *a, const void *b) {
  const pick *x = a, *y = b;
  if (x->benefit != y->benefit) return x->benefit > y->benefit ? -1 : 1;
  if (x->occurrence_count != y->occurrence_count) return x->occurrence_count > y->occurrence_count ? -1 : 1;
  const char *ix = x->g ? x->g->id : x->p->id, *iy = y->g ? y->g->id : y->p->id;
  return strcmp(ix, iy);
}

/* Is this warning withheld from this (run, target) slot? A hash of the three, so that the
 * choice is the same in every build and store, and independent between runs. */
static bool withheld(const char *pattern_id, const char *run_id, const char *target, double holdout) {
  if (holdout <= 0.0) return false;
  const char *parts[] = {pattern_id, "\x1f", run_id, "\x1f", target};
  uint64_t h = FW_FNV_SEED;
  for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) h = fw__fnv1a64(parts[k], strlen(parts[k]), h);
  double u = (double)(h >> 11) / 9007199254740992.0; /* 53 bits: exact in a double, in [0, 1) */
  return u < holdout;
}

/* Cut an entry that alone exceeds the budget: at its last line break that fits, else at its last
 * space (a word kept whole), marked with an ellipsis so that the cut shows. */
static void cut_entry(fw_buf *entry, size_t room) {
  if (room > entry->len) room = entry->len;
  size_t at = fw__utf8_floor(entry->data, room), line = at, word = at;
  while (line > 0 && entry->data[line - 1] != '\n') line--;
  while (word > 0 && entry->data[word - 1] != ' ') word--;
  if (line > 0) {
    entry->len = line;
    entry->data[entry->len] = '\0';
    fw_buf_puts(entry, "   ...\n");
  } else {
    entry->len = word > 0 ? word - 1 : at;
    entry->data[entry->len] = '\0';
    fw_buf_puts(entry, " ...\n");
  }
}

static bool field_has_kind(const fw_ir_field *f, const char *constraint) {
  if (strcmp(constraint, "foreign_key") == 0) return f->fk_entity != NULL;
  if (strcmp(constraint, "unique") == 0) return f->unique && !f->primary_key;
  if (strcmp(constraint, "nullable") == 0) return !f->nullable && !f->primary_key;
  if (strcmp(constraint, "max_length") == 0) return f->max_length >= 0;
  if (strcmp(constraint, "check") == 0 || strcmp(constraint, "range") == 0) return f->has_min || f->has_max;
  return !f->primary_key;
}

/* Does a general pattern apply to this entity? With an IR, only if it has such a field; the
 * field is named when it is the only one. */
static bool general_applies(const fw_general *g, const fw_ir *ir, const char *entity, char *field, size_t cap) {
  snprintf(field, cap, "*");
  if (!ir || !entity) return true;
  const fw_ir_entity *e = NULL;
  for (size_t i = 0; i < ir->nentities && !e; i++) {
    if (fw__ieq(ir->entities[i].name, entity)) e = &ir->entities[i];
  }
  if (!e) return false;
  const fw_ir_field *only = NULL;
  size_t hits = 0;
  for (size_t f = 0; f < e->nfields; f++) {
    if (field_has_kind(&e->fields[f], g->constraint)) {
      only = &e->fields[f];
      hits++;
    }
  }
  if (hits == 1) snprintf(field, cap, "%s", only->name);
  return hits > 0;
}

/* Text from stored patterns may carry pieces of hostile error texts: drop control characters,
 * cap every quoted value, cap the line. */
static void sanitize_append(fw_buf *b, const char *s, size_t quote_cap, bool keep_newlines) {
  char quote = 0;
  size_t quoted = 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\n' && keep_newlines) {
      fw_buf_putc(b, '\n');
      quote = 0;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      if (c == '\t' || c == '\n') fw_buf_putc(b, ' ');
      continue;
    }
    if (quote) {
      if ((char)c == quote) {
        quote = 0;
      } else if (++quoted > quote_cap) {
        if (quoted == quote_cap + 1) fw_buf_puts(b, "...");
        continue;
      }
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = (char)c;
      quoted = 0;
    }
    fw_buf_putc(b, (char)c);
  }
}

static void append_indented(fw_buf *b, const char *code, size_t quote_cap, const char *indent) {
  fw_buf clean;
  fw_buf_init(&clean);
  sanitize_append(&clean, code, quote_cap, true);
  const char *s = clean.data ? clean.data : "";
  while (*s) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    if (n) {
      fw_buf_puts(b, indent);
      fw_buf_append(b, s, n);
    }
    fw_buf_putc(b, '\n');
    s += n + (nl ? 1 : 0);
  }
  fw_buf_free(&clean);
}

/* What a lesson is rendered from when it is not a classification's: a general pattern's group,
 * or a stored pattern shown in another stack than it was stored in. */
typedef struct lesson_of {
  const char *category, *exception_class, *constraint, *entity, *field;
} lesson_of;

/* Render a lesson for one entity and field from its category's templates in `stack` (NULL:
 * the category's own). */
static void render_lesson(const lesson_of *l, const char *stack, const fw_rules *rules, const fw_ir *ir,
                          char **summary, char **good, char **bad) {
  *summary = *good = *bad = NULL;
  if (!rules) return;
  size_t ci = fw__category_find(rules, l->category);
  if (ci == (size_t)-1) return;
  const char *entity = l->entity, *field = l->field;
  fw_classification c;
  memset(&c, 0, sizeof c);
  c.category = ci;
  c.stack = stack;
  snprintf(c.exception_class, sizeof c.exception_class, "%s", l->exception_class);
  c.ir.max_length = -1;
  snprintf(c.ir.entity, sizeof c.ir.entity, "%s", entity ? entity : "");
  snprintf(c.ir.field, sizeof c.ir.field, "%s", field);
  snprintf(c.ir.constraint_type, sizeof c.ir.constraint_type, "%s", l->constraint);
  const fw_ir_entity *e = NULL;
  for (size_t i = 0; ir && entity && i < ir->nentities && !e; i++) {
    if (fw__ieq(ir->entities[i].name, entity)) e = &ir->entities[i];
  }
  if (e) {
    snprintf(c.ir.table, sizeof c.ir.table, "%s", e->table);
    const fw_ir_field *f = fw__ir_field(e, field);
    if (f) {
      snprintf(c.ir.field_type, sizeof c.ir.field_type, "%s", f->type);
      c.ir.max_length = f->max_length;
      c.ir.spec_required = !f->nullable && !f->primary_key;
      if (f->fk_entity) {
        snprintf(c.ir.ref_entity, sizeof c.ir.ref_entity, "%s", f->fk_entity);
        snprintf(c.ir.ref_field, sizeof c.ir.ref_field, "%s", f->fk_field);
        const fw_ir_entity *t = fw__ir_entity(ir, f->fk_entity);
        if (t) snprintf(c.ir.ref_table, sizeof c.ir.ref_table, "%s", t->table);
      }
    }
  }
  const char *s_tpl = NULL, *b_tpl = NULL, *g_tpl = NULL;
  fw__stack_lesson(rules, stack, &rules->categories[ci], c.ir.spec_required, &s_tpl, &b_tpl, &g_tpl);
  *summary = fw__render_template(&c, rules, s_tpl);
  *good = fw__render_template(&c, rules, g_tpl);
  *bad = fw__render_template(&c, rules, b_tpl);
}

/* The stack of the prompt being enhanced: the caller's, else the spec's, else none (stored
 * lessons as they are, general ones in words). */
static const char *prompt_stack(const fw_enhance_options *o) {
  if (o->stack) return o->stack;
  const char *spec = fw__ir_stack(o->ir);
  return o->rules && fw__stack_known(o->rules, spec) ? spec : NULL;
}

static const char *pstr(const fw_pattern *p, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(p->doc, key);
  return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *short_name(const char *cls) {
  const char *dot = strrchr(cls, '.');
  return dot ? dot + 1 : cls;
}

/* One numbered entry. Forceful when the pattern was injected at least twice and recurred more
 * often than it was prevented: the warning alone did not work. */
static void render_pick(fw_buf *b, size_t number, const pick *k, const fw_store *s,
                        const fw_enhance_options *o, const char *entity) {
  const fw_pattern *rec = k->g ? fw__store_find(s, k->g->id) : k->p;
  long long injected = rec ? rec->times_injected : 0, recurred = rec ? rec->times_recurred_injected : 0;
  bool forceful = fw__escalated(injected, recurred);
  char *summary = NULL, *good = NULL, *bad = NULL, field_pattern[200];
  const char *exception;
  const char *stack = prompt_stack(o);
  /* a stored lesson is shown as stored when the prompt is in its stack (or says none); else it
   * is rendered again in the prompt's (patterns stored before stacks were FastAPI's) */
  const char *stored = k->p ? pstr(k->p, "stack") : "";
  bool rerender = k->p && stack && strcmp(stack, stored[0] ? stored : FW_FASTAPI_STACK) != 0;
  if (k->g) {
    lesson_of l = {k->g->category, k->g->exception_class, k->g->constraint, entity, k->target_field};
    render_lesson(&l, stack ? stack : FW_NEUTRAL_STACK, o->rules, o->ir, &summary, &good, &bad);
    snprintf(field_pattern, sizeof field_pattern, "%s:%s", k->g->constraint, k->target_field);
    exception = short_name(k->g->exception_class);
  } else {
    snprintf(field_pattern, sizeof field_pattern, "%s", k->p->field_pattern);
    exception = short_name(k->p->exception_class);
    if (rerender) {
      char constraint[32];
      constraint_of(k->p->field_pattern, constraint, sizeof constraint);
      const char *colon = strchr(k->p->field_pattern, ':');
      const char *field = colon && strcmp(colon + 1, "*") != 0 ? colon + 1 : "";
      lesson_of l = {k->p->category, k->p->exception_class, constraint, strcmp(k->p->entity, "*") ? k->p->entity : NULL, field};
      render_lesson(&l, stack, o->rules, o->ir, &summary, &good, &bad);
    }
  }
  bool own = k->g || (rerender && summary);
  const char *sum = own ? (summary ? summary : "") : pstr(k->p, "remediation");
  const char *correct = own ? (good ? good : "") : pstr(k->p, "correct_code_snippet");
  const char *wrong = own ? (bad ? bad : "") : pstr(k->p, "bad_code_snippet");
  size_t cap = o->quote_cap ? o->quote_cap : 60;
  /* "1. [nullable:category_id] IntegrityError on Product.category_id: ..." - the summary
   * template names the exception and the entity's field */
  fw_buf_printf(b, "%zu. ", number);
  if (forceful)
    fw_buf_printf(b, "STILL RECURRING DESPITE WARNINGS (after %lld of %lld injections) - ", recurred,
                  injected);
  fw_buf_putc(b, '[');
  sanitize_append(b, field_pattern, cap, false);
  if (k->g) fw_buf_puts(b, ", seen on other entities");
  fw_buf_puts(b, "] ");
  if (sum[0]) {
    sanitize_append(b, sum, cap, false);
  } else {
    sanitize_append(b, exception[0] ? exception : "Error", cap, false);
  }
  fw_buf_putc(b, '\n');
  if (forceful && wrong[0]) {
    fw_buf_puts(b, "   DO NOT write:\n");
    append_indented(b, wrong, cap, "      ");
    fw_buf_puts(b, "   Write instead:\n");
    append_indented(b, correct, cap, "      ");
  } else if (correct[0]) {
    fw_buf_puts(b, "   Correct:\n");
    append_indented(b, correct, cap, "      ");
  }
  fw_free(summary);
  fw_free(good);
  fw_free(bad);
}

static cJSON *general_doc(const fw_general *g, const char *field, const char *summary) {
  cJSON *d = cJSON_CreateObject();
  char fp[200];
  snprintf(fp, sizeof fp, "%s:*", g->constraint);
  (void)field;
  fw__json_str(d, "pattern_id", g->id);
  fw__json_str(d, "error_type", g->error_type);
  fw__json_str(d, "category", g->category);
  fw__json_str(d, "exception_class", short_name(g->exception_class));
  fw__json_str(d, "error_message_pattern", "");
  fw__json_str(d, "message_template", "");
  fw__json_str(d, "entity_pattern", "*");
  fw__json_str(d, "endpoint_pattern", "*");
  fw__json_str(d, "field_pattern", fp);
  fw__json_str(d, "remediation", summary ? summary : "");
  fw__json_str(d, "bad_code_snippet", "");
  fw__json_str(d, "correct_code_snippet", "");
  fw__json_str(d, "schema", "");
  fw__json_bool(d, "general", true);
  fw__json_int(d, "signature_version", FW_SIGNATURE_VERSION);
  return d;
}

static bool has_specific(const pick *picks, size_t n, const fw_general *g) {
  for (size_t i = 0; i < n; i++) {
    if (picks[i].g) continue;
    char constraint[32];
    constraint_of(picks[i].p->field_pattern, constraint, sizeof constraint);
    if (strcmp(picks[i].p->category, g->category) == 0 && strcmp(constraint, g->constraint) == 0) return true;
  }
  return false;
}

fw_status fw__enhance_target(const fw_enhance_options *o, const char **entity,
                             char *endpoint_pattern, size_t cap, fw_error *err) {
  bool by_entity = strcmp(o->scope, "entity") == 0, by_endpoint = strcmp(o->scope, "endpoint") == 0,
       by_schema = strcmp(o->scope, "schema") == 0;
  if (!by_entity && !by_endpoint && !by_schema)
    return fw__fail(err, FW_ERR_ARG, "scope must be entity, endpoint or schema, not '%s'", o->scope);
  *entity = NULL;
  endpoint_pattern[0] = '\0';
  if (by_entity) *entity = o->target;
  if (by_endpoint) fw__endpoint_pattern(o->ir, o->target, endpoint_pattern, cap, entity);
  /* a schema belongs to the entity whose name is its longest prefix: ProductCreate -> Product */
  size_t best = 0;
  for (size_t i = 0; by_schema && o->ir && i < o->ir->nentities; i++) {
    size_t n = strlen(o->ir->entities[i].name);
    if (n > best && strncmp(o->target, o->ir->entities[i].name, n) == 0) {
      best = n;
      *entity = o->ir->entities[i].name;
    }
  }
  return FW_OK;
}

fw_status fw_enhance(const fw_store *store, const char *base_prompt, size_t len,
                     const fw_enhance_options *o, char **out_json, fw_error *err) {
  if (!store || !o || !out_json || !o->scope || !o->target)
    return fw__fail(err, FW_ERR_ARG, "store, options with scope and target, and out_json are required");
  *out_json = NULL;
  if (!base_prompt) base_prompt = "", len = 0;
  if (fw__utf8_invalid_at(base_prompt, len) != (size_t)-1)
    return fw__fail(err, FW_ERR_UTF8, "base prompt is not valid UTF-8");
  if (o->stack && !o->rules) return fw__fail(err, FW_ERR_ARG, "a stack needs the rules whose lessons it names");
  if (!(o->holdout >= 0.0 && o->holdout <= 1.0))
    return fw__fail(err, FW_ERR_ARG, "holdout must be a fraction from 0 to 1");
  if (o->holdout > 0.0 && (!o->run_id || !o->run_id[0]))
    return fw__fail(err, FW_ERR_ARG, "a holdout needs the run_id its slots are drawn for");
  fw_status checked = o->rules ? fw__stack_check(o->rules, o->stack, err) : FW_OK;
  if (checked != FW_OK) return checked;
  bool by_endpoint = strcmp(o->scope, "endpoint") == 0, by_schema = strcmp(o->scope, "schema") == 0;
  char endpoint_pattern[256] = "";
  const char *entity = NULL, *method = NULL;
  fw_status st = fw__enhance_target(o, &entity, endpoint_pattern, sizeof endpoint_pattern, err);
  if (st != FW_OK) return st;
  if (by_endpoint) method = endpoint_pattern;
  fw_store *s = (fw_store *)store; /* the general-pattern cache is derived state */
  st = build_general(s, err);
  if (st != FW_OK) return st;
  size_t max = o->max_patterns ? o->max_patterns : 5;
  long long min = o->min_occurrences ? o->min_occurrences : 2;
  size_t budget = o->budget ? o->budget : 2000;

  size_t cap_picks = 64, npicks = 0;
  pick *picks = fw_malloc(sizeof *picks * cap_picks);
  if (!picks) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  long long seq = fw__store_run_seq(s);
  /* REC: the stored record whose counters say the lesson's state and effect */
#define ADD_PICK(P, G, OCC, FIELD, REC)                                                            \
  do {                                                                                             \
    if (npicks == cap_picks) {                                                                     \
      pick *grown = fw__realloc(picks, sizeof *picks * cap_picks * 2);                            \
      if (!grown) { fw_free(picks); return fw__fail(err, FW_ERR_NOMEM, "out of memory"); }         \
      picks = grown;                                                                               \
      cap_picks *= 2;                                                                              \
    }                                                                                              \
    picks[npicks].p = (P);                                                                         \
    picks[npicks].g = (G);                                                                         \
    picks[npicks].occurrence_count = (OCC);                                                        \
    picks[npicks].retired = fw__pattern_state((REC), seq, o->lifecycle).state == FW_STATE_RETIRED;  \
    picks[npicks].benefit = fw__pattern_benefit((REC), (OCC), o->lifecycle);                      \
    snprintf(picks[npicks].target_field, sizeof picks[npicks].target_field, "%s", (FIELD));       \
    npicks++;                                                                                      \
  } while (0)

  if (entity) {
    for (size_t i = fw__store_entity_first(s, entity); i != (size_t)-1; i = fw__store_entity_next(s, i)) {
      const fw_pattern *p = &s->patterns[i];
      if (p->general || p->occurrence_count < min) continue;
      if (by_endpoint && strcmp(p->endpoint, endpoint_pattern) != 0) continue;
      if (by_schema && strcmp(p->schema, o->target) != 0 && strcmp(p->error_type, "validation") != 0) continue;
      ADD_PICK(p, NULL, p->occurrence_count, "", p);
    }
  } else if (by_endpoint || by_schema) { /* no IR entity: scan by endpoint pattern or schema */
    for (size_t i = 0; i < s->npatterns; i++) {
      const fw_pattern *p = &s->patterns[i];
      if (p->general || p->occurrence_count < min) continue;
      if (by_endpoint && strcmp(p->endpoint, endpoint_pattern) != 0) continue;
      if (by_schema && strcmp(p->schema, o->target) != 0) continue;
      ADD_PICK(p, NULL, p->occurrence_count, "", p);
    }
  }
  /* general patterns: for entities (and write endpoints / schemas of an entity) */
  bool write = !by_endpoint || (method && (strncmp(method, "POST", 4) == 0 || strncmp(method, "PUT", 3) == 0 ||
                                           strncmp(method, "PATCH", 5) == 0));
  size_t specific = npicks;
  for (size_t i = 0; entity && write && i < s->ngeneral; i++) {
    const fw_general *g = &s->general[i];
    if (g->occurrence_count < min) continue;
    if (by_schema && strcmp(g->error_type, "validation") != 0) continue;
    if (by_endpoint && strcmp(g->error_type, "database") != 0 && strcmp(g->error_type, "validation") != 0) continue;
    if (has_specific(picks, specific, g)) continue;
    char field[128];
    if (!general_applies(g, o->ir, entity, field, sizeof field)) continue;
    const fw_pattern *rec = fw__store_find(s, g->id);
    if (rec && fw__pattern_state(rec, seq, o->lifecycle).state == FW_STATE_RETIRED) continue;
    ADD_PICK(NULL, g, g->occurrence_count, field, rec);
  }
#undef ADD_PICK
  qsort(picks, npicks, sizeof *picks, pick_cmp);

  fw_buf section, entry;
  fw_buf_init(&section);
  fw_buf_init(&entry);
  fw_buf_puts(&section, HEADER "\n");
  cJSON *result = cJSON_CreateObject(), *injected = cJSON_CreateArray();
  /* used: slots taken, shown or withheld; a withheld warning keeps its slot and its share of
   * the budget (held_len), so the other warnings are those of a prompt without holdout */
  size_t used = 0, shown = 0, held_len = 0;
  for (size_t i = 0; i < npicks && used < max; i++) {
    if (picks[i].retired) continue;
    const char *id = picks[i].g ? picks[i].g->id : picks[i].p->id;
    bool held = withheld(id, o->run_id ? o->run_id : "", o->target, o->holdout);
    fw_buf_reset(&entry);
    render_pick(&entry, shown + 1, &picks[i], s, o, entity);
    if (entry.failed) break;
    if (section.len + held_len + entry.len > budget) {
      if (used > 0) break; /* keep what fits; never cut a warning in the middle */
      cut_entry(&entry, budget > section.len + 8 ? budget - section.len - 8 : 0);
    }
    if (held) held_len += entry.len;
    else fw_buf_append(&section, entry.data, entry.len), shown++;
    used++;
    cJSON *j = cJSON_CreateObject();
    fw__json_str(j, "pattern_id", id);
    fw__json_str(j, "scope", o->scope);
    fw__json_str(j, "target", o->target);
    if (entity) fw__json_str(j, "entity", entity);
    fw__json_bool(j, "general", picks[i].g != NULL);
    if (picks[i].g) {
      fw__json_str(j, "category", picks[i].g->category);
      fw__json_str(j, "constraint", picks[i].g->constraint);
      fw__json_add(j, "pattern", general_doc(picks[i].g, picks[i].target_field, NULL));
    }
    if (held) fw__json_bool(j, "withheld", true);
    cJSON_AddItemToArray(injected, j);
  }
  fw_free(picks);
  fw_buf prompt;
  fw_buf_init(&prompt);
  fw_buf_append(&prompt, base_prompt, len);
  while (prompt.len && (prompt.data[prompt.len - 1] == '\n' || prompt.data[prompt.len - 1] == ' ')) prompt.len--;
  if (prompt.data) prompt.data[prompt.len] = '\0';
  if (shown) {
    while (section.len && section.data[section.len - 1] == '\n') section.data[--section.len] = '\0';
    fw_buf_puts(&prompt, prompt.len ? "\n\n" : "");
    fw_buf_append(&prompt, section.data, section.len);
  }
  fw_buf_putc(&prompt, '\n');
  bool nomem = section.failed || entry.failed || prompt.failed || !result || !injected;
  fw__json_str(result, "prompt", prompt.data ? prompt.data : "");
  fw__json_str(result, "section", shown ? section.data : "");
  fw__json_add(result, "injected", injected);
  fw_buf_free(&section);
  fw_buf_free(&entry);
  fw_buf_free(&prompt);
  if (!nomem) *out_json = cJSON_PrintUnformatted(result);
  cJSON_Delete(result);
  return *out_json ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}
