/* test_arena.c - the record arena: aligned blocks, ownership, blocks larger than a chunk, reset;
 * cJSON allocating from it only while a thread says so; and a record classified the same with
 * the core's cJSON hooks (arena) as without them (malloc). */
#include "harness.h"

#include "arena.h"
#include "forewarn.h"

#include <cjson/cJSON.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

static void blocks(void) {
  fw_arena a;
  fw__arena_init(&a);
  CHECK(!fw__arena_owns(&a, &a));
  char *p[40];
  for (int i = 0; i < 40; i++) {
    p[i] = fw__arena_alloc(&a, (size_t)(i * 97 + 1));
    CHECK(p[i] != NULL);
    CHECK((uintptr_t)p[i] % alignof(max_align_t) == 0);
    memset(p[i], i, (size_t)(i * 97 + 1)); /* ASan: inside a live chunk */
    CHECK(fw__arena_owns(&a, p[i]));
  }
  for (int i = 1; i < 40; i++) CHECK(p[i] != p[i - 1]);
  char *big = fw__arena_alloc(&a, 1u << 20); /* its own chunk */
  CHECK(big != NULL && fw__arena_owns(&a, big) && fw__arena_owns(&a, big + (1u << 20) - 1));
  memset(big, 1, 1u << 20);
  char *after = fw__arena_alloc(&a, 16); /* still from the current chunk */
  CHECK(after != NULL && fw__arena_owns(&a, after));
  char *zero = fw__arena_alloc(&a, 0);
  CHECK(zero != NULL && zero != after);
  char *local = malloc(8);
  CHECK(!fw__arena_owns(&a, local));
  free(local);
  fw__arena_reset(&a);
  CHECK(!fw__arena_owns(&a, big));
  char *again = fw__arena_alloc(&a, 10);
  CHECK(again != NULL && fw__arena_owns(&a, again));
  fw__arena_free(&a);
  CHECK(!fw__arena_owns(&a, again));
}

static void json_scope(void) {
  fw_arena a;
  fw__arena_init(&a);
  CHECK(!fw__json_in_arena());
  CHECK(fw__json_use_arena(&a) == NULL);
  CHECK(fw__json_in_arena());
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "k", "v");
  CHECK(o && fw__arena_owns(&a, o) && fw__arena_owns(&a, o->child->valuestring));
  cJSON_Delete(o); /* frees of arena blocks are no-ops */
  CHECK(fw__json_use_arena(NULL) == &a);
  cJSON *m = cJSON_CreateString("outside");
  CHECK(m && !fw__arena_owns(&a, m));
  cJSON_Delete(m);
  fw__arena_free(&a);
}

static char *classify_line(const char *line) {
  fw_error err;
  fw_rules *rules = NULL;
  fw_classifier *cl = NULL;
  char *out = NULL;
  if (fw_rules_new(&rules, &err) == FW_OK && fw_classifier_new(rules, &cl, &err) == FW_OK) {
    fw_classify_options opts = {0};
    opts.now = "2026-01-01T00:00:00Z";
    for (int i = 0; i < 3; i++) { /* the arena and buffers reused */
      fw_free(out);
      out = NULL;
      fw_classify_record(cl, line, strlen(line), &opts, &out, &err);
    }
  }
  fw_classifier_free(cl);
  fw_rules_free(rules);
  return out;
}

int main(void) {
  blocks();
  static const char line[] =
      "{\"id\": [1, {\"x\": null}], \"text\": \"{\\\"detail\\\":[{\\\"type\\\":\\\"missing\\\","
      "\\\"loc\\\":[\\\"body\\\",\\\"price\\\"],\\\"msg\\\":\\\"Field required\\\"}]}\"}";
  char *plain = classify_line(line); /* cJSON through malloc: hooks not installed yet */
  fw_set_allocator(NULL);
  json_scope();
  char *arena = classify_line(line);
  CHECK(plain != NULL && strstr(plain, "\"category\":\"required_field_missing\"") != NULL);
  CHECK_STR(arena, plain);
  fw_free(plain);
  fw_free(arena);
  HARNESS_DONE();
}
