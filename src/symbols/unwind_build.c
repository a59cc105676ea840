#include "symbols/unwind_build.h"
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* DWARF register numbers on x86-64. */
enum { DW_RBP = 6, DW_RSP = 7, DW_RIP = 16 };

static bool same_rule(const struct unwind_rule *a, const struct unwind_rule *b)
{
	return a->cfa == b->cfa && a->rbp_off == b->rbp_off && a->cfa_off == b->cfa_off;
}

/* reg + offset from a one-operation CFA expression (DW_OP_bregN or DW_OP_bregx). */
static bool breg(const Dwarf_Op *op, int *reg, int64_t *off)
{
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*reg = op->atom - DW_OP_breg0;
		*off = (int64_t)op->number;
		return true;
	}
	if (op->atom == DW_OP_bregx) {
		*reg = (int)op->number;
		*off = (int64_t)op->number2;
		return true;
	}
	return false;
}

/* The expression every x86-64 linker writes for .plt entries:
 * rsp + 8 + ((rip & 15) >= 11 ? 8 : 0). */
static bool is_plt_expression(const Dwarf_Op *ops, size_t n)
{
	static const uint8_t atoms[] = { DW_OP_breg7, DW_OP_breg16, DW_OP_lit15, DW_OP_and,
					 DW_OP_lit11, DW_OP_ge, DW_OP_lit3, DW_OP_shl, DW_OP_plus };
	if (n != sizeof(atoms))
		return false;
	for (size_t i = 0; i < n; i++)
		if (ops[i].atom != atoms[i])
			return false;
	return ops[0].number == 8 && ops[1].number == 0;
}

/* Where a register is saved, as an offset from the CFA: [DW_OP_call_frame_cfa,
 * DW_OP_plus_uconst N] (libdw's form of DW_CFA_offset). */
static bool saved_at_cfa(const Dwarf_Op *ops, size_t n, int64_t *off)
{
	if (n == 1 && ops[0].atom == DW_OP_call_frame_cfa) {
		*off = 0;
		return true;
	}
	if (n == 2 && ops[0].atom == DW_OP_call_frame_cfa && ops[1].atom == DW_OP_plus_uconst) {
		*off = (int64_t)ops[1].number;
		return true;
	}
	return false;
}

/* A register of the interrupted context in a signal frame: at rsp + N. */
static bool saved_at_rsp(const Dwarf_Op *ops, size_t n, int64_t *off)
{
	int reg;
	/* libdw may prefix DW_CFA_expression's location with DW_OP_call_frame_cfa. */
	const Dwarf_Op *last = n ? &ops[n - 1] : NULL;
	return last && (n == 1 || (n == 2 && ops[0].atom == DW_OP_call_frame_cfa)) &&
	       breg(last, &reg, off) && reg == DW_RSP;
}

static struct unwind_rule unsupported(void)
{
	return (struct unwind_rule){ .cfa = UW_UNSUPPORTED };
}

static struct unwind_rule signal_rule(Dwarf_Frame *f, Dwarf_Op *cfa, size_t ncfa)
{
	/* glibc's __restore_rt: CFA = *(rsp + oRSP); rip at rsp + oRIP, rbp at rsp + oRBP. */
	int reg;
	int64_t rsp_off, rip_off, rbp_off;
	Dwarf_Op mem[3], *ops;
	size_t n;
	if (ncfa != 2 || !breg(&cfa[0], &reg, &rsp_off) || reg != DW_RSP || cfa[1].atom != DW_OP_deref)
		return unsupported();
	if (dwarf_frame_register(f, DW_RIP, mem, &ops, &n) || !saved_at_rsp(ops, n, &rip_off) ||
	    rip_off != rsp_off + 8)
		return unsupported();
	if (dwarf_frame_register(f, DW_RBP, mem, &ops, &n) || !saved_at_rsp(ops, n, &rbp_off) ||
	    rbp_off <= 0 || rbp_off > 0x7fff)
		return unsupported();
	return (struct unwind_rule){ .cfa = UW_SIGNAL, .cfa_off = (int32_t)rsp_off,
				     .rbp_off = (int16_t)rbp_off };
}

struct unwind_rule unwind_rule_of(Dwarf_Frame *f)
{
	Dwarf_Addr start, end;
	bool signalp = false;
	if (dwarf_frame_info(f, &start, &end, &signalp) != DW_RIP)
		return unsupported();
	Dwarf_Op *cfa;
	size_t ncfa;
	if (dwarf_frame_cfa(f, &cfa, &ncfa) || ncfa == 0)
		return unsupported();
	if (signalp)
		return signal_rule(f, cfa, ncfa);

	Dwarf_Op mem[3], *ops;
	size_t n;
	if (dwarf_frame_register(f, DW_RIP, mem, &ops, &n))
		return unsupported();
	if (n == 0 && ops) /* undefined: the outermost frame */
		return (struct unwind_rule){ .cfa = UW_END };
	int64_t ra_off;
	if (!saved_at_cfa(ops, n, &ra_off) || ra_off != -8)
		return unsupported();

	struct unwind_rule r = { 0 };
	int reg;
	int64_t off;
	if (ncfa == 1 && breg(&cfa[0], &reg, &off) && (reg == DW_RSP || reg == DW_RBP)) {
		r.cfa = reg == DW_RSP ? UW_CFA_RSP : UW_CFA_RBP;
		r.cfa_off = (int32_t)off;
		if (off != r.cfa_off)
			return unsupported();
	} else if (ncfa == 2 && breg(&cfa[0], &reg, &off) && reg == DW_RBP &&
		   cfa[1].atom == DW_OP_deref) {
		r.cfa = UW_CFA_RBP_DEREF;
		r.cfa_off = (int32_t)off;
	} else if (is_plt_expression(cfa, ncfa)) {
		r.cfa = UW_PLT;
	} else {
		return unsupported();
	}

	if (dwarf_frame_register(f, DW_RBP, mem, &ops, &n))
		return unsupported();
	if (n == 0) /* same value, or undefined (callers then do not use rbp for the CFA) */
		return r;
	if (!saved_at_cfa(ops, n, &off) || off == 0 || off < -0x8000 || off > 0x7fff)
		return unsupported();
	r.rbp_off = (int16_t)off;
	return r;
}

/* Sorted unique start addresses of the file's FDEs (.eh_frame_hdr's table) and function
 * symbols: where to try next after an address no CFI covers. */
struct starts {
	uint64_t *v;
	size_t n, cap;
};

static int starts_add(struct starts *s, uint64_t a)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = a;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int read_eh_frame_hdr(Elf_Scn *scn, const GElf_Shdr *sh, struct starts *s)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || d->d_size < 12)
		return 0;
	const uint8_t *p = d->d_buf, *end = p + d->d_size;
	/* version 1; eh_frame_ptr as *data4; fde_count as udata4; table as datarel sdata4 */
	if (p[0] != 1 || (p[1] & 0x0f) != DW_EH_PE_sdata4 || p[2] != DW_EH_PE_udata4 ||
	    p[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return 0;
	uint32_t count;
	memcpy(&count, p + 8, 4);
	p += 12;
	for (uint32_t i = 0; i < count && p + 8 <= end; i++, p += 8) {
		int32_t rel;
		memcpy(&rel, p, 4);
		if (starts_add(s, sh->sh_addr + (int64_t)rel))
			return -ENOMEM;
	}
	return 0;
}

static int read_symbols(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct starts *s)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize)
		return 0;
	size_t n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (gelf_getsym(d, (int)i, &sym) && GELF_ST_TYPE(sym.st_info) == STT_FUNC &&
		    sym.st_value && starts_add(s, sym.st_value))
			return -ENOMEM;
	}
	return 0;
}

static int collect_starts(Elf *elf, struct starts *s)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		int rc = 0;
		if (name && !strcmp(name, ".eh_frame_hdr"))
			rc = read_eh_frame_hdr(scn, &sh, s);
		else if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM)
			rc = read_symbols(elf, scn, &sh, s);
		if (rc)
			return rc;
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(s->v[0]), cmp_u64);
	return 0;
}

/* The first start above a, or 0. */
static uint64_t next_start(const struct starts *s, uint64_t a)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n ? s->v[lo] : 0;
}

static int add_row(struct unwind_built *b, size_t *cap, uint64_t vaddr, struct unwind_rule r)
{
	if (b->n && same_rule(&b->rows[b->n - 1].rule, &r))
		return 0;
	if (b->n == *cap) {
		size_t c = *cap ? 2 * *cap : 4096;
		struct unwind_build_row *rows = realloc(b->rows, c * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		b->rows = rows;
		*cap = c;
	}
	b->rows[b->n++] = (struct unwind_build_row){ vaddr, r };
	return 0;
}

/* The frame state at a from .eh_frame, else .debug_frame; NULL if neither covers a. */
static Dwarf_Frame *frame_at(Dwarf_CFI *eh, Dwarf_CFI *debug, uint64_t a)
{
	Dwarf_Frame *f = NULL;
	if (eh && dwarf_cfi_addrframe(eh, a, &f) == 0)
		return f;
	if (debug && dwarf_cfi_addrframe(debug, a, &f) == 0)
		return f;
	return NULL;
}

static int scan_segment(struct unwind_built *b, size_t *cap, Dwarf_CFI *eh, Dwarf_CFI *debug,
			const struct starts *s, uint64_t start, uint64_t end)
{
	const struct unwind_rule none = { .cfa = UW_NONE };
	uint64_t a = start;
	while (a < end) {
		Dwarf_Frame *f = frame_at(eh, debug, a);
		if (!f) {
			if (add_row(b, cap, a, none))
				return -ENOMEM;
			uint64_t next = next_start(s, a);
			a = next > a ? next : end;
			continue;
		}
		Dwarf_Addr fs, fe;
		bool sig;
		dwarf_frame_info(f, &fs, &fe, &sig);
		struct unwind_rule r = unwind_rule_of(f);
		free(f);
		if (add_row(b, cap, a, r))
			return -ENOMEM;
		if (r.cfa != UW_NONE)
			b->cfi_rows++;
		if (r.cfa == UW_UNSUPPORTED)
			b->unsupported_rows++;
		a = fe > a ? fe : a + 1;
	}
	return add_row(b, cap, end, none);
}

static void read_build_id(Elf *elf, char *out)
{
	const void *id;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &id);
	out[0] = 0;
	if (n <= 0 || n > 20)
		return;
	for (ssize_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", ((const uint8_t *)id)[i]);
}

/* The process entry (e_entry) ends a walk: the loader's _start has no call frame
 * information at all (glibc's rtld start code), so the gap of rows without a rule that
 * holds the entry becomes UW_END. (An executable's _start has CFI that says its return
 * address is undefined: already UW_END.) */
static void mark_entry(struct unwind_built *b, uint64_t entry)
{
	size_t i = b->n;
	while (i > 0 && b->rows[i - 1].vaddr > entry)
		i--;
	if (!i || entry >= b->text_end || b->rows[i - 1].rule.cfa != UW_NONE)
		return;
	struct unwind_build_row *r = &b->rows[i - 1];
	r->rule = (struct unwind_rule){ .cfa = UW_END };
	/* neighbours never share a rule */
	if (i < b->n && same_rule(&b->rows[i].rule, &r->rule)) {
		memmove(&b->rows[i], &b->rows[i + 1], (b->n - i - 1) * sizeof(*r));
		b->n--;
	}
	if (i >= 2 && same_rule(&b->rows[i - 2].rule, &r->rule)) {
		memmove(&b->rows[i - 1], &b->rows[i], (b->n - i) * sizeof(*r));
		b->n--;
	}
}

int unwind_build_fd(int fd, struct unwind_built *out)
{
	memset(out, 0, sizeof(*out));
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -ENOEXEC;
	int rc = 0;
	struct starts s = { 0 };
	Dwarf *dw = NULL;
	Dwarf_CFI *eh = NULL; /* the caller's to free, unlike the Dwarf's own .debug_frame CFI */
	size_t cap = 0, nph;
	if (elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nph)) {
		rc = -ENOEXEC;
		goto out;
	}
	read_build_id(elf, out->build_id);
	eh = dwarf_getcfi_elf(elf);
	dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	Dwarf_CFI *debug = dw ? dwarf_getcfi(dw) : NULL;
	if (!eh && !debug) {
		rc = -ENOENT;
		goto out;
	}
	if ((rc = collect_starts(elf, &s)))
		goto out;
	bool text = false;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (!text) {
			out->text_start = ph.p_vaddr;
			out->vaddr_adjust = (int64_t)(ph.p_vaddr - ph.p_offset);
			text = true;
		} else if ((int64_t)(ph.p_vaddr - ph.p_offset) != out->vaddr_adjust) {
			continue; /* one adjustment per file: such a segment's code gets no rows */
		}
		out->text_end = ph.p_vaddr + ph.p_memsz;
		if ((rc = scan_segment(out, &cap, eh, debug, &s, ph.p_vaddr, ph.p_vaddr + ph.p_memsz)))
			goto out;
	}
	if (!text)
		rc = -ENOEXEC;
	else if (!out->cfi_rows)
		rc = -ENOENT;
	GElf_Ehdr eh_hdr;
	if (!rc && gelf_getehdr(elf, &eh_hdr) && eh_hdr.e_entry)
		mark_entry(out, eh_hdr.e_entry);
out:
	free(s.v);
	if (eh)
		dwarf_cfi_end(eh);
	if (dw)
		dwarf_end(dw);
	elf_end(elf);
	if (rc)
		unwind_built_free(out);
	return rc;
}

void unwind_built_free(struct unwind_built *b)
{
	free(b->rows);
	b->rows = NULL;
	b->n = 0;
}

int unwind_build_id_fd(int fd, char out[41])
{
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -ENOEXEC;
	int rc = elf_kind(elf) == ELF_K_ELF ? 0 : -ENOEXEC;
	if (!rc) {
		read_build_id(elf, out);
		rc = out[0] ? 0 : -ENOENT;
	}
	elf_end(elf);
	return rc;
}

int unwind_interp_fd(int fd, char *out, size_t n)
{
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	size_t nph;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nph)) {
		if (elf)
			elf_end(elf);
		return -ENOEXEC;
	}
	int rc = -ENOENT;
	for (size_t i = 0; i < nph && rc == -ENOENT; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		size_t size;
		const char *raw = elf_rawfile(elf, &size);
		if (!raw || ph.p_offset >= size || ph.p_filesz == 0 || ph.p_filesz > size - ph.p_offset ||
		    ph.p_filesz >= n) {
			rc = -ENOEXEC;
			break;
		}
		memcpy(out, raw + ph.p_offset, ph.p_filesz);
		out[ph.p_filesz] = 0;
		out[n - 1] = 0;
		rc = strlen(out) ? 0 : -ENOEXEC;
	}
	elf_end(elf);
	return rc;
}
