#include "proc/proc_file.h"
#include "proc/proc_psi.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "avg10=0.00" at p (within end): the value after "key=", as a double. 0 or -EINVAL. */
static int parse_avg(const char **p, const char *end, const char *key, double *out)
{
	size_t klen = strlen(key);
	if ((size_t)(end - *p) < klen + 2 || memcmp(*p, key, klen) || (*p)[klen] != '=')
		return -EINVAL;
	const char *v = *p + klen + 1;
	/* digits, one '.', digits: what the kernel prints (LOAD_INT.LOAD_FRAC) */
	double whole = 0, frac = 0, scale = 1;
	const char *d = v;
	while (d < end && *d >= '0' && *d <= '9')
		whole = whole * 10 + (*d++ - '0');
	if (d == v || d >= end || *d != '.')
		return -EINVAL;
	const char *f = ++d;
	while (d < end && *d >= '0' && *d <= '9') {
		frac = frac * 10 + (*d++ - '0');
		scale *= 10;
	}
	if (d == f)
		return -EINVAL;
	*out = whole + frac / scale;
	*p = d;
	return 0;
}

static int parse_total(const char *p, const char *end, uint64_t *out)
{
	if ((size_t)(end - p) < 7 || memcmp(p, "total=", 6))
		return -EINVAL;
	p += 6;
	uint64_t v = 0;
	const char *d = p;
	while (d < end && *d >= '0' && *d <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*d++ - '0');
	}
	if (d == p || d != end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* One line without its newline. */
static int parse_line(const char *p, const char *end, struct psi *out)
{
	struct psi_line *l;
	if (end - p > 5 && memcmp(p, "some ", 5) == 0)
		l = &out->some;
	else if (end - p > 5 && memcmp(p, "full ", 5) == 0)
		l = &out->full;
	else
		return -EINVAL;
	if (l->present)
		return -EINVAL;
	p += 5;
	static const char *const keys[] = { "avg10", "avg60", "avg300" };
	double *dst[] = { &l->avg10, &l->avg60, &l->avg300 };
	for (int i = 0; i < 3; i++) {
		if (parse_avg(&p, end, keys[i], dst[i]) || p >= end || *p != ' ')
			return -EINVAL;
		p++;
	}
	if (parse_total(p, end, &l->total_us))
		return -EINVAL;
	l->present = true;
	return 0;
}

int psi_parse(const char *text, size_t len, struct psi *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p && parse_line(p, eol, out))
			return -EINVAL;
		p = nl ? nl + 1 : end;
	}
	return out->some.present ? 0 : -EINVAL;
}

int psi_read(const char *resource, struct psi *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/pressure/%s", resource);
	struct text_buf buf = { 0 };
	int r = proc_read_file(path, &buf);
	if (!r)
		r = psi_parse(buf.data, buf.len, out);
	text_buf_free(&buf);
	return r;
}
