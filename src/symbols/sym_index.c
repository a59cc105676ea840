#include "symbols/sym_index.h"
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>

struct sym_entry {
	uint64_t value, size;
	/* a sizeless symbol names only addresses in the section its value is in (by address,
	 * as libdwfl compares them; -1: in none, e.g. padding); an absolute one only itself */
	int32_t section;
	bool absolute;
	const char *name;
	uint32_t order; /* index in libdwfl's table: the earlier one wins a tie, as there */
	uint8_t rank;   /* 3 global, 2 weak, 1 local (globals and weaks are searched first) */
};

struct range {
	uint64_t start, end;
};

struct sym_index {
	struct sym_entry *e;
	size_t n;
	struct range *sections; /* the module's allocated sections, by address */
	size_t nsections;
};

static int by_value(const void *a, const void *b)
{
	const struct sym_entry *x = a, *y = b;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static uint8_t binding_rank(const GElf_Sym *s)
{
	switch (GELF_ST_BIND(s->st_info)) {
	case STB_GLOBAL: return 3;
	case STB_WEAK: return 2;
	case STB_LOCAL: return 1;
	default: return 0;
	}
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The allocated sections of the module's main file, sorted. */
static void load_sections(struct sym_index *x, Dwfl_Module *mod)
{
	GElf_Addr bias = 0;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t n = 0;
	if (!elf || elf_getshdrnum(elf, &n) || !n || !(x->sections = calloc(n, sizeof(*x->sections))))
		return;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr shdr;
		if (gelf_getshdr(scn, &shdr) && (shdr.sh_flags & SHF_ALLOC) && shdr.sh_size)
			x->sections[x->nsections++] =
				(struct range){ shdr.sh_addr + bias, shdr.sh_addr + shdr.sh_size + bias };
	}
	qsort(x->sections, x->nsections, sizeof(*x->sections), by_start);
}

/* The index of the allocated section holding addr, -1 for none. Its end counts as in it, as
 * in libdwfl's comparison (an address just past .init is _init's); where one section ends
 * at the next one's start, the lower one. */
static int32_t section_of(const struct sym_index *x, uint64_t addr)
{
	size_t lo = 0, hi = x->nsections;
	while (lo < hi) { /* the first section starting above addr */
		size_t mid = lo + (hi - lo) / 2;
		if (x->sections[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= 2 && addr <= x->sections[lo - 2].end)
		return (int32_t)(lo - 2);
	return lo && addr <= x->sections[lo - 1].end ? (int32_t)(lo - 1) : -1;
}

struct sym_index *sym_index_build(Dwfl_Module *mod)
{
	int count = dwfl_module_getsymtab(mod);
	if (count <= 1)
		return NULL;
	struct sym_index *x = calloc(1, sizeof(*x));
	if (!x || !(x->e = calloc((size_t)count, sizeof(*x->e)))) {
		free(x);
		return NULL;
	}
	for (int i = 1; i < count; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		Elf *elf = NULL;
		Dwarf_Addr bias = 0;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, &elf, &bias);
		int type = GELF_ST_TYPE(sym.st_info);
		/* what libdwfl's lookup skips: undefined, section and file names, TLS offsets */
		if (!name || !*name || shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE ||
		    type == STT_TLS)
			continue;
		x->e[x->n++] = (struct sym_entry){ .value = addr, .size = sym.st_size, .name = name,
						   .order = (uint32_t)i, .rank = binding_rank(&sym),
						   .absolute = shndx >= SHN_LORESERVE };
	}
	if (!x->n) {
		sym_index_free(x);
		return NULL;
	}
	qsort(x->e, x->n, sizeof(*x->e), by_value);
	load_sections(x, mod);
	for (size_t k = 0; k < x->n; k++)
		x->e[k].section = section_of(x, x->e[k].value);
	return x;
}

void sym_index_free(struct sym_index *x)
{
	if (x) {
		free(x->e);
		free(x->sections);
		free(x);
	}
}

/* The number of entries with value <= addr. */
static size_t upper_bound(const struct sym_index *x, uint64_t addr)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->e[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How far below the address a holding symbol is looked for: functions do not nest, so the
 * holder is among the last few that start below it (aliases, local labels with sizes). */
#define SYM_INDEX_BACK 64

static const struct sym_entry *sized_holder(const struct sym_index *x, size_t end, uint64_t addr,
					    bool locals)
{
	const struct sym_entry *best = NULL;
	for (size_t k = end, seen = 0; k > 0 && seen < SYM_INDEX_BACK; k--, seen++) {
		const struct sym_entry *s = &x->e[k - 1];
		if (best && s->value < best->value)
			break; /* nearer holders come first; only aliases of it are left to weigh */
		if (!s->size || addr - s->value >= s->size || (s->rank == 1) != locals)
			continue;
		if (!best || s->rank > best->rank || (s->rank == best->rank && s->order < best->order))
			best = s;
	}
	return best;
}

const char *sym_index_find(const struct sym_index *x, uint64_t addr, uint64_t *offset)
{
	size_t end = upper_bound(x, addr);
	if (!end)
		return NULL;
	const struct sym_entry *s = sized_holder(x, end, addr, false);
	if (!s)
		s = sized_holder(x, end, addr, true);
	if (!s) { /* the nearest sizeless symbol below, if no symbol starts between it and addr */
		const struct sym_entry *top = &x->e[end - 1];
		int32_t section = section_of(x, addr);
		for (size_t k = end; k > 0 && x->e[k - 1].value == top->value; k--) {
			const struct sym_entry *c = &x->e[k - 1];
			if (c->size || (c->absolute ? c->value != addr : c->section != section))
				continue;
			if ((!s || c->rank > s->rank || (c->rank == s->rank && c->order < s->order)))
				s = c;
		}
	}
	if (!s)
		return NULL;
	*offset = addr - s->value;
	return s->name;
}
