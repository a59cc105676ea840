/* libFuzzer harness for the parsers of sys, cgroups and oom --rank: integer files, /proc/swaps,
 * "key value" files, pressure stall lines, /proc/mounts, cgroup.procs, /proc/PID/cgroup and
 * zram's comp_algorithm. The first byte picks the parser, the rest is its input, in a buffer
 * of exactly that size (ASan sees overreads). */
// fuzz-sources: src/proc/proc_numbers.c src/proc/proc_swaps.c src/proc/proc_keyval.c src/proc/proc_psi.c src/proc/cgroup_mounts.c src/proc/memcg_files.c src/proc/proc_cgroup.c src/proc/proc_zram.c src/proc/proc_file.c
#include "proc/cgroup_mounts.h"
#include "proc/memcg_files.h"
#include "proc/proc_cgroup.h"
#include "proc/proc_keyval.h"
#include "proc/proc_numbers.h"
#include "proc/proc_psi.h"
#include "proc/proc_swaps.h"
#include "proc/proc_zram.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t len = size - 1;
	char *text = malloc(len ? len : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, len);
	int64_t nums[9];
	struct swap_area areas[4];
	struct psi psi;
	struct cgroup_mounts m;
	struct proc_cgroups pc;
	pid_t *pids = NULL;
	char alg[32];
	int r;
	switch (data[0] % 8) {
	case 0:
		r = numbers_parse(text, len, nums, 9);
		if (r > 9)
			abort();
		break;
	case 1:
		r = swaps_parse(text, len, areas, 4);
		for (int i = 0; i < r; i++)
			if (strlen(areas[i].name) >= sizeof(areas[i].name))
				abort();
		break;
	case 2:
		r = keyval_find(text, len, "oom_kill", nums);
		if (r == -ENOENT)
			r = 0;
		break;
	case 3:
		r = psi_parse(text, len, &psi);
		if (!r && (psi.some.avg10 < 0 || psi.full.avg300 < 0))
			abort();
		break;
	case 4:
		r = cgroup_mounts_parse(text, len, &m);
		break;
	case 5:
		r = memcg_parse_pids(text, len, &pids);
		for (int i = 0; i < r; i++)
			if (pids[i] <= 0)
				abort();
		if (r >= 0)
			free(pids);
		break;
	case 6:
		r = proc_cgroup_parse(text, len, &pc);
		break;
	default:
		r = zram_algorithm_parse(text, len, alg, sizeof(alg));
		if (!r && (!alg[0] || strlen(alg) >= sizeof(alg)))
			abort();
	}
	if (r < 0 && r != -EINVAL)
		abort();
	free(text);
	return 0;
}
