/*
 * regex.c - compiles the core's patterns (rules, packs, the built-in scanners) with one set of
 * options: UTF-8, duplicate group names, JIT where the platform has it. Matching them is
 * fw__regex_match() in rules_internal.h, inline because every match goes through it.
 */
#include "rules_internal.h"

#include <cjson/cJSON.h>

pcre2_code *fw__regex_compile(const char *pattern, fw_error *err, const char *what) {
  return fw__regex_compile_with(pattern, 0, err, what);
}

pcre2_code *fw__regex_compile_with(const char *pattern, uint32_t options, fw_error *err,
                                   const char *what) {
  int code;
  PCRE2_SIZE offset;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_DUPNAMES | PCRE2_NO_UTF_CHECK | options, &code,
                                 &offset, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    fw__fail(err, FW_ERR_RULE_COMPILE, "%s: regex does not compile at offset %zu: %s", what,
             (size_t)offset, (const char *)msg);
    fw__set_rule(err, what);
    return NULL;
  }
  /* JIT is an optimisation: unavailable in WASM, and a pattern JIT refuses still runs. */
  (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  return re;
}

void fw__regex_list_free(fw_regex_list *l) {
  for (size_t k = 0; k < l->n; k++) pcre2_code_free(l->re[k]);
  fw_free(l->re);
  l->re = NULL;
  l->n = 0;
}

fw_status fw__regex_list_parse(const cJSON *arr, const char *path, fw_regex_list *out,
                               fw_error *err) {
  out->re = NULL;
  out->n = 0;
  if (cJSON_IsString(arr)) { /* one pattern: a list of one */
    out->re = fw_malloc(sizeof *out->re);
    if (!out->re) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    if (!(out->re[0] = fw__regex_compile(arr->valuestring, err, path + 2))) {
      fw__regex_list_free(out);
      return FW_ERR_RULE_COMPILE;
    }
    out->n = 1;
    return FW_OK;
  }
  if (!cJSON_IsArray(arr)) return fw__fail_path(err, FW_ERR_SCHEMA, path, "expected an array of regex strings");
  size_t n = (size_t)cJSON_GetArraySize(arr);
  out->re = fw_malloc(sizeof *out->re * (n ? n : 1));
  if (!out->re) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  const cJSON *h;
  cJSON_ArrayForEach(h, arr) {
    pcre2_code *re = cJSON_IsString(h) ? fw__regex_compile(h->valuestring, err, path + 2) : NULL;
    if (!re) {
      fw__regex_list_free(out);
      return cJSON_IsString(h) ? FW_ERR_RULE_COMPILE : fw__fail_path(err, FW_ERR_SCHEMA, path, "expected strings");
    }
    out->re[out->n++] = re;
  }
  return FW_OK;
}
