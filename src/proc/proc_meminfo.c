#include "proc/proc_file.h"
#include "proc/proc_meminfo.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const struct {
	const char *key;
	size_t offset;
} keys[] = {
#define K(k, f) { k, offsetof(struct meminfo, f) }
	K("MemTotal", mem_total), K("MemFree", mem_free), K("MemAvailable", mem_available),
	K("Buffers", buffers), K("Cached", cached), K("SwapCached", swap_cached),
	K("Active", active), K("Inactive", inactive), K("Dirty", dirty),
	K("Writeback", writeback), K("AnonPages", anon_pages), K("Mapped", mapped),
	K("Shmem", shmem), K("Slab", slab), K("SReclaimable", sreclaimable),
	K("SUnreclaim", sunreclaim), K("KernelStack", kernel_stack),
	K("PageTables", page_tables), K("SwapTotal", swap_total), K("SwapFree", swap_free),
	K("Committed_AS", committed_as), K("CommitLimit", commit_limit),
	K("HugePages_Total", hugepages_total), K("HugePages_Free", hugepages_free),
	K("Hugepagesize", hugepagesize),
#undef K
};

/* "Key:   N kB" or "Key:   N" (HugePages_*). */
static bool parse_line(const char *p, const char *end, struct meminfo *out, bool *has_total)
{
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon == p)
		return false;
	const char *v = colon + 1;
	while (v < end && *v == ' ')
		v++;
	uint64_t val = 0;
	const char *digits = v;
	while (v < end && *v >= '0' && *v <= '9') {
		if (val > (UINT64_MAX - 9) / 10)
			return false;
		val = val * 10 + (uint64_t)(*v++ - '0');
	}
	if (v == digits)
		return false;
	if (v < end && !(end - v == 3 && memcmp(v, " kB", 3) == 0))
		return false;
	size_t klen = (size_t)(colon - p);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].key) == klen && memcmp(keys[i].key, p, klen) == 0) {
			*(uint64_t *)((char *)out + keys[i].offset) = val;
			if (i == 0)
				*has_total = true;
			break;
		}
	}
	return true;
}

int meminfo_parse(const char *text, size_t len, struct meminfo *out)
{
	bool has_total = false;
	memset(out, 0, sizeof(*out));
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p && !parse_line(p, eol, out, &has_total))
			return -EINVAL;
		p = nl ? nl + 1 : end;
	}
	return has_total ? 0 : -EINVAL;
}

int meminfo_read(struct meminfo *out)
{
	struct text_buf buf = { 0 };
	int r = proc_read_file("/proc/meminfo", &buf);
	if (!r)
		r = meminfo_parse(buf.data, buf.len, out);
	text_buf_free(&buf);
	return r;
}
