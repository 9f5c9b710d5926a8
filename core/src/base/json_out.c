/* json_out.c - see json_out.h. */
#include "json_out.h"

#include <limits.h>

#include "forewarn.h"

#include <stdio.h>
#include <stdlib.h>

void fw__json_add(cJSON *o, const char *key, cJSON *item) {
  if (!item) return;
  if (!o || !cJSON_AddItemToObjectCS(o, key, item)) cJSON_Delete(item);
}

void fw__json_str(cJSON *o, const char *key, const char *value) {
  fw__json_add(o, key, cJSON_CreateString(value ? value : ""));
}

void fw__json_str_or_null(cJSON *o, const char *key, const char *value) {
  fw__json_add(o, key, value && *value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

void fw__json_ref(cJSON *o, const char *key, const char *value) {
  fw__json_add(o, key, cJSON_CreateStringReference(value ? value : ""));
}

void fw__json_ref_or_null(cJSON *o, const char *key, const char *value) {
  fw__json_add(o, key, value && *value ? cJSON_CreateStringReference(value) : cJSON_CreateNull());
}

void fw__json_int(cJSON *o, const char *key, long long value) {
  static const char *const small[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  if (value >= 0 && value < 10) { /* the common counters, without snprintf */
    fw__json_add(o, key, cJSON_CreateRaw(small[value]));
    return;
  }
  char buf[24];
  snprintf(buf, sizeof buf, "%lld", value);
  fw__json_add(o, key, cJSON_CreateRaw(buf));
}

void fw__json_bool(cJSON *o, const char *key, bool value) {
  fw__json_add(o, key, cJSON_CreateBool(value));
}

cJSON *fw__json_obj(cJSON *o, const char *key) {
  cJSON *child = cJSON_CreateObject();
  if (!child) return NULL;
  if (!o || !cJSON_AddItemToObjectCS(o, key, child)) {
    cJSON_Delete(child);
    return NULL;
  }
  return child;
}

long long fw__json_get_int(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  long long n = 0;
  if (cJSON_IsRaw(v)) n = strtoll(v->valuestring, NULL, 10);
  else if (cJSON_IsNumber(v)) n = fw__ll_from_double(v->valuedouble);
  return n > 0 ? n : 0;
}

long long fw__ll_from_double(double d) {
  if (d != d) return 0;
  if (d >= 9223372036854775807.0) return LLONG_MAX; /* 2^63: the double next to LLONG_MAX */
  if (d <= -9223372036854775808.0) return LLONG_MIN;
  return (long long)d;
}

bool fw__json_is_count_or_absent(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!v) return true;
  if (cJSON_IsRaw(v)) return true; /* written by this process */
  return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0 &&
         v->valuedouble == (double)(long long)v->valuedouble;
}
