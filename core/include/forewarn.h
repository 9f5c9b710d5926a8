/*
 * forewarn.h - the whole public API of the forewarn core.
 *
 * The core turns smoke-test failures of generated apps into anti-patterns tied to the app's spec.
 * It is pure: no file, network or clock access. Text, JSON documents and the current time come in
 * as parameters; results go out as JSON strings the caller frees with fw_free(). The same code is
 * compiled natively (CLI) and to WebAssembly, so every output here is deterministic.
 */
#ifndef FOREWARN_H
#define FOREWARN_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define FW_API __attribute__((visibility("default")))
#else
#define FW_API
#endif

#define FW_VERSION_MAJOR 0
#define FW_VERSION_MINOR 1
#define FW_VERSION_PATCH 0
#define FW_VERSION_STRING "0.1.0"

/* Version of the rule-pack JSON format this core reads (the pack's "format_version"). */
#define FW_RULES_FORMAT_VERSION 1

/* Version of the pattern_id algorithm; it is part of every id ("ap1-..."), so a later change
 * keeps old ids recognisable instead of silently splitting history. */
#define FW_SIGNATURE_VERSION 1

/* Default cap on one error text; larger inputs are refused with FW_ERR_TOO_LARGE. Real
 * tracebacks are kilobytes; megabytes of text are a log dump, not one failure. */
#define FW_DEFAULT_MAX_INPUT (4u * 1024u * 1024u)

/* Status codes. Every fallible function returns one and fills an fw_error when given one. */
typedef enum fw_status {
  FW_OK = 0,
  FW_ERR_NOMEM,        /* the allocator returned NULL */
  FW_ERR_ARG,          /* a NULL or out-of-range argument */
  FW_ERR_JSON,         /* a document is not valid JSON */
  FW_ERR_SCHEMA,       /* valid JSON that is not the expected document; fw_error.path says where */
  FW_ERR_UTF8,         /* text is not valid UTF-8 */
  FW_ERR_TOO_LARGE,    /* input above the configured size limit */
  FW_ERR_EMPTY,        /* empty input */
  FW_ERR_RULE_COMPILE, /* a rule's regex does not compile; fw_error.rule_id names it */
  FW_ERR_RULE_LIMIT,   /* a rule hit the PCRE2 match/depth/heap limit; fw_error.rule_id names it */
  FW_ERR_NEO4J,        /* Neo4j refused a request (auth, database, Cypher); fw_error.server_code */
  FW_ERR_BUDGET,       /* one text took longer than its deadline (fw_classify_options.deadline_ms) */
  FW_ERR_XML           /* a document is not well-formed XML, or declares a DOCTYPE (refused) */
} fw_status;

/* Details of a failure. A plain struct so callers can keep one on the stack; message is always
 * NUL-terminated and never contains credentials or the input text itself. */
typedef struct fw_error {
  fw_status code;
  char message[512];
  char path[160];   /* JSON path of a schema error, e.g. "$.entities[2].fields[0].type" */
  char rule_id[96]; /* rule that failed to compile or ran away */
  char server_code[96]; /* Neo4j's error code ("Neo.ClientError.Security.Unauthorized") */
} fw_error;

/* Library version, "MAJOR.MINOR.PATCH". */
FW_API const char *fw_version(void);

/* Stable lower-case name of a status ("ok", "json", "schema", ...), for error objects. */
FW_API const char *fw_status_name(fw_status status);

/* Allocator hooks. Call once, before any other function, or never (defaults to malloc/realloc/
 * free). They are process-wide because cJSON's hooks are; the core keeps no other global state
 * but one thread-local pointer: calling this (NULL: the defaults) also installs cJSON hooks that
 * let fw_classify() and fw_classify_record() build each record's JSON in the classifier's arena
 * (the pointer says which arena the calling thread fills), some seventy malloc/free pairs a
 * record fewer. Without the call they work the same, through malloc. */
typedef struct fw_allocator {
  void *(*malloc_fn)(size_t size);
  void *(*realloc_fn)(void *ptr, size_t size);
  void (*free_fn)(void *ptr);
} fw_allocator;
FW_API void fw_set_allocator(const fw_allocator *allocator);

/* Allocate / free through the hooks. Every string the core returns is freed with fw_free(). */
FW_API void *fw_malloc(size_t size);
FW_API void fw_free(void *ptr);

/* ---- Rules ------------------------------------------------------------------------------- */

/* A compiled, immutable rule set: the built-in pack, optionally extended by user packs whose
 * rules are tried first. Shareable between classifiers (and threads) once built. */
typedef struct fw_rules fw_rules;

/* Compile the built-in rule pack (core/rules/default.json). A build without it compiled in
 * (-DFW_EMBED_RULES=OFF, the WASM module) fails with FW_ERR_ARG until fw_set_builtin_rules(). */
FW_API fw_status fw_rules_new(fw_rules **out, fw_error *err);

/* The built-in pack for a build that does not embed it; json (len bytes) must outlive every later
 * fw_rules_new(). Called before any other thread uses the core, as fw_set_allocator(). */
FW_API void fw_set_builtin_rules(const char *json, size_t len);

/* Add a user rule pack (JSON text, format in docs/rules.md). Its rules take precedence over those
 * already present; its category entries override remediation templates. On error nothing is
 * added and err names the rule and the reason. */
FW_API fw_status fw_rules_add_pack(fw_rules *rules, const char *json, size_t len, fw_error *err);

/* Number of rules in the set. */
FW_API size_t fw_rules_count(const fw_rules *rules);

FW_API void fw_rules_free(fw_rules *rules);

/* ---- ApplicationIR ----------------------------------------------------------------------- */

/* A parsed, validated ApplicationIR (the app's spec: entities, fields, endpoints). */
typedef struct fw_ir fw_ir;

/* Parse and validate an ApplicationIR document. A malformed one gives FW_ERR_JSON or
 * FW_ERR_SCHEMA with err->path naming the offending JSON path and what was expected. */
FW_API fw_status fw_ir_parse(const char *json, size_t len, fw_ir **out, fw_error *err);

/* What the IR was accepted with despite a doubt, one line each ("$.entities[0].fields[2].type:
 * unknown type 'Money', kept as written"); "" when nothing. Field types are read as people write
 * them (Python, SQL, TypeScript/Prisma, JSON Schema: docs/formats.md); an unknown one is kept,
 * never fatal. Valid while the IR lives. */
FW_API const char *fw_ir_warnings(const fw_ir *ir);

/* The IR normalised (derived tables filled in) as JSON. Caller frees with fw_free(). */
FW_API fw_status fw_ir_to_json(const fw_ir *ir, char **out_json, fw_error *err);

FW_API void fw_ir_free(fw_ir *ir);

/* ---- SmokeTestResult ---------------------------------------------------------------------- */

/* Validate a SmokeTestResult document; on success *out_json (if out_json is not NULL) receives
 * its normalised form. Errors name the JSON path. */
FW_API fw_status fw_smoke_validate(const char *json, size_t len, char **out_json, fw_error *err);

/* ---- JUnit XML test reports ---------------------------------------------------------------- */

/* Is this text a JUnit XML report rather than a SmokeTestResult (JSON)? True when its first
 * character (after a BOM and white space) is '<'; fw_junit_to_smoke() then says whether it is. */
FW_API bool fw_junit_detect(const char *text, size_t len);

/* One or more JUnit XML reports (pytest --junitxml, jest-junit, Maven Surefire / Gradle, one file
 * per class, go-junit-report) as one SmokeTestResult: a violation per failed or errored testcase,
 * with "test", "outcome", "message", its text as "traceback" (message, body, system-out/err) and
 * "endpoint" when its text or name tells it (rules in docs/formats.md; ir, which may be NULL,
 * helps read names); "tests" counts total, passed, failed, errors, skipped. run_id: as given,
 * else "<first suite's name>@<its timestamp>", else "@<hash of the reports>". Refused with
 * FW_ERR_XML: not well-formed, or a DOCTYPE (no DTD or entity is ever read); FW_ERR_UTF8;
 * FW_ERR_SCHEMA: the root is not <testsuites> / <testsuite>. Caller frees *smoke_json. */
FW_API fw_status fw_junit_to_smoke(const char *const *docs, const size_t *lens, size_t ndocs,
                                   const char *run_id, const fw_ir *ir, char **smoke_json,
                                   fw_error *err);

/* ---- Classification ---------------------------------------------------------------------- */

/* Per-call scratch (PCRE2 match data, buffers) over a shared fw_rules. One per thread. */
typedef struct fw_classifier fw_classifier;

FW_API fw_status fw_classifier_new(const fw_rules *rules, fw_classifier **out, fw_error *err);
FW_API void fw_classifier_free(fw_classifier *classifier);

/* The stack this classifier's lessons are written in when a call names none
 * (fw_classify_options.stack), for the calls that take no options: fw_collect() (`ingest
 * --stack`). NULL: the IR's, else detected. An unknown stack is FW_ERR_ARG and changes nothing. */
FW_API fw_status fw_classifier_set_stack(fw_classifier *classifier, const char *stack, fw_error *err);

/* Options of one classification. Zero-initialise, then set what you need. */
typedef struct fw_classify_options {
  const fw_ir *ir;      /* map the error onto this spec (may be NULL) */
  /* the stack the lesson is written in ("django", "express-prisma", ...: the rule pack's
   * "stacks"); NULL: the IR's "stack", else the one the error text shows, else "neutral" */
  const char *stack;
  const char *endpoint; /* "METHOD /path" the failure came from (may be NULL) */
  const char *now;      /* ISO 8601 UTC time for first_seen/last_seen; NULL gives the epoch */
  size_t max_input;     /* 0 means FW_DEFAULT_MAX_INPUT */
  /* time budget of one text (its matches, rules and redactions) in ms; 0 means
   * FW_DEFAULT_DEADLINE_MS per started MiB of text (1 s up to 1 MiB, 4 s for 4 MiB). Past it the
   * text fails with FW_ERR_BUDGET. Wall-clock: only a text that takes this long is affected. */
  unsigned deadline_ms;
} fw_classify_options;

#define FW_DEFAULT_DEADLINE_MS 1000u

/* Classify one error text (a traceback, a one-line exception, a 422 body, ...). On success
 * *out_json holds the classification object (fields in docs/formats.md); caller frees it. */
FW_API fw_status fw_classify(fw_classifier *classifier, const char *text, size_t len,
                             const fw_classify_options *options, char **out_json, fw_error *err);

/* Classify one JSON-lines record {"id": ..., "text": ..., "endpoint": ...?}. The output object
 * echoes "id". A record that cannot be classified (bad JSON, no "text", invalid UTF-8, too
 * large) still gives one output line, {"id": ..., "error": {"code", "message"}}, and the
 * status says what went wrong, so a stream keeps its order and length. */
FW_API fw_status fw_classify_record(fw_classifier *classifier, const char *line, size_t len,
                                    const fw_classify_options *options, char **out_json,
                                    fw_error *err);

/* The text with its secrets replaced by typed placeholders (`<password>`, `<jwt>`, `<api_key>`,
 * `<email>`, ...): the built-in redactions of the rule pack and any of the packs added to the
 * classifier's rules ("redact" in docs/rules.md). Every classification already passes through
 * it; this is the same step on its own (a store written before, a log to share). *out is freed
 * with fw_free(); *count (when not NULL) gets the number of replacements. */
FW_API fw_status fw_redact(fw_classifier *classifier, const char *text, size_t len, char **out,
                           size_t *count, fw_error *err);

/* Whether json[0..len) is a document forewarn reads: valid UTF-8 and JSON, no NUL character
 * (\u0000), no object holding a key twice (cJSON would take the first, JavaScript the last). Every
 * document the core parses gets this check; it is public for callers that parse a document
 * themselves (the CLI's request lines, the edge worker's request bodies), so all refuse alike. */
FW_API fw_status fw_json_check(const char *json, size_t len, fw_error *err);

/* The message template of a text (numbers, UUIDs, hex, quoted values, timestamps, paths replaced
 * by placeholders). Exposed for tests and for grouping unclassified errors. Caller frees. */
FW_API fw_status fw_normalize_message(const char *message, size_t len, char **out, fw_error *err);


/* ---- Store ---------------------------------------------------------------------------------- */

/* The in-memory anti-pattern store: patterns indexed by id and entity, unclassified error groups
 * and per-run history. Its JSON document (docs/formats.md) is the embedded file store's content.
 * Not thread-safe; after FW_ERR_NOMEM free it. */
typedef struct fw_store fw_store;

FW_API fw_status fw_store_new(fw_store **out, fw_error *err);
FW_API void fw_store_free(fw_store *store);

/* Replace the store's content with a store document. A corrupt document is refused (the store
 * keeps its content) with the JSON path of the first problem. */
FW_API fw_status fw_store_load(fw_store *store, const char *json, size_t len, fw_error *err);

/* The store document. Caller frees. */
FW_API fw_status fw_store_to_json(const fw_store *store, char **out_json, fw_error *err);

FW_API size_t fw_store_pattern_count(const fw_store *store);

/* One pattern as JSON (every field, counters, prevention_rate), or "null". Caller frees. */
FW_API fw_status fw_store_get(const fw_store *store, const char *pattern_id, char **out_json,
                              fw_error *err);

/* Patterns matching {"entity"?, "endpoint_pattern"?, "schema"?, "error_type"?,
 * "min_occurrences"?} as a JSON array. Caller frees. */
FW_API fw_status fw_store_query(const fw_store *store, const char *query_json, size_t len,
                                char **out_json, fw_error *err);

/* Every pattern (or, with unclassified, every unclassified group) as a JSON array. */
FW_API fw_status fw_store_list(const fw_store *store, bool unclassified, char **out_json,
                               fw_error *err);

/* ---- Lessons: measured effect and lifecycle (docs/formats.md, "Effect and lifecycle") -- */

/* When a lesson is retired. Zero fields mean the defaults; min_lift counts only with
 * min_lift_set (0 is a threshold of its own). */
typedef struct fw_lifecycle_options {
  double min_lift;         /* retired when its lift's 95 % upper bound is below this */
  bool min_lift_set;
  long long min_exposures; /* slots per arm (injected, withheld) before an effect is reported */
  long long unseen_runs;   /* retired after this many runs without its error; < 0: never */
  long long retire_exposures; /* slots per arm (withheld, for not seen) before a rule retires it */
} fw_lifecycle_options;

#define FW_DEFAULT_MIN_LIFT 0.05
#define FW_DEFAULT_MIN_EXPOSURES 5
#define FW_DEFAULT_UNSEEN_RUNS 20
#define FW_DEFAULT_RETIRE_EXPOSURES 20

/* Per-run history and totals: {"runs": [...], "totals": {...}, "effects": [...]} where effects
 * lists each pattern with exposures (injected or withheld), its state and effect, sorted by
 * lift, and totals.effect pools every pattern's arms. Caller frees. */
FW_API fw_status fw_store_stats(const fw_store *store, char **out_json, fw_error *err);
/* The same with lifecycle options (NULL: the defaults). */
FW_API fw_status fw_store_stats_with(const fw_store *store, const fw_lifecycle_options *lifecycle,
                                     char **out_json, fw_error *err);

/* Every pattern (as fw_store_list()) with its "state" (active, escalated, retired),
 * "state_reason" and "effect"; state, when not NULL, keeps only the patterns in that state. */
FW_API fw_status fw_store_lessons(const fw_store *store, const fw_lifecycle_options *lifecycle,
                                  const char *state, char **out_json, fw_error *err);

/* A person's decision on a lesson: "retired" (never injected until activated again) or
 * "active" (kept active: the automatic rules do not retire it), recorded with `now`.
 * FW_ERR_ARG for an unknown pattern or decision. */
FW_API fw_status fw_store_decide(fw_store *store, const char *pattern_id, const char *decision,
                                 const char *now, fw_error *err);

/* Delete a pattern a person no longer wants (its lesson, counters and samples); the runs that
 * counted it stay in the history. FW_ERR_ARG when the id is not stored. If the error comes
 * again it is a new pattern, counted from 1. */
FW_API fw_status fw_store_delete(fw_store *store, const char *pattern_id, fw_error *err);

/* Apply a change set from fw_collect(): creates and increments patterns, groups unclassified
 * errors, accounts prevention, records the run. A run_id seen before changes nothing
 * ("already_ingested": true). *result_json is the FeedbackProcessingResult. */
FW_API fw_status fw_store_apply(fw_store *store, const char *changeset_json, size_t len,
                                char **result_json, fw_error *err);

/* The store interface every backend implements (versioned, like sqlite3_io_methods). `self` is
 * the backend's handle: an fw_store for the in-memory store; the native file store and the
 * Neo4j store provide their own. */
#define FW_STORE_METHODS_VERSION 1
typedef struct fw_store_methods {
  int version;
  const char *name;
  fw_status (*get)(void *self, const char *pattern_id, char **out_json, fw_error *err);
  fw_status (*apply)(void *self, const char *changeset_json, size_t len, char **result_json,
                     fw_error *err); /* the batch upsert of one run */
  fw_status (*query)(void *self, const char *query_json, size_t len, char **out_json,
                     fw_error *err);
  fw_status (*list)(void *self, bool unclassified, char **out_json, fw_error *err);
  fw_status (*stats)(void *self, char **out_json, fw_error *err);
} fw_store_methods;

FW_API const fw_store_methods *fw_store_mem_methods(void);

/* ---- The learning loop ------------------------------------------------------------------- */

/* The feedback collector: classify one SmokeTestResult's violations (each matched with the
 * stack traces of its endpoint, in order), and account the manifest's injections (which patterns
 * were in this run's prompts; may be NULL). *changeset_json is what fw_store_apply() takes.
 * A manifest for another run_id is refused. */
FW_API fw_status fw_collect(fw_classifier *classifier, const char *smoke_json, size_t smoke_len,
                            const fw_ir *ir, const char *manifest_json, size_t manifest_len,
                            const char *now, char **changeset_json, fw_error *err);

/* Options of the prompt enhancer. Zero means the default. */
typedef struct fw_enhance_options {
  const char *scope;      /* "entity", "endpoint" or "schema" */
  const char *target;     /* "Product", "POST /products", "ProductCreate" */
  const fw_ir *ir;        /* for endpoint patterns, schema entities and general patterns */
  const fw_rules *rules;  /* remediation templates for general patterns */
  size_t max_patterns;    /* MAX_ANTIPATTERNS_PER_PROMPT, default 5 */
  long long min_occurrences; /* MIN_OCCURRENCE_COUNT, default 2 */
  size_t budget;          /* characters of the whole section, default 2000 */
  size_t quote_cap;       /* characters of any quoted value, default 60 */
  /* the stack of the prompt ("django", ...): each lesson is written in it; NULL: the IR's
   * "stack", else each stored lesson as it was stored (general ones in words) */
  const char *stack;
  /* withhold each eligible warning from this fraction (0..1) of its (run, target) slots, chosen
   * by a hash of pattern_id, run_id and target: listed in "injected" with "withheld": true, not
   * in the prompt. 0: none. Needs run_id. */
  double holdout;
  const char *run_id;
  /* which lessons are retired (never injected); NULL: the defaults */
  const fw_lifecycle_options *lifecycle;
} fw_enhance_options;

/* The base prompt followed by "AVOID THESE KNOWN ISSUES:" with the selected patterns.
 * *out_json = {"prompt", "section", "injected": [{pattern_id, scope, target, entity, general,
 * ...}]}; the injected list is what a manifest records. Caller frees. */
FW_API fw_status fw_enhance(const fw_store *store, const char *base_prompt, size_t len,
                            const fw_enhance_options *options, char **out_json, fw_error *err);

/* ---- Neo4j over the HTTP Query API: requests and responses, no I/O -------------------------
 *
 * The core builds each request body of POST /db/{database}/query/v2 ({"statement",
 * "parameters", "includeCounters"}) and parses each answer; the host sends it (libcurl natively,
 * fetch in JavaScript). Every value travels as a parameter: nothing from a change set, a query
 * or a pattern is ever spliced into Cypher text. The Query API runs one statement per request.
 * Reads return one row {patterns, unclassified, runs} that fw_neo4j_store_document() turns into
 * a store document, so the in-memory store's code answers stats, queries and enhance exactly as
 * for the embedded store. */

/* Number of schema statements (constraints and indexes, each `IF NOT EXISTS`). */
FW_API size_t fw_cypher_schema_count(void);

/* The request body of schema statement i (< fw_cypher_schema_count()). Caller frees. */
FW_API fw_status fw_cypher_schema(size_t i, char **out_body, fw_error *err);

/* A request that answers one row {"present": n}: how many of the schema's constraints and
 * indexes exist (all of them: n == fw_cypher_schema_count()). Caller frees. */
FW_API fw_status fw_cypher_schema_check(char **out_body, fw_error *err);

/* Longest ingest token fw_cypher_apply() accepts, in characters. */
#define FW_INGEST_TOKEN_MAX 64

/* The one request that applies a change set from fw_collect(). It first checks that every
 * constraint and index of the schema exists (db.awaitIndex); when one is missing the request
 * fails as a whole with Neo.ClientError.Schema.IndexNotFound (fw_neo4j_schema_missing()), nothing
 * written: apply the schema and send it again. The run node keyed by run_id is merged first and
 * everything else happens only when this request created it, so re-sending the same run (a
 * retry, a second CI job) changes nothing; counters are incremented inside Neo4j.
 * ingest_token names this ingest: the caller draws it from a random source once per ingest (the
 * core has none; 32 hex digits of 16 random bytes, as the CLI and forewarn.mjs do) and uses the
 * same body, or the same token, for every retry and the re-send after a schema migration. It is
 * 1 to FW_INGEST_TOKEN_MAX printable ASCII characters without spaces (FW_ERR_ARG otherwise), goes
 * in as a parameter and is kept on the run node (ingest_token, never exported), so a retry whose
 * earlier attempt committed before its answer was lost is told the run was applied by this
 * ingest, with that attempt's numbers (fw_cypher_apply_result()), while an ingest with another
 * token is told it was already ingested. Caller frees. */
FW_API fw_status fw_cypher_apply(const char *changeset_json, size_t len, const char *ingest_token,
                                 char **out_body, fw_error *err);

/* The FeedbackProcessingResult (as fw_store_apply() gives it) from the change set and the
 * parsed answer (fw_neo4j_parse()) of its fw_cypher_apply() request. already_ingested is false
 * when this ingest applied the run: in this request, or in an earlier attempt of it (same token)
 * whose answer was lost; the numbers are then that attempt's, read back from the run node, and
 * unclassifiable_errors the change set's, exactly as the first answer would have said. It is
 * true, every number 0 and the list empty, when another ingest (another token, or a store
 * import) stored the run: nothing changed. Caller frees. */
FW_API fw_status fw_cypher_apply_result(const char *changeset_json, size_t len,
                                        const char *parsed_json, size_t parsed_len,
                                        char **result_json, fw_error *err);

/* One request that writes the records of a store document (fw_store_load()'s format: patterns,
 * unclassified groups, runs) into Neo4j with their values set, not incremented: sending it again
 * changes nothing. A run new to the database gets the next run sequence numbers in the
 * document's order; one already there keeps its place (and loses the token of the ingest that
 * wrote it: its record is the import's now). The document is checked as
 * fw_store_load() checks it. `store import` sends one per batch of records. Caller frees. */
FW_API fw_status fw_cypher_import(const char *store_json, size_t len, char **out_body,
                                  fw_error *err);

/* Read the whole store: with full, every pattern's fields, else only what stats need. Caller
 * frees. */
FW_API fw_status fw_cypher_dump(bool full, char **out_body, fw_error *err);

/* Read one pattern by id. Caller frees. */
FW_API fw_status fw_cypher_get(const char *pattern_id, char **out_body, fw_error *err);

/* Record a person's decision on a pattern (fw_store_decide()): the answer's row has
 * "patterns", the pattern as read after the write (empty when the id is not stored). */
FW_API fw_status fw_cypher_decide(const char *pattern_id, const char *decision, const char *now,
                                  char **out_body, fw_error *err);

/* Delete a pattern (fw_store_delete()): the answer's row has "patterns", the pattern as it was
 * read just before it was deleted (empty when the id is not stored). */
FW_API fw_status fw_cypher_delete(const char *pattern_id, char **out_body, fw_error *err);

/* Read the candidates of fw_store_query() for {"entity"?, "endpoint_pattern"?, "schema"?,
 * "error_type"?, "min_occurrences"?}; run fw_store_query() on the loaded store for the answer.
 * Caller frees. */
FW_API fw_status fw_cypher_query(const char *query_json, size_t len, char **out_body,
                                 fw_error *err);

/* Read what fw_enhance() needs for these options (scope, target, ir, min_occurrences): the
 * full patterns of the target (entity, or endpoint pattern / schema when no entity is known)
 * and the counters of every pattern the general patterns are derived from. Loaded into an
 * fw_store, fw_enhance() renders the same prompt as over the whole store. Caller frees. */
FW_API fw_status fw_cypher_enhance_selection(const fw_enhance_options *options, char **out_body,
                                             fw_error *err);

/* Parse a Query API answer: the HTTP status and body. Success gives {"status", "fields",
 * "rows": [{field: value}], "counters", "bookmarks"}. Errors (also inside a 202 body: an error
 * raised mid-stream) give FW_ERR_NEO4J with err->server_code set to Neo4j's code and a message
 * such as "authentication failed (401)", "unknown database", "Cypher error <code>: <message>";
 * a body that is not the Query API's gives FW_ERR_JSON / FW_ERR_SCHEMA. Caller frees. */
FW_API fw_status fw_neo4j_parse(int http_status, const char *body, size_t len, char **out_json,
                                fw_error *err);

/* Did an fw_cypher_apply() request fail because the schema is not applied (a constraint or
 * index missing)? Nothing was written: apply the schema (fw_cypher_schema) and send it again. */
FW_API bool fw_neo4j_schema_missing(const fw_error *err);

/* Is a failed answer worth retrying: a 5xx, or a Neo.TransientError.* (deadlock, leader
 * switch, ...)? Client errors (4xx, Neo.ClientError.*) are not. */
FW_API bool fw_neo4j_transient(int http_status, const fw_error *err);

/* The store document (fw_store_load()) from a parsed read answer (fw_cypher_dump, _get, _query,
 * _enhance_selection). Caller frees. */
FW_API fw_status fw_neo4j_store_document(const char *parsed_json, size_t len, char **store_json,
                                         fw_error *err);

/* Re-print a JSON document indented, for people reading output. Caller frees *out. */
FW_API fw_status fw_json_pretty(const char *json, size_t len, char **out, fw_error *err);

#ifdef __cplusplus
}
#endif
#endif /* FOREWARN_H */
