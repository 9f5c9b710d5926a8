/*
 * classify_json.c - the classification as JSON: the public fw_classify() for one text and
 * fw_classify_record() for one JSON-lines record, whose output always echoes the record's id,
 * error or not, so a stream keeps its order and length.
 */
#include "antipattern_internal.h"
#include "stacks.h"
#include "json_in.h"

#include "json_out.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <string.h>

static const char *const epoch = "1970-01-01T00:00:00Z";

static cJSON *ir_object(const fw_ir_context *x) {
  cJSON *o = cJSON_CreateObject();
  fw__json_str_or_null(o, "entity_name", x->entity);
  fw__json_str_or_null(o, "field_name", x->field);
  fw__json_str_or_null(o, "constraint_type", x->constraint_type);
  fw__json_str_or_null(o, "relationship_type", x->relationship_type);
  fw__json_str_or_null(o, "related_entity", x->ref_entity);
  fw__json_str_or_null(o, "table", x->table);
  fw__json_str_or_null(o, "schema", x->schema);
  fw__json_str_or_null(o, "endpoint", x->endpoint);
  fw__json_str_or_null(o, "endpoint_pattern", x->endpoint_pattern);
  fw__json_bool(o, "mapped", x->mapped);
  cJSON *inferred = cJSON_CreateArray();
  if (x->entity_inferred && x->entity[0]) cJSON_AddItemToArray(inferred, cJSON_CreateString("entity_name"));
  if (x->field_inferred && x->field[0]) cJSON_AddItemToArray(inferred, cJSON_CreateString("field_name"));
  fw__json_add(o, "inferred", inferred);
  return o;
}

/* A rendered snippet: into its buffer and referenced, or handed to the tree. */
static void snippet(cJSON *o, const char *key, const fw_classification *c, const fw_rules *rules,
                    const char *tpl, fw_buf *b) {
  if (!b) { /* copied into the tree: a tree in the arena is never deleted, so owns nothing */
    char *text = tpl ? fw__render_template(c, rules, tpl) : NULL;
    fw__json_str(o, key, text);
    fw_free(text);
    return;
  }
  fw_buf_reset(b);
  if (tpl) fw__render_template_into(c, rules, tpl, b);
  fw__json_ref(o, key, b->failed ? NULL : b->data);
}

/* The GenerationAntiPattern of this classification (every field of the seed design). Strings
 * of the rules and `now` are referenced; the rest as antipattern_internal.h says. */
cJSON *fw__antipattern_object(const fw_classification *c, const fw_rules *rules,
                              const char *pattern_id, const char *now, fw_buf *snippets) {
  const fw_category *cat = c->category == (size_t)-1 ? NULL : &rules->categories[c->category];
  size_t unknown = cat ? (size_t)-1 : fw__category_find(rules, "unknown"); /* only then */
  if (!cat && unknown != (size_t)-1) cat = &rules->categories[unknown];
  bool borrow = snippets != NULL;
  void (*c_str)(cJSON *, const char *, const char *) = borrow ? fw__json_ref : fw__json_str;
  cJSON *o = cJSON_CreateObject();
  char field_pattern[300];
  fw__field_pattern(c, field_pattern, sizeof field_pattern);
  const char *cls = strrchr(c->exception_class, '.');
  cls = cls ? cls + 1 : c->exception_class;
  fw__json_str(o, "pattern_id", pattern_id);
  fw__json_ref(o, "error_type", cat ? cat->error_type : "unknown");
  fw__json_ref(o, "category", c->category == (size_t)-1 ? "unknown" : cat->name);
  c_str(o, "exception_class", cls);
  c_str(o, "error_message_pattern", c->message_pattern);
  c_str(o, "message_template", c->message_template);
  c_str(o, "entity_pattern", c->ir.entity[0] ? c->ir.entity : "*");
  c_str(o, "endpoint_pattern", c->ir.endpoint_pattern[0] ? c->ir.endpoint_pattern : "*");
  fw__json_str(o, "field_pattern", field_pattern);
  /* the lesson in the classification's stack (stacks.c) */
  const char *summary = NULL, *bad = NULL, *good = NULL;
  fw__stack_lesson(rules, c->stack, cat, c->ir.spec_required, &summary, &bad, &good);
  snippet(o, "remediation", c, rules, summary, borrow ? &snippets[0] : NULL);
  snippet(o, "bad_code_snippet", c, rules, bad, borrow ? &snippets[1] : NULL);
  snippet(o, "correct_code_snippet", c, rules, good, borrow ? &snippets[2] : NULL);
  fw__json_ref(o, "stack", c->stack ? c->stack : FW_FASTAPI_STACK);
  fw__json_ref(o, "stack_source", c->stack_source ? c->stack_source : "flag");
  fw__json_int(o, "occurrence_count", 1);
  fw__json_int(o, "times_prevented", 0);
  fw__json_add(o, "prevention_rate", cJSON_CreateRaw("0"));
  fw__json_ref(o, "first_seen", now);
  fw__json_ref(o, "last_seen", now);
  fw__json_int(o, "signature_version", FW_SIGNATURE_VERSION);
  return o;
}

/* Fill `o` with the classification fields (after any "id" the caller added). snippets: the
 * classifier's kept buffers the anti-pattern's snippets are rendered into (one classification a
 * tree), or NULL for copies. */
static void classification_fields(fw_classifier *cl, cJSON *o, const fw_classification *c,
                                  const fw_classify_options *opts, fw_buf *snippets) {
  const fw_rules *rules = cl->rules;
  const fw_category *cat = c->category == (size_t)-1 ? NULL : &rules->categories[c->category];
  /* these strings live in the rules or in c until the tree is printed: referenced, not copied */
  fw__json_ref(o, "error_type", cat ? cat->error_type : "unknown");
  fw__json_ref(o, "category", cat ? cat->name : "unknown");
  fw__json_ref_or_null(o, "rule_id", c->rule_id);
  fw__json_ref_or_null(o, "exception_class", c->exception_class);
  fw__json_ref_or_null(o, "inner_exception_class", c->inner_exception_class);
  fw__json_ref(o, "message", c->message);
  fw__json_ref(o, "message_template", c->message_template);
  cJSON *ctx = fw__json_obj(o, "context");
  for (int k = 0; k < FW_CONTEXT_KEY_COUNT; k++) {
    if (c->context[k]) fw__json_ref(ctx, fw__context_keys[k], c->context[k]);
  }
  if (opts && opts->ir) fw__json_add(o, "ir", ir_object(&c->ir));
  char id[32];
  fw__pattern_id(c, rules, id);
  fw__json_str(o, "pattern_id", id);
  const char *now = opts && opts->now ? opts->now : epoch;
  fw__json_add(o, "anti_pattern", fw__antipattern_object(c, rules, id, now, snippets));
}

/* The classification of a text, and when it holds several errors an "errors" array with each
 * one's classification, the first of them also the text's own (the first error is the text's
 * label, whichever rule found the block). items live until the tree is printed. */
static fw_status fields_with_items(fw_classifier *cl, cJSON *o, const fw_classification *c,
                                   const fw_classify_options *opts, fw_classification **items,
                                   size_t *nitems, fw_error *err) {
  fw_status st = fw__classify_items(cl, c, opts, items, nitems, err);
  if (st != FW_OK) return st;
  classification_fields(cl, o, *nitems ? &(*items)[0] : c, opts, *nitems ? NULL : cl->snippets);
  if (!*nitems) return FW_OK;
  cJSON *arr = cJSON_CreateArray();
  for (size_t k = 0; k < *nitems; k++) {
    cJSON *e = cJSON_CreateObject();
    classification_fields(cl, e, &(*items)[k], opts, NULL);
    cJSON_AddItemToArray(arr, e);
  }
  fw__json_add(o, "errors", arr);
  return FW_OK;
}

/* A tree built in the arena is released with it; otherwise it is deleted. */
static void drop(cJSON *o) {
  if (!fw__json_in_arena()) cJSON_Delete(o);
}

/* Print o (and drop it) into the classifier's buffer, which keeps the size of the largest record
 * so far (cJSON's own printer grows a fresh buffer by copying, several times a record), then one
 * exact copy for the caller. */
static fw_status print(fw_classifier *cl, cJSON *o, char **out_json, fw_error *err) {
  fw_buf *b = &cl->out;
  bool printed = false;
  while (!printed) {
    printed = b->cap && cJSON_PrintPreallocated(o, b->data, (int)b->cap, false);
    if (printed || b->cap > INT_MAX / 2) break;
    /* too small (cJSON also wants a few bytes to spare): twice the size, contents not kept */
    size_t cap = b->cap ? b->cap * 2 : 4096;
    fw_buf_free(b);
    b->data = fw_malloc(cap);
    if (!b->data) break;
    b->cap = cap;
  }
  drop(o);
  *out_json = printed ? fw__strdup(b->data) : NULL;
  return *out_json ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

static fw_status classify_text(fw_classifier *cl, const char *text, size_t len,
                               const fw_classify_options *opts, char **out_json, fw_error *err) {
  fw_classification c;
  fw_status st = fw__classify(cl, text, len, opts, &c, err);
  if (st != FW_OK) {
    fw__classification_clear(&c);
    return st;
  }
  cJSON *o = cJSON_CreateObject();
  if (!o) {
    fw__classification_clear(&c);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  fw_classification *items = NULL;
  size_t nitems = 0;
  st = fields_with_items(cl, o, &c, opts, &items, &nitems, err);
  if (st == FW_OK) st = print(cl, o, out_json, err); /* before the clear: the tree references c's strings */
  else drop(o);
  fw__classification_clear(&c);
  fw__classifications_free(items, nitems);
  return st;
}

static fw_status error_record(fw_classifier *cl, cJSON *o, fw_status st, const fw_error *e,
                              char **out_json, fw_error *err) {
  cJSON *eo = fw__json_obj(o, "error");
  fw__json_str(eo, "code", fw_status_name(st));
  fw__json_str(eo, "message", e->message);
  if (e->rule_id[0]) fw__json_str(eo, "rule_id", e->rule_id);
  fw_status pst = print(cl, o, out_json, err);
  if (pst != FW_OK) return pst;
  if (err && err != e) *err = *e;
  return st;
}

static fw_status classify_record(fw_classifier *cl, const char *line, size_t len,
                                 const fw_classify_options *opts, char **out_json, fw_error *err) {
  fw_error local;
  fw__error_clear(&local);
  cJSON *o = cJSON_CreateObject();
  if (!o) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  cJSON *rec;
  fw_status parsed = fw__json_parse_input(line, len, "record", &rec, &local);
  if (parsed != FW_OK) { /* still answer with the record's id when it can be read */
    cJSON *loose = parsed == FW_ERR_JSON ? cJSON_ParseWithLength(line, len) : NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(loose, "id");
    fw__json_add(o, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
    drop(loose);
    return error_record(cl, o, parsed, &local, out_json, err);
  }
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "id");
  fw__json_add(o, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
  if (!cJSON_IsObject(rec)) {
    fw__fail(&local, FW_ERR_JSON, "record is not a JSON object");
    drop(rec);
    return error_record(cl, o, FW_ERR_JSON, &local, out_json, err);
  }
  const cJSON *text = cJSON_GetObjectItemCaseSensitive(rec, "text");
  if (!cJSON_IsString(text)) {
    fw__fail_path(&local, FW_ERR_SCHEMA, "$.text", "expected a string");
    drop(rec);
    return error_record(cl, o, FW_ERR_SCHEMA, &local, out_json, err);
  }
  fw_classify_options local_opts = opts ? *opts : (fw_classify_options){0};
  const cJSON *endpoint = cJSON_GetObjectItemCaseSensitive(rec, "endpoint");
  if (cJSON_IsString(endpoint)) local_opts.endpoint = endpoint->valuestring;
  fw_classification c;
  /* the record was checked as a whole; cJSON refuses \u escapes that would not be UTF-8 */
  fw__budget_start(cl, local_opts.deadline_ms, strlen(text->valuestring));
  fw_status st = fw__classify_checked(cl, text->valuestring, strlen(text->valuestring),
                                      &local_opts, true, &c, &local);
  if (st != FW_OK && cl->over_budget) st = fw__budget_fail(cl, &local);
  if (st != FW_OK) {
    fw__classification_clear(&c);
    drop(rec);
    return error_record(cl, o, st, &local, out_json, err);
  }
  fw_classification *items = NULL;
  size_t nitems = 0;
  st = fields_with_items(cl, o, &c, &local_opts, &items, &nitems, &local);
  if (st != FW_OK) {
    cJSON *eo = cJSON_CreateObject(); /* the partly filled record is replaced by the error */
    fw__json_add(eo, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
    fw__classification_clear(&c);
    drop(rec);
    drop(o);
    return error_record(cl, eo, st, &local, out_json, err);
  }
  st = print(cl, o, out_json, err); /* before the clear: the tree references c's strings */
  fw__classification_clear(&c);
  fw__classifications_free(items, nitems);
  drop(rec);
  return st;
}

/* One record's cJSON allocations come from the classifier's arena, reset when it is printed. */
fw_status fw_classify(fw_classifier *cl, const char *text, size_t len,
                      const fw_classify_options *opts, char **out_json, fw_error *err) {
  if (!cl || !out_json) return fw__fail(err, FW_ERR_ARG, "classifier and out_json are required");
  *out_json = NULL;
  fw_arena *prev = fw__json_use_arena(&cl->arena);
  fw_status st = classify_text(cl, text, len, opts, out_json, err);
  fw__json_use_arena(prev);
  fw__arena_reset(&cl->arena);
  return st;
}

fw_status fw_classify_record(fw_classifier *cl, const char *line, size_t len,
                             const fw_classify_options *opts, char **out_json, fw_error *err) {
  if (!cl || !line || !out_json) return fw__fail(err, FW_ERR_ARG, "classifier, line and out_json are required");
  *out_json = NULL;
  fw_arena *prev = fw__json_use_arena(&cl->arena);
  fw_status st = classify_record(cl, line, len, opts, out_json, err);
  fw__json_use_arena(prev);
  fw__arena_reset(&cl->arena);
  return st;
}
