/* normalize_internal.h - the template/regex builder shared by the classifier and the public
 * fw_normalize_message(). */
#ifndef FW_NORMALIZE_INTERNAL_H
#define FW_NORMALIZE_INTERNAL_H

#include "rules_internal.h"

extern const char *const fw__normalizer_pattern;

/* Append the template of s[0,n) to tpl and, when re is not NULL, its regex to re. `lite` (may be
 * NULL) is the normaliser without the email, URL and drive-letter masks, used where the text
 * left cannot hold them (rules.c). */
fw_status fw__normalize(const pcre2_code *full, const pcre2_code *lite, pcre2_match_data *md,
                        pcre2_match_context *mctx, const char *s, size_t n, fw_buf *tpl,
                        fw_buf *re);

#endif
