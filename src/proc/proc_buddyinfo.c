#include "proc/proc_buddyinfo.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool read_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (s == *p)
		return false;
	*p = s;
	*out = v;
	return true;
}

/* "Node 0, zone   Normal   1870    882 ..." */
static bool parse_line(const char *p, const char *end, struct buddy_zone *z)
{
	uint64_t node;
	memset(z, 0, sizeof(*z));
	if (end - p < 5 || memcmp(p, "Node ", 5))
		return false;
	p += 5;
	if (!read_u64(&p, end, &node) || node > 1u << 20 || end - p < 7 || memcmp(p, ", zone ", 7))
		return false;
	z->node = (int)node;
	p = skip_spaces(p + 7, end);
	const char *name = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	if (p == name || (size_t)(p - name) >= sizeof(z->name))
		return false;
	memcpy(z->name, name, (size_t)(p - name));
	for (;;) {
		p = skip_spaces(p, end);
		if (p == end)
			break;
		if (z->norders == BUDDY_MAX_ORDERS || !read_u64(&p, end, &z->free[z->norders]))
			return false;
		z->norders++;
	}
	return z->norders > 0;
}

int buddyinfo_parse(const char *text, size_t len, struct buddy_zone *zones, int max)
{
	int n = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p) {
			struct buddy_zone z;
			if (!parse_line(p, eol, &z))
				return -EINVAL;
			if (n < max)
				zones[n++] = z;
		}
		p = nl ? nl + 1 : end;
	}
	return n;
}

uint64_t buddy_free_pages(const struct buddy_zone *z)
{
	uint64_t pages = 0;
	for (int i = 0; i < z->norders; i++)
		pages += z->free[i] << i;
	return pages;
}

double buddy_unusable_index(const struct buddy_zone *z, int order)
{
	uint64_t total = buddy_free_pages(z), usable = 0;
	if (total == 0)
		return 0;
	for (int i = order < 0 ? 0 : order; i < z->norders; i++)
		usable += z->free[i] << i;
	return (double)(total - usable) / (double)total;
}
