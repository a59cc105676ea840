#include "core/json_out.h"
#include "proc/regular_file.h"
#include "symbols/demangle.h"
#include "symbols/ksyms.h"
#include "symbols/sym_index.h"
#include "symbols/symbolize.h"
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* One ELF file, opened offline once and shared by every process that maps it. A file is
 * its path and its inode (a path may name another file in another mount namespace, or
 * after a package upgrade); it is opened through one mapping of it (proc/regular_file.h:
 * never blocking, only the mapped regular file). */
struct elf_file {
	char *path;
	struct file_id id;
	bool has_id;                   /* learned from /proc/PID/maps; not from a BPF probe */
	pid_t src_pid;                 /* one process mapping it, and where */
	uint64_t src_start, src_end;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	struct sym_index *symbols; /* NULL: none, or not built yet (symbols_tried) */
	bool symbols_tried;
	GElf_Addr bias;
	struct { uint64_t off, vaddr, filesz; } seg[16];
	int nseg;
	bool failed;
};

struct mapping {
	uint64_t start, end, pgoff;
	struct elf_file *file;
};

struct pid_maps {
	pid_t pid;
	struct mapping *maps;
	int n, cap;
};

struct symbolizer {
	struct elf_file **files;
	int nfiles, capfiles;
	struct pid_maps *pids;
	int npids, cappids;
	struct ksyms *ksyms;
	bool ksyms_tried;
	struct demangler *demangler;
	struct sym_stats stats;
};

/* Separate debug files only from the system's tree (by build-id, or a .gnu_debuglink name
 * mirrored there), never beside the traced file: its directory may be an ordinary user's,
 * who could put a FIFO where libdwfl would open a debug file. */
static char *debuginfo_path = "/usr/lib/debug";
static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.find_elf = dwfl_build_id_find_elf,
	.debuginfo_path = &debuginfo_path,
};

struct symbolizer *symbolizer_new(void)
{
	elf_version(EV_CURRENT);
	struct symbolizer *s = calloc(1, sizeof(struct symbolizer));
	if (s)
		s->demangler = demangler_new();
	return s;
}

static void elf_file_free(struct elf_file *f)
{
	sym_index_free(f->symbols);
	if (f->dwfl)
		dwfl_end(f->dwfl);
	free(f->path);
	free(f);
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nfiles; i++)
		elf_file_free(s->files[i]);
	free(s->files);
	for (int i = 0; i < s->npids; i++)
		free(s->pids[i].maps);
	free(s->pids);
	ksyms_free(s->ksyms);
	demangler_free(s->demangler);
	free(s);
}

static void load_segments(struct elf_file *f, int fd)
{
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	size_t n = 0;
	if (elf && elf_getphdrnum(elf, &n) == 0) {
		for (size_t i = 0; i < n && f->nseg < 16; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD) {
				f->seg[f->nseg].off = ph.p_offset;
				f->seg[f->nseg].vaddr = ph.p_vaddr;
				f->seg[f->nseg].filesz = ph.p_memsz;
				f->nseg++;
			}
		}
	}
	if (elf)
		elf_end(elf);
}

static bool same_id(const struct elf_file *f, const struct file_id *id)
{
	return !id || !f->has_id || (f->id.dev == id->dev && f->id.ino == id->ino);
}

static struct elf_file *get_file(struct symbolizer *s, const char *path, const struct file_id *id)
{
	for (int i = 0; i < s->nfiles; i++) {
		struct elf_file *f = s->files[i];
		if (strcmp(f->path, path) == 0 && same_id(f, id)) {
			if (id && !f->has_id) { /* a probe named it first; maps says which it is */
				f->id = *id;
				f->has_id = true;
			}
			return f;
		}
	}
	struct elf_file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->path = strdup(path);
	if (id) {
		f->id = *id;
		f->has_id = true;
	}
	if (s->nfiles == s->capfiles) {
		s->capfiles = s->capfiles ? s->capfiles * 2 : 16;
		s->files = realloc(s->files, sizeof(*s->files) * s->capfiles);
	}
	s->files[s->nfiles++] = f;
	return f;
}

/* Opens the file's DWARF/symbols on first use, not at capture time: most mapped files
 * never appear in a stack. */
static bool open_file(struct elf_file *f)
{
	if (f->mod)
		return true;
	if (f->failed)
		return false;
	f->failed = true;
	int fd = mapped_file_open(f->src_pid, f->src_start, f->src_end, f->path,
				  f->has_id ? &f->id : NULL);
	if (fd < 0)
		return false;
	load_segments(f, fd);
	f->dwfl = dwfl_begin(&offline_callbacks);
	if (!f->dwfl) {
		close(fd);
		return false;
	}
	dwfl_report_begin(f->dwfl);
	f->mod = dwfl_report_offline(f->dwfl, f->path, f->path, fd); /* fd is its on success */
	dwfl_report_end(f->dwfl, NULL, NULL);
	if (!f->mod) {
		close(fd);
		return false;
	}
	if (!dwfl_module_getelf(f->mod, &f->bias))
		return false;
	f->failed = false;
	return true;
}

static struct pid_maps *get_pid(struct symbolizer *s, pid_t pid, bool create)
{
	for (int i = 0; i < s->npids; i++)
		if (s->pids[i].pid == pid)
			return &s->pids[i];
	if (!create)
		return NULL;
	if (s->npids == s->cappids) {
		s->cappids = s->cappids ? s->cappids * 2 : 8;
		s->pids = realloc(s->pids, sizeof(*s->pids) * s->cappids);
	}
	struct pid_maps *pm = &s->pids[s->npids++];
	memset(pm, 0, sizeof(*pm));
	pm->pid = pid;
	return pm;
}

bool symbolizer_knows_pid(struct symbolizer *s, pid_t pid)
{
	struct pid_maps *pm = get_pid(s, pid, false);
	return pm && pm->n > 0;
}

bool symbolizer_maps_addr(struct symbolizer *s, pid_t pid, uint64_t addr)
{
	struct pid_maps *pm = get_pid(s, pid, false);
	for (int i = 0; pm && i < pm->n; i++)
		if (addr >= pm->maps[i].start && addr < pm->maps[i].end)
			return true;
	return false;
}

void symbolizer_forget_pid(struct symbolizer *s, pid_t pid)
{
	struct pid_maps *pm = get_pid(s, pid, false);
	if (pm)
		pm->n = 0;
}

int symbolizer_copy_pid(struct symbolizer *s, pid_t from, pid_t to)
{
	if (!get_pid(s, from, false) || from == to || !get_pid(s, to, true))
		return 0;
	/* adding to `to` may move the array: look the source up again each time */
	for (int i = 0; i < get_pid(s, from, false)->n; i++) {
		struct mapping m = get_pid(s, from, false)->maps[i];
		if (symbolizer_add_mapping(s, to, m.start, m.end, m.pgoff, m.file->path))
			return -ENOMEM;
	}
	return 0;
}

int symbolizer_capture_pid(struct symbolizer *s, pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return errno == ENOENT ? -ESRCH : -errno;
	symbolizer_capture_maps(s, pid, fp);
	fclose(fp);
	return 0;
}

static int add_mapping(struct symbolizer *s, pid_t pid, uint64_t start, uint64_t end,
		       uint64_t pgoff, const char *path, const struct file_id *id);

int symbolizer_capture_maps(struct symbolizer *s, pid_t pid, FILE *fp)
{
	char line[4096 + 256];
	get_pid(s, pid, true); /* known, even with no code mapping yet */
	while (fgets(line, sizeof(line), fp)) {
		uint64_t start, end, pgoff, ino;
		unsigned maj, min;
		char perms[8];
		int name_at = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n", &start,
			   &end, perms, &pgoff, &maj, &min, &ino, &name_at) < 7 || !name_at)
			continue;
		char *name = line + name_at;
		name[strcspn(name, "\n")] = 0;
		if (name[0] != '/' || perms[2] != 'x')
			continue; /* only executable file mappings hold code addresses */
		struct file_id id = { makedev(maj, min), ino };
		add_mapping(s, pid, start, end, pgoff, name, ino ? &id : NULL);
	}
	return 0;
}

static int add_mapping(struct symbolizer *s, pid_t pid, uint64_t start, uint64_t end,
		       uint64_t pgoff, const char *path, const struct file_id *id)
{
	struct pid_maps *pm = get_pid(s, pid, true);
	if (!pm)
		return -ENOMEM;
	for (int i = 0; i < pm->n; i++)
		if (pm->maps[i].start == start && pm->maps[i].end == end &&
		    strcmp(pm->maps[i].file->path, path) == 0 && same_id(pm->maps[i].file, id))
			return 0;
	struct elf_file *f = get_file(s, path, id);
	if (!f)
		return -ENOMEM;
	if (!f->mod) { /* the latest mapping is the likeliest to be there when it is opened */
		f->src_pid = pid;
		f->src_start = start;
		f->src_end = end;
	}
	if (pm->n == pm->cap) {
		int cap = pm->cap ? pm->cap * 2 : 32;
		struct mapping *m = realloc(pm->maps, sizeof(*pm->maps) * cap);
		if (!m)
			return -ENOMEM;
		pm->maps = m;
		pm->cap = cap;
	}
	/* A new mapping over an old range replaces it (dlclose + dlopen, exec). */
	for (int i = 0; i < pm->n; i++) {
		if (pm->maps[i].start < end && start < pm->maps[i].end) {
			pm->maps[i] = pm->maps[--pm->n];
			i--;
		}
	}
	pm->maps[pm->n++] = (struct mapping){ start, end, pgoff, f };
	return 0;
}

int symbolizer_add_mapping(struct symbolizer *s, pid_t pid, uint64_t start, uint64_t end,
			   uint64_t pgoff, const char *path)
{
	return add_mapping(s, pid, start, end, pgoff, path, NULL);
}

static const char *call_file(Dwarf_Die *cudie, Dwarf_Die *scope, int *line)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;
	Dwarf_Files *files;
	size_t nfiles;
	*line = 0;
	if (dwarf_formudata(dwarf_attr(scope, DW_AT_call_line, &attr), &v) == 0)
		*line = (int)v;
	if (dwarf_formudata(dwarf_attr(scope, DW_AT_call_file, &attr), &v) != 0)
		return NULL;
	if (dwarf_getsrcfiles(cudie, &files, &nfiles) != 0 || v >= nfiles)
		return NULL;
	return dwarf_filesrc(files, v, NULL, NULL);
}

/* An inlined function's name: its linkage name when it has one (C++: qualified, demangled
 * later, as eu-addr2line does; DW_AT_name would say just "fill"), else its DWARF name. */
static const char *inlined_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
	if (!n)
		n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
	return n ? n : dwarf_diename(die);
}

/* Fills out[] from DWARF: inlined chain first, the real function last. */
static int resolve_in_file(struct elf_file *f, uint64_t vaddr, uint64_t lookup, uint64_t addr,
			   struct sym_frame *out, int max)
{
	GElf_Addr a = vaddr + f->bias, la = lookup + f->bias;
	GElf_Off off = 0;
	GElf_Sym sym;
	if (!f->symbols_tried) {
		f->symbols_tried = true;
		f->symbols = sym_index_build(f->mod);
	}
	uint64_t soff = 0;
	const char *name = f->symbols ? sym_index_find(f->symbols, a, &soff)
				      : dwfl_module_addrinfo(f->mod, a, &off, &sym, NULL, NULL, NULL);
	if (f->symbols)
		off = soff;
	const char *file = NULL;
	int line = 0;
	Dwfl_Line *dl = dwfl_module_getsrc(f->mod, la);
	if (dl)
		file = dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL);

	int n = 0;
	Dwarf_Addr bias = 0;
	Dwarf_Die *cudie = dwfl_module_addrdie(f->mod, la, &bias);
	Dwarf_Die *scopes = NULL;
	int nscopes = cudie ? dwarf_getscopes(cudie, la - bias, &scopes) : 0;
	if (nscopes > 0) {
		/* The innermost scope's parents in the DIE tree: an inlined caller whose address
		 * ranges the compiler left imprecise is still found (as eu-addr2line -i does). */
		Dwarf_Die innermost = scopes[0], *chain = NULL;
		int nchain = dwarf_getscopes_die(&innermost, &chain);
		if (nchain > 0) {
			free(scopes);
			scopes = chain;
			nscopes = nchain;
		}
	}
	for (int i = 0; i < nscopes && n < max - 1; i++) {
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		out[n] = (struct sym_frame){ .addr = addr, .module = f->path, .module_offset = vaddr,
					     .symbol = inlined_name(&scopes[i]), .file = file,
					     .line = line, .inlined = true };
		if (!out[n].symbol)
			out[n].symbol = "[inlined]";
		n++;
		file = call_file(cudie, &scopes[i], &line);
	}
	free(scopes);
	out[n] = (struct sym_frame){ .addr = addr, .module = f->path, .module_offset = vaddr,
				     .symbol = name, .offset = name ? off : 0, .file = file,
				     .line = line };
	return n + 1;
}

int symbolize_user(struct symbolizer *s, pid_t pid, uint64_t addr, bool return_addr,
		   struct sym_frame *out, int max)
{
	s->stats.frames++;
	struct pid_maps *pm = get_pid(s, pid, false);
	if (!pm || !pm->n) {
		symbolizer_capture_pid(s, pid);
		pm = get_pid(s, pid, false);
	}
	struct mapping *m = NULL;
	for (int pass = 0; pass < 2 && !m; pass++) {
		for (int i = 0; pm && i < pm->n; i++) {
			if (addr >= pm->maps[i].start && addr < pm->maps[i].end) {
				m = &pm->maps[i];
				break;
			}
		}
		if (!m && pass == 0) { /* maybe loaded since the last capture */
			if (symbolizer_capture_pid(s, pid) < 0)
				break;
			pm = get_pid(s, pid, false);
		}
	}
	out[0] = (struct sym_frame){ .addr = addr };
	if (!m) {
		s->stats.unresolved++;
		return 1;
	}
	struct elf_file *f = m->file;
	uint64_t foff = addr - m->start + m->pgoff;
	open_file(f);
	uint64_t vaddr = foff;
	for (int i = 0; i < f->nseg; i++) {
		if (foff >= f->seg[i].off && foff < f->seg[i].off + f->seg[i].filesz) {
			vaddr = foff - f->seg[i].off + f->seg[i].vaddr;
			break;
		}
	}
	out[0].module = f->path;
	out[0].module_offset = vaddr;
	if (!f->mod) {
		s->stats.unresolved++;
		return 1;
	}
	int n = resolve_in_file(f, vaddr, return_addr && vaddr ? vaddr - 1 : vaddr, addr, out,
				max < SYM_MAX_INLINE ? max : SYM_MAX_INLINE);
	if (!out[n - 1].symbol)
		s->stats.unresolved++;
	for (int i = 0; i < n; i++) {
		const char *raw = out[i].symbol;
		out[i].symbol = demangle(s->demangler, raw);
		out[i].mangled = out[i].symbol != raw ? raw : NULL;
	}
	return n;
}

int symbolize_kernel(struct symbolizer *s, uint64_t addr, bool return_addr,
		     struct sym_frame *out, int max)
{
	s->stats.frames++;
	if (!s->ksyms_tried) {
		s->ksyms_tried = true;
		s->ksyms = ksyms_load("/proc/kallsyms");
	}
	out[0] = (struct sym_frame){ .addr = addr, .module = "[kernel]" };
	const struct ksym *k = s->ksyms ? ksyms_find(s->ksyms, addr) : NULL;
	if (!k) {
		s->stats.unresolved++;
		return 1;
	}
	out[0].symbol = k->name;
	out[0].offset = addr - k->addr;
	out[0].module = k->module ? k->module : "[kernel]";
	out[0].module_offset = addr;
	return 1;
}

struct sym_stats symbolizer_stats(const struct symbolizer *s)
{
	return s->stats;
}

static const char *base_name(const char *p)
{
	const char *b = p ? strrchr(p, '/') : NULL;
	return b ? b + 1 : p;
}

void sym_frame_format(const struct sym_frame *f, char *buf, size_t n)
{
	size_t len = 0;
	if (f->symbol) {
		len = f->inlined ? (size_t)snprintf(buf, n, "%s (inlined)", f->symbol)
				 : (size_t)snprintf(buf, n, "%s+0x%" PRIx64, f->symbol, f->offset);
	} else if (f->module) {
		len = (size_t)snprintf(buf, n, "%s+0x%" PRIx64, base_name(f->module), f->module_offset);
	} else {
		len = (size_t)snprintf(buf, n, "0x%" PRIx64 " [no mapping known]", f->addr);
	}
	if (len < n && f->file && f->line)
		len += (size_t)snprintf(buf + len, n - len, " %s:%d", f->file, f->line);
	/* kernel modules are already bracketed ("[kernel]", "[ext4]") */
	if (len < n && f->symbol && f->module)
		snprintf(buf + len, n - len, f->module[0] == '[' ? " %s" : " [%s]", base_name(f->module));
}

struct json_object *sym_frame_json(const struct sym_frame *f)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "addr", json_addr(f->addr));
	json_object_object_add(o, "symbol", f->symbol ? json_object_new_string(f->symbol) : NULL);
	json_object_object_add(o, "mangled", f->mangled ? json_object_new_string(f->mangled) : NULL);
	json_object_object_add(o, "offset", json_object_new_uint64(f->offset));
	json_object_object_add(o, "file", f->file ? json_object_new_string(f->file) : NULL);
	json_object_object_add(o, "line", f->line ? json_object_new_int(f->line) : NULL);
	json_object_object_add(o, "module", f->module ? json_object_new_string(f->module) : NULL);
	json_object_object_add(o, "module_offset", json_object_new_uint64(f->module_offset));
	json_object_object_add(o, "inlined", json_object_new_boolean(f->inlined));
	return o;
}

static int resolve_one(struct symbolizer *s, pid_t pid, bool kernel, uint64_t ip, bool ret,
		       struct sym_frame *fr)
{
	return kernel ? symbolize_kernel(s, ip, ret, fr, SYM_MAX_INLINE)
		      : symbolize_user(s, pid, ip, ret, fr, SYM_MAX_INLINE);
}

void stack_print(struct symbolizer *s, FILE *out, pid_t pid, bool kernel, const uint64_t *ips,
		 int n, bool all_return_addrs, const char *indent)
{
	struct sym_frame fr[SYM_MAX_INLINE];
	char buf[1024];
	for (int i = 0; i < n; i++) {
		int k = resolve_one(s, pid, kernel, ips[i], all_return_addrs || i > 0, fr);
		for (int j = 0; j < k; j++) {
			sym_frame_format(&fr[j], buf, sizeof(buf));
			fprintf(out, "%s%s\n", indent, buf);
		}
	}
}

struct json_object *stack_json(struct symbolizer *s, pid_t pid, bool kernel, const uint64_t *ips,
			       int n, bool all_return_addrs)
{
	struct json_object *arr = json_object_new_array();
	struct sym_frame fr[SYM_MAX_INLINE];
	for (int i = 0; i < n; i++) {
		int k = resolve_one(s, pid, kernel, ips[i], all_return_addrs || i > 0, fr);
		for (int j = 0; j < k; j++)
			json_object_array_add(arr, sym_frame_json(&fr[j]));
	}
	return arr;
}
