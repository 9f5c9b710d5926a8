/*
 * literals.c - the rules' literal prefilters applied in one pass. A rule with "requires" (or an
 * implicit prefilter, rules.c) is skipped unless one of its literals occurs; searching each
 * literal of ~100 rules on its own (a memchr and memcmp loop per literal, again for every block),
 * and then walking every rule, cost more than the regexes it spared. Here the subject is read
 * once: a bitmap of the literals' first two bytes rejects most positions with one test, the rest
 * are compared (first four bytes, then all) with the literals of their hash bucket, and each
 * literal found adds the rules that have it to the subject's rule set.
 */
#include "literals.h"

#include "rules_internal.h"

#include <stdlib.h>
#include <string.h>

#define BUCKETS 256

typedef struct entry {
  uint32_t head, mask; /* the literal's first four bytes (fewer when shorter), little end first */
  uint32_t id;
  uint32_t bucket;
} entry;

struct fw_literals {
  size_t n;          /* distinct literals */
  const char **lit;  /* the rules' own strings (the index is freed before them) */
  size_t *len;
  entry *entries;    /* literals of two bytes or more, by bucket */
  size_t nentries;
  uint32_t bucket_at[BUCKETS + 1]; /* entries of bucket b: [bucket_at[b], bucket_at[b + 1]) */
  uint32_t *short_ids;             /* one-byte literals, found with memchr */
  size_t nshort;
  size_t rwords;         /* words of a rule set */
  uint64_t *lit_rules;   /* per literal, rwords words: the rules that have it */
  uint64_t *unscreened;  /* rules the scan does not decide on (literals.h) */
  unsigned char first2[65536 / 8]; /* bit (b0 | b1 << 8): an entry starts with bytes b0, b1 */
};

static unsigned key_of(const unsigned char *s) { return s[0] | (unsigned)s[1] << 8; }
static unsigned bucket_of(unsigned key) { return (key * 40503u >> 8) & (BUCKETS - 1); }

/* Up to four bytes of s (n left) as a little-endian word, missing bytes zero. */
static uint32_t head_of(const unsigned char *s, size_t n) {
  if (n >= 4) return s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
  uint32_t w = 0;
  for (size_t i = 0; i < n; i++) w |= (uint32_t)s[i] << (8 * i);
  return w;
}

static int by_bucket(const void *a, const void *b) {
  const entry *x = a, *y = b;
  if (x->bucket != y->bucket) return x->bucket < y->bucket ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

void fw__literals_free(fw_literals *ix) {
  if (!ix) return;
  fw_free(ix->lit);
  fw_free(ix->len);
  fw_free(ix->entries);
  fw_free(ix->short_ids);
  fw_free(ix->lit_rules);
  fw_free(ix->unscreened);
  fw_free(ix);
}

/* The id of a literal, added when new (a linear search, once per pack and literal). */
static size_t literal_id(fw_literals *ix, const char *s, size_t len) {
  for (size_t id = 0; id < ix->n; id++) {
    if (ix->len[id] == len && memcmp(ix->lit[id], s, len) == 0) return id;
  }
  ix->lit[ix->n] = s;
  ix->len[ix->n] = len;
  return ix->n++;
}

fw_literals *fw__literals_new(const fw_rules *rules) {
  size_t total = 0;
  for (size_t r = 0; r < rules->nrules; r++) total += rules->rules[r].nrequires;
  fw_literals *ix = fw_malloc(sizeof *ix);
  if (!ix) return NULL;
  memset(ix, 0, sizeof *ix);
  size_t cap = total ? total : 1;
  ix->rwords = rules->nrules / 64 + 1;
  ix->lit = fw_malloc(sizeof *ix->lit * cap);
  ix->len = fw_malloc(sizeof *ix->len * cap);
  ix->entries = fw_malloc(sizeof *ix->entries * cap);
  ix->short_ids = fw_malloc(sizeof *ix->short_ids * cap);
  ix->lit_rules = fw_malloc(sizeof *ix->lit_rules * ix->rwords * cap);
  ix->unscreened = fw_malloc(sizeof *ix->unscreened * ix->rwords);
  if (!ix->lit || !ix->len || !ix->entries || !ix->short_ids || !ix->lit_rules ||
      !ix->unscreened || total > UINT32_MAX) {
    fw__literals_free(ix);
    return NULL;
  }
  memset(ix->lit_rules, 0, sizeof *ix->lit_rules * ix->rwords * cap);
  memset(ix->unscreened, 0, sizeof *ix->unscreened * ix->rwords);
  for (size_t r = 0; r < rules->nrules; r++) {
    const fw_rule *rule = &rules->rules[r];
    uint64_t bit = (uint64_t)1 << (r % 64);
    /* an exception pattern is tried before the literals (and may run away), and without a
     * message pattern the literals are not asked at all */
    if (!rule->nrequires || rule->exception || !rule->message) ix->unscreened[r / 64] |= bit;
    for (size_t i = 0; i < rule->nrequires; i++) {
      size_t id = literal_id(ix, rule->requires[i], rule->requires_len[i]);
      ix->lit_rules[id * ix->rwords + r / 64] |= bit;
    }
  }
  for (size_t id = 0; id < ix->n; id++) {
    const unsigned char *s = (const unsigned char *)ix->lit[id];
    if (ix->len[id] < 2) {
      ix->short_ids[ix->nshort++] = (uint32_t)id;
      continue;
    }
    entry *e = &ix->entries[ix->nentries++];
    e->head = head_of(s, ix->len[id]);
    e->mask = ix->len[id] >= 4 ? 0xffffffffu : (1u << (8 * ix->len[id])) - 1;
    e->id = (uint32_t)id;
    e->bucket = bucket_of(key_of(s));
    ix->first2[key_of(s) >> 3] |= (unsigned char)(1u << (key_of(s) & 7));
  }
  qsort(ix->entries, ix->nentries, sizeof *ix->entries, by_bucket);
  for (size_t b = 0, j = 0; b <= BUCKETS; b++) {
    while (j < ix->nentries && ix->entries[j].bucket < b) j++;
    ix->bucket_at[b] = (uint32_t)j;
  }
  return ix;
}

size_t fw__literals_rule_words(const fw_literals *ix) { return ix->rwords; }

static void add_rules(const fw_literals *ix, size_t id, uint64_t *rules) {
  const uint64_t *add = ix->lit_rules + id * ix->rwords;
  for (size_t w = 0; w < ix->rwords; w++) rules[w] |= add[w];
}

/* The entries that start at s (n bytes left, n >= 2). */
static void compare_at(const fw_literals *ix, const unsigned char *s, size_t n, uint64_t *rules) {
  unsigned b = bucket_of(key_of(s));
  if (ix->bucket_at[b] == ix->bucket_at[b + 1]) return;
  uint32_t head = head_of(s, n);
  for (uint32_t j = ix->bucket_at[b]; j < ix->bucket_at[b + 1]; j++) {
    const entry *e = &ix->entries[j];
    size_t len = ix->len[e->id];
    if ((head & e->mask) == e->head && len <= n && memcmp(s, ix->lit[e->id], len) == 0)
      add_rules(ix, e->id, rules);
  }
}

const uint64_t *fw__literals_unscreened(const fw_literals *ix) { return ix->unscreened; }

void fw__literals_scan(const fw_literals *ix, const char *s, size_t n, uint64_t *rules) {
  memset(rules, 0, sizeof *rules * ix->rwords);
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i + 1 < n; i++) {
    unsigned k = key_of(u + i);
    if (ix->first2[k >> 3] & (1u << (k & 7))) compare_at(ix, u + i, n - i, rules);
  }
  for (size_t j = 0; j < ix->nshort; j++) {
    if (memchr(s, ix->lit[ix->short_ids[j]][0], n)) add_rules(ix, ix->short_ids[j], rules);
  }
}
