/* strmap.h - a string -> size_t hash map (open addressing, FNV-1a), for the store's indexes.
 * Keys are borrowed: the map never copies or frees them. */
#ifndef FW_STRMAP_H
#define FW_STRMAP_H

#include "internal.h"

typedef struct fw_strmap {
  const char **keys;
  size_t *values;
  size_t cap, len;
} fw_strmap;

void fw_strmap_init(fw_strmap *m);
void fw_strmap_free(fw_strmap *m);
/* false on allocation failure */
bool fw_strmap_put(fw_strmap *m, const char *key, size_t value);
/* (size_t)-1 when absent */
size_t fw_strmap_get(const fw_strmap *m, const char *key);

#endif
