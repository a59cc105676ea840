#include "proc/proc_slabinfo.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static bool read_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = skip_spaces(*p, end);
	const char *start = s;
	uint64_t v = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (s == start || (s < end && *s != ' '))
		return false;
	*p = s;
	*out = v;
	return true;
}

static bool expect(const char **p, const char *end, const char *word)
{
	const char *s = skip_spaces(*p, end);
	size_t n = strlen(word);
	if ((size_t)(end - s) < n || memcmp(s, word, n))
		return false;
	*p = s + n;
	return true;
}

/* name active num objsize objperslab pagesperslab : tunables a b c : slabdata as ns sa */
static bool parse_line(const char *p, const char *end, struct slab_cache *c)
{
	uint64_t ignored;
	memset(c, 0, sizeof(*c));
	const char *name = p;
	while (p < end && *p != ' ')
		p++;
	if (p == name || (size_t)(p - name) >= sizeof(c->name))
		return false;
	memcpy(c->name, name, (size_t)(p - name));
	return read_u64(&p, end, &c->active_objs) && read_u64(&p, end, &c->num_objs) &&
	       read_u64(&p, end, &c->objsize) && read_u64(&p, end, &c->objperslab) &&
	       read_u64(&p, end, &c->pagesperslab) && expect(&p, end, ": tunables") &&
	       read_u64(&p, end, &ignored) && read_u64(&p, end, &ignored) &&
	       read_u64(&p, end, &ignored) && expect(&p, end, ": slabdata") &&
	       read_u64(&p, end, &c->active_slabs) && read_u64(&p, end, &c->num_slabs) &&
	       read_u64(&p, end, &ignored) && skip_spaces(p, end) == end;
}

int slabinfo_parse(const char *text, size_t len, void (*fn)(const struct slab_cache *c, void *ctx), void *ctx)
{
	const char *p = text, *end = text + len;
	static const char header[] = "slabinfo - version: 2.";
	if (len < sizeof(header) - 1 || memcmp(text, header, sizeof(header) - 1))
		return -EINVAL;
	int n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p && p != text && *p != '#') {
			struct slab_cache c;
			if (!parse_line(p, eol, &c))
				return -EINVAL;
			if (fn)
				fn(&c, ctx);
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	return n;
}

uint64_t slab_cache_kb(const struct slab_cache *c, uint64_t page_size)
{
	return c->num_slabs * c->pagesperslab * page_size / 1024;
}
