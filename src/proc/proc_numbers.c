#include "proc/proc_file.h"
#include "proc/proc_numbers.h"
#include <errno.h>
#include <stdbool.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int numbers_parse(const char *text, size_t len, int64_t *out, int max)
{
	size_t i = 0;
	int n = 0;
	for (;;) {
		while (i < len && blank(text[i]))
			i++;
		if (i == len)
			return n;
		if (n == max)
			return n; /* the caller asked for the first max */
		bool neg = text[i] == '-';
		if (neg)
			i++;
		size_t digits = i;
		uint64_t v = 0;
		while (i < len && text[i] >= '0' && text[i] <= '9') {
			if (v > ((uint64_t)INT64_MAX - 9) / 10)
				return -EINVAL;
			v = v * 10 + (uint64_t)(text[i++] - '0');
		}
		if (i == digits || (i < len && !blank(text[i])))
			return -EINVAL;
		out[n++] = neg ? -(int64_t)v : (int64_t)v;
	}
}

int numbers_read(const char *path, int64_t *out, int max)
{
	struct text_buf buf = { 0 };
	int r = proc_read_file(path, &buf);
	if (!r)
		r = numbers_parse(buf.data, buf.len, out, max);
	text_buf_free(&buf);
	return r;
}

int number_read(const char *path, int64_t *out)
{
	int r = numbers_read(path, out, 1);
	return r < 0 ? r : r == 1 ? 0 : -EINVAL;
}
