#include "snoop/watch_list.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int watch_list_read(int fd, uint32_t *pids, int max, bool waiting)
{
	uint32_t key, next;
	void *prev = NULL;
	int n = 0;
	while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
		uint8_t state;
		/* an entry deleted meanwhile (its process exited) is not listed */
		if (bpf_map_lookup_elem(fd, &next, &state) == 0 && (state == TF_ACTIVE || waiting))
			pids[n++] = next;
		key = next;
		prev = &key;
	}
	qsort(pids, n, sizeof(*pids), cmp_u32);
	return n;
}

int watch_list_add(int fd, uint32_t pid)
{
	uint8_t active = TF_ACTIVE;
	return bpf_map_update_elem(fd, &pid, &active, BPF_ANY) ? -errno : 0;
}
