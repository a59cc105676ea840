#include "pageowner/pageowner_opts.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* page_owner_sort's key words and their short forms, plus times and pages (which it only
 * offers as -t and -m). */
static const struct {
	const char *name, *abbrev;
	enum po_key key;
} keys[] = {
	{ "pid", "p", PO_KEY_PID },          { "tgid", "tg", PO_KEY_TGID },
	{ "name", "n", PO_KEY_COMM },        { "stacktrace", "st", PO_KEY_STACK },
	{ "txt", "T", PO_KEY_TXT },          { "alloc_ts", "at", PO_KEY_ALLOC_TS },
	{ "free_ts", "ft", PO_KEY_FREE_TS }, { "allocator", "ator", PO_KEY_ALLOCATOR },
	{ "times", "t", PO_KEY_TIMES },      { "pages", "m", PO_KEY_PAGES },
};

static int key_of(const char *w, size_t n, enum po_key *out)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((strlen(keys[i].name) == n && !strncmp(w, keys[i].name, n)) ||
		    (strlen(keys[i].abbrev) == n && !strncmp(w, keys[i].abbrev, n))) {
			*out = keys[i].key;
			return 0;
		}
	}
	return -1;
}

void po_opt_sort_single(struct po_options *o, enum po_key key, int sign)
{
	o->sort[0].key = key;
	o->sort[0].sign = sign;
	o->nsort = 1;
}

int po_opt_sort(struct po_options *o, const char *arg)
{
	struct po_sort_key tmp[PO_MAX_SORT];
	int n = 0;
	const char *s = arg;
	for (;;) {
		size_t len = strcspn(s, ",");
		int sign = 1;
		const char *w = s;
		if (len && (*w == '+' || *w == '-')) {
			sign = *w == '-' ? -1 : 1;
			w++;
			len--;
		}
		enum po_key k;
		if (n == PO_MAX_SORT || key_of(w, len, &k))
			return -1;
		tmp[n].key = k;
		tmp[n++].sign = sign;
		s = w + len;
		if (!*s)
			break;
		s++;
	}
	memcpy(o->sort, tmp, sizeof(tmp[0]) * (size_t)n);
	o->nsort = n;
	return 0;
}

int po_opt_cull(struct po_options *o, const char *arg)
{
	static const struct {
		const char *name, *abbrev;
		unsigned bit;
	} rules[] = {
		{ "pid", "p", PO_CULL_PID },         { "tgid", "tg", PO_CULL_TGID },
		{ "name", "n", PO_CULL_COMM },       { "stacktrace", "st", PO_CULL_STACK },
		{ "free", "f", PO_CULL_FREE },       { "allocator", "ator", PO_CULL_ALLOCATOR },
	};
	unsigned bits = 0;
	const char *s = arg;
	for (;;) {
		size_t len = strcspn(s, ",");
		size_t i = 0;
		for (; i < sizeof(rules) / sizeof(rules[0]); i++)
			if ((strlen(rules[i].name) == len && !strncmp(s, rules[i].name, len)) ||
			    (strlen(rules[i].abbrev) == len && !strncmp(s, rules[i].abbrev, len)))
				break;
		if (i == sizeof(rules) / sizeof(rules[0]))
			return -1;
		bits |= rules[i].bit;
		s += len;
		if (!*s)
			break;
		s++;
	}
	o->cull |= bits;
	return 0;
}

int po_opt_int_list(int *list, int *n, const char *arg)
{
	const char *s = arg;
	for (;;) {
		char *end;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (errno || end == s || (*end && *end != ',') || v < 0 || v > 0x7fffffff ||
		    *n >= PO_MAX_LIST)
			return -1;
		list[(*n)++] = (int)v;
		if (!*end)
			return 0;
		s = end + 1;
	}
}

int po_opt_str_list(char **list, int *n, const char *arg)
{
	const char *s = arg;
	for (;;) {
		size_t len = strcspn(s, ",");
		if (*n >= PO_MAX_LIST)
			return -1;
		list[*n] = strndup(s, len);
		if (!list[*n])
			return -1;
		(*n)++;
		s += len;
		if (!*s)
			return 0;
		s++;
	}
}

void po_opt_free(struct po_options *o)
{
	for (int i = 0; i < o->ncomms; i++)
		free(o->comms[i]);
	o->ncomms = 0;
}

void po_opt_finish(struct po_options *o)
{
	if (o->nsort == 0)
		po_opt_sort_single(o, PO_KEY_TIMES, -1);
}

void po_allocator_name(int a, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s", a & PO_ALLOC_CMA ? "CMA " : "",
		 a & PO_ALLOC_SLAB ? "SLAB " : "", a & PO_ALLOC_VMALLOC ? "VMALLOC " : "",
		 a & PO_ALLOC_OTHERS ? "OTHERS " : "");
	size_t l = strlen(buf);
	if (l)
		buf[l - 1] = '\0'; /* no trailing blank */
}
