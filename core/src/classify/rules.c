/*
 * rules.c - loads rule packs (JSON) and compiles them with PCRE2. The built-in pack is compiled
 * into the binary; user packs are added in front of it, so their rules win. Every failure names
 * the rule and the reason, and nothing is added from a pack that fails.
 */
#include "antipattern_internal.h"
#include "literals.h"
#include "json_in.h"
#include "normalize_internal.h"
#include "stacks.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#if FW_EMBED_RULES
extern const unsigned char fw__default_rules[];
extern const size_t fw__default_rules_len;
#endif

/* The built-in pack: embedded in native builds; the WASM module is built without it (it would be
 * a sixth of the module) and its loader hands the same core/rules/default.json over once. */
static const char *builtin_pack;
static size_t builtin_pack_len;

void fw_set_builtin_rules(const char *json, size_t len) {
  builtin_pack = json;
  builtin_pack_len = len;
}

const char *const fw__context_keys[FW_CONTEXT_KEY_COUNT] = {
    "table", "column", "constraint", "field", "loc", "module", "name", "attribute", "object_type",
    "value"};

/* Named groups a rule may use besides context keys: hints for mapping onto the IR. */
static const char *const hint_names[] = {"model", "method", "path", "status", "expected",
                                         "actual", "length"};

int fw__context_key_index(const char *name, size_t len) {
  for (int i = 0; i < FW_CONTEXT_KEY_COUNT; i++) {
    if (strlen(fw__context_keys[i]) == len && memcmp(fw__context_keys[i], name, len) == 0) return i;
  }
  return -1;
}

static bool is_hint_name(const char *name) {
  for (size_t i = 0; i < sizeof hint_names / sizeof *hint_names; i++) {
    if (strcmp(hint_names[i], name) == 0) return true;
  }
  return false;
}

/* Every named group must be a context key or a hint, so a typo in a user pack is an error
 * instead of a silently empty context. */
static fw_status check_group_names(pcre2_code *re, const char *rule_id, fw_error *err) {
  uint32_t count = 0, entry = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < count; i++) {
    const char *name = (const char *)(table + i * entry + 2);
    if (fw__context_key_index(name, strlen(name)) < 0 && !is_hint_name(name)) {
      fw__fail(err, FW_ERR_RULE_COMPILE,
               "rule '%s': named group '%s' is not a context key (table, column, constraint, "
               "field, loc, module, name, attribute, object_type, value) or a hint (model, "
               "method, path, status, expected, actual)",
               rule_id, name);
      fw__set_rule(err, rule_id);
      return FW_ERR_RULE_COMPILE;
    }
  }
  return FW_OK;
}

size_t fw__category_find(const fw_rules *rules, const char *name) {
  for (size_t i = 0; i < rules->ncategories; i++) {
    if (strcmp(rules->categories[i].name, name) == 0) return i;
  }
  return (size_t)-1;
}

static void category_clear(fw_category *c) {
  fw_free(c->name);
  fw_free(c->error_type);
  fw_free(c->constraint);
  fw_free(c->summary);
  fw_free(c->bad_code);
  fw_free(c->correct_code);
  fw_free(c->spec_summary);
  fw_free(c->spec_bad_code);
  fw_free(c->spec_correct_code);
  memset(c, 0, sizeof *c);
}

static void rule_clear(fw_rule *r) {
  fw_free(r->id);
  for (size_t i = 0; i < r->nrequires; i++) fw_free(r->requires[i]);
  fw_free(r->requires);
  fw_free(r->requires_len);
  pcre2_code_free(r->message);
  pcre2_code_free(r->exception);
  memset(r, 0, sizeof *r);
}

static const char *string_member(const cJSON *obj, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A category's optional "spec_required": its three templates for a field the spec requires
 * (a lesson that never contradicts the spec it was classified against). */
static fw_status parse_spec_variant(const cJSON *c, const char *path, fw_category *cat, fw_error *err) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "spec_required");
  if (!v) return FW_OK;
  char p[200];
  snprintf(p, sizeof p, "%s.spec_required", path);
  if (!cJSON_IsObject(v)) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected an object");
  const char *parts[] = {"summary", "bad_code", "correct_code"};
  char **slots[] = {&cat->spec_summary, &cat->spec_bad_code, &cat->spec_correct_code};
  for (size_t f = 0; f < 3; f++) {
    const char *s = string_member(v, parts[f]);
    size_t n = 0;
    const char *bad = s ? fw__template_unknown(s, &n) : NULL;
    if (!s) return fw__fail_path(err, FW_ERR_SCHEMA, p, "expected a string member \"%s\"", parts[f]);
    if (bad)
      return fw__fail_path(err, FW_ERR_SCHEMA, p, "%s: unknown placeholder {%.*s}", parts[f], (int)(n > 60 ? 60 : n), bad);
    if (!(*slots[f] = fw__strdup(s))) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  return FW_OK;
}

static fw_status parse_categories(const cJSON *cats, fw_category **out, size_t *nout,
                                  fw_error *err) {
  *out = NULL;
  *nout = 0;
  if (!cats) return FW_OK;
  if (!cJSON_IsObject(cats))
    return fw__fail_path(err, FW_ERR_SCHEMA, "$.categories", "expected an object");
  size_t n = (size_t)cJSON_GetArraySize(cats), i = 0;
  fw_category *list = fw_malloc(sizeof *list * (n ? n : 1));
  if (!list) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(list, 0, sizeof *list * (n ? n : 1));
  const cJSON *c;
  cJSON_ArrayForEach(c, cats) {
    char path[160];
    snprintf(path, sizeof path, "$.categories.%s", c->string);
    if (!cJSON_IsObject(c)) {
      for (size_t k = 0; k < i; k++) category_clear(&list[k]);
      fw_free(list);
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object");
    }
    const char *fields[] = {"error_type", "constraint", "summary", "bad_code", "correct_code"};
    char **slots[] = {&list[i].error_type, &list[i].constraint, &list[i].summary,
                      &list[i].bad_code, &list[i].correct_code};
    list[i].name = fw__strdup(c->string);
    bool nomem = !list[i].name;
    for (size_t f = 0; f < 5; f++) {
      const char *s = string_member(c, fields[f]);
      if (!s || nomem) {
        for (size_t k = 0; k <= i; k++) category_clear(&list[k]);
        fw_free(list);
        if (nomem) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
        return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected a string member \"%s\"",
                             fields[f]);
      }
      size_t bad_len = 0;
      const char *bad = f >= 2 ? fw__template_unknown(s, &bad_len) : NULL;
      if (bad) {
        for (size_t k = 0; k <= i; k++) category_clear(&list[k]);
        fw_free(list);
        char p2[200];
        snprintf(p2, sizeof p2, "%s.%s", path, fields[f]);
        return fw__fail_path(err, FW_ERR_SCHEMA, p2,
                             "unknown placeholder {%.*s} (see docs/rules.md; {{%.*s}} writes it literally)",
                             (int)(bad_len > 60 ? 60 : bad_len), bad, (int)(bad_len > 60 ? 60 : bad_len), bad);
      }
      *slots[f] = fw__strdup(s);
      nomem = !*slots[f];
    }
    fw_status variant = nomem ? FW_ERR_NOMEM : parse_spec_variant(c, path, &list[i], err);
    if (nomem || variant != FW_OK) {
      for (size_t k = 0; k <= i; k++) category_clear(&list[k]);
      fw_free(list);
      return nomem ? fw__fail(err, FW_ERR_NOMEM, "out of memory") : variant;
    }
    i++;
  }
  *out = list;
  *nout = n;
  return FW_OK;
}

static fw_status compile_member(const cJSON *r, const char *key, const char *rule_id,
                                pcre2_code **out, fw_error *err) {
  *out = NULL;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
  if (!v) return FW_OK;
  if (!cJSON_IsString(v)) {
    fw__fail(err, FW_ERR_SCHEMA, "rule '%s': \"%s\" must be a regex string", rule_id, key);
    fw__set_rule(err, rule_id);
    return FW_ERR_SCHEMA;
  }
  char what[160];
  snprintf(what, sizeof what, "rule '%s' %s", rule_id, key);
  *out = fw__regex_compile(v->valuestring, err, what);
  if (!*out) {
    fw__set_rule(err, rule_id);
    return FW_ERR_RULE_COMPILE;
  }
  return check_group_names(*out, rule_id, err);
}

/* "requires": a literal or an array of literals (any one must occur). */
static fw_status parse_requires(const cJSON *r, fw_rule *rule, const char *path, fw_error *err) {
  const cJSON *req = cJSON_GetObjectItemCaseSensitive(r, "requires");
  if (!req) return FW_OK;
  bool single = cJSON_IsString(req);
  size_t n = single ? 1 : cJSON_IsArray(req) ? (size_t)cJSON_GetArraySize(req) : 0;
  if (n == 0) {
    fw__set_rule(err, rule->id);
    return fw__fail_path(err, FW_ERR_SCHEMA, path,
                         "rule '%s': \"requires\" must be a string or a non-empty array of strings",
                         rule->id);
  }
  rule->requires = fw_malloc(sizeof *rule->requires * n);
  rule->requires_len = fw_malloc(sizeof *rule->requires_len * n);
  if (!rule->requires || !rule->requires_len) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  const cJSON *item = single ? req : req->child;
  for (; item && rule->nrequires < n; item = single ? NULL : item->next) {
    if (!cJSON_IsString(item) || !item->valuestring[0]) {
      fw__set_rule(err, rule->id);
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "rule '%s': \"requires\" entries must be non-empty strings", rule->id);
    }
    char *copy = fw__strdup(item->valuestring);
    if (!copy) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    rule->requires_len[rule->nrequires] = strlen(copy);
    rule->requires[rule->nrequires++] = copy;
  }
  return FW_OK;
}

/* A rule without "requires" whose message regex opens with a literal run (e.g. "NOT NULL
 * constraint failed: ...") gets that run as its prefilter: a memchr-based search is far cheaper
 * than entering pcre2_match for each of ~100 rules on each block. Stops at the first regex
 * metacharacter or escape; a quantifier after the run takes its last character away. Patterns
 * opening with a group (inline options, alternatives) or with a top-level '|' are left alone. */
static bool top_level_alternation(const char *p) {
  int depth = 0;
  bool in_class = false;
  for (; *p; p++) {
    if (*p == '\\') {
      if (p[1]) p++;
    } else if (in_class) {
      in_class = *p != ']';
    } else if (*p == '[') {
      in_class = true;
    } else if (*p == '(') {
      depth++;
    } else if (*p == ')') {
      depth--;
    } else if (*p == '|' && depth == 0) {
      return true;
    }
  }
  return false;
}

static fw_status implicit_requires(const char *pattern, fw_rule *rule, fw_error *err) {
  if (rule->nrequires || !pattern || pattern[0] == '(' || top_level_alternation(pattern))
    return FW_OK;
  size_t n = 0;
  while (pattern[n] && !strchr("\\^$.|?*+()[]{}", pattern[n])) n++;
  if (pattern[n] == '?' || pattern[n] == '*' || pattern[n] == '{') n = n ? n - 1 : 0;
  if (n < 4) return FW_OK;
  rule->requires = fw_malloc(sizeof *rule->requires);
  rule->requires_len = fw_malloc(sizeof *rule->requires_len);
  char *copy = fw__strndup(pattern, n);
  if (!rule->requires || !rule->requires_len || !copy) {
    fw_free(copy);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  rule->requires[0] = copy;
  rule->requires_len[0] = n;
  rule->nrequires = 1;
  return FW_OK;
}

/* Compile the pack's rules against the category list they will live with. */
static fw_status parse_rules(const cJSON *arr, const fw_rules *rules, const fw_category *extra,
                             size_t nextra, fw_rule **out, size_t *nout, fw_error *err) {
  *out = NULL;
  *nout = 0;
  if (!cJSON_IsArray(arr)) return fw__fail_path(err, FW_ERR_SCHEMA, "$.rules", "expected an array");
  size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
  fw_rule *list = fw_malloc(sizeof *list * (n ? n : 1));
  if (!list) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(list, 0, sizeof *list * (n ? n : 1));
  fw_status st = FW_OK;
  const cJSON *r;
  cJSON_ArrayForEach(r, arr) {
    char path[64];
    snprintf(path, sizeof path, "$.rules[%zu]", i);
    const char *id = string_member(r, "id");
    const char *cat = string_member(r, "category");
    if (!cJSON_IsObject(r) || !id || !*id) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object with a string \"id\"");
      break;
    }
    if (!cat) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, path, "rule '%s': expected a string \"category\"", id);
      fw__set_rule(err, id);
      break;
    }
    size_t ci = fw__category_find(rules, cat);
    if (ci == (size_t)-1) {
      for (size_t k = 0; k < nextra; k++) {
        if (strcmp(extra[k].name, cat) == 0) ci = rules->ncategories + k;
      }
    }
    if (ci == (size_t)-1) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, path,
                         "rule '%s': unknown category '%s' (define it under \"categories\")", id,
                         cat);
      fw__set_rule(err, id);
      break;
    }
    list[i].id = fw__strdup(id);
    list[i].category = ci;
    if (!list[i].id) {
      st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
      break;
    }
    const char *scope = string_member(r, "scope");
    list[i].scope = !scope                        ? FW_SCOPE_ANY
                    : strcmp(scope, "message") == 0 ? FW_SCOPE_MESSAGE
                    : strcmp(scope, "text") == 0    ? FW_SCOPE_TEXT
                                                    : (fw_scope)-1;
    if (list[i].scope == (fw_scope)-1) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, path,
                         "rule '%s': \"scope\" must be \"message\" or \"text\"", id);
      break;
    }
    i++;
    if ((st = parse_requires(r, &list[i - 1], path, err)) != FW_OK) break;
    if ((st = compile_member(r, "message", id, &list[i - 1].message, err)) != FW_OK) break;
    if ((st = implicit_requires(string_member(r, "message"), &list[i - 1], err)) != FW_OK) break;
    if ((st = compile_member(r, "exception", id, &list[i - 1].exception, err)) != FW_OK) break;
    if (!list[i - 1].message && !list[i - 1].exception) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, path,
                         "rule '%s': needs a \"message\" or an \"exception\" regex", id);
      fw__set_rule(err, id);
      break;
    }
  }
  if (st != FW_OK) {
    for (size_t k = 0; k < i; k++) rule_clear(&list[k]);
    fw_free(list);
    return st;
  }
  *out = list;
  *nout = n;
  return FW_OK;
}

static fw_status rebuild_prefix(fw_rules *rules, fw_error *err) {
  pcre2_code_free(rules->log_prefix);
  rules->log_prefix = NULL;
  if (!rules->nprefix) return FW_OK;
  fw_buf b;
  fw_buf_init(&b);
  fw_buf_puts(&b, "(?m)^(?:");
  for (size_t i = 0; i < rules->nprefix; i++) {
    if (i) fw_buf_putc(&b, '|');
    fw_buf_printf(&b, "(?:%s)", rules->prefix_sources[i]);
  }
  fw_buf_putc(&b, ')');
  if (b.failed) {
    fw_buf_free(&b);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  rules->log_prefix = fw__regex_compile(b.data, err, "log_prefixes");
  fw_buf_free(&b);
  return rules->log_prefix ? FW_OK : FW_ERR_RULE_COMPILE;
}

/* Add a parsed pack. Everything is compiled first and only then spliced in, so a failing pack
 * leaves the rule set as it was. */
static fw_status add_pack(fw_rules *rules, const cJSON *pack, fw_error *err) {
  if (!cJSON_IsObject(pack)) return fw__fail_path(err, FW_ERR_SCHEMA, "$", "expected an object");
  const cJSON *fv = cJSON_GetObjectItemCaseSensitive(pack, "format_version");
  if (!cJSON_IsNumber(fv) || fv->valueint != FW_RULES_FORMAT_VERSION)
    return fw__fail_path(err, FW_ERR_SCHEMA, "$.format_version", "expected %d",
                         FW_RULES_FORMAT_VERSION);
  fw_category *cats = NULL;
  size_t ncats = 0;
  fw_status st = parse_categories(cJSON_GetObjectItemCaseSensitive(pack, "categories"), &cats,
                                  &ncats, err);
  if (st != FW_OK) return st;
  /* New categories are appended; a category the set already has is overridden in place. */
  fw_category *fresh = fw_malloc(sizeof *fresh * (ncats ? ncats : 1));
  size_t nfresh = 0;
  if (!fresh) {
    for (size_t k = 0; k < ncats; k++) category_clear(&cats[k]);
    fw_free(cats);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  for (size_t k = 0; k < ncats; k++) {
    if (fw__category_find(rules, cats[k].name) == (size_t)-1) fresh[nfresh++] = cats[k];
  }
  fw_rule *list = NULL;
  size_t n = 0;
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(pack, "rules");
  st = arr ? parse_rules(arr, rules, fresh, nfresh, &list, &n, err) : FW_OK;
  fw_regex_list sql = {0}, hints = {0}, items = {0};
  const cJSON *sqlj = cJSON_GetObjectItemCaseSensitive(pack, "sql_table");
  if (st == FW_OK && sqlj) st = fw__regex_list_parse(sqlj, "$.sql_table", &sql, err);
  const cJSON *hj = cJSON_GetObjectItemCaseSensitive(pack, "hints");
  if (st == FW_OK && hj) st = fw__regex_list_parse(hj, "$.hints", &hints, err);
  const cJSON *ij = cJSON_GetObjectItemCaseSensitive(pack, "items");
  if (st == FW_OK && ij) st = fw__regex_list_parse(ij, "$.items", &items, err);
  const cJSON *sj = cJSON_GetObjectItemCaseSensitive(pack, "stacks");
  if (st == FW_OK && sj) st = fw__stacks_check(rules, sj, cJSON_GetObjectItemCaseSensitive(pack, "categories"), err);
  fw_redactions redact = {0};
  const cJSON *rj = cJSON_GetObjectItemCaseSensitive(pack, "redact");
  if (st == FW_OK && rj) st = fw__redactions_parse(rj, &redact, err);
  const cJSON *pj = cJSON_GetObjectItemCaseSensitive(pack, "log_prefixes");
  size_t nprefix_new = 0;
  if (st == FW_OK && pj) {
    if (!cJSON_IsArray(pj)) st = fw__fail_path(err, FW_ERR_SCHEMA, "$.log_prefixes", "expected an array");
    const cJSON *p;
    if (st == FW_OK) cJSON_ArrayForEach(p, pj) {
      if (!cJSON_IsString(p)) {
        st = fw__fail_path(err, FW_ERR_SCHEMA, "$.log_prefixes", "expected regex strings");
        break;
      }
      pcre2_code *probe = fw__regex_compile(p->valuestring, err, "log_prefixes");
      if (!probe) {
        st = FW_ERR_RULE_COMPILE;
        break;
      }
      pcre2_code_free(probe);
      nprefix_new++;
    }
  }
  fw_rule *merged = NULL;
  fw_category *mcats = NULL;
  char **mprefix = NULL;
  if (st == FW_OK) {
    merged = fw_malloc(sizeof *merged * (rules->nrules + n + 1));
    mcats = fw_malloc(sizeof *mcats * (rules->ncategories + nfresh + 1));
    mprefix = fw_malloc(sizeof *mprefix * (rules->nprefix + nprefix_new + 1));
    if (!merged || !mcats || !mprefix) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
    /* the pack's redactions go first (they are the only part that cannot be rolled back
     * cheaply, so they are merged before anything else commits) */
    if (st == FW_OK && !fw__redactions_prepend(&rules->redactions, &redact))
      st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  if (st != FW_OK) {
    fw_free(merged);
    fw_free(mcats);
    fw_free(mprefix);
    for (size_t k = 0; k < n; k++) rule_clear(&list[k]);
    fw_free(list);
    for (size_t k = 0; k < ncats; k++) category_clear(&cats[k]);
    fw_free(cats);
    fw_free(fresh);
    fw__regex_list_free(&sql);
    fw__regex_list_free(&hints);
    fw__regex_list_free(&items);
    fw__redactions_free(&redact);
    return st;
  }
  /* Commit: new rules first (they take precedence), then the existing ones. */
  if (n) memcpy(merged, list, sizeof *list * n);
  if (rules->nrules) memcpy(merged + n, rules->rules, sizeof *merged * rules->nrules);
  fw_free(rules->rules);
  fw_free(list);
  rules->rules = merged;
  rules->nrules += n;
  if (rules->ncategories) memcpy(mcats, rules->categories, sizeof *mcats * rules->ncategories);
  /* an override replaces the entry in the new array (the old array shares its strings, so it
   * must not be searched once an entry is cleared) */
  for (size_t k = 0; k < ncats; k++) {
    for (size_t at = 0; at < rules->ncategories; at++) {
      if (strcmp(mcats[at].name, cats[k].name) == 0) {
        category_clear(&mcats[at]);
        mcats[at] = cats[k];
        break;
      }
    }
  }
  if (nfresh) memcpy(mcats + rules->ncategories, fresh, sizeof *fresh * nfresh);
  fw_free(rules->categories);
  rules->categories = mcats;
  rules->ncategories += nfresh;
  fw_free(fresh);
  fw_free(cats);
  if (sqlj) {
    fw__regex_list_free(&rules->sql_table);
    rules->sql_table = sql;
  }
  if (hj) { /* a pack's list replaces the one before it */
    fw__regex_list_free(&rules->hints);
    rules->hints = hints;
  }
  if (ij) {
    fw__regex_list_free(&rules->items);
    rules->items = items;
  }
  if (rules->nprefix) memcpy(mprefix, rules->prefix_sources, sizeof *mprefix * rules->nprefix);
  fw_free(rules->prefix_sources);
  rules->prefix_sources = mprefix;
  const cJSON *p;
  if (nprefix_new) cJSON_ArrayForEach(p, pj) {
    char *copy = fw__strdup(p->valuestring);
    if (!copy) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    rules->prefix_sources[rules->nprefix++] = copy;
  }
  st = nprefix_new ? rebuild_prefix(rules, err) : FW_OK;
  /* checked above: only running out of memory can fail here */
  if (st == FW_OK && sj) st = fw__stacks_add(rules, sj, err);
  return st;
}

fw_status fw_rules_add_pack(fw_rules *rules, const char *json, size_t len, fw_error *err) {
  if (!rules || !json) return fw__fail(err, FW_ERR_ARG, "rules and json are required");
  cJSON *pack;
  fw_status st = fw__json_parse_input(json, len, "rule pack", &pack, err);
  if (st != FW_OK) return st;
  st = add_pack(rules, pack, err);
  cJSON_Delete(pack);
  if (st == FW_OK) { /* the rule indices changed; without an index (no memory) rules still work */
    fw__literals_free(rules->literals);
    rules->literals = fw__literals_new(rules);
  }
  return st;
}

/* The traceback parser's pattern: "Class: message" lines, "(module.Class) message" lines and
 * "Class [Name]: message" (Node's inspect). Which hits count is decided in traceback.c, which
 * also relies on its shape to skip hopeless start positions: the first form opens a line, and
 * between the start of the second and its ':' there are only name characters, '.', '[', ']'
 * and blanks. */
static const char *const exception_line_pattern =
    "(?m)(?|^[ \\t]*\\(((?:[A-Za-z_]\\w*\\.)+[A-Za-z_]\\w*)\\)()[ \\t]+([^\\n]*)"
    "|(?<![\\w.\\-])((?>[A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*))(?:[ \\t]*\\[([A-Za-z_][\\w.]*)\\])?:"
    "(?:(?![:/\\\\\\w])[ \\t]*|(?=[A-Za-z]))([^\\n]*))";

/* Masks of the message template, in Sentry's order (most specific first). The MARK names the
 * placeholder. Two compiled forms: the full one, and a lite one without the email, URL and
 * drive-letter alternatives for messages with no '@', ":/" or ":\\" (they cannot match there),
 * which spares trying them at every letter of most messages. Both give the same template. */
#define NORM_WORD_MASKS                                                                            \
  "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b(*MARK:uuid)"     \
  "|\\d{4}-\\d\\d-\\d\\d(?:[T ]\\d\\d:\\d\\d(?::\\d\\d(?:[.,]\\d+)?)?(?:Z|[+-]\\d\\d:?\\d\\d)?)?\\b(*MARK:date)" \
  "|\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?\\b(*MARK:time)"                                            \
  "|\\d{1,3}(?:\\.\\d{1,3}){3}\\b(*MARK:ip)"                                                     \
  "|0x[0-9a-fA-F]+\\b(*MARK:hex)"                                                                 \
  "|[0-9a-fA-F]{12,}\\b(*MARK:hex)"
/* the redactor's placeholders (redact.h) stand for a value as the masks do: <email> is the
 * template an address had before it was redacted, and any secret matches \S+ again;
 * a quoted value: not an apostrophe inside a word, and no quote of the other kind inside (that
 * is a quoted message, whose own values are masked one by one) */
#define NORM_TAIL_MASKS                                                                            \
  "<(?:(*MARK:email)email|(*MARK:password)password|(*MARK:token)token|(*MARK:jwt)jwt"              \
  "|(*MARK:api_key)api_key|(*MARK:cookie)cookie|(*MARK:secret)secret"                             \
  "|(*MARK:private_key)private_key)>"                                                             \
  "|(?:[\\\\/][\\w.@-]+){2,}[\\\\/]?(*MARK:path)"                                                  \
  "|(?<!\\w)'(?:[^'\"\\\\\\n]|\\\\.)*'(*MARK:str)"                                                   \
  "|(?<!\\w)\"(?:[^\"'\\\\\\n]|\\\\.)*\"(*MARK:str)"                                                 \
  "|`[^`\\n]*`(*MARK:str)"                                                                         \
  "|(?<![\\w.])-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?(?![\\w])(*MARK:num)"

const char *const fw__normalizer_pattern =
    "(?|[\\w.+-]+@[\\w-]+\\.[\\w.-]+(*MARK:email)"
    "|(?<!\\w)(?|[a-z][a-z0-9+.-]*://[^\\s'\"<>)]*[^\\s'\"<>),.;:](*MARK:url)|" NORM_WORD_MASKS ")"
    "|(?:[A-Za-z]:)?" NORM_TAIL_MASKS ")";

/* The lite form opens with a guard that changes no match: after a word character only a path
 * or a backtick can start one (every other mask wants no word character before it), so a letter
 * inside a word is rejected at once instead of by each alternative in turn. */
static const char *const normalizer_lite_pattern =
    "(?:(?<!\\w)|(?=[\\\\/`]))(?|(?<!\\w)(?|" NORM_WORD_MASKS ")|" NORM_TAIL_MASKS ")";

fw_status fw_rules_new(fw_rules **out, fw_error *err) {
  if (!out) return fw__fail(err, FW_ERR_ARG, "out is required");
  *out = NULL;
  fw_rules *rules = fw_malloc(sizeof *rules);
  if (!rules) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  memset(rules, 0, sizeof *rules);
  /* traceback.c bounds where each try may start (pcre2_set_offset_limit) */
  rules->exception_line = fw__regex_compile_with(exception_line_pattern, PCRE2_USE_OFFSET_LIMIT,
                                                 err, "exception_line");
  rules->normalizer = fw__regex_compile(fw__normalizer_pattern, err, "normalizer");
  rules->normalizer_lite = fw__regex_compile(normalizer_lite_pattern, err, "normalizer");
  fw_status st = (rules->exception_line && rules->normalizer && rules->normalizer_lite)
                     ? FW_OK
                     : FW_ERR_RULE_COMPILE;
  const char *pack = builtin_pack;
  size_t pack_len = builtin_pack_len;
#if FW_EMBED_RULES
  if (!pack) {
    pack = (const char *)fw__default_rules;
    pack_len = fw__default_rules_len;
  }
#endif
  if (st == FW_OK && !pack)
    st = fw__fail(err, FW_ERR_ARG, "the built-in rule pack is not loaded (this build does not embed it)");
  if (st == FW_OK) st = fw_rules_add_pack(rules, pack, pack_len, err);
  if (st != FW_OK) {
    fw_rules_free(rules);
    return st;
  }
  *out = rules;
  return FW_OK;
}

size_t fw_rules_count(const fw_rules *rules) { return rules ? rules->nrules : 0; }

void fw_rules_free(fw_rules *rules) {
  if (!rules) return;
  for (size_t i = 0; i < rules->nrules; i++) rule_clear(&rules->rules[i]);
  fw_free(rules->rules);
  for (size_t i = 0; i < rules->ncategories; i++) category_clear(&rules->categories[i]);
  fw_free(rules->categories);
  for (size_t i = 0; i < rules->nprefix; i++) fw_free(rules->prefix_sources[i]);
  fw_free(rules->prefix_sources);
  pcre2_code_free(rules->log_prefix);
  fw__regex_list_free(&rules->sql_table);
  fw__regex_list_free(&rules->hints);
  fw__regex_list_free(&rules->items);
  fw__redactions_free(&rules->redactions);
  fw__stacks_free(&rules->stacks);
  pcre2_code_free(rules->exception_line);
  pcre2_code_free(rules->normalizer);
  pcre2_code_free(rules->normalizer_lite);
  fw__literals_free(rules->literals);
  fw_free(rules);
}
