/* Parser of /proc/PID/smaps and /proc/PID/smaps_rollup: mapping headers and their
 * "Key: N kB" counters. smaps_rollup is the same format with one "[rollup]" mapping. */
#ifndef MEMMON_PROC_SMAPS_H
#define MEMMON_PROC_SMAPS_H
#include <stddef.h>
#include <stdint.h>

/* Counters in kB, as the kernel prints them. */
struct mem_counts {
	uint64_t size, rss, pss, pss_dirty, pss_anon, pss_file, pss_shmem;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, lazyfree, anon_huge, swap, swap_pss, locked;
	unsigned seen; /* MC_SEEN_* bits: which optional counters the kernel printed */
};
enum { MC_SEEN_PSS = 1, MC_SEEN_SWAP_PSS = 2, MC_SEEN_SIZE = 4 };

static inline uint64_t mem_uss(const struct mem_counts *c)
{
	return c->private_clean + c->private_dirty;
}
static inline uint64_t mem_dirty(const struct mem_counts *c)
{
	return c->shared_dirty + c->private_dirty;
}
void mem_counts_add(struct mem_counts *dst, const struct mem_counts *src);

#define SMAPS_NAME_MAX 256
struct smaps_mapping {
	uint64_t start, end, offset, inode;
	char perms[5];
	char dev[16];
	char name[SMAPS_NAME_MAX]; /* "" for anonymous mappings; truncated if longer */
	struct mem_counts c;
};

/* Called once per complete mapping; a non-zero return stops parsing and is returned. */
typedef int (*smaps_mapping_fn)(const struct smaps_mapping *m, void *ctx);

/* Parses len bytes of smaps text. Returns the number of mappings, the callback's non-zero
 * value, or -EINVAL for malformed text (a counter before any header, a broken header). */
int smaps_parse(const char *text, size_t len, smaps_mapping_fn fn, void *ctx);

/* Parses smaps or smaps_rollup text and sums all mappings into *total.
 * Returns the number of mappings or -EINVAL. */
int smaps_sum(const char *text, size_t len, struct mem_counts *total);

/* Sums the sizes of the mappings of /proc/PID/maps text (what smaps' Size lines add up
 * to). Returns the number of mappings or -EINVAL. */
int maps_total_kb(const char *text, size_t len, uint64_t *kb);

#endif
