#include "proc/proc_cgroup.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* "memory" among the comma-separated controllers of a v1 line. */
static bool names_memory(const char *p, size_t n)
{
	while (n) {
		const char *comma = memchr(p, ',', n);
		size_t len = comma ? (size_t)(comma - p) : n;
		if (len == 6 && !memcmp(p, "memory", 6))
			return true;
		if (!comma)
			break;
		n -= len + 1;
		p = comma + 1;
	}
	return false;
}

int proc_cgroup_parse(const char *text, size_t len, struct proc_cgroups *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p) {
			const char *c1 = memchr(p, ':', (size_t)(eol - p));
			const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
			if (!c2)
				return -EINVAL;
			int plen = (int)(eol - c2 - 1);
			if (c2 == c1 + 1 && c1 - p == 1 && *p == '0')
				snprintf(out->v2, sizeof(out->v2), "%.*s", plen, c2 + 1);
			else if (names_memory(c1 + 1, (size_t)(c2 - c1 - 1)))
				snprintf(out->v1_memory, sizeof(out->v1_memory), "%.*s", plen, c2 + 1);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}
