/* Room for one more item at the end of a growable array (the capacity doubles), for the
 * family's lists that need no key: pmap's mappings, trend's samples. */
#ifndef MEMMON_ARRAY_ROOM_H
#define MEMMON_ARRAY_ROOM_H
#include <stddef.h>

/* items (moved if it had to grow; *cap updated) with room for item n, or NULL when out of
 * memory (items is then left as it was). */
void *array_room(void *items, size_t *cap, size_t n, size_t item_size);

#endif
