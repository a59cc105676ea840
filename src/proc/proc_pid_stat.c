#include "proc/proc_pid_stat.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Fields after the comm's ')' (proc(5) numbering): 3 state, 4 ppid, ... 10 minflt,
 * 11 cminflt, 12 majflt. */
#define FIELD_MINFLT 10
#define FIELD_MAJFLT 12

static int parse_u64(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	if (p == end)
		return -EINVAL;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

int pid_stat_parse(const char *text, size_t len, struct pid_stat *out)
{
	memset(out, 0, sizeof(*out));
	const char *end = text + len, *close = NULL;
	for (const char *p = text; p < end; p++)
		if (*p == ')')
			close = p;
	if (!close || !memchr(text, '(', (size_t)(close - text)))
		return -EINVAL;
	const char *p = close + 1;
	for (int field = 3; field <= FIELD_MAJFLT; field++) {
		if (p >= end || *p != ' ')
			return -EINVAL;
		const char *f = ++p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (p == f)
			return -EINVAL;
		int r = 0;
		if (field == 3) {
			if (p - f != 1)
				return -EINVAL;
			out->state = *f;
		} else if (field == FIELD_MINFLT) {
			r = parse_u64(f, p, &out->minflt);
		} else if (field == FIELD_MAJFLT) {
			r = parse_u64(f, p, &out->majflt);
		}
		if (r)
			return r;
	}
	return 0;
}

int pid_stat_read(pid_t pid, struct text_buf *buf, struct pid_stat *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int r = proc_read_file(path, buf);
	return r ? r : pid_stat_parse(buf->data, buf->len, out);
}
