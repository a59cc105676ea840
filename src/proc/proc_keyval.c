#include "proc/proc_keyval.h"
#include "proc/proc_numbers.h"
#include <errno.h>
#include <string.h>

int keyval_find(const char *text, size_t len, const char *key, int64_t *out)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);
		if (n > klen && memcmp(p, key, klen) == 0 &&
		    (p[klen] == ' ' || p[klen] == '\t' || p[klen] == ':')) {
			const char *v = p + klen + (p[klen] == ':');
			int64_t val;
			if (numbers_parse(v, (size_t)(eol - v), &val, 1) != 1)
				return -EINVAL;
			*out = val;
			return 0;
		}
		p = nl ? nl + 1 : end;
	}
	return -ENOENT;
}
