#include "symbols/ksyms.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
	char **strs; /* one allocation per name; modules are interned */
	size_t nstrs, capstrs;
};

static char *intern(struct ksyms *k, const char *s)
{
	if (k->nstrs == k->capstrs) {
		k->capstrs = k->capstrs ? k->capstrs * 2 : 1024;
		k->strs = realloc(k->strs, sizeof(char *) * k->capstrs);
	}
	return k->strs[k->nstrs++] = strdup(s);
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct ksyms *ksyms_load(const char *path)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return NULL;
	struct ksyms *k = calloc(1, sizeof(*k));
	char line[512], name[256], mod[128], type;
	const char *last_mod = NULL;
	uint64_t addr;
	while (fgets(line, sizeof(line), fp)) {
		mod[0] = 0;
		if (sscanf(line, "%" SCNx64 " %c %255s %127s", &addr, &type, name, mod) < 3)
			continue;
		if (!addr || !strchr("tTwW", type))
			continue;
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 65536;
			k->syms = realloc(k->syms, sizeof(*k->syms) * k->cap);
		}
		const char *m = NULL;
		if (mod[0]) {
			m = (last_mod && strcmp(last_mod, mod) == 0) ? last_mod : intern(k, mod);
			last_mod = m;
		}
		k->syms[k->n++] = (struct ksym){ addr, intern(k, name), m };
	}
	fclose(fp);
	if (!k->n) { /* kptr_restrict hides addresses: all zero */
		ksyms_free(k);
		return NULL;
	}
	qsort(k->syms, k->n, sizeof(*k->syms), cmp_ksym);
	return k;
}

const struct ksym *ksyms_find(const struct ksyms *k, uint64_t addr)
{
	if (!k || !k->n || addr < k->syms[0].addr)
		return NULL;
	size_t lo = 0, hi = k->n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &k->syms[lo];
}

uint64_t ksyms_addr(const struct ksyms *k, const char *name)
{
	for (size_t i = 0; k && i < k->n; i++)
		if (strcmp(k->syms[i].name, name) == 0)
			return k->syms[i].addr;
	return 0;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nstrs; i++)
		free(k->strs[i]);
	free(k->strs);
	free(k->syms);
	free(k);
}
