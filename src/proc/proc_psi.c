#include "proc/proc_psi.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int parse_line(const char *p, size_t n, struct psi_line *l)
{
	char line[256], tail;
	if (n >= sizeof(line))
		return -EINVAL;
	memcpy(line, p, n);
	line[n] = '\0';
	unsigned long long total;
	if (sscanf(line + 5, "avg10=%lf avg60=%lf avg300=%lf total=%llu %c", &l->avg10, &l->avg60,
		   &l->avg300, &total, &tail) != 4 || l->avg10 < 0 || l->avg60 < 0 || l->avg300 < 0)
		return -EINVAL;
	l->total_us = total;
	return 0;
}

int psi_parse(const char *text, size_t len, struct psi *out)
{
	memset(out, 0, sizeof(*out));
	bool some = false;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n >= 5 && !memcmp(p, "some ", 5)) {
			if (parse_line(p, n, &out->some))
				return -EINVAL;
			some = true;
		} else if (n >= 5 && !memcmp(p, "full ", 5)) {
			if (parse_line(p, n, &out->full))
				return -EINVAL;
			out->has_full = true;
		} else if (n) {
			return -EINVAL;
		}
		p = nl ? nl + 1 : end;
	}
	return some ? 0 : -EINVAL;
}
