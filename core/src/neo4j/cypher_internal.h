/*
 * cypher_internal.h - what cypher.c and cypher_import.c share: the request body and the rows
 * a pattern becomes in Neo4j.
 */
#ifndef FW_CYPHER_INTERNAL_H
#define FW_CYPHER_INTERNAL_H

#include <stdbool.h>

#include "forewarn.h"
#include <cjson/cJSON.h>

/* The fields the store owns, never part of a pattern's doc; the first four are the counters
 * Neo4j increments, the next three the holdout's counters and the last sighting's run. */
#define FW_CYPHER_STORE_FIELDS 12
extern const char *const fw__cypher_store_fields[FW_CYPHER_STORE_FIELDS];

/* The string value of o[key], or NULL. */
const char *fw__cypher_str(const cJSON *o, const char *key);
/* {"statement", "parameters", "includeCounters": true}; takes params. */
fw_status fw__cypher_body(const char *statement, cJSON *params, char **out, fw_error *err);
/* The same with the statement in two parts, joined (C11 limits a literal to 4095 characters). */
fw_status fw__cypher_body2(const char *head, const char *tail, cJSON *params, char **out, fw_error *err);
/* The row of a pattern (props, doc, the lower-cased entity key); path names it in errors. */
fw_status fw__cypher_pattern_row(const cJSON *pattern, const char *path, cJSON *row, fw_error *err);
/* Rows sorted by pattern_id / template_id: the same document gives the same request. */
bool fw__cypher_sort_rows(cJSON *arr);
/* A run's test counts ({"total", "passed", ...} of a JUnit run, or NULL) as the flat properties
 * a node can hold (tests_total, tests_passed, ...; null when absent) added to row. */
void fw__cypher_tests_row(const cJSON *tests, cJSON *row);
#define FW_CYPHER_TEST_COUNTS 5
extern const char *const fw__cypher_test_counts[FW_CYPHER_TEST_COUNTS][2]; /* {"total", "tests_total"}, ... */

#endif
