#include "proc/proc_status.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const struct {
	const char *key;
	size_t offset;
} keys[] = {
	{ "VmSize", offsetof(struct proc_status_mem, vm_size) },
	{ "VmRSS", offsetof(struct proc_status_mem, vm_rss) },
	{ "RssAnon", offsetof(struct proc_status_mem, rss_anon) },
	{ "RssFile", offsetof(struct proc_status_mem, rss_file) },
	{ "RssShmem", offsetof(struct proc_status_mem, rss_shmem) },
	{ "VmData", offsetof(struct proc_status_mem, vm_data) },
	{ "VmSwap", offsetof(struct proc_status_mem, vm_swap) },
	{ "VmPTE", offsetof(struct proc_status_mem, vm_pte) },
};

/* Value of a memory line: spaces/tabs, digits, " kB". */
static bool parse_kb(const char *v, const char *end, uint64_t *out)
{
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	const char *digits = v;
	uint64_t val = 0;
	while (v < end && *v >= '0' && *v <= '9') {
		if (val > (UINT64_MAX - 9) / 10)
			return false;
		val = val * 10 + (uint64_t)(*v++ - '0');
	}
	if (v == digits || end - v != 3 || memcmp(v, " kB", 3))
		return false;
	*out = val;
	return true;
}

int proc_status_parse(const char *text, size_t len, struct proc_status_mem *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		for (size_t i = 0; colon && i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t klen = strlen(keys[i].key);
			if ((size_t)(colon - p) != klen || memcmp(p, keys[i].key, klen))
				continue;
			if (!parse_kb(colon + 1, eol, (uint64_t *)((char *)out + keys[i].offset)))
				return -EINVAL;
			out->found++;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	return out->found ? 0 : -EINVAL;
}
