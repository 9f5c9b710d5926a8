/*
 * forewarn_wasm.h - the shim the WebAssembly build exports beside the public API (wasm/exports.txt
 * lists both). Handles are pointers; a call that returns a string returns fw_malloc'd JSON that the
 * caller frees with fw_free(), or NULL with the caller's fw_error filled. Only i32/f64 values cross
 * the boundary: no structs by value, no 64-bit integers.
 */
#ifndef FOREWARN_WASM_H
#define FOREWARN_WASM_H

#include "forewarn.h"

/* An fw_error for one JS instance, reused by every call; freed with fw_free(). Read through the
 * accessors so JS never depends on the struct's layout. */
FW_API fw_error *fw_wasm_error_new(void);
FW_API int fw_wasm_error_code(const fw_error *e);
FW_API const char *fw_wasm_error_message(const fw_error *e);
FW_API const char *fw_wasm_error_path(const fw_error *e);
FW_API const char *fw_wasm_error_rule_id(const fw_error *e);
FW_API const char *fw_wasm_error_server_code(const fw_error *e);

/* Bytes handed out by malloc and not yet freed (mallinfo's uordblks), for the leak test. */
FW_API size_t fw_wasm_heap_used(void);

/* Constructors returning the handle, or NULL with e filled. */
/* The built-in rule pack, copied and kept (the module does not embed it): before any Rules. */
FW_API int fw_wasm_set_builtin_rules(const char *json, size_t len, fw_error *e);
FW_API fw_rules *fw_wasm_rules_new(fw_error *e);
FW_API fw_classifier *fw_wasm_classifier_new(const fw_rules *r, fw_error *e);
FW_API fw_ir *fw_wasm_ir_parse(const char *json, size_t len, fw_error *e);
FW_API fw_store *fw_wasm_store_new(fw_error *e);

/* The status-returning calls of the public API with e reset first. */
FW_API int fw_wasm_rules_add_pack(fw_rules *r, const char *json, size_t len, fw_error *e);
FW_API int fw_wasm_store_load(fw_store *s, const char *json, size_t len, fw_error *e);

/* The JSON-returning calls of the public API, options as plain arguments (NULL / 0 = default). */
FW_API char *fw_wasm_ir_to_json(const fw_ir *ir, fw_error *e);
FW_API char *fw_wasm_classify(fw_classifier *c, const char *text, size_t len, const fw_ir *ir,
                              const char *endpoint, const char *now, size_t max_input, unsigned deadline_ms,
                              const char *stack, fw_error *e);
/* A JSON-lines record: its output line is returned even for a bad record ({"id", "error"}); the
 * code in e says whether it was classified. */
FW_API char *fw_wasm_classify_record(fw_classifier *c, const char *line, size_t len,
                                     const fw_ir *ir, const char *endpoint, const char *now,
                                     size_t max_input, unsigned deadline_ms, const char *stack, fw_error *e);
FW_API char *fw_wasm_normalize(const char *text, size_t len, fw_error *e);
/* fw_redact() with the classifier's redactions. */
FW_API char *fw_wasm_redact(fw_classifier *c, const char *text, size_t len, fw_error *e);
/* fw_json_check(): 0, or the status with the message in e. */
FW_API int fw_wasm_json_check(const char *json, size_t len, fw_error *e);
FW_API char *fw_wasm_smoke_validate(const char *json, size_t len, fw_error *e);
FW_API char *fw_wasm_junit_to_smoke(const char *docs, size_t len, const char *run_id, const fw_ir *ir, fw_error *e);
FW_API int fw_wasm_junit_detect(const char *text, size_t len);
FW_API char *fw_wasm_collect(fw_classifier *c, const char *smoke, size_t smoke_len, const fw_ir *ir,
                             const char *manifest, size_t manifest_len, const char *now,
                             fw_error *e);
FW_API char *fw_wasm_enhance(const fw_store *s, const char *prompt, size_t len, const char *scope,
                             const char *target, const fw_ir *ir, const fw_rules *rules,
                             size_t max_patterns, int min_occurrences, size_t budget,
                             size_t quote_cap, const char *stack, double holdout,
                             const char *run_id, double min_lift, int min_exposures,
                             int unseen_runs, int retire_exposures, fw_error *e);
FW_API char *fw_wasm_store_to_json(const fw_store *s, fw_error *e);
FW_API char *fw_wasm_store_apply(fw_store *s, const char *changeset, size_t len, fw_error *e);
FW_API char *fw_wasm_store_get(const fw_store *s, const char *pattern_id, fw_error *e);
FW_API char *fw_wasm_store_query(const fw_store *s, const char *query, size_t len, fw_error *e);
FW_API char *fw_wasm_store_list(const fw_store *s, int unclassified, fw_error *e);
FW_API char *fw_wasm_store_stats(const fw_store *s, double min_lift, int min_exposures,
                                 int unseen_runs, int retire_exposures, fw_error *e);
FW_API char *fw_wasm_store_lessons(const fw_store *s, const char *state, double min_lift,
                                   int min_exposures, int unseen_runs, int retire_exposures,
                                   fw_error *e);
FW_API char *fw_wasm_store_decide(fw_store *s, const char *pattern_id, const char *decision,
                                  const char *now, fw_error *e);
FW_API char *fw_wasm_cypher_decide(const char *pattern_id, const char *decision, const char *now,
                                   fw_error *e);
/* The pattern (fw_store_get()) as it was before fw_store_delete() removed it. */
FW_API char *fw_wasm_store_delete(fw_store *s, const char *pattern_id, fw_error *e);
FW_API char *fw_wasm_cypher_delete(const char *pattern_id, fw_error *e);
FW_API char *fw_wasm_cypher_import(const char *doc, size_t len, fw_error *e);

/* Neo4j over the HTTP Query API (forewarn.h): the request bodies the core builds and its parser
 * of the answers, for the JS store that sends them with fetch. */
FW_API char *fw_wasm_cypher_schema(size_t i, fw_error *e);
FW_API char *fw_wasm_cypher_schema_check(fw_error *e);
FW_API char *fw_wasm_cypher_apply(const char *changeset, size_t len, const char *token, fw_error *e);
FW_API char *fw_wasm_cypher_apply_result(const char *changeset, size_t len, const char *parsed,
                                         size_t parsed_len, fw_error *e);
FW_API char *fw_wasm_cypher_dump(int full, fw_error *e);
FW_API char *fw_wasm_cypher_get(const char *pattern_id, fw_error *e);
FW_API char *fw_wasm_cypher_query(const char *query, size_t len, fw_error *e);
FW_API char *fw_wasm_cypher_enhance_selection(const char *scope, const char *target,
                                              const fw_ir *ir, int min_occurrences,
                                              int max_patterns, int min_exposures,
                                              int unseen_runs, int retire_exposures,
                                              fw_error *e);
/* The parsed answer, or NULL with e filled (code "neo4j" and e's server code for the server's
 * errors); fw_wasm_neo4j_transient() then says whether to retry. */
FW_API char *fw_wasm_neo4j_parse(int http_status, const char *body, size_t len, fw_error *e);
FW_API int fw_wasm_neo4j_transient(int http_status, const fw_error *e);
FW_API char *fw_wasm_neo4j_store_document(const char *parsed, size_t len, fw_error *e);

#endif
