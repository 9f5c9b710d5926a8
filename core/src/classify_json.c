/*
 * classify_json.c - the classification as JSON: the public fw_classify() for one text and
 * fw_classify_record() for one JSON-lines record, whose output always echoes the record's id,
 * error or not, so a stream keeps its order and length.
 */
#include "antipattern_internal.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char *const epoch = "1970-01-01T00:00:00Z";

/* cJSON_AddItemToObject leaves the item to the caller when it fails. */
static void add_item(cJSON *o, const char *key, cJSON *item) {
  if (!cJSON_AddItemToObject(o, key, item)) cJSON_Delete(item);
}

static void add_string_or_null(cJSON *o, const char *key, const char *v) {
  if (v && *v) cJSON_AddStringToObject(o, key, v);
  else cJSON_AddNullToObject(o, key);
}

static cJSON *ir_object(const fw_ir_context *x) {
  cJSON *o = cJSON_CreateObject();
  add_string_or_null(o, "entity_name", x->entity);
  add_string_or_null(o, "field_name", x->field);
  add_string_or_null(o, "constraint_type", x->constraint_type);
  add_string_or_null(o, "relationship_type", x->relationship_type);
  add_string_or_null(o, "related_entity", x->ref_entity);
  add_string_or_null(o, "table", x->table);
  add_string_or_null(o, "schema", x->schema);
  add_string_or_null(o, "endpoint", x->endpoint);
  add_string_or_null(o, "endpoint_pattern", x->endpoint_pattern);
  cJSON_AddBoolToObject(o, "mapped", x->mapped);
  return o;
}

/* The GenerationAntiPattern of this classification (every field of the seed design). */
cJSON *fw__antipattern_object(const fw_classification *c, const fw_rules *rules,
                              const char *pattern_id, const char *now) {
  const fw_category *cat = c->category == (size_t)-1 ? NULL : &rules->categories[c->category];
  size_t unknown = fw__category_find(rules, "unknown");
  if (!cat && unknown != (size_t)-1) cat = &rules->categories[unknown];
  cJSON *o = cJSON_CreateObject();
  char field_pattern[300];
  fw__field_pattern(c, field_pattern, sizeof field_pattern);
  const char *cls = strrchr(c->exception_class, '.');
  cls = cls ? cls + 1 : c->exception_class;
  cJSON_AddStringToObject(o, "pattern_id", pattern_id);
  cJSON_AddStringToObject(o, "error_type", cat ? cat->error_type : "unknown");
  cJSON_AddStringToObject(o, "category", c->category == (size_t)-1 ? "unknown" : cat->name);
  cJSON_AddStringToObject(o, "exception_class", cls);
  cJSON_AddStringToObject(o, "error_message_pattern", c->message_pattern);
  cJSON_AddStringToObject(o, "message_template", c->message_template);
  cJSON_AddStringToObject(o, "entity_pattern", c->ir.entity[0] ? c->ir.entity : "*");
  cJSON_AddStringToObject(o, "endpoint_pattern",
                          c->ir.endpoint_pattern[0] ? c->ir.endpoint_pattern : "*");
  cJSON_AddStringToObject(o, "field_pattern", field_pattern);
  char *summary = cat ? fw__render_template(c, rules, cat->summary) : NULL;
  char *bad = cat ? fw__render_template(c, rules, cat->bad_code) : NULL;
  char *good = cat ? fw__render_template(c, rules, cat->correct_code) : NULL;
  cJSON_AddStringToObject(o, "remediation", summary ? summary : "");
  cJSON_AddStringToObject(o, "bad_code_snippet", bad ? bad : "");
  cJSON_AddStringToObject(o, "correct_code_snippet", good ? good : "");
  fw_free(summary);
  fw_free(bad);
  fw_free(good);
  cJSON_AddNumberToObject(o, "occurrence_count", 1);
  cJSON_AddNumberToObject(o, "times_prevented", 0);
  cJSON_AddNumberToObject(o, "prevention_rate", 0);
  cJSON_AddStringToObject(o, "first_seen", now);
  cJSON_AddStringToObject(o, "last_seen", now);
  cJSON_AddNumberToObject(o, "signature_version", FW_SIGNATURE_VERSION);
  return o;
}

/* Fill `o` with the classification fields (after any "id" the caller added). */
static void classification_fields(cJSON *o, const fw_classification *c, const fw_rules *rules,
                                  const fw_classify_options *opts) {
  const fw_category *cat = c->category == (size_t)-1 ? NULL : &rules->categories[c->category];
  cJSON_AddStringToObject(o, "error_type", cat ? cat->error_type : "unknown");
  cJSON_AddStringToObject(o, "category", cat ? cat->name : "unknown");
  add_string_or_null(o, "rule_id", c->rule_id);
  add_string_or_null(o, "exception_class", c->exception_class);
  add_string_or_null(o, "inner_exception_class", c->inner_exception_class);
  cJSON_AddStringToObject(o, "message", c->message);
  cJSON_AddStringToObject(o, "message_template", c->message_template);
  cJSON *ctx = cJSON_AddObjectToObject(o, "context");
  for (int k = 0; k < FW_CONTEXT_KEY_COUNT; k++) {
    if (c->context[k]) cJSON_AddStringToObject(ctx, fw__context_keys[k], c->context[k]);
  }
  if (opts && opts->ir) add_item(o, "ir", ir_object(&c->ir));
  char id[32];
  fw__pattern_id(c, rules, id);
  cJSON_AddStringToObject(o, "pattern_id", id);
  const char *now = opts && opts->now ? opts->now : epoch;
  add_item(o, "anti_pattern", fw__antipattern_object(c, rules, id, now));
}

static fw_status print(cJSON *o, char **out_json, fw_error *err) {
  *out_json = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return *out_json ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

fw_status fw_classify(fw_classifier *cl, const char *text, size_t len,
                      const fw_classify_options *opts, char **out_json, fw_error *err) {
  if (!cl || !out_json) return fw__fail(err, FW_ERR_ARG, "classifier and out_json are required");
  *out_json = NULL;
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
  classification_fields(o, &c, cl->rules, opts);
  fw__classification_clear(&c);
  return print(o, out_json, err);
}

static fw_status error_record(cJSON *o, fw_status st, const fw_error *e, char **out_json,
                              fw_error *err) {
  cJSON *eo = cJSON_AddObjectToObject(o, "error");
  cJSON_AddStringToObject(eo, "code", fw_status_name(st));
  cJSON_AddStringToObject(eo, "message", e->message);
  if (e->rule_id[0]) cJSON_AddStringToObject(eo, "rule_id", e->rule_id);
  fw_status pst = print(o, out_json, err);
  if (pst != FW_OK) return pst;
  if (err && err != e) *err = *e;
  return st;
}

fw_status fw_classify_record(fw_classifier *cl, const char *line, size_t len,
                             const fw_classify_options *opts, char **out_json, fw_error *err) {
  if (!cl || !line || !out_json) return fw__fail(err, FW_ERR_ARG, "classifier, line and out_json are required");
  *out_json = NULL;
  fw_error local;
  fw__error_clear(&local);
  cJSON *o = cJSON_CreateObject();
  if (!o) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (fw__utf8_invalid_at(line, len) != (size_t)-1) {
    cJSON_AddNullToObject(o, "id");
    fw__fail(&local, FW_ERR_UTF8, "record is not valid UTF-8");
    return error_record(o, FW_ERR_UTF8, &local, out_json, err);
  }
  cJSON *rec = cJSON_ParseWithLength(line, len);
  const cJSON *id = rec ? cJSON_GetObjectItemCaseSensitive(rec, "id") : NULL;
  add_item(o, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
  if (!rec || !cJSON_IsObject(rec)) {
    fw__fail(&local, FW_ERR_JSON, rec ? "record is not a JSON object" : "record is not valid JSON");
    cJSON_Delete(rec);
    return error_record(o, FW_ERR_JSON, &local, out_json, err);
  }
  const cJSON *text = cJSON_GetObjectItemCaseSensitive(rec, "text");
  if (!cJSON_IsString(text)) {
    fw__fail_path(&local, FW_ERR_SCHEMA, "$.text", "expected a string");
    cJSON_Delete(rec);
    return error_record(o, FW_ERR_SCHEMA, &local, out_json, err);
  }
  fw_classify_options local_opts = opts ? *opts : (fw_classify_options){0};
  const cJSON *endpoint = cJSON_GetObjectItemCaseSensitive(rec, "endpoint");
  if (cJSON_IsString(endpoint)) local_opts.endpoint = endpoint->valuestring;
  fw_classification c;
  fw_status st = fw__classify(cl, text->valuestring, strlen(text->valuestring), &local_opts, &c,
                              &local);
  if (st != FW_OK) {
    fw__classification_clear(&c);
    cJSON_Delete(rec);
    return error_record(o, st, &local, out_json, err);
  }
  classification_fields(o, &c, cl->rules, &local_opts);
  fw__classification_clear(&c);
  cJSON_Delete(rec);
  return print(o, out_json, err);
}
