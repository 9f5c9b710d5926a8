/* strmap.c - see strmap.h. Linear probing at a load factor of one half. */
#include "strmap.h"

#include <string.h>

void fw_strmap_init(fw_strmap *m) { memset(m, 0, sizeof *m); }

void fw_strmap_free(fw_strmap *m) {
  fw_free(m->keys);
  fw_free(m->values);
  fw_strmap_init(m);
}

static size_t slot_of(const fw_strmap *m, const char *key) {
  size_t mask = m->cap - 1, i = (size_t)fw__fnv1a64(key, strlen(key), FW_FNV_SEED) & mask;
  while (m->keys[i] && strcmp(m->keys[i], key) != 0) i = (i + 1) & mask;
  return i;
}

static bool grow(fw_strmap *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  fw_strmap bigger = {fw_malloc(sizeof(char *) * cap), fw_malloc(sizeof(size_t) * cap), cap, 0};
  if (!bigger.keys || !bigger.values) {
    fw_free(bigger.keys);
    fw_free(bigger.values);
    return false;
  }
  memset(bigger.keys, 0, sizeof(char *) * cap);
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    size_t s = slot_of(&bigger, m->keys[i]);
    bigger.keys[s] = m->keys[i];
    bigger.values[s] = m->values[i];
    bigger.len++;
  }
  fw_strmap_free(m);
  *m = bigger;
  return true;
}

bool fw_strmap_put(fw_strmap *m, const char *key, size_t value) {
  if ((m->len + 1) * 2 > m->cap && !grow(m)) return false;
  size_t s = slot_of(m, key);
  if (!m->keys[s]) {
    m->keys[s] = key;
    m->len++;
  }
  m->values[s] = value;
  return true;
}

size_t fw_strmap_get(const fw_strmap *m, const char *key) {
  if (!m->cap) return (size_t)-1;
  size_t s = slot_of(m, key);
  return m->keys[s] ? m->values[s] : (size_t)-1;
}
