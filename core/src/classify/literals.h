/* literals.h - the rules' literal prefilters ("requires", explicit or implicit) applied to a
 * subject in one pass: which rules may match it. See literals.c. */
#ifndef FW_LITERALS_H
#define FW_LITERALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fw_rules;

/* Derived from a rule set (rebuilt whenever a pack is added), immutable, shareable. */
typedef struct fw_literals fw_literals;

/* NULL when out of memory: callers then search each rule's literals on their own. */
fw_literals *fw__literals_new(const struct fw_rules *rules);
void fw__literals_free(fw_literals *ix);

/* uint64_t words of a rule set: bit r is rule r. */
size_t fw__literals_rule_words(const fw_literals *ix);

/* Set `rules` to the rules one of whose literals occurs whole in s[0,n). */
void fw__literals_scan(const fw_literals *ix, const char *s, size_t n, uint64_t *rules);

/* The rules a rule loop must visit whatever the scan found: those without literals, and those
 * whose literals are asked only after other patterns (an exception pattern) or not at all (no
 * message pattern). Every other rule can be skipped when the scan did not set it. */
const uint64_t *fw__literals_unscreened(const fw_literals *ix);

#endif
