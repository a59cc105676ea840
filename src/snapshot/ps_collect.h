/* Gathering the rows of `memmon ps` from /proc: the selected processes, their memory
 * (smaps_rollup or smaps; every mapping with --by mapping), and what could not be read. */
#ifndef MEMMON_PS_COLLECT_H
#define MEMMON_PS_COLLECT_H
#include "core/cli.h"
#include "core/keyed_table.h"
#include "proc/proc_pid_mem.h"
#include "snapshot/mem_rows.h"
#include <stdbool.h>
#include <sys/types.h>

struct ps_select {
	const struct cli *cli; /* -p pids, --comm */
	bool have_uid;         /* --user */
	uid_t uid;
	enum ps_mode mode;
	enum mem_source src;
};

/* Processes left out, by why. */
struct ps_skipped {
	unsigned vanished, unreadable, malformed, other;
};

static inline unsigned ps_skipped_total(const struct ps_skipped *s)
{
	return s->vanished + s->unreadable + s->malformed + s->other;
}

/* Fills rows (initialised by mem_rows_init) and *skip. 0, or -1 after a message on stderr
 * (/proc cannot be listed, out of memory). */
int ps_collect(const struct ps_select *sel, struct keyed_table *rows, struct ps_skipped *skip);

#endif
