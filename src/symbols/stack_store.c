/* Stacks are read whole into a buffer of the deepest layout: a lookup copies the map's
 * value size, which a store's depth bound keeps within it. */
#include "symbols/stack_event.h"
#include "symbols/stack_store.h"
#include <bpf/bpf.h>

int stack_store_read(int fd, int64_t id, uint64_t *ips, int max)
{
	uint32_t end;
	return stack_store_read_end(fd, id, ips, max, &end);
}

int stack_store_read_end(int fd, int64_t id, uint64_t *ips, int max, uint32_t *end)
{
	struct stack_store_value v;
	*end = 0;
	if (id < 0 || fd < 0 || max <= 0 || bpf_map_lookup_elem(fd, &id, &v))
		return 0;
	*end = v.end;
	int n = 0, limit = v.nr < (uint32_t)max ? (int)v.nr : max;
	if (limit > STACK_STORE_MAX_DEPTH)
		limit = STACK_STORE_MAX_DEPTH;
	/* A zero frame (a frame-pointer walk reading a null return address) ends the stack. */
	while (n < limit && v.ips[n]) {
		ips[n] = v.ips[n];
		n++;
	}
	return n;
}
