/*
 * stacks.c - lessons in the app's own stack (a rule pack's "stacks" section): per stack its
 * vocabulary, how it spells each field type, the patterns that tell it from an error text, and
 * a lesson per taxonomy category (or why the category cannot occur there). Which stack a
 * classification's lesson is written in: the caller's, else the spec's, else the one the text
 * shows, else the neutral one, which names the fix in words and SQL, never another stack's code.
 * The category entries of the pack are the lessons of FASTAPI_STACK.
 */
#include "stacks.h"

#include "antipattern_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const type_names[] = {"string", "text",  "integer", "bigint", "float", "decimal",
                                         "boolean", "datetime", "date", "time", "uuid", "json",
                                         "email", "url", "enum"};
static const char *const vocabulary_keys[] = {"model", "schema", "handler"};

static const cJSON *member(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

void fw__stacks_free(fw_stacks *s) {
  for (size_t i = 0; i < s->n; i++) {
    cJSON_Delete(s->list[i].doc);
    fw__regex_list_free(&s->list[i].detect);
  }
  fw_free(s->list);
  memset(s, 0, sizeof *s);
}

const fw_stack *fw__stack_find(const fw_stacks *s, const char *id) {
  for (size_t i = 0; id && i < s->n; i++) {
    if (strcmp(s->list[i].id, id) == 0) return &s->list[i];
  }
  return NULL;
}

static bool valid_id(const char *id) {
  if (!id[0] || strlen(id) > 40) return false;
  for (const char *c = id; *c; c++) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) return false;
  }
  return true;
}

/* One template: a string whose placeholders are all known. */
static fw_status check_template(const cJSON *v, const char *path, fw_error *err) {
  if (!cJSON_IsString(v)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected a string (\"\" for no snippet)");
  size_t n = 0;
  const char *bad = fw__template_unknown(v->valuestring, &n);
  if (bad)
    return fw__fail_path(err, FW_ERR_SCHEMA, path, "unknown placeholder {%.*s} (see docs/rules.md; {{%.*s}} writes it literally)",
                         (int)(n > 60 ? 60 : n), bad, (int)(n > 60 ? 60 : n), bad);
  return FW_OK;
}

/* An object of strings under one of the allowed keys (a stack's vocabulary, its types). */
static fw_status check_words(const cJSON *o, const char *path, const char *key, const char *const *allowed, size_t n,
                             const char *unknown, fw_error *err) {
  char p[256];
  snprintf(p, sizeof p, "%s.%s", path, key);
  if (o && !cJSON_IsObject(o)) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected an object");
  const cJSON *e;
  cJSON_ArrayForEach(e, o) {
    snprintf(p, sizeof p, "%s.%s.%s", path, key, e->string);
    bool known = false;
    for (size_t i = 0; i < n; i++) known |= strcmp(e->string, allowed[i]) == 0;
    if (!known) return fw__fail_path(err, FW_ERR_SCHEMA, p, "%s", unknown);
    if (!cJSON_IsString(e)) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a string");
  }
  return FW_OK;
}

/* A stack's entry as a pack gives it: every part optional (a user pack may add one lesson), each
 * checked; categories must exist in the rule set. */
static fw_status check_stack(const fw_rules *rules, const cJSON *pack_cats, const cJSON *s, const char *path,
                             fw_error *err) {
  char p[256];
  if (!cJSON_IsObject(s)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object");
  static const char *const strings[] = {"name", "language"};
  for (size_t i = 0; i < 2; i++) {
    const cJSON *v = member(s, strings[i]);
    snprintf(p, sizeof p, "%s.%s", path, strings[i]);
    if (v && !cJSON_IsString(v)) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a string");
  }
  fw_status st = check_words(member(s, "vocabulary"), path, "vocabulary", vocabulary_keys,
                             sizeof vocabulary_keys / sizeof *vocabulary_keys, "unknown word (expected model, schema or handler)", err);
  if (st == FW_OK)
    st = check_words(member(s, "types"), path, "types", type_names, sizeof type_names / sizeof *type_names,
                     "not a canonical type (docs/formats.md, \"Field types\")", err);
  if (st != FW_OK) return st;
  const cJSON *e, *lessons = member(s, "lessons");
  snprintf(p, sizeof p, "%s.lessons", path);
  if (lessons && !cJSON_IsObject(lessons)) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected an object");
  cJSON_ArrayForEach(e, lessons) {
    snprintf(p, sizeof p, "%s.lessons.%s", path, e->string);
    if (fw__category_find(rules, e->string) == (size_t)-1 && !member(pack_cats, e->string))
      return fw__fail_path(err, FW_ERR_SCHEMA, p, "unknown category (define it under \"categories\")");
    if (!cJSON_IsObject(e)) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected an object");
    const cJSON *na = member(e, "not_applicable");
    if (na) {
      if (!cJSON_IsString(na) || !na->valuestring[0])
        return fw__fail_path(err, FW_ERR_SCHEMA, p, "\"not_applicable\" needs the reason, a non-empty string");
      continue;
    }
    static const char *const parts[] = {"summary", "bad_code", "correct_code"};
    const cJSON *variant = member(e, "spec_required");
    if (variant && !cJSON_IsObject(variant))
      return fw__fail_path(err, FW_ERR_SCHEMA, p, "\"spec_required\" must be an object of the three templates");
    for (size_t i = 0; i < 6 && (i < 3 || variant); i++) {
      char pp[300];
      snprintf(pp, sizeof pp, i < 3 ? "%s.%s" : "%s.spec_required.%s", p, parts[i % 3]);
      st = check_template(member(i < 3 ? e : variant, parts[i % 3]), pp, err);
      if (st != FW_OK) return st;
    }
  }
  return FW_OK;
}

/* Merge `add` into `into`: lessons, types and vocabulary entry by entry, the rest replaced. */
static bool merge_stack(cJSON *into, const cJSON *add) {
  const cJSON *e;
  cJSON_ArrayForEach(e, add) {
    if (strcmp(e->string, "id") == 0) continue; /* the key it is filed under */
    cJSON *copy = cJSON_Duplicate(e, true);
    if (!copy) return false;
    cJSON *have = cJSON_GetObjectItemCaseSensitive(into, e->string);
    bool by_entry = cJSON_IsObject(e) && cJSON_IsObject(have) && strcmp(e->string, "detect") != 0;
    if (by_entry) {
      bool ok = merge_stack(have, copy);
      cJSON_Delete(copy);
      if (!ok) return false;
    } else if (have ? !cJSON_ReplaceItemInObjectCaseSensitive(into, e->string, copy)
                    : !cJSON_AddItemToObject(into, e->string, copy)) {
      cJSON_Delete(copy);
      return false;
    }
  }
  return true;
}

fw_status fw__stacks_check(const fw_rules *rules, const cJSON *section, const cJSON *pack_cats, fw_error *err) {
  if (!section) return FW_OK;
  if (!cJSON_IsObject(section)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.stacks", "expected an object of stacks");
  const cJSON *s;
  cJSON_ArrayForEach(s, section) {
    char path[160];
    snprintf(path, sizeof path, "$.stacks.%s", s->string);
    if (!valid_id(s->string)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "a stack id is lower-case letters, digits and '-'");
    fw_status st = check_stack(rules, pack_cats, s, path, err);
    if (st != FW_OK) return st;
    char dpath[200];
    snprintf(dpath, sizeof dpath, "%s.detect", path);
    fw_regex_list probe = {0};
    const cJSON *d = member(s, "detect");
    st = d ? fw__regex_list_parse(d, dpath, &probe, err) : FW_OK;
    fw__regex_list_free(&probe);
    if (st != FW_OK) return st;
  }
  return FW_OK;
}

fw_status fw__stacks_add(fw_rules *rules, const cJSON *section, fw_error *err) {
  if (!section) return FW_OK;
  if (!cJSON_IsObject(section)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.stacks", "expected an object of stacks");
  const cJSON *s;
  /* everything checked and compiled first: a failing pack changes nothing */
  size_t n = (size_t)cJSON_GetArraySize(section), k = 0;
  fw_regex_list *detect = fw_malloc(sizeof *detect * (n ? n : 1));
  if (!detect) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(detect, 0, sizeof *detect * (n ? n : 1));
  fw_status st = FW_OK;
  cJSON_ArrayForEach(s, section) {
    char path[160];
    snprintf(path, sizeof path, "$.stacks.%s", s->string);
    if (!valid_id(s->string)) st = fw__fail_path(err, FW_ERR_SCHEMA, path, "a stack id is lower-case letters, digits and '-'");
    if (st == FW_OK) st = check_stack(rules, NULL, s, path, err);
    char dpath[200];
    snprintf(dpath, sizeof dpath, "%s.detect", path);
    const cJSON *d = member(s, "detect");
    if (st == FW_OK && d) st = fw__regex_list_parse(d, dpath, &detect[k], err);
    k++;
    if (st != FW_OK) break;
  }
  fw_stack *grown = NULL;
  if (st == FW_OK && !(grown = fw__realloc(rules->stacks.list, sizeof *grown * (rules->stacks.n + n + 1))))
    st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (st != FW_OK) {
    for (size_t i = 0; i < n; i++) fw__regex_list_free(&detect[i]);
    fw_free(detect);
    return st;
  }
  rules->stacks.list = grown;
  k = 0;
  cJSON_ArrayForEach(s, section) {
    fw_stack *have = (fw_stack *)fw__stack_find(&rules->stacks, s->string);
    if (!have && st == FW_OK) {
      cJSON *doc = cJSON_CreateObject();
      if (!doc || !cJSON_AddStringToObject(doc, "id", s->string)) {
        cJSON_Delete(doc);
        st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
      } else {
        have = &rules->stacks.list[rules->stacks.n++];
        memset(have, 0, sizeof *have);
        have->doc = doc;
        have->id = member(doc, "id")->valuestring;
      }
    }
    if (st == FW_OK && !merge_stack(have->doc, s)) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
    if (st == FW_OK && detect[k].n) { /* a pack's detect list replaces the one before it */
      fw__regex_list_free(&have->detect);
      have->detect = detect[k];
      detect[k].n = 0;
      detect[k].re = NULL;
    }
    fw__regex_list_free(&detect[k]); /* not taken: out of memory */
    k++;
  }
  fw_free(detect);
  return st;
}

/* The lesson of category `name` in stack s: its three templates, or NULL when the stack has
 * none or says the category cannot occur there. */
static const cJSON *lesson_of(const fw_stack *s, const char *name) {
  const cJSON *l = s ? member(member(s->doc, "lessons"), name) : NULL;
  return l && !member(l, "not_applicable") ? l : NULL;
}

bool fw__stack_lesson(const fw_rules *rules, const char *stack, const fw_category *cat, bool spec_required,
                      const char **summary, const char **bad, const char **good) {
  bool variant = spec_required && cat && cat->spec_summary;
  *summary = cat ? (variant ? cat->spec_summary : cat->summary) : NULL;
  *bad = cat ? (variant ? cat->spec_bad_code : cat->bad_code) : NULL;
  *good = cat ? (variant ? cat->spec_correct_code : cat->correct_code) : NULL;
  if (!cat || !stack || strcmp(stack, FW_FASTAPI_STACK) == 0) return true;
  const cJSON *l = lesson_of(fw__stack_find(&rules->stacks, stack), cat->name);
  if (!l) l = lesson_of(fw__stack_find(&rules->stacks, FW_NEUTRAL_STACK), cat->name);
  if (!l) return false; /* no lesson in words either: the pack lacks one (tests keep it whole) */
  /* a field the spec requires: the lesson's spec_required variant, when it has one */
  if (spec_required && cJSON_IsObject(member(l, "spec_required"))) l = member(l, "spec_required");
  *summary = member(l, "summary")->valuestring;
  *bad = member(l, "bad_code")->valuestring;
  *good = member(l, "correct_code")->valuestring;
  return true;
}

const char *fw__stack_type(const fw_rules *rules, const char *stack, const char *ir_type) {
  const fw_stack *s = fw__stack_find(&rules->stacks, stack);
  const cJSON *t = s && ir_type ? member(member(s->doc, "types"), ir_type) : NULL;
  return cJSON_IsString(t) ? t->valuestring : NULL;
}

bool fw__stack_known(const fw_rules *rules, const char *stack) {
  return stack && (strcmp(stack, FW_FASTAPI_STACK) == 0 || fw__stack_find(&rules->stacks, stack) != NULL);
}

/* "fastapi-sqlalchemy, django, ..." for messages. */
static void stack_names(const fw_rules *rules, char *out, size_t cap) {
  size_t w = (size_t)snprintf(out, cap, "%s", FW_FASTAPI_STACK);
  for (size_t i = 0; i < rules->stacks.n && w < cap; i++) {
    if (strcmp(rules->stacks.list[i].id, FW_FASTAPI_STACK) == 0) continue;
    w += (size_t)snprintf(out + w, cap - w, ", %s", rules->stacks.list[i].id);
  }
}

fw_status fw__stack_check(const fw_rules *rules, const char *stack, fw_error *err) {
  if (!stack || fw__stack_known(rules, stack)) return FW_OK;
  char names[512];
  stack_names(rules, names, sizeof names);
  return fw__fail(err, FW_ERR_ARG, "unknown stack '%.60s' (known: %s)", stack, names);
}
