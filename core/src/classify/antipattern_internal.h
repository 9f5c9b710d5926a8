/* antipattern_internal.h - pattern identity and snippet rendering, shared by the classifier's
 * JSON output and the learning loop. */
#ifndef FW_ANTIPATTERN_INTERNAL_H
#define FW_ANTIPATTERN_INTERNAL_H

#include "classify_internal.h"
#include "ir_internal.h"

/* Render a category template ("{entity}.{field}") for this classification. Caller frees. */
char *fw__render_template(const fw_classification *c, const fw_rules *rules, const char *tpl);

/* The first {name} in a template that is no placeholder (with its length), or NULL: a pack
 * refuses it when it loads. "{{name}}" writes a literal "{name}". */
const char *fw__template_unknown(const char *tpl, size_t *len);
/* The same appended to b. */
void fw__render_template_into(const fw_classification *c, const fw_rules *rules, const char *tpl,
                              fw_buf *b);

/* "nullable:category_id", "foreign_key:*". */
void fw__field_pattern(const fw_classification *c, char *out, size_t cap);

struct cJSON;
/* The GenerationAntiPattern object (cJSON) of a classification, first and last seen at now.
 * Without snippets the tree owns copies of everything it shows but the rules' strings and now;
 * with snippets it references c's strings and renders the three code snippets into snippets[0..2]
 * (reset here), all of which must then outlive its printing. */
struct cJSON *fw__antipattern_object(const fw_classification *c, const fw_rules *rules,
                                     const char *pattern_id, const char *now, fw_buf *snippets);

#endif
