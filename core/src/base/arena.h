/* arena.h - a bump allocator for the temporaries of one record, and the cJSON hooks that route a
 * thread's cJSON allocations into one while it classifies a record. See arena.c. */
#ifndef FW_ARENA_H
#define FW_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fw_arena_chunk fw_arena_chunk;

/* Zero-initialised (fw__arena_init) it owns nothing; chunks come from fw_malloc on demand. */
typedef struct fw_arena {
  fw_arena_chunk *chunks; /* the one being filled first */
  char *at, *end;         /* its free space */
} fw_arena;

void fw__arena_init(fw_arena *a);
/* n bytes aligned for any type, or NULL when the allocator fails. */
void *fw__arena_alloc(fw_arena *a, size_t n);
bool fw__arena_owns(const fw_arena *a, const void *p);
/* Forget every allocation; keeps one chunk for the next record. */
void fw__arena_reset(fw_arena *a);
void fw__arena_free(fw_arena *a);

/* Make cJSON allocate from `a` on the calling thread (NULL: from the core's hooks again); returns
 * the arena in effect before. cJSON frees of arena blocks are then no-ops. Effective only once
 * fw_set_allocator() installed the core's cJSON hooks (fw__json_hooks_install). */
fw_arena *fw__json_use_arena(fw_arena *a);
/* Do cJSON's allocations on this thread go to an arena right now? Then a tree built since needs
 * no cJSON_Delete: resetting the arena releases it. */
bool fw__json_in_arena(void);
/* Point cJSON's process-wide hooks at the dispatchers (fw_set_allocator's job). */
void fw__json_hooks_install(void);

#endif
