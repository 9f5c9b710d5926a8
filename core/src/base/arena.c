/*
 * arena.c - a bump allocator for the temporaries of one record. Classifying a JSON-lines record
 * parses it and builds a ~45-node output tree: some seventy small malloc/free pairs that cost
 * more than printing the tree. From an arena each is a pointer bump, freeing is a no-op, and the
 * classifier resets the arena after the record.
 *
 * cJSON's hooks are process-wide and take no context, so the hooks installed here ask a
 * thread-local pointer which arena, if any, the calling thread is filling; every other thread
 * (and this one outside a record) allocates through the core's hooks as before.
 */
#include "arena.h"

#include "forewarn.h"

#include <cjson/cJSON.h>
#include <stdalign.h>
#include <stdint.h>

/* Big enough for a typical record (a few kB) many times over; larger blocks get their own. */
#define CHUNK_SIZE (64u * 1024u)
#define ALIGN alignof(max_align_t)

struct fw_arena_chunk {
  fw_arena_chunk *next;
  size_t size; /* bytes of data */
  alignas(max_align_t) char data[];
};

void fw__arena_init(fw_arena *a) {
  a->chunks = NULL;
  a->at = a->end = NULL;
}

static fw_arena_chunk *chunk_new(size_t size) {
  fw_arena_chunk *c = fw_malloc(sizeof *c + size);
  if (c) {
    c->next = NULL;
    c->size = size;
  }
  return c;
}

/* The slow path: a block that does not fit in the current chunk. */
static void *arena_grow(fw_arena *a, size_t n) {
  if (n > CHUNK_SIZE / 4 && a->chunks) {
    /* a block of its own, behind the current chunk, whose free space stays in use */
    fw_arena_chunk *c = chunk_new(n);
    if (!c) return NULL;
    c->next = a->chunks->next;
    a->chunks->next = c;
    return c->data;
  }
  fw_arena_chunk *c = chunk_new(n > CHUNK_SIZE ? n : CHUNK_SIZE);
  if (!c) return NULL;
  c->next = a->chunks;
  a->chunks = c;
  a->at = c->data + n;
  a->end = c->data + c->size;
  return c->data;
}

void *fw__arena_alloc(fw_arena *a, size_t n) {
  if (n > SIZE_MAX - ALIGN) return NULL;
  n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (n == 0) n = ALIGN;
  if (n <= (size_t)(a->end - a->at)) {
    void *p = a->at;
    a->at += n;
    return p;
  }
  return arena_grow(a, n);
}

bool fw__arena_owns(const fw_arena *a, const void *p) {
  uintptr_t q = (uintptr_t)p;
  for (const fw_arena_chunk *c = a->chunks; c; c = c->next) {
    uintptr_t lo = (uintptr_t)c->data;
    if (q >= lo && q < lo + c->size) return true;
  }
  return false;
}

void fw__arena_reset(fw_arena *a) {
  /* keep one standard chunk (the oldest: the list is newest first), free the rest */
  fw_arena_chunk *keep = NULL;
  for (fw_arena_chunk *c = a->chunks, *next; c; c = next) {
    next = c->next;
    if (c->size == CHUNK_SIZE) {
      if (keep) fw_free(keep);
      keep = c;
    } else {
      fw_free(c);
    }
  }
  a->chunks = keep;
  if (keep) keep->next = NULL;
  a->at = keep ? keep->data : NULL;
  a->end = keep ? keep->data + keep->size : NULL;
}

void fw__arena_free(fw_arena *a) {
  for (fw_arena_chunk *c = a->chunks, *next; c; c = next) {
    next = c->next;
    fw_free(c);
  }
  fw__arena_init(a);
}

/* ---- cJSON's hooks ------------------------------------------------------------------------ */

static _Thread_local fw_arena *json_arena;
/* Set by fw_set_allocator(), which its contract has run before any other thread uses the core. */
static bool hooks_installed;

static void *json_malloc(size_t n) {
  return json_arena ? fw__arena_alloc(json_arena, n) : fw_malloc(n);
}

static void json_free(void *p) {
  if (json_arena && fw__arena_owns(json_arena, p)) return;
  fw_free(p);
}

void fw__json_hooks_install(void) {
  cJSON_Hooks h = {json_malloc, json_free};
  cJSON_InitHooks(&h);
  hooks_installed = true;
}

fw_arena *fw__json_use_arena(fw_arena *a) {
  fw_arena *prev = json_arena;
  json_arena = a;
  return prev;
}

bool fw__json_in_arena(void) { return hooks_installed && json_arena; }
