/* json_out.h - small cJSON writers for the core's output objects. Keys are string literals and
 * added with cJSON's constant-key calls (no copy per key); integers are written as raw
 * numbers, skipping cJSON's printf/scanf round trip. Failures leave no orphaned item. */
#ifndef FW_JSON_OUT_H
#define FW_JSON_OUT_H

#include <cjson/cJSON.h>
#include <stdbool.h>

void fw__json_add(cJSON *o, const char *key, cJSON *item);
void fw__json_str(cJSON *o, const char *key, const char *value);
void fw__json_str_or_null(cJSON *o, const char *key, const char *value);
/* A string the tree only references: it must outlive the tree's printing and deletion. */
void fw__json_ref(cJSON *o, const char *key, const char *value);
void fw__json_ref_or_null(cJSON *o, const char *key, const char *value);
void fw__json_int(cJSON *o, const char *key, long long value);
void fw__json_bool(cJSON *o, const char *key, bool value);
cJSON *fw__json_obj(cJSON *o, const char *key);

/* An integer member, whether parsed (a number) or written by this process (a raw number);
 * 0 when absent or negative. */
long long fw__json_get_int(const cJSON *o, const char *key);

/* A double as long long, saturating at the type's ends and 0 for NaN: a plain cast of a value
 * out of range (1e300 from a hostile document) is undefined behaviour. */
long long fw__ll_from_double(double d);

/* Whether member `key` of o, when present, is a count: a whole number in 0..2^53 (exact in a
 * double). Stored counters that are not are refused, never silently reset. */
bool fw__json_is_count_or_absent(const cJSON *o, const char *key);

#endif
