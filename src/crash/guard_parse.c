#include "crash/guard_parse.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* One line of at most 1 KiB, copied so strto* never reads past the input. */
static const char *next_line(const char **p, const char *end, char *buf, size_t n)
{
	if (*p >= end)
		return NULL;
	const char *nl = memchr(*p, '\n', end - *p);
	size_t len = (nl ? nl : end) - *p;
	if (len >= n)
		len = n - 1;
	memcpy(buf, *p, len);
	buf[len] = 0;
	*p = nl ? nl + 1 : end;
	return buf;
}

static int parse_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-' || *s == ' ')
		return -1;
	errno = 0;
	uint64_t v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_tid(const char *s, pid_t *out)
{
	uint64_t v;
	if (parse_u64(s, 10, &v) || v == 0 || v > INT32_MAX)
		return -1;
	*out = (pid_t)v;
	return 0;
}

static int parse_stack(char *s, struct guard_stack *st)
{
	st->n = 0;
	for (char *save = NULL, *tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (st->n == GUARD_REPORT_STACK || strncmp(tok, "0x", 2) != 0 ||
		    parse_u64(tok + 2, 16, &st->ips[st->n]))
			return -1;
		st->n++;
	}
	return 0;
}

static int parse_block(char *s, struct guard_report *r)
{
	char *sp = strchr(s, ' ');
	if (!sp || strncmp(s, "0x", 2) != 0)
		return -1;
	*sp = 0;
	if (parse_u64(s + 2, 16, &r->block_addr) || parse_u64(sp + 1, 10, &r->block_size) ||
	    r->block_size == 0)
		return -1;
	r->has_block = true;
	return 0;
}

static int copy_word(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (!len || len >= n || strchr(src, ' '))
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

int guard_report_parse(const char *text, size_t len, struct guard_report *r)
{
	char buf[1024];
	const char *p = text, *end = text + len, *line;
	bool have_addr = false, have_fault = false;
	memset(r, 0, sizeof(*r));
	while ((line = next_line(&p, end, buf, sizeof(buf)))) {
		if (strcmp(line, "maps") == 0) {
			r->maps = p;
			r->maps_len = end - p;
			break;
		}
		char *val = strchr(buf, ' ');
		if (!val)
			return -1;
		*val++ = 0;
		int rc;
		if (!strcmp(buf, "kind"))
			rc = copy_word(r->kind, sizeof(r->kind), val);
		else if (!strcmp(buf, "access"))
			rc = copy_word(r->access, sizeof(r->access), val);
		else if (!strcmp(buf, "pid"))
			rc = parse_tid(val, &r->pid);
		else if (!strcmp(buf, "tid"))
			rc = parse_tid(val, &r->tid);
		else if (!strcmp(buf, "alloc_tid"))
			rc = parse_tid(val, &r->alloc_tid);
		else if (!strcmp(buf, "free_tid"))
			rc = parse_tid(val, &r->free_tid);
		else if (!strcmp(buf, "addr"))
			rc = (have_addr = true) && strncmp(val, "0x", 2) ? -1
								: parse_u64(val + 2, 16, &r->addr);
		else if (!strcmp(buf, "block"))
			rc = parse_block(val, r);
		else if (!strcmp(buf, "fault_stack"))
			rc = (have_fault = true) ? parse_stack(val, &r->fault) : -1;
		else if (!strcmp(buf, "alloc_stack"))
			rc = parse_stack(val, &r->alloc);
		else if (!strcmp(buf, "free_stack"))
			rc = parse_stack(val, &r->free);
		else
			rc = 0; /* unknown keys: written by a newer library */
		if (rc)
			return -1;
	}
	return r->kind[0] && r->pid && r->tid && have_addr && have_fault ? 0 : -1;
}

int guard_stats_parse(const char *text, size_t len, unsigned long *guarded,
		      unsigned long *pool_full)
{
	char buf[128];
	const char *p = text, *end = text + len, *line;
	int seen = 0;
	while ((line = next_line(&p, end, buf, sizeof(buf)))) {
		char *val = strchr(buf, ' ');
		uint64_t v;
		if (!val || parse_u64(val + 1, 10, &v))
			return -1;
		*val = 0;
		if (!strcmp(buf, "guarded"))
			*guarded = v, seen |= 1;
		else if (!strcmp(buf, "pool_full"))
			*pool_full = v, seen |= 2;
	}
	return seen == 3 ? 0 : -1;
}
