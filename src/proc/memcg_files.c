#include "proc/memcg_files.h"
#include "proc/proc_keyval.h"
#include "proc/proc_numbers.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* v1 prints "no limit" as PAGE_COUNTER_MAX pages in bytes, just under 2^63: anything above
 * 2^62 bytes is no limit on any machine. */
#define V1_NO_LIMIT (INT64_C(1) << 62)

/* A byte count or limit file: 0 or -errno. */
static int read_bytes(int dirfd, const char *name, struct text_buf *buf, int64_t *out)
{
	int r = proc_read_file_at(dirfd, name, buf);
	if (r)
		return r;
	if (buf->len >= 3 && !memcmp(buf->data, "max", 3) && (buf->len == 3 || buf->data[3] == '\n')) {
		*out = MEMCG_UNLIMITED;
		return 0;
	}
	r = numbers_parse(buf->data, buf->len, out, 1);
	if (r != 1)
		return -EINVAL;
	if (*out >= V1_NO_LIMIT)
		*out = MEMCG_UNLIMITED;
	return 0;
}

/* An optional figure: MEMCG_NONE when the file is missing or unreadable. */
static int64_t optional(int dirfd, const char *name, struct text_buf *buf)
{
	int64_t v;
	return read_bytes(dirfd, name, buf, &v) ? MEMCG_NONE : v;
}

/* The value of key in file name, MEMCG_NONE when either is missing. */
static int64_t stat_key(const struct text_buf *stat, const char *key)
{
	int64_t v;
	return stat->len && !keyval_find(stat->data, stat->len, key, &v) ? v : MEMCG_NONE;
}

static void read_v1(int dirfd, struct memcg_stats *st, struct text_buf *buf)
{
	st->limit = optional(dirfd, "memory.limit_in_bytes", buf);
	st->soft_limit = optional(dirfd, "memory.soft_limit_in_bytes", buf);
	int64_t memsw = optional(dirfd, "memory.memsw.usage_in_bytes", buf);
	st->swap = memsw >= st->usage ? memsw - st->usage : MEMCG_NONE;
	st->swap_limit = optional(dirfd, "memory.memsw.limit_in_bytes", buf);
	st->kernel = optional(dirfd, "memory.kmem.usage_in_bytes", buf);
	st->sock = optional(dirfd, "memory.kmem.tcp.usage_in_bytes", buf);
	st->limit_hits = optional(dirfd, "memory.failcnt", buf);
	if (proc_read_file_at(dirfd, "memory.oom_control", buf) == 0)
		st->oom_kill = stat_key(buf, "oom_kill");
	if (proc_read_file_at(dirfd, "memory.stat", buf) == 0) {
		st->anon = stat_key(buf, "total_rss");
		st->file = stat_key(buf, "total_cache");
		st->shmem = stat_key(buf, "total_shmem");
	}
}

static void read_v2(int dirfd, struct memcg_stats *st, struct text_buf *buf)
{
	st->limit = optional(dirfd, "memory.max", buf);
	st->high = optional(dirfd, "memory.high", buf);
	st->low = optional(dirfd, "memory.low", buf);
	st->swap = optional(dirfd, "memory.swap.current", buf);
	st->swap_limit = optional(dirfd, "memory.swap.max", buf);
	if (proc_read_file_at(dirfd, "memory.events", buf) == 0) {
		st->limit_hits = stat_key(buf, "max");
		st->oom = stat_key(buf, "oom");
		st->oom_kill = stat_key(buf, "oom_kill");
	}
	if (proc_read_file_at(dirfd, "memory.stat", buf) == 0) {
		st->anon = stat_key(buf, "anon");
		st->file = stat_key(buf, "file");
		st->kernel = stat_key(buf, "kernel");
		st->sock = stat_key(buf, "sock");
		st->shmem = stat_key(buf, "shmem");
	}
	if (proc_read_file_at(dirfd, "memory.pressure", buf) == 0)
		st->has_psi = psi_parse(buf->data, buf->len, &st->psi) == 0;
}

int memcg_read(int dirfd, int version, struct memcg_stats *st, struct text_buf *buf)
{
	int64_t none = MEMCG_NONE;
	*st = (struct memcg_stats){ .version = version };
	int64_t *all[] = { &st->limit, &st->high, &st->soft_limit, &st->low, &st->swap,
			   &st->swap_limit, &st->anon, &st->file, &st->kernel, &st->sock,
			   &st->shmem, &st->limit_hits, &st->oom, &st->oom_kill };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		*all[i] = none;
	int r = read_bytes(dirfd, version == 1 ? "memory.usage_in_bytes" : "memory.current", buf,
			   &st->usage);
	if (r)
		return r;
	if (version == 1)
		read_v1(dirfd, st, buf);
	else
		read_v2(dirfd, st, buf);
	return 0;
}

int memcg_parse_pids(const char *text, size_t len, pid_t **pids)
{
	size_t cap = 16, n = 0;
	pid_t *out = malloc(cap * sizeof(*out));
	if (!out)
		return -ENOMEM;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int64_t v;
		if (eol > p) {
			if (numbers_parse(p, (size_t)(eol - p), &v, 1) != 1 || v <= 0 || v > INT32_MAX) {
				free(out);
				return -EINVAL;
			}
			if (n == cap) {
				pid_t *grown = realloc(out, 2 * cap * sizeof(*out));
				if (!grown) {
					free(out);
					return -ENOMEM;
				}
				out = grown;
				cap *= 2;
			}
			out[n++] = (pid_t)v;
		}
		p = nl ? nl + 1 : end;
	}
	*pids = out;
	return (int)n;
}

int memcg_read_pids(int dirfd, pid_t **pids, size_t *n, struct text_buf *buf)
{
	int r = proc_read_file_at(dirfd, "cgroup.procs", buf);
	if (r)
		return r;
	r = memcg_parse_pids(buf->data, buf->len, pids);
	if (r < 0)
		return r;
	*n = (size_t)r;
	return 0;
}
