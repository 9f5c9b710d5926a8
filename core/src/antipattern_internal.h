/* antipattern_internal.h - pattern identity and snippet rendering, shared by the classifier's
 * JSON output and the learning loop. */
#ifndef FW_ANTIPATTERN_INTERNAL_H
#define FW_ANTIPATTERN_INTERNAL_H

#include "classify_internal.h"
#include "ir_internal.h"

/* Render a category template ("{entity}.{field}") for this classification. Caller frees. */
char *fw__render_template(const fw_classification *c, const fw_rules *rules, const char *tpl);

/* "nullable:category_id", "foreign_key:*". */
void fw__field_pattern(const fw_classification *c, char *out, size_t cap);

struct cJSON;
/* The GenerationAntiPattern object (cJSON) of a classification, first and last seen at now. */
struct cJSON *fw__antipattern_object(const fw_classification *c, const fw_rules *rules,
                                     const char *pattern_id, const char *now, bool borrow);

#endif
