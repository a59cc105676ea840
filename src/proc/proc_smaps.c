#include "proc/proc_smaps.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

struct counter_key {
	const char *key;
	size_t offset;
	unsigned seen;
};

#define K(name, field, seen) { name, offsetof(struct mem_counts, field), seen }
static const struct counter_key counter_keys[] = {
	K("Size", size, MC_SEEN_SIZE),
	K("Rss", rss, 0),
	K("Pss", pss, MC_SEEN_PSS),
	K("Pss_Dirty", pss_dirty, 0),
	K("Pss_Anon", pss_anon, 0),
	K("Pss_File", pss_file, 0),
	K("Pss_Shmem", pss_shmem, 0),
	K("Shared_Clean", shared_clean, 0),
	K("Shared_Dirty", shared_dirty, 0),
	K("Private_Clean", private_clean, 0),
	K("Private_Dirty", private_dirty, 0),
	K("Referenced", referenced, 0),
	K("Anonymous", anonymous, 0),
	K("LazyFree", lazyfree, 0),
	K("AnonHugePages", anon_huge, 0),
	K("Swap", swap, 0),
	K("SwapPss", swap_pss, MC_SEEN_SWAP_PSS),
	K("Locked", locked, 0),
};
#undef K
#define NKEYS (sizeof(counter_keys) / sizeof(counter_keys[0]))

void mem_counts_add(struct mem_counts *dst, const struct mem_counts *src)
{
	for (size_t i = 0; i < NKEYS; i++) {
		uint64_t *d = (uint64_t *)((char *)dst + counter_keys[i].offset);
		*d += *(const uint64_t *)((const char *)src + counter_keys[i].offset);
	}
	dst->seen |= src->seen;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Reads a number in base 10 or 16 from [*p, end); at least one digit, no overflow. */
static bool read_num(const char **p, const char *end, int base, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	while (s < end && (base == 16 ? is_hex(*s) : (*s >= '0' && *s <= '9'))) {
		unsigned d = *s <= '9' ? (unsigned)(*s - '0') : (unsigned)((*s | 0x20) - 'a' + 10);
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + d;
		s++;
	}
	if (s == *p)
		return false;
	*p = s;
	*out = v;
	return true;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* "start-end perms offset dev inode   name" */
static bool parse_header(const char *p, const char *end, struct smaps_mapping *m)
{
	memset(m, 0, sizeof(*m));
	if (!read_num(&p, end, 16, &m->start) || p >= end || *p++ != '-' ||
	    !read_num(&p, end, 16, &m->end) || p >= end || *p++ != ' ')
		return false;
	if (end - p < 5 || p[4] != ' ')
		return false;
	memcpy(m->perms, p, 4);
	p += 5;
	if (!read_num(&p, end, 16, &m->offset) || p >= end || *p++ != ' ')
		return false;
	const char *dev = p;
	while (p < end && *p != ' ')
		p++;
	if (p == dev || (size_t)(p - dev) >= sizeof(m->dev))
		return false;
	memcpy(m->dev, dev, (size_t)(p - dev));
	p = skip_spaces(p, end);
	if (!read_num(&p, end, 10, &m->inode))
		return false;
	if (p < end && *p != ' ')
		return false;
	p = skip_spaces(p, end);
	size_t n = (size_t)(end - p);
	if (n >= sizeof(m->name))
		n = sizeof(m->name) - 1;
	memcpy(m->name, p, n);
	m->name[n] = '\0';
	return m->end >= m->start;
}

/* "Key:   N kB" into the matching counter; other "Key: ..." lines are ignored.
 * Returns false if the line is not a "Key:" line at all. */
static bool parse_counter(const char *p, const char *end, struct mem_counts *c)
{
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon == p)
		return false;
	for (const char *q = p; q < colon; q++)
		if (*q == ' ')
			return false;
	size_t klen = (size_t)(colon - p);
	for (size_t i = 0; i < NKEYS; i++) {
		if (strlen(counter_keys[i].key) != klen || memcmp(counter_keys[i].key, p, klen))
			continue;
		const char *v = skip_spaces(colon + 1, end);
		uint64_t val;
		if (!read_num(&v, end, 10, &val))
			return false;
		v = skip_spaces(v, end);
		if (end - v != 2 || memcmp(v, "kB", 2))
			return false;
		*(uint64_t *)((char *)c + counter_keys[i].offset) = val;
		c->seen |= counter_keys[i].seen;
		return true;
	}
	return true; /* VmFlags, THPeligible, ProtectionKey, counters of newer kernels */
}

/* A header's first word is "start-end"; a counter's is "Key:". */
static bool is_header(const char *p, const char *eol)
{
	const char *sp = memchr(p, ' ', (size_t)(eol - p));
	const char *word_end = sp ? sp : eol;
	return is_hex(*p) && memchr(p, '-', (size_t)(word_end - p)) &&
	       !memchr(p, ':', (size_t)(word_end - p));
}

int smaps_parse(const char *text, size_t len, smaps_mapping_fn fn, void *ctx)
{
	struct smaps_mapping m;
	bool open = false;
	int count = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p) {
			if (is_header(p, eol)) {
				if (open) {
					int r = fn ? fn(&m, ctx) : 0;
					if (r)
						return r;
					count++;
				}
				if (!parse_header(p, eol, &m))
					return -EINVAL;
				open = true;
			} else if (!open || !parse_counter(p, eol, &m.c)) {
				return -EINVAL;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (open) {
		int r = fn ? fn(&m, ctx) : 0;
		if (r)
			return r;
		count++;
	}
	return count;
}

static int add_to_total(const struct smaps_mapping *m, void *ctx)
{
	mem_counts_add(ctx, &m->c);
	return 0;
}

int smaps_sum(const char *text, size_t len, struct mem_counts *total)
{
	memset(total, 0, sizeof(*total));
	return smaps_parse(text, len, add_to_total, total);
}

int maps_total_kb(const char *text, size_t len, uint64_t *kb)
{
	struct smaps_mapping m;
	uint64_t bytes = 0;
	int count = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p) {
			if (!parse_header(p, eol, &m))
				return -EINVAL;
			bytes += m.end - m.start;
			count++;
		}
		p = nl ? nl + 1 : end;
	}
	*kb = bytes >> 10;
	return count;
}
