#include "proc/proc_file.h"
#include "proc/proc_swaps.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* One area line: its five fields, nothing after them. */
static int parse_line(const char *p, size_t n, struct swap_area *a)
{
	char line[512], tail;
	if (n >= sizeof(line))
		return -EINVAL;
	memcpy(line, p, n);
	line[n] = '\0';
	unsigned long long size, used;
	if (sscanf(line, "%255s %15s %llu %llu %d %c", a->name, a->kind, &size, &used, &a->priority,
		   &tail) != 5)
		return -EINVAL;
	a->size_kb = size;
	a->used_kb = used;
	return 0;
}

int swaps_parse(const char *text, size_t len, struct swap_area *out, int max)
{
	const char *p = text, *end = text + len;
	int n = 0;
	bool header = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t ln = (size_t)(eol - p);
		if (header) {
			if (ln < 8 || memcmp(p, "Filename", 8))
				return -EINVAL;
			header = false;
		} else if (ln && n < max) {
			if (parse_line(p, ln, &out[n]))
				return -EINVAL;
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	return header ? -EINVAL : n;
}

int swaps_read(struct swap_area *out, int max)
{
	struct text_buf buf = { 0 };
	int r = proc_read_file("/proc/swaps", &buf);
	if (!r)
		r = swaps_parse(buf.data, buf.len, out, max);
	text_buf_free(&buf);
	return r;
}
