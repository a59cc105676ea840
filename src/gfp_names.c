#include "gfp_names.h"
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BITS 64
#define MAX_MT 16

struct gfp_names {
	char *bit_name[MAX_BITS]; /* "__GFP_IO" for bit 6 */
	const char *mt_name[MAX_MT];
};

/* Composite names in the order the kernel's __def_gfpflag_names tries them: the first
 * whose flags (without the leading "__GFP_") are all set is printed and its bits cleared,
 * as __print_flags does. "clear" lists flags that must not be set (none today). */
static const struct {
	const char *name;
	const char *set, *clear;
} composites[] = {
	{ "GFP_TRANSHUGE", "DIRECT_RECLAIM IO FS HARDWALL HIGHMEM MOVABLE COMP NOMEMALLOC NOWARN",
	  "" },
	{ "GFP_TRANSHUGE_LIGHT", "IO FS HARDWALL HIGHMEM MOVABLE COMP NOMEMALLOC NOWARN",
	  "" },
	{ "GFP_HIGHUSER_MOVABLE", "DIRECT_RECLAIM KSWAPD_RECLAIM IO FS HARDWALL HIGHMEM MOVABLE", "" },
	{ "GFP_HIGHUSER", "DIRECT_RECLAIM KSWAPD_RECLAIM IO FS HARDWALL HIGHMEM", "" },
	{ "GFP_USER", "DIRECT_RECLAIM KSWAPD_RECLAIM IO FS HARDWALL", "" },
	{ "GFP_KERNEL_ACCOUNT", "DIRECT_RECLAIM KSWAPD_RECLAIM IO FS ACCOUNT", "" },
	{ "GFP_KERNEL", "DIRECT_RECLAIM KSWAPD_RECLAIM IO FS", "" },
	{ "GFP_NOFS", "DIRECT_RECLAIM KSWAPD_RECLAIM IO", "" },
	{ "GFP_ATOMIC", "HIGH KSWAPD_RECLAIM", "" },
	{ "GFP_NOIO", "DIRECT_RECLAIM KSWAPD_RECLAIM", "" },
	{ "GFP_NOWAIT", "KSWAPD_RECLAIM NOWARN", "" },
	{ "GFP_DMA", "DMA", "" },
	{ "GFP_DMA32", "DMA32", "" },
	{ "__GFP_RECLAIM", "DIRECT_RECLAIM KSWAPD_RECLAIM", "" },
};

static int bit_of(const struct gfp_names *g, const char *flag, size_t len)
{
	for (int b = 0; b < MAX_BITS; b++)
		if (g->bit_name[b] && strlen(g->bit_name[b]) == len + 6 &&
		    !strncmp(g->bit_name[b] + 6, flag, len))
			return b;
	return -1;
}

/* The mask of a space-separated flag list; 0 if a flag is unknown to this kernel. */
static uint64_t mask_of(const struct gfp_names *g, const char *list, bool *ok)
{
	uint64_t m = 0;
	*ok = true;
	while (*list) {
		size_t len = strcspn(list, " ");
		int b = bit_of(g, list, len);
		if (b < 0)
			*ok = false;
		else
			m |= 1ULL << b;
		list += len;
		while (*list == ' ')
			list++;
	}
	return m;
}

struct gfp_names *gfp_names_load(void)
{
	struct gfp_names *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	static const char *const mt_default[] = { "Unmovable", "Movable", "Reclaimable" };
	for (int i = 0; i < 3; i++)
		g->mt_name[i] = mt_default[i];
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		return g;
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (!btf_is_enum(t))
			continue;
		const struct btf_enum *e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *n = btf__name_by_offset(btf, e[i].name_off);
			size_t len = n ? strlen(n) : 0;
			/* ___GFP_IO_BIT = 6 -> "__GFP_IO" */
			if (len > 10 && !strncmp(n, "___GFP_", 7) && !strcmp(n + len - 4, "_BIT") &&
			    e[i].val >= 0 && e[i].val < MAX_BITS && strcmp(n, "___GFP_LAST_BIT") &&
			    !strstr(n, "UNUSED") && !g->bit_name[e[i].val]) {
				g->bit_name[e[i].val] = strndup(n + 1, len - 5);
			} else if (!strcmp(n ? n : "", "MIGRATE_HIGHATOMIC") && e[i].val >= 0 && e[i].val < MAX_MT) {
				g->mt_name[e[i].val] = "HighAtomic";
			} else if (!strcmp(n ? n : "", "MIGRATE_CMA") && e[i].val >= 0 && e[i].val < MAX_MT) {
				g->mt_name[e[i].val] = "CMA";
			} else if (!strcmp(n ? n : "", "MIGRATE_ISOLATE") && e[i].val >= 0 && e[i].val < MAX_MT) {
				g->mt_name[e[i].val] = "Isolate";
			}
		}
	}
	btf__free(btf);
	return g;
}

void gfp_names_free(struct gfp_names *g)
{
	if (!g)
		return;
	for (int b = 0; b < MAX_BITS; b++)
		free(g->bit_name[b]);
	free(g);
}

static void append(char *buf, size_t n, size_t *len, const char *s)
{
	int w = snprintf(buf + *len, n - *len, "%s%s", *len ? "|" : "", s);
	if (w > 0)
		*len = *len + (size_t)w < n ? *len + (size_t)w : n - 1;
}

void gfp_format(const struct gfp_names *g, uint64_t mask, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	bool any = false;
	for (int b = 0; b < MAX_BITS; b++)
		any |= g->bit_name[b] != NULL;
	if (!any || n == 0)
		return;
	for (size_t i = 0; i < sizeof(composites) / sizeof(composites[0]) && mask; i++) {
		bool ok_set, ok_clear;
		uint64_t set = mask_of(g, composites[i].set, &ok_set);
		uint64_t clear = mask_of(g, composites[i].clear, &ok_clear);
		if (!ok_set || !ok_clear || (mask & set) != set || (mask & clear))
			continue;
		append(buf, n, &len, composites[i].name);
		mask &= ~set;
	}
	for (int b = 0; b < MAX_BITS && mask; b++) {
		if (!(mask & (1ULL << b)) || !g->bit_name[b])
			continue;
		append(buf, n, &len, g->bit_name[b]);
		mask &= ~(1ULL << b);
	}
	if (mask) {
		char hex[32];
		snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)mask);
		append(buf, n, &len, hex);
	}
}

const char *migratetype_name(const struct gfp_names *g, int mt)
{
	if (mt < 0 || mt >= MAX_MT || !g->mt_name[mt])
		return "Unknown";
	return g->mt_name[mt];
}
