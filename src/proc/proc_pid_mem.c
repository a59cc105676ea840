#include "proc/proc_pid_mem.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int read_smaps(pid_t pid, const char *file, struct text_buf *buf, struct mem_counts *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	int r = proc_read_file(path, buf);
	if (r)
		return r;
	int n = smaps_sum(buf->data, buf->len, out);
	if (n < 0)
		return n;
	return n == 0 ? -ENODATA : 0;
}

int proc_pid_mem(pid_t pid, enum mem_source src, struct text_buf *buf, struct mem_counts *out)
{
	memset(out, 0, sizeof(*out));
	if (src == MEM_SRC_SMAPS)
		return read_smaps(pid, "smaps", buf, out);
	int r = read_smaps(pid, "smaps_rollup", buf, out);
	if (r == -ENOENT) {
		/* No smaps_rollup on this kernel (before 4.14) if the process is still there. */
		return read_smaps(pid, "smaps", buf, out);
	}
	if (r)
		return r;
	/* The rollup has no Size: the sizes in maps add up to smaps' Size total. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if ((r = proc_read_file(path, buf)))
		return r;
	uint64_t kb;
	if ((r = maps_total_kb(buf->data, buf->len, &kb)) < 0)
		return r;
	out->size = kb;
	out->seen |= MC_SEEN_SIZE;
	return 0;
}
