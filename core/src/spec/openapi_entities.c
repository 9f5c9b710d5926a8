/*
 * openapi_entities.c - entities from an OpenAPI document's component schemas. The variants an API
 * writes for one model (BookCreate, BookUpdate, BookRead, PatchedBookRequest, CreateBookDto) are
 * merged into one entity whose fields are the union of theirs; a field is nullable when a variant
 * says so (3.0 "nullable", 3.1 a "null" type) or when no variant but an update one requires it.
 * Rules and an example: docs/formats.md ("OpenAPI as the spec").
 */
#include "ir_internal.h"
#include "openapi_internal.h"

#include <stdio.h>
#include <string.h>

/* What a variant's name says about it; fields merge in this order (a read or base schema's
 * description of a field is the most complete). */
enum { RANK_BASE, RANK_READ, RANK_CREATE, RANK_UPDATE, RANK_COUNT };

typedef struct fw_openapi_entity {
  cJSON *json, *fields;
  fw_strmap by_field;      /* field name -> index in aux (keys: the fields' own name strings) */
  struct field_aux {
    cJSON *field;
    bool explicit_nullable, required, has_default;
    const char *ref_schema; /* the field came from a property whose schema is another entity */
  } *aux;
  size_t naux, capaux;
  bool has_required_variant; /* some variant other than an update one describes the entity */
  bool table_set;
  bool in_ir; /* json has been moved into the IR, which owns it from then on */
  const char *schema; /* the first schema that gives it (a name for foreign keys to point at) */
} fw_openapi_entity;

static const cJSON *member(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

static const char *names_entity(const fw_openapi *o, const char *name);

/* ---- Variant names ------------------------------------------------------------------------ */

struct affix {
  const char *text;
  int rank;
};
static const struct affix suffixes[] = {
    {"Dto", RANK_BASE},       {"DTO", RANK_BASE},      {"Schema", RANK_BASE},    {"Model", RANK_BASE},
    {"Entity", RANK_BASE},    {"Base", RANK_BASE},     {"Resource", RANK_BASE},  {"Serializer", RANK_BASE},
    {"Read", RANK_READ},      {"Out", RANK_READ},      {"Response", RANK_READ},  {"Public", RANK_READ},
    {"Detail", RANK_READ},    {"Details", RANK_READ},  {"InDB", RANK_READ},      {"InDb", RANK_READ},
    {"Output", RANK_READ},    {"View", RANK_READ},     {"Create", RANK_CREATE},  {"In", RANK_CREATE},
    {"Request", RANK_CREATE}, {"Input", RANK_CREATE},  {"Payload", RANK_CREATE}, {"Body", RANK_CREATE},
    {"New", RANK_CREATE},     {"Update", RANK_UPDATE}, {"Patch", RANK_UPDATE},   {"Partial", RANK_UPDATE},
    {"List", RANK_READ},      {"Summary", RANK_READ},
};
/* Verbs, and the views an API gives of one model: a role's (AdminBookDTO), a level of detail
 * (BasicUser), Spring HATEOAS's EntityModel<Book>. */
static const struct affix prefixes[] = {
    {"Create", RANK_CREATE},    {"New", RANK_CREATE},      {"Add", RANK_CREATE},    {"Update", RANK_UPDATE},
    {"Patched", RANK_UPDATE},   {"Partial", RANK_UPDATE},  {"Edit", RANK_UPDATE},   {"EntityModel", RANK_READ},
    {"CollectionModel", RANK_READ}, {"PagedModel", RANK_READ}, {"Admin", RANK_READ}, {"Public", RANK_READ},
    {"Private", RANK_READ},     {"Internal", RANK_READ},   {"Full", RANK_READ},     {"Simple", RANK_READ},
    {"Basic", RANK_READ},       {"Brief", RANK_READ},      {"Nested", RANK_READ},   {"Extended", RANK_READ},
    {"Detailed", RANK_READ},    {"Minimal", RANK_READ},    {"Compact", RANK_READ},
};

/* "PatchedBookRequest" -> "Book" (update), "CreateBookDto" -> "Book" (create), "BookRead" ->
 * "Book" (read). An affix is dropped only at a CamelCase boundary and never leaves a name
 * without a capitalised word, so "Response" or "Login" stay as they are. */
static int base_name(const char *schema, char *out, size_t cap) {
  snprintf(out, cap, "%s", schema);
  for (char *c = out; *c; c++) {
    if (*c == '.' || *c == '-' || *c == ' ') *c = '_'; /* "app.Book" (springdoc), "Book-Input" */
  }
  int rank = RANK_BASE;
  for (int round = 0; round < 4; round++) {
    bool dropped = false;
    size_t n = strlen(out);
    for (size_t i = 0; !dropped && i < sizeof suffixes / sizeof *suffixes; i++) {
      size_t sl = strlen(suffixes[i].text);
      if (n > sl && is_upper(out[0]) && strcmp(out + n - sl, suffixes[i].text) == 0) {
        size_t keep = n - sl;
        while (keep > 0 && out[keep - 1] == '_') keep--;
        if (keep == 0) continue;
        out[keep] = '\0';
        if (suffixes[i].rank > rank) rank = suffixes[i].rank;
        dropped = true;
      }
    }
    for (size_t i = 0; !dropped && i < sizeof prefixes / sizeof *prefixes; i++) {
      size_t pl = strlen(prefixes[i].text);
      if (n > pl && strncmp(out, prefixes[i].text, pl) == 0 && is_upper(out[pl])) {
        memmove(out, out + pl, n - pl + 1);
        if (prefixes[i].rank > rank) rank = prefixes[i].rank;
        dropped = true;
      }
    }
    if (!dropped) break;
  }
  return rank;
}

/* ---- Properties --------------------------------------------------------------------------- */

typedef void (*prop_fn)(void *ctx, const char *name, const cJSON *prop, bool required);

static bool in_required(const cJSON *required, const char *name) {
  const cJSON *r;
  cJSON_ArrayForEach(r, required) {
    if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0) return true;
  }
  return false;
}

/* Every property of a schema, through $ref and allOf (the usual inheritance spelling). */
static void each_property(const fw_openapi *o, const cJSON *s, int depth, prop_fn fn, void *ctx) {
  if (!cJSON_IsObject(s) || depth > FW_OPENAPI_MAX_DEPTH) return;
  const cJSON *target = fw__openapi_ref(o, s, NULL);
  if (target) {
    each_property(o, target, depth + 1, fn, ctx);
    return;
  }
  const cJSON *all = member(s, "allOf"), *m;
  cJSON_ArrayForEach(m, fw__if_array(all)) each_property(o, m, depth + 1, fn, ctx);
  const cJSON *props = member(s, "properties"), *required = member(s, "required"), *p;
  if (!cJSON_IsObject(props)) return;
  /* a required list can be long: look names up in a map when it is */
  fw_strmap req;
  fw_strmap_init(&req);
  bool mapped = cJSON_IsArray(required) && cJSON_GetArraySize(required) > 16;
  if (mapped) {
    const cJSON *r;
    cJSON_ArrayForEach(r, required) {
      if (cJSON_IsString(r) && !fw_strmap_put(&req, r->valuestring, 1)) mapped = false;
    }
  }
  cJSON_ArrayForEach(p, props) {
    bool is_req = mapped ? fw_strmap_get(&req, p->string) != (size_t)-1
                         : cJSON_IsArray(required) && in_required(required, p->string);
    if (cJSON_IsObject(p)) fn(ctx, p->string, p, is_req);
  }
  fw_strmap_free(&req);
}

static void count_prop(void *ctx, const char *name, const cJSON *prop, bool required) {
  (void)name, (void)prop, (void)required;
  (*(size_t *)ctx)++;
}

static bool is_enum_schema(const cJSON *s) {
  return cJSON_IsArray(member(s, "enum")) && !member(s, "properties");
}

/* What a property's schema says, through $ref, allOf/anyOf/oneOf and 3.1 type lists. */
typedef struct prop_desc {
  const char *type, *format;
  bool nullable, is_enum, has_max_length, has_min, has_max, decimal, has_default;
  double max_length, min, max;
  const char *entity_schema; /* the property is another entity ($ref to an object schema) */
  bool entity_list;          /* an array of another entity (a relation, not a column) */
} prop_desc;

static bool is_null_schema(const cJSON *s) {
  const cJSON *t = member(s, "type");
  return cJSON_IsString(t) && strcmp(t->valuestring, "null") == 0;
}

static const char *scalar_type(const cJSON *s, bool *nullable) {
  const cJSON *t = member(s, "type");
  if (cJSON_IsString(t)) return t->valuestring;
  const char *first = NULL;
  const cJSON *e;
  cJSON_ArrayForEach(e, fw__if_array(t)) { /* 3.1: "type": ["string", "null"] */
    if (!cJSON_IsString(e)) continue;
    if (strcmp(e->valuestring, "null") == 0) *nullable = true;
    else if (!first) first = e->valuestring;
  }
  return first;
}

static void describe(const fw_openapi *o, const cJSON *s, int depth, prop_desc *d);

static void describe_alternatives(const fw_openapi *o, const cJSON *alts, int depth, prop_desc *d) {
  const cJSON *m, *first = NULL;
  int non_null = 0;
  bool number = false, string = false;
  cJSON_ArrayForEach(m, alts) {
    if (is_null_schema(m)) {
      d->nullable = true;
      continue;
    }
    if (!first) first = m;
    non_null++;
    const cJSON *t = member(m, "type");
    if (cJSON_IsString(t)) {
      number |= strcmp(t->valuestring, "number") == 0;
      string |= strcmp(t->valuestring, "string") == 0;
    }
  }
  /* Pydantic v2 writes a Decimal field as a number or a numeric string */
  if (non_null == 2 && number && string && !d->type) {
    d->decimal = true;
    d->type = "number";
  }
  if (first) describe(o, first, depth + 1, d);
}

static void describe(const fw_openapi *o, const cJSON *s, int depth, prop_desc *d) {
  if (!cJSON_IsObject(s) || depth > FW_OPENAPI_MAX_DEPTH) return;
  if (cJSON_IsTrue(member(s, "nullable")) || cJSON_IsTrue(member(s, "x-nullable"))) d->nullable = true;
  const cJSON *def = member(s, "default");
  if (def && !cJSON_IsNull(def)) d->has_default = true; /* "stock": {"default": 0}: optional, not NULL */
  const char *ref_name = NULL;
  const cJSON *target = fw__openapi_ref(o, s, &ref_name);
  if (target) {
    if (is_enum_schema(target)) d->is_enum = true;
    else if (member(target, "properties") || member(target, "allOf")) d->entity_schema = ref_name;
    else describe(o, target, depth + 1, d); /* a named constrained scalar */
    return;
  }
  const cJSON *alts = member(s, "anyOf");
  if (!cJSON_IsArray(alts)) alts = member(s, "oneOf");
  if (cJSON_IsArray(alts)) describe_alternatives(o, alts, depth, d);
  const cJSON *all = member(s, "allOf"), *m;
  cJSON_ArrayForEach(m, fw__if_array(all)) describe(o, m, depth + 1, d);

  const char *type = scalar_type(s, &d->nullable);
  if (type && !d->type) d->type = type;
  if (type && strcmp(type, "array") == 0) {
    const cJSON *items = member(s, "items");
    const char *item_name = NULL;
    const cJSON *item_target = fw__openapi_ref(o, items, &item_name);
    if (item_target && !is_enum_schema(item_target) && member(item_target, "properties")) d->entity_list = true;
  }
  if (cJSON_IsArray(member(s, "enum"))) d->is_enum = true;
  const cJSON *v = member(s, "format");
  if (cJSON_IsString(v) && !d->format) d->format = v->valuestring;
  if (cJSON_IsNumber(v = member(s, "maxLength")) && !d->has_max_length) {
    d->max_length = v->valuedouble;
    d->has_max_length = true;
  }
  if (!d->has_min && (cJSON_IsNumber(v = member(s, "minimum")) || cJSON_IsNumber(v = member(s, "exclusiveMinimum")))) {
    d->min = v->valuedouble;
    d->has_min = true;
  }
  if (!d->has_max && (cJSON_IsNumber(v = member(s, "maximum")) || cJSON_IsNumber(v = member(s, "exclusiveMaximum")))) {
    d->max = v->valuedouble;
    d->has_max = true;
  }
}

/* ---- Merging variants into entities --------------------------------------------------------- */

typedef struct merge_ctx {
  fw_openapi *o;
  fw_openapi_entity *e;
  int rank;
  bool failed;
} merge_ctx;

static struct field_aux *field_of(fw_openapi_entity *e, const char *name) {
  size_t i = fw_strmap_get(&e->by_field, name);
  return i == (size_t)-1 ? NULL : &e->aux[i];
}

static struct field_aux *add_field(fw_openapi_entity *e, const char *name) {
  if (e->naux == e->capaux) {
    size_t cap = e->capaux ? e->capaux * 2 : 8;
    struct field_aux *bigger = fw__realloc(e->aux, sizeof *bigger * cap);
    if (!bigger) return NULL;
    e->aux = bigger;
    e->capaux = cap;
  }
  cJSON *f = cJSON_CreateObject();
  if (!f || !cJSON_AddStringToObject(f, "name", name) || !cJSON_AddItemToArray(e->fields, f)) {
    cJSON_Delete(f);
    return NULL;
  }
  struct field_aux *a = &e->aux[e->naux];
  memset(a, 0, sizeof *a);
  a->field = f;
  if (!fw_strmap_put(&e->by_field, member(f, "name")->valuestring, e->naux)) return NULL;
  e->naux++;
  return a;
}

static bool set_number(cJSON *f, const char *key, bool has, double v) {
  return !has || member(f, key) || cJSON_AddNumberToObject(f, key, v);
}

static void merge_property(void *ctx, const char *name, const cJSON *prop, bool required) {
  merge_ctx *m = ctx;
  if (m->failed) return;
  prop_desc d;
  memset(&d, 0, sizeof d);
  describe(m->o, prop, 0, &d);
  if (d.entity_list) return; /* a one-to-many or many-to-many relation: no column here */
  if (name[0] == '_') return;  /* HAL's _links and _embedded: the API's, not the model's */
  char fname[256];
  /* DRF writes a relation as its key under the relation's name ("product": 3): the column is
   * product_id, like a nested object's */
  if (!d.entity_schema && d.type && (strcmp(d.type, "integer") == 0 || (strcmp(d.type, "string") == 0 && d.format && strcmp(d.format, "uuid") == 0)))
    d.entity_schema = names_entity(m->o, name);
  if (d.entity_schema) {
    /* "author": {"$ref": Author} is the column author_id (authorId where the API is camelCase) */
    size_t n = strlen(name);
    bool has_id = (n > 3 && strcmp(name + n - 3, "_id") == 0) || (n > 2 && strcmp(name + n - 2, "Id") == 0);
    snprintf(fname, sizeof fname, "%s%s", name, has_id ? "" : m->o->camel_case ? "Id" : "_id");
  } else {
    snprintf(fname, sizeof fname, "%s", name);
  }
  struct field_aux *a = field_of(m->e, fname);
  if (!a && !(a = add_field(m->e, fname))) {
    m->failed = true;
    return;
  }
  cJSON *f = a->field;
  cJSON *type_now = (cJSON *)member(f, "type");
  if (d.decimal && cJSON_IsString(type_now) && (strcmp(type_now->valuestring, "string") == 0 || strcmp(type_now->valuestring, "number") == 0)) {
    /* Pydantic v2 writes a Decimal as a string in responses and as number-or-string in requests:
     * the request's spelling is the one that tells */
    cJSON_DeleteItemFromObjectCaseSensitive(f, "format");
    cJSON *decimal = cJSON_CreateString("decimal");
    if (!decimal || !cJSON_ReplaceItemInObjectCaseSensitive(f, "type", decimal)) {
      cJSON_Delete(decimal);
      m->failed = true;
    }
  }
  if (!member(f, "type")) {
    const char *type = d.entity_schema ? "integer" : d.is_enum ? "enum" : d.decimal ? "decimal" : d.type;
    if (!type || strcmp(type, "object") == 0 || strcmp(type, "array") == 0) type = "json";
    if (!cJSON_AddStringToObject(f, "type", type)) m->failed = true;
    if (d.format && !d.is_enum && !d.entity_schema && !cJSON_AddStringToObject(f, "format", d.format)) m->failed = true;
  }
  if (d.has_max_length && d.max_length >= 1 && d.max_length <= 1e9 && d.max_length == (double)(long)d.max_length &&
      !set_number(f, "max_length", true, d.max_length))
    m->failed = true;
  if (!set_number(f, "min", d.has_min, d.min) || !set_number(f, "max", d.has_max, d.max)) m->failed = true;
  if (d.nullable) a->explicit_nullable = true;
  if (d.has_default) a->has_default = true;
  if (required && m->rank != RANK_UPDATE) a->required = true;
  if (d.entity_schema && !a->ref_schema) a->ref_schema = d.entity_schema;
}

/* The schema of the entity a property is named after ("product" -> the schema of Product), or
 * NULL: entities are known by then (created before any field is merged). */
static const char *names_entity(const fw_openapi *o, const char *name) {
  char want[256], have[256];
  fw__ir_squash(name, strlen(name), want, sizeof want);
  for (size_t i = 0; want[0] && i < o->nents; i++) {
    const char *en = member(o->ents[i].json, "name")->valuestring;
    fw__ir_squash(en, strlen(en), have, sizeof have);
    if (strcmp(want, have) == 0) return o->ents[i].schema;
  }
  return NULL;
}

static bool is_entity_schema(const fw_openapi *o, const cJSON *s) {
  if (!cJSON_IsObject(s) || is_enum_schema(s)) return false;
  if (!s->string || strncmp(s->string, "Body_", 5) == 0) return false; /* FastAPI's form bodies */
  if (fw__openapi_is_list_page(o, s, NULL) || fw__openapi_is_error_body(o, s)) return false;
  size_t n = 0;
  each_property(o, s, 0, count_prop, &n);
  return n > 0;
}

static void camel_vote(void *ctx, const char *name, const cJSON *prop, bool required) {
  (void)prop, (void)required;
  int *votes = ctx;
  for (const char *c = name; *c; c++) {
    if (*c == '_') {
      votes[1]++;
      return;
    }
    if (is_upper(*c)) {
      votes[0]++;
      return;
    }
  }
}

/* The entity of a variant's base name, created on first sight (document order). */
static fw_openapi_entity *entity_for(fw_openapi *o, const char *base, fw_error *err) {
  size_t i = fw_strmap_get(&o->ent_by_base, base);
  if (i != (size_t)-1) return &o->ents[i];
  fw_openapi_entity *bigger = fw__realloc(o->ents, sizeof *bigger * (o->nents + 1));
  if (!bigger) return fw__fail(err, FW_ERR_NOMEM, "out of memory"), NULL;
  o->ents = bigger;
  fw_openapi_entity *e = &o->ents[o->nents];
  memset(e, 0, sizeof *e);
  e->json = cJSON_CreateObject();
  if (!e->json || !cJSON_AddStringToObject(e->json, "name", base) ||
      !(e->fields = cJSON_AddArrayToObject(e->json, "fields"))) {
    cJSON_Delete(e->json);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory"), NULL;
  }
  if (!fw_strmap_put(&o->ent_by_base, member(e->json, "name")->valuestring, o->nents)) {
    cJSON_Delete(e->json);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory"), NULL;
  }
  o->nents++;
  return e;
}

/* ---- Keys ---------------------------------------------------------------------------------- */

static const fw_openapi_entity *entity_by_squashed(const fw_openapi *o, const char *want) {
  char have[256];
  for (size_t i = 0; i < o->nents; i++) {
    const cJSON *name = member(o->ents[i].json, "name");
    fw__ir_squash(name->valuestring, strlen(name->valuestring), have, sizeof have);
    if (strcmp(have, want) == 0 && o->ents[i].naux) return &o->ents[i];
  }
  return NULL;
}

static bool has_id_field(const fw_openapi_entity *e) {
  return fw_strmap_get(&e->by_field, "id") != (size_t)-1;
}

/* Primary key "id"; a foreign key where a field is another entity (author -> author_id) or is
 * named after one (category_id, categoryId) and that entity has an "id". */
static fw_status finish_fields(fw_openapi *o, fw_openapi_entity *e, fw_error *err) {
  for (size_t i = 0; i < e->naux; i++) {
    struct field_aux *a = &e->aux[i];
    const char *name = member(a->field, "name")->valuestring;
    bool pk = strcmp(name, "id") == 0;
    if (!member(a->field, "type") && !cJSON_AddStringToObject(a->field, "type", "json")) goto nomem;
    bool nullable = a->explicit_nullable || (!pk && !a->required && !a->has_default && e->has_required_variant);
    if (!cJSON_AddBoolToObject(a->field, "nullable", nullable)) goto nomem;
    if (pk && !cJSON_AddBoolToObject(a->field, "primary_key", true)) goto nomem;
    const fw_openapi_entity *target = NULL;
    if (a->ref_schema) {
      size_t t = fw_strmap_get(&o->ent_by_schema, a->ref_schema);
      target = t == (size_t)-1 ? NULL : &o->ents[t];
    } else if (!pk) {
      size_t n = strlen(name);
      size_t stem = n > 3 && strcmp(name + n - 3, "_id") == 0 ? n - 3 : n > 2 && strcmp(name + n - 2, "Id") == 0 ? n - 2 : 0;
      if (stem) {
        char want[256];
        fw__ir_squash(name, stem, want, sizeof want);
        target = entity_by_squashed(o, want);
      }
    }
    if (target && has_id_field(target)) {
      char fk[300];
      snprintf(fk, sizeof fk, "%s.id", member(target->json, "name")->valuestring);
      if (!cJSON_AddStringToObject(a->field, "foreign_key", fk)) goto nomem;
    }
  }
  return FW_OK;
nomem:
  return fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

fw_status fw__openapi_entities(fw_openapi *o, fw_error *err) {
  int votes[2] = {0, 0};
  for (size_t i = 0; i < o->nschemas; i++) each_property(o, o->schema_nodes[i], 0, camel_vote, votes);
  o->camel_case = votes[0] > votes[1];

  /* entities in the order their first variant appears, then fields merged rank by rank */
  int *ranks = fw_malloc(sizeof *ranks * (o->nschemas ? o->nschemas : 1));
  if (!ranks) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  fw_status st = FW_OK;
  for (size_t i = 0; i < o->nschemas && st == FW_OK; i++) {
    const cJSON *s = o->schema_nodes[i];
    ranks[i] = -1;
    if (!is_entity_schema(o, s)) continue;
    char base[256];
    ranks[i] = base_name(s->string, base, sizeof base);
    fw_openapi_entity *e = entity_for(o, base, err);
    if (e && !e->schema) e->schema = s->string;
    if (!e) st = FW_ERR_NOMEM;
    else if (!fw_strmap_put(&o->ent_by_schema, s->string, (size_t)(e - o->ents))) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  for (int rank = 0; rank < RANK_COUNT && st == FW_OK; rank++) {
    for (size_t i = 0; i < o->nschemas && st == FW_OK; i++) {
      if (ranks[i] != rank) continue;
      const cJSON *s = o->schema_nodes[i];
      merge_ctx m = {o, &o->ents[fw_strmap_get(&o->ent_by_schema, s->string)], rank, false};
      if (rank != RANK_UPDATE) m.e->has_required_variant = true;
      each_property(o, s, 0, merge_property, &m);
      const cJSON *table = member(s, "x-table");
      if (cJSON_IsString(table) && table->valuestring[0] && !m.e->table_set) {
        m.e->table_set = cJSON_AddStringToObject(m.e->json, "table", table->valuestring) != NULL;
        if (!m.e->table_set) m.failed = true;
      }
      if (m.failed) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
    }
  }
  fw_free(ranks);
  for (size_t i = 0; i < o->nents && st == FW_OK; i++) st = finish_fields(o, &o->ents[i], err);
  if (st != FW_OK) return st;
  cJSON *arr = cJSON_AddArrayToObject(o->ir, "entities");
  if (!arr) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < o->nents; i++) {
    if (!o->ents[i].naux) continue;
    if (!cJSON_AddItemToArray(arr, o->ents[i].json)) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    o->ents[i].in_ir = true;
  }
  if (!cJSON_GetArraySize(arr))
    return fw__fail_path(err, FW_ERR_SCHEMA, o->ref_prefix[2] == 'c' ? "$.components.schemas" : "$.definitions",
                         "no object schema with properties to derive an entity from (expected at least one, "
                         "e.g. \"Book\": {\"type\": \"object\", \"properties\": {...}})");
  return FW_OK;
}

const char *fw__openapi_entity_of(const fw_openapi *o, const cJSON *schema) {
  const char *name = fw__openapi_schema_name(o, schema);
  if (!name) return NULL;
  size_t i = fw_strmap_get(&o->schema_by_name, name);
  const char *items = NULL;
  if (i != (size_t)-1 && fw__openapi_is_list_page(o, o->schema_nodes[i], &items)) name = items;
  size_t e = fw_strmap_get(&o->ent_by_schema, name);
  if (e == (size_t)-1 || !o->ents[e].naux) return NULL;
  return member(o->ents[e].json, "name")->valuestring;
}

const char *fw__openapi_entity_of_segment(const fw_openapi *o, const char *seg, size_t n) {
  char want[256];
  fw__ir_squash(seg, n, want, sizeof want);
  size_t w = strlen(want);
  if (!w) return NULL;
  const fw_openapi_entity *e = entity_by_squashed(o, want);
  if (!e && w > 3 && strcmp(want + w - 3, "ies") == 0) {
    strcpy(want + w - 3, "y");
    e = entity_by_squashed(o, want);
  } else if (!e && w > 1 && want[w - 1] == 's') {
    want[w - 1] = '\0';
    e = entity_by_squashed(o, want);
    if (!e && w > 2 && want[w - 2] == 'e') { /* "addresses", "boxes" */
      want[w - 2] = '\0';
      e = entity_by_squashed(o, want);
    }
  }
  return e ? member(e->json, "name")->valuestring : NULL;
}

void fw__openapi_entities_free(fw_openapi *o) {
  for (size_t i = 0; i < o->nents; i++) {
    fw_openapi_entity *e = &o->ents[i];
    if (!e->in_ir) cJSON_Delete(e->json); /* no fields, or the derivation stopped first */
    fw_strmap_free(&e->by_field);
    fw_free(e->aux);
  }
  fw_free(o->ents);
  fw_strmap_free(&o->ent_by_base);
  fw_strmap_free(&o->ent_by_schema);
}
