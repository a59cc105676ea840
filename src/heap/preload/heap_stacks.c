/* The stack table every thread of every traced process inserts into: open addressing by a
 * 64-bit hash of the frames, a slot claimed by compare-and-swap, its frames appended to
 * the shared frames array and marked ready; memmon reads slots by the number an event
 * carries. Two threads meeting a new stack at once: one claims, both use the slot. */
#include "heap/preload/heap_lib.h"

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

uint32_t heap_stack_id(const uint64_t *frames, int n, uint32_t end)
{
	struct heap_shm_header *h = heap_lib.shm;
	uint64_t hash = mix((uint64_t)n, end);
	for (int i = 0; i < n; i++)
		hash = mix(hash, frames[i]);
	hash |= 1; /* never 0 (empty) */
	struct heap_stack_slot *slots = heap_stack_slots(h);
	uint32_t mask = h->nstacks - 1;
	uint32_t i = (uint32_t)(hash >> 32) & mask;
	for (uint32_t probes = 0; probes < h->nstacks; probes++, i = (i + 1) & mask) {
		if (i == 0)
			continue; /* slot 0 is "no stack" */
		struct heap_stack_slot *s = &slots[i];
		uint64_t seen = __atomic_load_n(&s->hash, __ATOMIC_ACQUIRE);
		if (seen == hash)
			return i;
		if (seen)
			continue;
		uint64_t expected = 0;
		if (!__atomic_compare_exchange_n(&s->hash, &expected, hash, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			if (expected == hash)
				return i;
			continue;
		}
		uint32_t first = __atomic_fetch_add(&h->frames_used, (uint32_t)n, __ATOMIC_RELAXED);
		if ((uint64_t)first + (uint64_t)n > h->nframes) {
			/* no room for the frames: the slot stays, empty, with the walk's end */
			s->n = 0;
			s->end = (uint8_t)end;
			__atomic_fetch_add(&h->stacks_full, 1, __ATOMIC_RELAXED);
		} else {
			uint64_t *f = heap_frames(h) + first;
			for (int k = 0; k < n; k++)
				f[k] = frames[k];
			s->first = first;
			s->n = (uint16_t)n;
			s->end = (uint8_t)end;
		}
		__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
		return i;
	}
	__atomic_fetch_add(&h->stacks_full, 1, __ATOMIC_RELAXED);
	return 0;
}
