/* Parser of /proc/vmstat ("name value" lines): the event counters `memmon sys` rates. */
#ifndef MEMMON_PROC_VMSTAT_H
#define MEMMON_PROC_VMSTAT_H
#include <stddef.h>
#include <stdint.h>

struct vmstat {
	uint64_t pgfault, pgmajfault, pswpin, pswpout, pgpgin, pgpgout;
	uint64_t pgscan_kswapd, pgscan_direct, pgsteal_kswapd, pgsteal_direct;
	uint64_t allocstall; /* sum of allocstall_<zone>: direct reclaim entries */
	uint64_t compact_stall, compact_fail, compact_success;
	uint64_t oom_kill;
};

/* Returns 0, or -EINVAL if a line is not "name value" or pgfault is missing. */
int vmstat_parse(const char *text, size_t len, struct vmstat *out);
int vmstat_read(struct vmstat *out);

#endif
