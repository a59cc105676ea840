/* The anonymous mappings memmon leak follows, per process, in user space.
 *
 * munmap may remove any page range (the middle of a mapping, its tail, several mappings at
 * once) and mremap may grow, shrink, move or copy one, so the mappings must be searched by
 * address range. A BPF hash keyed by start address cannot do that, so the BPF side only
 * reports the calls through the ring buffer (alloc_map_event) and this table, ordered by
 * (process, start address), applies them in the order they were reserved in the ring
 * buffer (see leak/leak_user.bpf.c for why that order is the kernel's). A mapping is kept as its
 * requested bytes [start, end); the kernel maps whole pages up to end, so a page-aligned
 * unmap that covers the page holding end removes the tail bytes too. */
#ifndef MEMMON_LEAK_REGIONS_H
#define MEMMON_LEAK_REGIONS_H
#include "leak/leak_event.h"
#include <stdint.h>

struct leak_region {
	uint64_t start, end; /* requested bytes; mapped in whole pages */
	uint64_t ts_ns;      /* when it was allocated (kept through unmaps and moves) */
	struct stack_key key; /* the allocating stack */
	uint32_t tgid;
	uint32_t fn;          /* FN_MMAP, or FN_MREMAP for a copy made by mremap */
};

struct leak_regions;

/* At most max_regions mappings are tracked (more are counted as dropped). */
struct leak_regions *leak_regions_new(uint64_t max_regions, uint64_t page_size);
void leak_regions_free(struct leak_regions *r);

/* mmap made [addr, addr+len) an allocation of `key`: whatever was recorded in that range
 * before is gone (MAP_FIXED replaced it, or its unmap was not seen). */
void leak_regions_map(struct leak_regions *r, uint32_t tgid, uint64_t addr, uint64_t len,
		      uint32_t fn, uint64_t ts_ns, const struct stack_key *key);
/* munmap(addr, len): forgets the pages of that range, trimming or splitting mappings. */
void leak_regions_unmap(struct leak_regions *r, uint32_t tgid, uint64_t addr, uint64_t len);
/* mremap(old, old_len, new_len, flags) called by thread tid: the pieces of the old range
 * are held aside until its return (end) says where they went. */
void leak_regions_remap_begin(struct leak_regions *r, uint32_t tgid, uint32_t tid, uint64_t old,
			      uint64_t old_len, uint32_t flags);
/* mremap returned `result` (~0: failed, the old range is as it was) for new_len bytes; a
 * copy (MREMAP_DONTUNMAP, or old_len 0) becomes an allocation of the mremap's stack `key`. */
void leak_regions_remap_end(struct leak_regions *r, uint32_t tgid, uint32_t tid, uint64_t result,
			    uint64_t new_len, uint64_t ts_ns, const struct stack_key *key);
/* exec: the process's mappings are gone. */
void leak_regions_forget(struct leak_regions *r, uint32_t tgid);

/* Every outstanding mapping (also those in the middle of an mremap), by process and
 * address. */
void leak_regions_each(const struct leak_regions *r,
		       void (*fn)(const struct leak_region *g, void *ctx), void *ctx);
uint64_t leak_regions_count(const struct leak_regions *r);
uint64_t leak_regions_dropped(const struct leak_regions *r);

#endif
