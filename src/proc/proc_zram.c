#include "proc/proc_file.h"
#include "proc/proc_numbers.h"
#include "proc/proc_zram.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

int zram_algorithm_parse(const char *text, size_t len, char *out, size_t n)
{
	const char *open = memchr(text, '[', len);
	const char *close = open ? memchr(open, ']', len - (size_t)(open - text)) : NULL;
	if (!close || close == open + 1 || (size_t)(close - open - 1) >= n ||
	    memchr(open + 1, '\0', (size_t)(close - open - 1)))
		return -EINVAL;
	snprintf(out, n, "%.*s", (int)(close - open - 1), open + 1);
	return 0;
}

int zram_read(const char *name, struct zram_dev *out)
{
	char path[96];
	int64_t v[9];
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(path, sizeof(path), "/sys/block/%s/initstate", name);
	int r = number_read(path, &v[0]);
	if (r)
		return r;
	out->initialized = v[0] != 0;
	snprintf(path, sizeof(path), "/sys/block/%s/disksize", name);
	out->disksize = number_read(path, &v[0]) ? ZRAM_NONE : v[0];
	struct text_buf buf = { 0 };
	snprintf(path, sizeof(path), "/sys/block/%s/comp_algorithm", name);
	if (proc_read_file(path, &buf) ||
	    zram_algorithm_parse(buf.data, buf.len, out->algorithm, sizeof(out->algorithm)))
		out->algorithm[0] = '\0';
	text_buf_free(&buf);
	snprintf(path, sizeof(path), "/sys/block/%s/mm_stat", name);
	int n = numbers_read(path, v, 9);
	if (n < 0)
		return n;
	if (n < 5)
		return -EINVAL;
	int64_t *f[] = { &out->orig_data_size, &out->compr_data_size, &out->mem_used_total,
			 &out->mem_limit, &out->mem_used_max, &out->same_pages,
			 &out->pages_compacted, &out->huge_pages };
	for (int i = 0; i < 8; i++)
		*f[i] = i < n ? v[i] : ZRAM_NONE;
	return 0;
}
