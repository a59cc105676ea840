/* The walk cache: a hot allocation site is not unwound from scratch each time. A walk is
 * a function of its first ip, sp and bp, the maps snapshot and the stack words it reads;
 * the cache keeps, per (ip, sp), the words the last walk read and the stack table slot it
 * got. When every one of them is still the same (a load and a compare each, no rule
 * lookup, no hash of the frames), that slot is the answer the walk would give. */
#include "heap/preload/heap_lib.h"

static inline bool same_reads(const struct walk_log *log, uint64_t sp, uint64_t bp)
{
	for (uint32_t i = 0; i < log->n; i++) {
		uint32_t off = log->off[i];
		uint64_t v = off == WALK_BP ? bp : *(const uint64_t *)(sp + off);
		if (v != log->val[i])
			return false;
	}
	return true;
}

uint32_t heap_stack_from(struct heap_thread *t, uint64_t ip, uint64_t sp, uint64_t bp)
{
	struct walk_cache_entry *c = &t->walks[(ip ^ ip >> 12 ^ sp >> 4) & (WALK_CACHE - 1)];
	uint32_t gen = heap_maps_gen();
	if (c->ip == ip && c->log.sp0 == sp && c->gen == gen && gen && same_reads(&c->log, sp, bp))
		return c->stack;
	uint64_t frames[HEAP_MAX_DEPTH];
	uint32_t end = UWE_NO_TABLE;
	int n = heap_walk(t, ip, sp, bp, frames, HEAP_MAX_DEPTH, &end, &c->log);
	uint32_t stack = heap_stack_id(frames, n, end);
	/* Kept unless it was too long to check, the maps changed under it, or it ended
	 * where a later walk may get further (code memmon has no table for yet, an address
	 * in no mapping yet): only a walk asks for tables and reloads the maps. */
	bool keep = c->log.n <= WALK_READS && heap_maps_gen() == gen && gen &&
		    end != UWE_NO_TABLE && end != UWE_NO_MAPPING;
	c->ip = keep ? ip : 0;
	c->gen = gen;
	c->stack = stack;
	return stack;
}
