/*
 * cypher.c - the Neo4j store's requests for the HTTP Query API: schema, the one batched write
 * of a run, and the reads that load what the in-memory store's code needs (store import:
 * cypher_import.c). Statements are
 * constants; every value goes in as a parameter. The answers are parsed in cypher_response.c.
 */
#include "antipattern_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cypher_internal.h"
#include "json_out.h"

static const char *const schema_names[] = {
    "gen_antipattern_id",       "gen_antipattern_error",   "gen_antipattern_entity",
    "gen_antipattern_entity_key", "gen_antipattern_endpoint", "gen_antipattern_schema",
    "forewarn_unclassified_id", "forewarn_run_id",         "forewarn_run_seq",
    "forewarn_meta_key"};

static const char *const schema_statements[] = {
    "CREATE CONSTRAINT gen_antipattern_id IF NOT EXISTS FOR (ap:GenerationAntiPattern) "
    "REQUIRE ap.pattern_id IS UNIQUE",
    "CREATE INDEX gen_antipattern_error IF NOT EXISTS FOR (ap:GenerationAntiPattern) "
    "ON (ap.error_type, ap.exception_class)",
    "CREATE INDEX gen_antipattern_entity IF NOT EXISTS FOR (ap:GenerationAntiPattern) "
    "ON (ap.entity_pattern)",
    /* the enhancer looks entities up case-insensitively: entity_key is the lower-cased name */
    "CREATE INDEX gen_antipattern_entity_key IF NOT EXISTS FOR (ap:GenerationAntiPattern) "
    "ON (ap.entity_key)",
    "CREATE INDEX gen_antipattern_endpoint IF NOT EXISTS FOR (ap:GenerationAntiPattern) "
    "ON (ap.endpoint_pattern)",
    "CREATE INDEX gen_antipattern_schema IF NOT EXISTS FOR (ap:GenerationAntiPattern) "
    "ON (ap.schema)",
    "CREATE CONSTRAINT forewarn_unclassified_id IF NOT EXISTS FOR (u:ForewarnUnclassified) "
    "REQUIRE u.template_id IS UNIQUE",
    "CREATE CONSTRAINT forewarn_run_id IF NOT EXISTS FOR (r:ForewarnRun) REQUIRE r.run_id IS UNIQUE",
    "CREATE INDEX forewarn_run_seq IF NOT EXISTS FOR (r:ForewarnRun) ON (r.seq)",
    /* the run sequence counter (ingest order for stats) */
    "CREATE CONSTRAINT forewarn_meta_key IF NOT EXISTS FOR (m:ForewarnMeta) REQUIRE m.key IS UNIQUE"};

#define NSCHEMA (sizeof schema_statements / sizeof *schema_statements)

/* One run's writes. The run node is merged first under its unique constraint; a random token
 * set only ON CREATE (randomUUID(), new in every request) tells whether this request created it
 * (a concurrent request for the same run blocks on the constraint, then matches). Everything
 * else runs only then, so a run applies once. The node also keeps the ingest's token ($token,
 * chosen by the client once per ingest and the same in each of its retries) and the one number
 * of the result the run record does not hold (patterns_updated): a retry whose earlier attempt
 * committed before its answer was lost finds its own token and answers that attempt's result,
 * read back from the node, instead of "already ingested"; another ingest of the run (another
 * token) is told it was already ingested. Counter updates read the property in the SET
 * expression itself, for which Neo4j takes the write lock before reading: concurrent runs lose
 * no increment. Rows are sorted by id in every list, so concurrent requests lock nodes in the
 * same order. */
static const char apply_statement[] =
    /* the schema, checked inside the write itself: a missing constraint or index fails the whole
     * request (Neo.ClientError.Schema.IndexNotFound, nothing written) and the client migrates
     * and sends it again; when it is there, a run's ingest is this one request */
    "UNWIND $schema AS ix\n"
    "CALL db.awaitIndex(ix, 10)\n"
    "WITH count(*) AS schema_present\n"
    "WITH randomUUID() AS tok\n"
    "MERGE (r:ForewarnRun {run_id: $run_id})\n"
    "ON CREATE SET r.fw_tok = tok, r.ingest_token = $token\n"
    "WITH r, tok, coalesce(r.fw_tok = tok, false) AS fresh\n"
    /* the run's sequence number first: the patterns it sees keep it as last_seen_run */
    "CALL {\n"
    "  WITH fresh\n"
    "  WITH fresh WHERE fresh\n"
    "  MERGE (m:ForewarnMeta {key: 'run_seq'})\n"
    "  ON CREATE SET m.value = 0\n"
    "  SET m.value = m.value + 1\n"
    "  RETURN collect(m.value) AS seqs\n"
    "}\n"
    "WITH r, tok, fresh, seqs[0] AS seq\n"
    "CALL {\n"
    "  WITH tok, fresh, seq\n"
    "  WITH tok, fresh, seq WHERE fresh\n"
    "  UNWIND $observations AS row\n"
    "  MERGE (ap:GenerationAntiPattern {pattern_id: row.pattern_id})\n"
    "  ON CREATE SET ap += row.props, ap.doc = row.doc, ap.occurrence_count = row.count,\n"
    "    ap.times_prevented = 0, ap.times_injected = 0, ap.times_recurred_after_injection = 0,\n"
    "    ap.times_withheld = 0, ap.times_recurred_when_withheld = 0,\n"
    "    ap.first_seen = $now, ap.last_seen = $now, ap.last_seen_run = seq, ap.fw_tok = tok\n"
    "  ON MATCH SET ap.occurrence_count = ap.occurrence_count + row.count, ap.last_seen = $now,\n"
    "    ap.last_seen_run = seq\n"
    "  WITH ap, row, coalesce(ap.fw_tok = tok, false) AS made\n"
    "  REMOVE ap.fw_tok\n"
    "  RETURN sum(CASE WHEN made THEN 1 ELSE 0 END) AS created,\n"
    "    sum(CASE WHEN made THEN CASE WHEN row.count > 1 THEN 1 ELSE 0 END ELSE 1 END) AS updated,\n"
    "    sum(CASE WHEN made THEN row.count - 1 ELSE row.count END) AS repeated\n"
    "}\n"
    "CALL {\n"
    "  WITH fresh\n"
    "  WITH fresh WHERE fresh\n"
    "  UNWIND $unclassified AS u\n"
    "  MERGE (x:ForewarnUnclassified {template_id: u.template_id})\n"
    "  ON CREATE SET x.doc = u.doc, x.count = u.count, x.first_seen = $now, x.last_seen = $now\n"
    "  ON MATCH SET x.count = x.count + u.count, x.last_seen = $now\n"
    "  RETURN count(x) AS groups\n"
    "}\n"
    ;
/* (two strings: C11 compilers need not take one longer than 4095 characters) */
static const char apply_statement_tail[] =
    /* injected and withheld slots; a recurrence in either is a sighting (last_seen_run);
     * nodes stored before the holdout have no withheld counters: coalesce */
    "CALL {\n"
    "  WITH fresh, seq\n"
    "  WITH fresh, seq WHERE fresh\n"
    "  UNWIND $injections AS inj\n"
    "  FOREACH (g IN CASE WHEN inj.doc IS NULL THEN [] ELSE [inj] END |\n"
    "    MERGE (gp:GenerationAntiPattern {pattern_id: g.pattern_id})\n"
    "    ON CREATE SET gp += g.props, gp.doc = g.doc, gp.occurrence_count = 0, gp.times_prevented = 0,\n"
    "      gp.times_injected = 0, gp.times_recurred_after_injection = 0, gp.times_withheld = 0,\n"
    "      gp.times_recurred_when_withheld = 0, gp.first_seen = $now, gp.last_seen = $now,\n"
    "      gp.last_seen_run = seq)\n"
    "  WITH inj, seq\n"
    "  MATCH (ap:GenerationAntiPattern {pattern_id: inj.pattern_id})\n"
    "  SET ap.times_injected = ap.times_injected + inj.injected,\n"
    "    ap.times_recurred_after_injection = ap.times_recurred_after_injection + inj.recurred,\n"
    "    ap.times_prevented = ap.times_prevented + inj.prevented,\n"
    "    ap.times_withheld = coalesce(ap.times_withheld, 0) + inj.withheld,\n"
    "    ap.times_recurred_when_withheld = coalesce(ap.times_recurred_when_withheld, 0) + inj.withheld_recurred,\n"
    "    ap.last_seen_run = CASE WHEN inj.recurred + inj.withheld_recurred > 0 THEN seq\n"
    "      ELSE ap.last_seen_run END\n"
    "  RETURN sum(inj.prevented) AS prevented, sum(inj.recurred) AS not_prevented,\n"
    "    sum(inj.withheld) AS withheld, sum(inj.withheld_recurred) AS withheld_recurred\n"
    "}\n"
    "FOREACH (_ IN CASE WHEN fresh THEN [1] ELSE [] END |\n"
    "  SET r.ingested_at = $now, r.violations = $violations, r.classified = $classified,\n"
    "    r.unclassified = $unclassified_errors, r.new_patterns = created,\n"
    "    r.repeated_errors = repeated, r.injected = prevented + not_prevented,\n"
    "    r.prevented = prevented, r.not_prevented = not_prevented, r.seq = seq,\n"
    "    r.withheld = CASE WHEN withheld > 0 THEN withheld END,\n"
    "    r.withheld_recurred = CASE WHEN withheld > 0 THEN withheld_recurred END,\n"
    "    r.patterns_updated = updated, r.tests_total = $tests_total, r.tests_passed = $tests_passed,\n"
    "    r.tests_failed = $tests_failed, r.tests_errors = $tests_errors, r.tests_skipped = $tests_skipped\n"
    "  REMOVE r.fw_tok)\n"
    /* a retry of this ingest after its write committed: that write's numbers, from the node */
    "WITH fresh, NOT fresh AND coalesce(r.ingest_token = $token, false) AS replayed,\n"
    "  r, created, updated, repeated, prevented, not_prevented, withheld, withheld_recurred\n"
    "RETURN fresh OR replayed AS applied, replayed,\n"
    "  CASE WHEN replayed THEN coalesce(r.new_patterns, 0) ELSE created END AS created,\n"
    "  CASE WHEN replayed THEN coalesce(r.patterns_updated, 0) ELSE updated END AS updated,\n"
    "  CASE WHEN replayed THEN coalesce(r.repeated_errors, 0) ELSE repeated END AS repeated,\n"
    "  CASE WHEN replayed THEN coalesce(r.prevented, 0) ELSE prevented END AS prevented,\n"
    "  CASE WHEN replayed THEN coalesce(r.not_prevented, 0) ELSE not_prevented END AS not_prevented,\n"
    "  CASE WHEN replayed THEN coalesce(r.withheld, 0) ELSE withheld END AS withheld,\n"
    "  CASE WHEN replayed THEN coalesce(r.withheld_recurred, 0) ELSE withheld_recurred END AS withheld_recurred";

/* What a read returns of a pattern; doc (the static fields as JSON text) only when asked. */
#define PATTERN_FIELDS                                                                             \
  ".pattern_id, .error_type, .category, .exception_class, .entity_pattern, .endpoint_pattern, "  \
  ".field_pattern, .schema, .general, .occurrence_count, .times_prevented, .times_injected, "    \
  ".times_recurred_after_injection, .times_withheld, .times_recurred_when_withheld, .last_seen_run, " \
  ".decision, .decision_at, .first_seen, .last_seen"

static const char dump_statement[] =
    "CALL {\n"
    "  MATCH (ap:GenerationAntiPattern)\n"
    "  WITH ap ORDER BY ap.first_seen, ap.pattern_id\n"
    "  RETURN collect(ap {" PATTERN_FIELDS ", doc: CASE WHEN $full THEN ap.doc END}) AS patterns\n"
    "}\n"
    "CALL {\n"
    "  MATCH (u:ForewarnUnclassified)\n"
    "  WITH u ORDER BY u.first_seen, u.template_id\n"
    "  RETURN collect(u {.doc, .count, .first_seen, .last_seen}) AS unclassified\n"
    "}\n"
    "CALL {\n"
    "  MATCH (r:ForewarnRun) WHERE r.seq IS NOT NULL\n"
    "  WITH r ORDER BY r.seq\n"
    "  RETURN collect(r {.run_id, .ingested_at, .violations, .classified, .unclassified,\n"
    "    .new_patterns, .repeated_errors, .injected, .prevented, .not_prevented, .tests_total,\n"
    "    .tests_passed, .tests_failed, .tests_errors, .tests_skipped, .withheld, .withheld_recurred}) AS runs\n"
    "}\n"
    "RETURN patterns, unclassified, runs";

static const char get_statement[] =
    "OPTIONAL MATCH (ap:GenerationAntiPattern {pattern_id: $pattern_id})\n"
    "RETURN [p IN collect(ap) | p {" PATTERN_FIELDS ", .doc}] AS patterns, [] AS unclassified, "
    "[] AS runs";

/* a person's decision on a lesson, read back as stored */
static const char decide_statement[] =
    "OPTIONAL MATCH (ap:GenerationAntiPattern {pattern_id: $pattern_id})\n"
    "FOREACH (x IN CASE WHEN ap IS NULL THEN [] ELSE [ap] END |\n"
    "  SET x.decision = $decision, x.decision_at = $now)\n"
    "RETURN [p IN collect(ap) | p {" PATTERN_FIELDS ", .doc}] AS patterns, [] AS unclassified, "
    "[] AS runs";

/* a person deletes a pattern: read as it was (the answer says whether it existed), then gone */
static const char delete_statement[] =
    "OPTIONAL MATCH (ap:GenerationAntiPattern {pattern_id: $pattern_id})\n"
    "WITH ap, [p IN collect(ap) | p {" PATTERN_FIELDS ", .doc}] AS patterns\n"
    "FOREACH (x IN CASE WHEN ap IS NULL THEN [] ELSE [ap] END | DETACH DELETE x)\n"
    "RETURN patterns, [] AS unclassified, [] AS runs";

static const char query_statement[] =
    "MATCH (ap:GenerationAntiPattern)\n"
    "WHERE ($entity IS NULL OR ap.entity_key = $entity)\n"
    "  AND ($endpoint IS NULL OR ap.endpoint_pattern = $endpoint)\n"
    "  AND ($schema IS NULL OR ap.schema = $schema)\n"
    "  AND ($error_type IS NULL OR ap.error_type = $error_type)\n"
    "  AND ap.occurrence_count >= $min\n"
    "WITH ap ORDER BY ap.first_seen, ap.pattern_id\n"
    "RETURN collect(ap {" PATTERN_FIELDS ", .doc}) AS patterns, [] AS unclassified, [] AS runs";

/* The enhancer's candidates, ranked and limited here as fw_enhance() ranks them (occurrences,
 * then pattern_id), so the answer does not grow with the store:
 * - shown: the patterns fw_enhance() may pick for the target (its filters and the minimum
 *   occurrence count), the first $max with their documents; of the rest only the best of each
 *   (category, kind of field), which cannot be shown (at least $max rank before it) but tells
 *   fw_enhance() that a specific pattern covers that kind, as the whole list would;
 * - generals: the counters of the stored general patterns (their injection history);
 * - members: what the general patterns derive from (database and validation errors of an
 *   entity) for the entities other than the target, per (category, kind of field) at most two
 *   rows of two entities that hold the group's sum (a general pattern needs two entities and
 *   uses the sum; how many more does not matter), naming the group's most frequent pattern's
 *   exception as enhance.c picks it; the target entity's patterns not listed add to the sum;
 * - present: for a group none of whose target-entity patterns is in shown, the best of them
 *   (counters only; not pickable, or ranked after $max others), so the target still counts as
 *   one of the group's entities. fw_enhance() then
 *   derives the same groups, entity counts and sums as from every pattern. Member rows have no
 *   endpoint or schema and another entity than the target: they are never picked. */
#define PICKABLE                                                                                    \
  "NOT coalesce(ap.general, false) AND ap.occurrence_count >= $min AND (\n"                          \
  "    ($entity IS NOT NULL AND ap.entity_key = $entity\n"                                           \
  "      AND ($endpoint IS NULL OR ap.endpoint_pattern = $endpoint)\n"                              \
  "      AND ($schema IS NULL OR ap.schema = $schema OR ap.error_type = 'validation')) OR\n"        \
  "    ($entity IS NULL AND (($endpoint IS NOT NULL AND ap.endpoint_pattern = $endpoint) OR\n"     \
  "                          ($schema IS NOT NULL AND ap.schema = $schema))))\n"
/* what general patterns derive from: database and validation errors of an entity */
#define MEMBER                                                                                     \
  "$entity IS NOT NULL AND NOT coalesce(ap.general, false) AND ap.entity_pattern <> '*'\n"          \
  "    AND ap.error_type IN ['database', 'validation']"
/* the better of two patterns in fw_enhance()'s order */
#define BETTER(A, B)                                                                               \
  "CASE WHEN " A ".occurrence_count > " B ".occurrence_count OR (" A ".occurrence_count = " B     \
  ".occurrence_count AND " A ".pattern_id < " B ".pattern_id) THEN " A " ELSE " B " END"
/* the lesson is out of the running (lifecycle.c's states that need no interval): a person
 * retired it, or (unless a person keeps it) its error was not seen for $unseen_runs runs although
 * it was withheld from $retire_exposures slots */
#define OUT_OF_RUNNING                                                                             \
  "(coalesce(ap.decision, '') = 'retired' OR (coalesce(ap.decision, '') <> 'active' AND\n"         \
  "  $unseen_runs > 0 AND coalesce(ap.times_withheld, 0) >= $retire_exposures AND\n"                 \
  "  ap.last_seen_run IS NOT NULL AND run_seq - ap.last_seen_run >= $unseen_runs))"
/* both arms of its holdout have $min_exposures slots: ranked by its measured benefit, which only
 * fw_enhance() computes, so every such pattern is read */
#define MEASURED                                                                                   \
  "(coalesce(ap.times_injected, 0) >= $min_exposures AND coalesce(ap.times_withheld, 0) >= $min_exposures)"
static const char enhance_statement[] =
    "OPTIONAL MATCH (meta:ForewarnMeta {key: 'run_seq'})\n"
    "WITH coalesce(meta.value, 0) AS run_seq\n"
    "CALL {\n"
    "WITH run_seq\n"
    "MATCH (ap:GenerationAntiPattern)\n"
    "WHERE " PICKABLE
    "WITH ap, " OUT_OF_RUNNING " AS out, " MEASURED " AS measured\n"
    "ORDER BY ap.occurrence_count DESC, ap.pattern_id\n"
    "WITH collect(CASE WHEN NOT out AND NOT measured THEN ap END) AS ranked,\n"
    "collect(CASE WHEN NOT out AND measured THEN ap END) AS measured,\n"
    "collect(CASE WHEN out THEN ap END) AS retired\n"
    "CALL {\n"
    "WITH ranked, retired\n"
    "UNWIND ranked[$max..] + retired AS r\n"
    "WITH r.category AS category, split(r.field_pattern, ':')[0] AS kind, collect(r) AS rs\n"
    "RETURN collect(reduce(b = head(rs), x IN rs | " BETTER("x", "b") ")) AS reps\n"
    "}\n"
    "WITH ranked[..$max] + measured + reps AS shown\n"
    "RETURN [p IN shown | p {" PATTERN_FIELDS ", .doc}] AS shown,\n"
    "[p IN shown | p.pattern_id] AS shown_ids\n"
    "}\n"
    "CALL {\n"
    "MATCH (ap:GenerationAntiPattern) WHERE ap.general\n"
    "WITH ap ORDER BY ap.first_seen, ap.pattern_id\n"
    "RETURN collect(ap {" PATTERN_FIELDS "}) AS generals\n"
    "}\n"
    "CALL {\n"
    /* a group whose target-entity patterns are all left out still counts the target entity */
    "WITH shown_ids\n"
    "MATCH (ap:GenerationAntiPattern)\n"
    "WHERE " MEMBER " AND ap.entity_key = $entity\n"
    "WITH shown_ids, ap ORDER BY ap.occurrence_count DESC, ap.pattern_id\n"
    "WITH shown_ids, ap.category AS category, split(ap.field_pattern, ':')[0] AS kind,\n"
    "collect(ap) AS own\n"
    "WITH own WHERE none(m IN own WHERE m.pattern_id IN shown_ids)\n"
    "WITH collect(own[0]) AS present\n"
    "RETURN [p IN present | p {" PATTERN_FIELDS "}] AS present,\n"
    "[p IN present | p.pattern_id] AS present_ids\n"
    "}\n";
static const char enhance_statement_tail[] =
    "CALL {\n"
    "WITH shown_ids, present_ids\n"
    "WITH shown_ids + present_ids AS listed\n"
    "MATCH (ap:GenerationAntiPattern)\n"
    "WHERE " MEMBER "\n"
    /* the group's top as enhance.c picks it: most frequent, then the first entity */
    "WITH listed, ap ORDER BY ap.occurrence_count DESC, ap.entity_pattern, ap.pattern_id\n"
    "WITH listed, ap.category AS category, split(ap.field_pattern, ':')[0] AS kind,\n"
    "collect(ap) AS all\n"
    "WITH category, kind, all[0] AS top, [m IN all WHERE m.entity_key <> $entity] AS others,\n"
    "reduce(n = 0, m IN all | n + CASE WHEN m.entity_key = $entity AND NOT m.pattern_id IN listed\n"
    "THEN m.occurrence_count ELSE 0 END) AS extra\n"
    /* only whether a group spans two entities matters, and its sum: two rows hold both */
    "WITH category, kind, top, reduce(n = extra, m IN others | n + m.occurrence_count) AS total,\n"
    "reduce(two = [], m IN others | CASE WHEN size(two) = 2 OR\n"
    "any(t IN two WHERE t.entity_key = m.entity_key) THEN two ELSE two + [m] END) AS two\n"
    "UNWIND range(0, size(two) - 1) AS i\n"
    "WITH category, kind, top, total, size(two) AS n, i, two[i] AS m\n"
    "RETURN collect({pattern_id: 'member:' + category + ':' + kind + ':' + m.entity_key,\n"
    "error_type: top.error_type, category: category, exception_class: top.exception_class,\n"
    "entity_pattern: m.entity_pattern, endpoint_pattern: '', field_pattern: kind + ':*',\n"
    "occurrence_count: CASE WHEN n = 1 THEN total WHEN i = 0 THEN total - 1 ELSE 1 END,\n"
    "times_prevented: 0, times_injected: 0, times_recurred_after_injection: 0,\n"
    "first_seen: m.first_seen, last_seen: m.last_seen}) AS members\n"
    "}\n"
    "RETURN shown + present + generals + members AS patterns, [] AS unclassified, [] AS runs,\n"
    "run_seq";

static const char schema_check_statement[] =
    "SHOW INDEXES YIELD name WHERE name IN $names RETURN count(*) AS present";

const char *const fw__cypher_test_counts[FW_CYPHER_TEST_COUNTS][2] = {
    {"total", "tests_total"},   {"passed", "tests_passed"},   {"failed", "tests_failed"},
    {"errors", "tests_errors"}, {"skipped", "tests_skipped"}};

void fw__cypher_tests_row(const cJSON *tests, cJSON *row) {
  for (size_t k = 0; k < FW_CYPHER_TEST_COUNTS; k++) { /* literal keys: json_out adds them uncopied */
    const char *count = fw__cypher_test_counts[k][0], *prop = fw__cypher_test_counts[k][1];
    if (cJSON_IsObject(tests)) fw__json_int(row, prop, fw__json_get_int(tests, count));
    else fw__json_add(row, prop, cJSON_CreateNull());
  }
}

const char *fw__cypher_str(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* {"statement", "parameters", "includeCounters": true}; takes params. */
fw_status fw__cypher_body(const char *statement, cJSON *params, char **out, fw_error *err) {
  cJSON *b = cJSON_CreateObject();
  fw__json_ref(b, "statement", statement);
  fw__json_add(b, "parameters", params ? params : cJSON_CreateObject());
  fw__json_bool(b, "includeCounters", true);
  *out = b ? cJSON_PrintUnformatted(b) : NULL;
  cJSON_Delete(b);
  return *out ? FW_OK : fw__fail(err, FW_ERR_NOMEM, "out of memory");
}

/* The same with a statement in two parts (each under C11's 4095-character literal limit). */
fw_status fw__cypher_body2(const char *head, const char *tail, cJSON *params, char **out, fw_error *err) {
  size_t a = strlen(head), b = strlen(tail);
  char *statement = fw_malloc(a + b + 1);
  if (!statement) {
    cJSON_Delete(params);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  memcpy(statement, head, a);
  memcpy(statement + a, tail, b + 1);
  fw_status st = fw__cypher_body(statement, params, out, err); /* prints before it returns */
  fw_free(statement);
  return st;
}

size_t fw_cypher_schema_count(void) { return NSCHEMA; }

bool fw_neo4j_schema_missing(const fw_error *err) {
  return err && err->code == FW_ERR_NEO4J && strcmp(err->server_code, "Neo.ClientError.Schema.IndexNotFound") == 0;
}

fw_status fw_cypher_schema(size_t i, char **out, fw_error *err) {
  if (!out || i >= NSCHEMA) return fw__fail(err, FW_ERR_ARG, "schema statement %zu does not exist", i);
  return fw__cypher_body(schema_statements[i], NULL, out, err);
}

fw_status fw_cypher_schema_check(char **out, fw_error *err) {
  if (!out) return fw__fail(err, FW_ERR_ARG, "out is required");
  cJSON *p = cJSON_CreateObject();
  cJSON *names = cJSON_CreateStringArray(schema_names, (int)NSCHEMA);
  fw__json_add(p, "names", names);
  return fw__cypher_body(schema_check_statement, p, out, err);
}

/* ASCII lower case, as the in-memory store's entity index folds names. */
static void lower_into(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src);
  for (char *c = dst; *c; c++) {
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  }
}

/* Pattern fields kept as node properties for the queries; the rest lives in doc. */
static const char *const indexed_fields[] = {"error_type", "category", "exception_class", "entity_pattern",
                                             "endpoint_pattern", "field_pattern", "schema"};
/* Fields the store owns: never part of doc. */
const char *const fw__cypher_store_fields[FW_CYPHER_STORE_FIELDS] = {
    "occurrence_count", "times_prevented", "times_injected", "times_recurred_after_injection",
    "times_withheld", "times_recurred_when_withheld", "last_seen_run",
    "prevention_rate", "first_seen", "last_seen", "decision", "decision_at"};
/* What the in-memory store requires of a pattern (first_seen/last_seen come from the store). */
static const char *const required_fields[] = {"pattern_id", "error_type", "category", "exception_class",
                                              "entity_pattern", "endpoint_pattern", "field_pattern"};

/* props (indexed fields) and doc (the pattern without store-owned fields) of a pattern. */
fw_status fw__cypher_pattern_row(const cJSON *pattern, const char *path, cJSON *row, fw_error *err) {
  if (!cJSON_IsObject(pattern)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an object");
  for (size_t k = 0; k < sizeof required_fields / sizeof *required_fields; k++) {
    if (!fw__cypher_str(pattern, required_fields[k]))
      return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected a string \"%s\"", required_fields[k]);
  }
  cJSON *doc = cJSON_Duplicate(pattern, true);
  if (!doc) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < FW_CYPHER_STORE_FIELDS; k++)
    cJSON_DeleteItemFromObjectCaseSensitive(doc, fw__cypher_store_fields[k]);
  if (!cJSON_GetObjectItemCaseSensitive(doc, "schema")) fw__json_str(doc, "schema", "");
  cJSON *props = cJSON_CreateObject();
  for (size_t k = 0; k < sizeof indexed_fields / sizeof *indexed_fields; k++) {
    const char *v = fw__cypher_str(doc, indexed_fields[k]);
    fw__json_str(props, indexed_fields[k], v ? v : "");
  }
  char key[160];
  lower_into(key, sizeof key, fw__cypher_str(doc, "entity_pattern"));
  fw__json_str(props, "entity_key", key);
  fw__json_bool(props, "general", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "general")));
  char *text = cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  if (!text) {
    cJSON_Delete(props);
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  fw__json_str(row, "doc", text);
  cJSON_free(text);
  fw__json_add(row, "props", props);
  return FW_OK;
}

static int row_cmp(const void *a, const void *b) {
  const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
  const char *ix = fw__cypher_str(x, "pattern_id") ? fw__cypher_str(x, "pattern_id") : fw__cypher_str(x, "template_id");
  const char *iy = fw__cypher_str(y, "pattern_id") ? fw__cypher_str(y, "pattern_id") : fw__cypher_str(y, "template_id");
  return strcmp(ix ? ix : "", iy ? iy : "");
}

/* Sort an array of row objects by id (lock order), in place. */
bool fw__cypher_sort_rows(cJSON *arr) {
  int n = cJSON_GetArraySize(arr);
  if (n < 2) return true;
  cJSON **items = fw_malloc(sizeof *items * (size_t)n);
  if (!items) return false;
  for (int i = 0; i < n; i++) items[i] = cJSON_DetachItemFromArray(arr, 0);
  qsort(items, (size_t)n, sizeof *items, row_cmp);
  for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, items[i]);
  fw_free(items);
  return true;
}

static cJSON *find_row(cJSON *arr, const char *key, const char *id) {
  cJSON *e;
  cJSON_ArrayForEach(e, arr) {
    const char *v = fw__cypher_str(e, key);
    if (v && strcmp(v, id) == 0) return e;
  }
  return NULL;
}

static void add_to_int(cJSON *o, const char *key, long long delta) {
  long long v = fw__json_get_int(o, key) + delta;
  cJSON_DeleteItemFromObjectCaseSensitive(o, key);
  fw__json_int(o, key, v);
}

/* An ingest token: 1 to FW_INGEST_TOKEN_MAX printable ASCII characters, no space (it is stored
 * on the run node and compared, never spliced into the statement). */
static bool token_ok(const char *t) {
  size_t n = 0;
  for (; t[n]; n++) {
    if (n >= FW_INGEST_TOKEN_MAX || t[n] < 0x21 || t[n] > 0x7e) return false;
  }
  return n > 0;
}

fw_status fw_cypher_apply(const char *changeset, size_t len, const char *token, char **out, fw_error *err) {
  if (!changeset || !token || !out) return fw__fail(err, FW_ERR_ARG, "changeset, token and out are required");
  *out = NULL;
  if (!token_ok(token))
    return fw__fail(err, FW_ERR_ARG, "the ingest token must be 1 to %d printable ASCII characters without spaces",
                    FW_INGEST_TOKEN_MAX);
  cJSON *cs = cJSON_ParseWithLength(changeset, len);
  if (!cs) return fw__fail(err, FW_ERR_JSON, "change set is not valid JSON");
  const char *run_id = fw__cypher_str(cs, "run_id"), *now = fw__cypher_str(cs, "now");
  const cJSON *obs = cJSON_GetObjectItemCaseSensitive(cs, "observations");
  const cJSON *unc = cJSON_GetObjectItemCaseSensitive(cs, "unclassified");
  const cJSON *inj = cJSON_GetObjectItemCaseSensitive(cs, "injections");
  fw_status st = FW_OK;
  if (!run_id || !now || !cJSON_IsArray(obs) || !cJSON_IsArray(unc) || !cJSON_IsArray(inj))
    st = fw__fail_path(err, FW_ERR_SCHEMA, "$", "expected a change set with run_id, now, observations, unclassified and injections");
  cJSON *p = cJSON_CreateObject();
  cJSON *orows = cJSON_CreateArray(), *urows = cJSON_CreateArray(), *irows = cJSON_CreateArray();
  long long classified = 0, unclassified = 0;
  const cJSON *item;
  if (st == FW_OK) cJSON_ArrayForEach(item, obs) {
    long long count = fw__json_get_int(item, "count");
    if (count <= 0) continue;
    const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(item, "pattern");
    const char *id = fw__cypher_str(pattern, "pattern_id");
    if (!id) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, "$.observations[].pattern.pattern_id", "expected a string");
      break;
    }
    classified += count;
    cJSON *row = find_row(orows, "pattern_id", id);
    if (row) { /* the same pattern twice in one change set: one row, counts added */
      add_to_int(row, "count", count);
      continue;
    }
    row = cJSON_CreateObject();
    cJSON_AddItemToArray(orows, row);
    fw__json_str(row, "pattern_id", id);
    fw__json_int(row, "count", count);
    if ((st = fw__cypher_pattern_row(pattern, "$.observations[].pattern", row, err)) != FW_OK) break;
  }
  if (st == FW_OK) cJSON_ArrayForEach(item, unc) {
    const char *id = fw__cypher_str(item, "template_id");
    if (!id) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, "$.unclassified[].template_id", "expected a string");
      break;
    }
    long long count = fw__json_get_int(item, "count");
    unclassified += count;
    cJSON *row = find_row(urows, "template_id", id);
    if (row) {
      add_to_int(row, "count", count);
      continue;
    }
    cJSON *doc = cJSON_Duplicate(item, true);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "endpoints");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "count");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "first_seen");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "last_seen");
    char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    if (!text) {
      st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
      break;
    }
    row = cJSON_CreateObject();
    cJSON_AddItemToArray(urows, row);
    fw__json_str(row, "template_id", id);
    fw__json_int(row, "count", count);
    fw__json_str(row, "doc", text);
    cJSON_free(text);
  }
  /* injections of one pattern become one row with summed counters; the first general pattern
   * document among them creates it when it is new */
  if (st == FW_OK) cJSON_ArrayForEach(item, inj) {
    const char *id = fw__cypher_str(item, "pattern_id");
    if (!id) {
      st = fw__fail_path(err, FW_ERR_SCHEMA, "$.injections[].pattern_id", "expected a string");
      break;
    }
    bool again = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "recurred"));
    cJSON *row = find_row(irows, "pattern_id", id);
    if (!row) {
      row = cJSON_CreateObject();
      cJSON_AddItemToArray(irows, row);
      fw__json_str(row, "pattern_id", id);
      fw__json_int(row, "injected", 0);
      fw__json_int(row, "recurred", 0);
      fw__json_int(row, "prevented", 0);
      fw__json_int(row, "withheld", 0);
      fw__json_int(row, "withheld_recurred", 0);
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "withheld"))) { /* the holdout arm */
      add_to_int(row, "withheld", 1);
      if (again) add_to_int(row, "withheld_recurred", 1);
    } else {
      add_to_int(row, "injected", 1);
      add_to_int(row, again ? "recurred" : "prevented", 1);
    }
    const cJSON *general = cJSON_GetObjectItemCaseSensitive(item, "pattern");
    if (cJSON_IsObject(general) && !cJSON_GetObjectItemCaseSensitive(row, "doc")) {
      if (fw__cypher_str(general, "pattern_id") && strcmp(fw__cypher_str(general, "pattern_id"), id) != 0) {
        st = fw__fail_path(err, FW_ERR_SCHEMA, "$.injections[].pattern.pattern_id", "differs from the injection's pattern_id");
        break;
      }
      if ((st = fw__cypher_pattern_row(general, "$.injections[].pattern", row, err)) != FW_OK) break;
    }
  }
  bool ok = p && orows && urows && irows && fw__cypher_sort_rows(orows) && fw__cypher_sort_rows(urows) && fw__cypher_sort_rows(irows);
  if (st == FW_OK && !ok) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  if (st == FW_OK) {
    fw__json_add(p, "schema", cJSON_CreateStringArray(schema_names, (int)NSCHEMA));
    fw__json_str(p, "run_id", run_id);
    fw__json_str(p, "token", token);
    fw__json_str(p, "now", now);
    fw__json_int(p, "violations", fw__json_get_int(cs, "violations"));
    fw__json_int(p, "classified", classified);
    fw__json_int(p, "unclassified_errors", unclassified);
    fw__cypher_tests_row(cJSON_GetObjectItemCaseSensitive(cs, "tests"), p);
    fw__json_add(p, "observations", orows);
    fw__json_add(p, "unclassified", urows);
    fw__json_add(p, "injections", irows);
    orows = urows = irows = NULL;
    st = fw__cypher_body2(apply_statement, apply_statement_tail, p, out, err);
    p = NULL;
  }
  cJSON_Delete(p);
  cJSON_Delete(orows);
  cJSON_Delete(urows);
  cJSON_Delete(irows);
  cJSON_Delete(cs);
  return st;
}

fw_status fw_cypher_dump(bool full, char **out, fw_error *err) {
  if (!out) return fw__fail(err, FW_ERR_ARG, "out is required");
  cJSON *p = cJSON_CreateObject();
  fw__json_bool(p, "full", full);
  return fw__cypher_body(dump_statement, p, out, err);
}

fw_status fw_cypher_get(const char *pattern_id, char **out, fw_error *err) {
  if (!pattern_id || !out) return fw__fail(err, FW_ERR_ARG, "pattern_id and out are required");
  cJSON *p = cJSON_CreateObject();
  fw__json_str(p, "pattern_id", pattern_id);
  return fw__cypher_body(get_statement, p, out, err);
}

fw_status fw_cypher_decide(const char *pattern_id, const char *decision, const char *now, char **out,
                           fw_error *err) {
  if (!pattern_id || !decision || !now || !out)
    return fw__fail(err, FW_ERR_ARG, "pattern_id, decision, now and out are required");
  if (strcmp(decision, "retired") != 0 && strcmp(decision, "active") != 0)
    return fw__fail(err, FW_ERR_ARG, "a decision is retired or active, not '%s'", decision);
  cJSON *p = cJSON_CreateObject();
  fw__json_str(p, "pattern_id", pattern_id);
  fw__json_str(p, "decision", decision);
  fw__json_str(p, "now", now);
  return fw__cypher_body(decide_statement, p, out, err);
}

fw_status fw_cypher_delete(const char *pattern_id, char **out, fw_error *err) {
  if (!pattern_id || !out) return fw__fail(err, FW_ERR_ARG, "pattern_id and out are required");
  cJSON *p = cJSON_CreateObject();
  fw__json_str(p, "pattern_id", pattern_id);
  return fw__cypher_body(delete_statement, p, out, err);
}

static void str_or_null(cJSON *p, const char *key, const char *v) {
  fw__json_add(p, key, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

fw_status fw_cypher_query(const char *query_json, size_t len, char **out, fw_error *err) {
  if (!query_json || !out) return fw__fail(err, FW_ERR_ARG, "query_json and out are required");
  cJSON *q = cJSON_ParseWithLength(query_json, len);
  if (!cJSON_IsObject(q)) {
    cJSON_Delete(q);
    return fw__fail(err, FW_ERR_JSON, "query is not a JSON object");
  }
  const cJSON *minj = cJSON_GetObjectItemCaseSensitive(q, "min_occurrences");
  cJSON *p = cJSON_CreateObject();
  const char *entity = fw__cypher_str(q, "entity");
  char key[160];
  if (entity) lower_into(key, sizeof key, entity);
  str_or_null(p, "entity", entity ? key : NULL);
  str_or_null(p, "endpoint", fw__cypher_str(q, "endpoint_pattern"));
  str_or_null(p, "schema", fw__cypher_str(q, "schema"));
  str_or_null(p, "error_type", fw__cypher_str(q, "error_type"));
  fw__json_int(p, "min", cJSON_IsNumber(minj) ? fw__ll_from_double(minj->valuedouble) : 0);
  cJSON_Delete(q);
  return fw__cypher_body(query_statement, p, out, err);
}

fw_status fw_cypher_enhance_selection(const fw_enhance_options *o, char **out, fw_error *err) {
  if (!o || !o->scope || !o->target || !out)
    return fw__fail(err, FW_ERR_ARG, "options with scope and target, and out are required");
  bool by_endpoint = strcmp(o->scope, "endpoint") == 0, by_schema = strcmp(o->scope, "schema") == 0;
  /* the same target resolution as fw_enhance() */
  const char *entity = NULL;
  char endpoint_pattern[256];
  fw_status st = fw__enhance_target(o, &entity, endpoint_pattern, sizeof endpoint_pattern, err);
  if (st != FW_OK) return st;
  char key[160];
  if (entity) lower_into(key, sizeof key, entity);
  cJSON *p = cJSON_CreateObject();
  str_or_null(p, "entity", entity ? key : NULL);
  str_or_null(p, "endpoint", by_endpoint ? endpoint_pattern : NULL);
  str_or_null(p, "schema", by_schema ? o->target : NULL);
  fw__json_int(p, "min", o->min_occurrences ? o->min_occurrences : 2);
  fw__json_int(p, "max", o->max_patterns ? (long long)o->max_patterns : 5);
  fw_lifecycle_options lo = o->lifecycle ? *o->lifecycle : (fw_lifecycle_options){0, false, 0, 0, 0};
  if (lo.min_exposures <= 0) lo.min_exposures = FW_DEFAULT_MIN_EXPOSURES;
  if (lo.unseen_runs == 0) lo.unseen_runs = FW_DEFAULT_UNSEEN_RUNS;
  if (lo.retire_exposures <= 0) lo.retire_exposures = FW_DEFAULT_RETIRE_EXPOSURES;
  fw__json_int(p, "min_exposures", lo.min_exposures);
  fw__json_int(p, "retire_exposures", lo.retire_exposures);
  fw__json_add(p, "unseen_runs", cJSON_CreateNumber((double)(lo.unseen_runs < 0 ? -1 : lo.unseen_runs)));
  return fw__cypher_body2(enhance_statement, enhance_statement_tail, p, out, err);
}
