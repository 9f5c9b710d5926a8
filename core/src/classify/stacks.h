/* stacks.h - the stacks lessons are written in (stacks.c), from a rule pack's "stacks" section;
 * the compiled list lives in fw_rules (rules_internal.h). */
#ifndef FW_STACKS_H
#define FW_STACKS_H

#include "rules_internal.h"

/* The stack whose lessons are the pack's category entries, and the one that names no framework. */
#define FW_FASTAPI_STACK "fastapi-sqlalchemy"
#define FW_NEUTRAL_STACK "neutral"

/* Check and merge a pack's "stacks" section (NULL: nothing) into the rules: a stack already there
 * gets the pack's lessons, types and vocabulary entry by entry, and its detect list replaced. */
fw_status fw__stacks_add(fw_rules *rules, const cJSON *section, fw_error *err);
/* The same checks without changing anything (before a pack commits); pack_cats: the pack's own
 * "categories", which its lessons may name. */
fw_status fw__stacks_check(const fw_rules *rules, const cJSON *section, const cJSON *pack_cats, fw_error *err);
void fw__stacks_free(fw_stacks *s);
const fw_stack *fw__stack_find(const fw_stacks *s, const char *id);
/* Is this a stack the rules know (FW_FASTAPI_STACK always)? */
bool fw__stack_known(const fw_rules *rules, const char *stack);
/* FW_OK for NULL or a known stack; else FW_ERR_ARG naming the known ones (an asked-for stack:
 * the classify and enhance options, fw_classifier_set_stack). */
fw_status fw__stack_check(const fw_rules *rules, const char *stack, fw_error *err);
/* The templates of cat's lesson in `stack`: its own, else the neutral stack's when it has none
 * (never another stack's code); FW_FASTAPI_STACK's are the category's. false when not even the
 * neutral stack has one. */
bool fw__stack_lesson(const fw_rules *rules, const char *stack, const fw_category *cat, bool spec_required,
                      const char **summary,
                      const char **bad, const char **good);
/* How `stack` spells a field of a canonical IR type ("string" -> "String"), or NULL. */
const char *fw__stack_type(const fw_rules *rules, const char *stack, const char *ir_type);

#endif
