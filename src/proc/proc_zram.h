/* A zram device (compressed RAM block device, often swap) from /sys/block/zramN: its size,
 * compressor and mm_stat, whose columns are, in bytes unless said:
 *   orig_data_size compr_data_size mem_used_total mem_limit mem_used_max same_pages
 *   pages_compacted huge_pages huge_pages_since (pages; later columns come with newer
 *   kernels). Only read: reading some zram-control files (hot_add) creates devices. */
#ifndef MEMMON_PROC_ZRAM_H
#define MEMMON_PROC_ZRAM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZRAM_NONE (-1)

struct zram_dev {
	char name[32];          /* "zram0" */
	bool initialized;       /* initstate: a disksize was set */
	int64_t disksize;       /* bytes */
	char algorithm[32];     /* the one in [brackets] of comp_algorithm */
	int64_t orig_data_size, compr_data_size, mem_used_total, mem_limit, mem_used_max;
	int64_t same_pages, pages_compacted, huge_pages; /* ZRAM_NONE when not printed */
};

/* The selected algorithm of comp_algorithm text ("lzo [lz4] zstd"): 0, or -EINVAL. */
int zram_algorithm_parse(const char *text, size_t len, char *out, size_t n);
/* Reads /sys/block/NAME. 0, or -errno (-ENOENT: no such device). */
int zram_read(const char *name, struct zram_dev *out);

#endif
