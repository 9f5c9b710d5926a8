/*
 * store_internal.h - the in-memory store: anti-patterns with hot fields pulled out of their
 * JSON for queries, indexes by id and entity, unclassified groups and per-run history.
 */
#ifndef FW_STORE_INTERNAL_H
#define FW_STORE_INTERNAL_H

#include <cjson/cJSON.h>

#include "strmap.h"

typedef struct fw_pattern {
  cJSON *doc;             /* every field of the GenerationAntiPattern; counters refreshed on output */
  const char *id;         /* the strings below point into doc */
  const char *entity;     /* entity_pattern */
  const char *endpoint;   /* endpoint_pattern */
  const char *schema;     /* may be "" */
  const char *category;
  const char *error_type;
  const char *field_pattern;
  const char *exception_class;
  long long occurrence_count, times_prevented, times_injected, times_recurred_injected;
  long long times_withheld, times_recurred_withheld; /* the holdout arm */
  long long last_seen_run; /* the run (its sequence number) that last saw the error; -1 unknown */
  char decision[12];       /* a person's: "retired", "active", or "" */
  char decision_at[40];
  char last_seen[40];
  bool general;
} fw_pattern;

struct fw_store {
  fw_pattern *patterns;
  size_t npatterns, cap;
  fw_strmap by_id;
  fw_strmap by_entity; /* lower-cased entity -> head of a chain through next_same_entity */
  size_t *next_same_entity;
  char **entity_keys;  /* owned lower-cased keys of by_entity */
  size_t nentity_keys;
  cJSON *unclassified; /* array */
  fw_strmap unclassified_by_id; /* template_id -> index in unclassified_items */
  cJSON **unclassified_items;   /* the array's records by index: no walk of the list per lookup */
  size_t nunclassified_items, cap_unclassified_items;
  cJSON *runs;         /* array, in ingest order */
  long long run_seq;   /* runs the store has seen: a partial read (Neo4j) says it, else the count */
  fw_strmap runs_by_id; /* run_id -> 0: membership only */
  unsigned long generation; /* bumped on every change: invalidates derived caches */
  /* general patterns derived by the enhancer, rebuilt when generation moves */
  struct fw_general *general;
  size_t ngeneral;
  unsigned long general_generation;
  bool general_valid;
};

/* Take ownership of doc (a GenerationAntiPattern object) as a new pattern. */
fw_status fw__store_add_pattern(fw_store *s, cJSON *doc, const char *path, fw_error *err);
/* Append rec (a record of s->unclassified) to the index behind unclassified_by_id. */
fw_status fw__store_track_unclassified(fw_store *s, cJSON *rec, fw_error *err);

const fw_pattern *fw__store_find(const fw_store *s, const char *id);

/* A pattern's JSON with current counters and the derived prevention_rate (caller deletes). */
cJSON *fw__pattern_json(const fw_pattern *p);

/* Iterate the patterns of one entity (case-insensitive); returns (size_t)-1 at the end. */
size_t fw__store_entity_first(const fw_store *s, const char *entity);
size_t fw__store_entity_next(const fw_store *s, size_t i);

/* Drop the enhancer's derived general patterns (enhance.c). */
void fw__general_free(fw_store *s);

double fw__prevention_rate(long long occurrences, long long prevented);

/* stats' runs and totals (store_query.c); the lifecycle adds the effects (lessons.c). */
cJSON *fw__store_stats_doc(const fw_store *s);

/* The number of runs the store has seen: the sequence number of its latest run. */
long long fw__store_run_seq(const fw_store *s);

/* The store-owned fields of a pattern beyond the four counters, as its JSON carries them. */
#define FW_PATTERN_EXTRA_COUNTERS 3
extern const char *const fw__pattern_extra_counters[FW_PATTERN_EXTRA_COUNTERS];

#endif
