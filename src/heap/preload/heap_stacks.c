/* The stack table every thread of every traced process inserts into (heap/heap_shm.h's
 * heap_shm_stack_insert, shared with memmon heap -p). */
#include "heap/preload/heap_lib.h"

uint32_t heap_stack_id(const uint64_t *frames, int n, uint32_t end)
{
	return heap_shm_stack_insert(heap_lib.shm, frames, n, end);
}
