/* libFuzzer harness for every /proc parser of ps/pmap/sys/trend. The first byte picks the
 * parser, the rest is its input, in a buffer of exactly that size (ASan sees overreads).
 * Built by `make fuzz-build`, run by `make fuzz` (tests/fuzz/run.sh). */
// fuzz-sources: src/proc/proc_smaps.c src/proc/proc_meminfo.c src/proc/proc_vmstat.c src/proc/proc_buddyinfo.c src/proc/proc_slabinfo.c src/proc/proc_status.c src/proc/proc_psi.c src/proc/proc_pid_stat.c src/proc/proc_file.c
#include "proc/proc_buddyinfo.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_pid_stat.h"
#include "proc/proc_psi.h"
#include "proc/proc_slabinfo.h"
#include "proc/proc_smaps.h"
#include "proc/proc_status.h"
#include "proc/proc_vmstat.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int on_mapping(const struct smaps_mapping *m, void *ctx)
{
	if (m->end < m->start || strlen(m->name) >= sizeof(m->name))
		abort();
	(void)ctx;
	return 0;
}

static void on_slab(const struct slab_cache *c, void *ctx)
{
	(void)ctx;
	if (strlen(c->name) >= sizeof(c->name))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t len = size - 1;
	char *text = malloc(len ? len : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, len);
	struct mem_counts mc;
	struct meminfo mi;
	struct vmstat vs;
	struct buddy_zone zones[8];
	struct proc_status_mem st;
	struct psi psi;
	struct pid_stat ps;
	uint64_t kb;
	int r;
	switch (data[0] % 9) {
	case 0: r = smaps_parse(text, len, on_mapping, NULL); break;
	case 1: r = smaps_sum(text, len, &mc); break;
	case 2: r = maps_total_kb(text, len, &kb); break;
	case 3: r = meminfo_parse(text, len, &mi); break;
	case 4: r = vmstat_parse(text, len, &vs); break;
	case 7: r = psi_parse(text, len, &psi); break;
	case 8: r = pid_stat_parse(text, len, &ps); break;
	case 5:
		r = buddyinfo_parse(text, len, zones, 8);
		for (int i = 0; i < r; i++) {
			double u = buddy_unusable_index(&zones[i], 9);
			if (u < 0 || u > 1)
				abort();
		}
		break;
	default:
		r = slabinfo_parse(text, len, on_slab, NULL);
		if (r == -EINVAL)
			r = proc_status_parse(text, len, &st);
	}
	if (r < 0 && r != -EINVAL)
		abort();
	free(text);
	return 0;
}
