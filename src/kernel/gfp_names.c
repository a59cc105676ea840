#include "kernel/gfp_names.h"
#include <bpf/btf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The single-bit flags in the kernel's own order, named without the "___" and "_BIT". */
static const char *const bit_names[] = {
	"DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE", "HIGH", "IO", "FS", "ZERO",
	"UNUSED", "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "WRITE", "NOWARN", "RETRY_MAYFAIL",
	"NOFAIL", "NORETRY", "MEMALLOC", "COMP", "NOMEMALLOC", "HARDWALL", "THISNODE",
	"ACCOUNT", "ZEROTAGS", "NO_OBJ_EXT",
};
#define NBITS (sizeof(bit_names) / sizeof(bit_names[0]))

static int bit_pos[NBITS]; /* -1: this kernel has no such flag */
static bool initialized;

/* enum migratetype: the first three are fixed; the others move with the config. */
#define MAX_MIGRATETYPES 8
static const char *mt_names[MAX_MIGRATETYPES];

void gfp_names_use_default(void)
{
	for (size_t i = 0; i < NBITS; i++)
		bit_pos[i] = (int)i;
	static const char *const fixed[] = { "Unmovable", "Movable", "Reclaimable" };
	memset(mt_names, 0, sizeof(mt_names));
	for (int i = 0; i < 3; i++)
		mt_names[i] = fixed[i];
	initialized = true;
}

/* MIGRATE_HIGHATOMIC -> "HighAtomic" etc., as the kernel's migratetype_names[]. */
static void learn_migratetype(const char *name, long long val)
{
	static const struct { const char *enumerator, *label; } known[] = {
		{ "MIGRATE_HIGHATOMIC", "HighAtomic" },
		{ "MIGRATE_CMA", "CMA" },
		{ "MIGRATE_ISOLATE", "Isolate" },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, known[i].enumerator) && val >= 0 && val < MAX_MIGRATETYPES)
			mt_names[val] = known[i].label;
}

const char *migratetype_name(int mt)
{
	if (!initialized)
		gfp_names_use_default();
	return mt >= 0 && mt < MAX_MIGRATETYPES && mt_names[mt] ? mt_names[mt] : "Unknown";
}

int gfp_names_load_btf(void)
{
	gfp_names_use_default();
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		return -1;
	int found = 0;
	int pos[NBITS];
	for (size_t i = 0; i < NBITS; i++)
		pos[i] = -1;
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (!btf_is_enum(t))
			continue;
		const struct btf_enum *e = btf_enum(t);
		for (int j = 0; j < btf_vlen(t); j++) {
			const char *name = btf__name_by_offset(btf, e[j].name_off);
			if (name && !strncmp(name, "MIGRATE_", 8))
				learn_migratetype(name, e[j].val);
			if (!name || strncmp(name, "___GFP_", 7) != 0)
				continue;
			size_t len = strlen(name);
			if (len < 12 || strcmp(name + len - 4, "_BIT") != 0)
				continue;
			for (size_t i = 0; i < NBITS; i++) {
				if (strlen(bit_names[i]) == len - 11 &&
				    !strncmp(name + 7, bit_names[i], len - 11) && e[j].val < 64) {
					pos[i] = e[j].val;
					found++;
				}
			}
		}
	}
	btf__free(btf);
	if (!found)
		return -1;
	memcpy(bit_pos, pos, sizeof(pos));
	return 0;
}

uint64_t gfp_flag_mask(const char *name)
{
	if (!initialized)
		gfp_names_use_default();
	for (size_t i = 0; i < NBITS; i++)
		if (!strcmp(bit_names[i], name))
			return bit_pos[i] < 0 ? 0 : 1ULL << bit_pos[i];
	return 0;
}

void gfp_format(uint64_t flags, char *buf, size_t n)
{
	if (!initialized)
		gfp_names_use_default();
	if (n == 0)
		return;
	buf[0] = 0;
	if (!flags) {
		snprintf(buf, n, "none");
		return;
	}
	uint64_t reclaim = gfp_flag_mask("DIRECT_RECLAIM") | gfp_flag_mask("KSWAPD_RECLAIM");
	uint64_t kernel = reclaim | gfp_flag_mask("IO") | gfp_flag_mask("FS");
	uint64_t user = kernel | gfp_flag_mask("HARDWALL");
	uint64_t highuser_movable = user | gfp_flag_mask("HIGHMEM") | gfp_flag_mask("MOVABLE");
	uint64_t transhuge_light = (highuser_movable | gfp_flag_mask("COMP") | gfp_flag_mask("NOMEMALLOC") |
				    gfp_flag_mask("NOWARN")) & ~reclaim;
	/* Composite names first, most specific first, as the kernel's __print_flags does. */
	const struct { uint64_t mask; const char *name; } combos[] = {
		{ transhuge_light | gfp_flag_mask("DIRECT_RECLAIM"), "GFP_TRANSHUGE" },
		{ transhuge_light, "GFP_TRANSHUGE_LIGHT" },
		{ highuser_movable, "GFP_HIGHUSER_MOVABLE" },
		{ user | gfp_flag_mask("HIGHMEM"), "GFP_HIGHUSER" },
		{ user, "GFP_USER" },
		{ kernel | gfp_flag_mask("ACCOUNT"), "GFP_KERNEL_ACCOUNT" },
		{ kernel, "GFP_KERNEL" },
		{ reclaim | gfp_flag_mask("IO"), "GFP_NOFS" },
		{ gfp_flag_mask("HIGH") | gfp_flag_mask("KSWAPD_RECLAIM"), "GFP_ATOMIC" },
		{ reclaim, "GFP_NOIO" },
		{ gfp_flag_mask("KSWAPD_RECLAIM") | gfp_flag_mask("NOWARN"), "GFP_NOWAIT" },
	};
	size_t used = 0;
	for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		uint64_t m = combos[i].mask;
		if (m && (flags & m) == m && used < n) {
			used += snprintf(buf + used, n - used, "%s%s", used ? "|" : "", combos[i].name);
			flags &= ~m;
		}
	}
	for (size_t i = 0; i < NBITS && flags; i++) {
		if (bit_pos[i] < 0)
			continue;
		uint64_t m = 1ULL << bit_pos[i];
		if ((flags & m) && used < n) {
			used += snprintf(buf + used, n - used, "%s__GFP_%s", used ? "|" : "", bit_names[i]);
			flags &= ~m;
		}
	}
	if (flags && used < n)
		snprintf(buf + used, n - used, "%s0x%llx", used ? "|" : "", (unsigned long long)flags);
}
