/* test_literals.c - the one-pass literal prefilter agrees with searching each rule's literals on
 * its own, on random subjects built from the literals themselves (short, shared, overlapping,
 * cut at the end), and says which rules it cannot screen. */
#include "harness.h"

#include "literals.h"
#include "rules_internal.h"

#include <stdlib.h>

static const char pack[] =
    "{\"format_version\": 1, \"rules\": ["
    "{\"id\": \"one\", \"category\": \"unknown\", \"message\": \"x\", \"requires\": \"x\"},"
    "{\"id\": \"two\", \"category\": \"unknown\", \"message\": \"ab\", \"requires\": [\"ab\", "
    "\"zz\"]},"
    "{\"id\": \"three\", \"category\": \"unknown\", \"message\": \"abc\", \"requires\": \"abc\"},"
    "{\"id\": \"shared\", \"category\": \"unknown\", \"message\": \"q\", \"requires\": [\"abcd\", "
    "\"abcde\"]},"
    "{\"id\": \"overlap\", \"category\": \"unknown\", \"message\": \"q\", \"requires\": \"aaaa\"},"
    "{\"id\": \"utf8\", \"category\": \"unknown\", \"message\": \"q\", \"requires\": "
    "\"\\u00e9t\\u00e9\"},"
    "{\"id\": \"class\", \"category\": \"unknown\", \"exception\": \"E\", \"message\": \"q\", "
    "\"requires\": \"zz\"},"
    "{\"id\": \"bare\", \"category\": \"unknown\", \"message\": \"q\"}]}";

static bool naive(const fw_rule *r, const char *s, size_t n) {
  for (size_t i = 0; i < r->nrequires; i++) {
    if (fw__find(s, n, r->requires[i], r -> requires_len[i]) != (size_t)-1)
      return true;
  }
  return false;
}

int main(void) {
  fw_error err;
  fw_rules *rules = NULL;
  CHECK(fw_rules_new(&rules, &err) == FW_OK);
  CHECK(fw_rules_add_pack(rules, pack, sizeof pack - 1, &err) == FW_OK);
  const fw_literals *ix = rules->literals;
  CHECK(ix != NULL);
  size_t words = fw__literals_rule_words(ix);
  CHECK(words * 64 >= rules->nrules);
  uint64_t *got = malloc(sizeof *got * words);

  /* which rules a loop must visit anyway */
  const uint64_t *unscreened = fw__literals_unscreened(ix);
  for (size_t r = 0; r < rules->nrules; r++) {
    const fw_rule *rule = &rules->rules[r];
    bool expect = !rule->nrequires || rule->exception || !rule->message;
    CHECK((bool)(unscreened[r / 64] >> (r % 64) & 1) == expect);
  }

  /* subjects made of pieces of every literal of the set, and noise */
  static const char *const pieces[] = {"a",        "b",        "c",        "d",
                                       "e",        "x",        "z",        " ",
                                       "\xc3\xa9", "t",        "NOT NULL", "Field required",
                                       "405",      "'loc': (", "\n"};
  char subject[256];
  srand(7);
  int mismatches = 0;
  for (int round = 0; round < 20000; round++) {
    size_t n = 0, want = (size_t)(rand() % 40);
    while (n < want) {
      const char *p = pieces[rand() % (int)(sizeof pieces / sizeof *pieces)];
      size_t m = strlen(p);
      if (n + m >= sizeof subject)
        break;
      memcpy(subject + n, p, m);
      n += m;
    }
    size_t cut = n ? (size_t)rand() % (n + 1) : 0; /* a literal may run past the end */
    fw__literals_scan(ix, subject, cut, got);
    for (size_t r = 0; r < rules->nrules; r++) {
      bool hit = got[r / 64] >> (r % 64) & 1;
      if (hit != naive(&rules->rules[r], subject, cut) && mismatches++ < 5)
        fprintf(stderr, "rule %s on \"%.*s\": scan %d\n", rules->rules[r].id, (int)cut, subject,
                hit);
    }
  }
  CHECK(mismatches == 0);
  fw__literals_scan(ix, "", 0, got);
  for (size_t w = 0; w < words; w++)
    CHECK(got[w] == 0);
  free(got);
  fw_rules_free(rules);
  HARNESS_DONE();
}
