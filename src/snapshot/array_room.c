#include "snapshot/array_room.h"
#include <stdlib.h>

void *array_room(void *items, size_t *cap, size_t n, size_t item_size)
{
	if (n < *cap)
		return items;
	size_t grown = *cap ? 2 * *cap : 64;
	void *p = realloc(items, grown * item_size);
	if (p)
		*cap = grown;
	return p;
}
