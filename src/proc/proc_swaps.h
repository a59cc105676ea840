/* Parser of /proc/swaps: one line per active swap area after a header,
 * "Filename  Type  Size  Used  Priority" (sizes in kB). */
#ifndef MEMMON_PROC_SWAPS_H
#define MEMMON_PROC_SWAPS_H
#include <stddef.h>
#include <stdint.h>

#define SWAPS_MAX 32 /* MAX_SWAPFILES is 32 minus the kernel's reserved entries */

struct swap_area {
	char name[256];  /* as the kernel prints it (blanks escaped as \040) */
	char kind[16];   /* "partition" or "file" */
	uint64_t size_kb, used_kb;
	int priority;
};

/* Fills up to max areas. Returns how many, or -EINVAL (no header, a broken line). */
int swaps_parse(const char *text, size_t len, struct swap_area *out, int max);
/* Reads /proc/swaps. The count, or -errno. */
int swaps_read(struct swap_area *out, int max);

#endif
