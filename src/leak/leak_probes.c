#include "core/task_filter.h"
#include "kernel/bpf_util.h"
#include "kernel/probe_site.h"
#include "kernel/uprobe_attach.h"
#include "leak/leak_event.h"
#include "leak/leak_probes.h"
#include "proc/proc_libs.h"
#include "leak/leak_user.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct probe_def {
	const char *name;
	enum alloc_fn fn;
	bool has_return;
	bool skip_null; /* f(NULL) is a no-op: the probe may skip the NULL check */
};

static const struct probe_def malloc_defs[] = {
	{ "malloc", FN_MALLOC, true, false },
	{ "calloc", FN_CALLOC, true, false },
	{ "realloc", FN_REALLOC, true, false },
	{ "reallocarray", FN_REALLOCARRAY, true, false },
	{ "posix_memalign", FN_POSIX_MEMALIGN, true, false },
	/* glibc's aligned_alloc and memalign are one function: the first name wins. */
	{ "aligned_alloc", FN_ALIGNED_ALLOC, true, false },
	{ "memalign", FN_MEMALIGN, true, false },
	{ "valloc", FN_VALLOC, true, false },
	{ "pvalloc", FN_PVALLOC, true, false },
	{ "mmap", FN_MMAP, true, false },
	{ "free", FN_FREE, false, true },
	{ "munmap", FN_MUNMAP, false, false },
	{ "mremap", FN_MREMAP, true, false },
};

/* libstdc++'s operator new family, Itanium C++ ABI names for a 64-bit size_t. No return
 * probes: a uretprobe would make a bad_alloc thrown through operator new terminate the
 * program (see leak/leak_user.bpf.c). No delete probes: libstdc++'s operator delete variants
 * all tail-jump to free, so free's probe already sees the program's return address; a
 * delete probe would see each block freed twice. */
static const struct probe_def new_defs[] = {
	{ "_Znwm", FN_NEW, false, false },
	{ "_ZnwmRKSt9nothrow_t", FN_NEW, false, false },
	{ "_ZnwmSt11align_val_t", FN_NEW, false, false },
	{ "_ZnwmSt11align_val_tRKSt9nothrow_t", FN_NEW, false, false },
	{ "_Znam", FN_NEW_ARRAY, false, false },
	{ "_ZnamRKSt9nothrow_t", FN_NEW_ARRAY, false, false },
	{ "_ZnamSt11align_val_t", FN_NEW_ARRAY, false, false },
	{ "_ZnamSt11align_val_tRKSt9nothrow_t", FN_NEW_ARRAY, false, false },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
enum { MAX_DEFS = NELEM(malloc_defs) > NELEM(new_defs) ? NELEM(malloc_defs) : NELEM(new_defs) };

struct spec_list {
	struct uprobe_spec entries[MAX_DEFS], returns[MAX_DEFS];
	int nentries, nreturns;
	bool have[FN_COUNT];
};

/* Finds each function of defs in path. -errno if the file cannot be read. */
static int find_sites(const char *path, const struct probe_def *defs, size_t ndefs,
		      struct spec_list *l)
{
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < ndefs; i++) {
		const struct probe_def *d = &defs[i];
		struct probe_site site;
		int err = probe_site_find(path, d->name, d->skip_null, &site);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		bool alias = false; /* two names, one function: probe it once */
		for (int j = 0; j < l->nreturns && !alias; j++)
			alias = l->returns[j].offset == site.func_offset;
		for (int j = 0; j < l->nentries && !alias; j++)
			alias = l->entries[j].offset == site.probe_offset;
		if (alias)
			continue;
		uint64_t delta = site.probe_offset - site.func_offset;
		l->entries[l->nentries++] = (struct uprobe_spec){
			site.probe_offset, ALLOC_COOKIE(d->fn, site.func_size, delta, site.sp_delta)
		};
		if (d->has_return)
			l->returns[l->nreturns++] = (struct uprobe_spec){ site.func_offset, 0 };
		l->have[d->fn] = true;
	}
	return 0;
}

/* The BPF side tells the library's own frees and mmaps (of memory it manages itself)
 * from the program's by the file a return address lies in. */
static int remember_library(struct leak_user_bpf *skel, const char *lib)
{
	struct stat st;
	if (stat(lib, &st))
		return -errno;
	struct lib_id id = {
		/* the kernel's dev_t encoding (MKDEV), not glibc's */
		.dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev),
		.ino = st.st_ino,
	};
	__u8 one = 1;
	return bpf_map_update_elem(bpf_map__fd(skel->maps.libs), &id, &one, BPF_ANY) ? -errno : 0;
}

/* Returns first: a call already under way when its entry probe arrives then has no
 * return probe waiting for it, rather than a pending entry whose return never fires. */
static int attach_list(struct leak_user_bpf *skel, struct uprobe_set *probes, pid_t pid,
		       const char *path, const struct spec_list *l)
{
	int err = uprobe_set_attach(probes, skel->progs.alloc_return, pid, path, l->returns,
				    l->nreturns, true);
	if (!err)
		err = uprobe_set_attach(probes, skel->progs.alloc_enter, pid, path, l->entries,
					l->nentries, false);
	return err;
}

int leak_attach(struct leak_user_bpf *skel, struct uprobe_set *probes, pid_t pid,
		const struct leak_targets *t)
{
	struct spec_list l;
	int err = find_sites(t->lib, malloc_defs, NELEM(malloc_defs), &l);
	if (err) {
		fprintf(stderr, "memmon leak: cannot read %s: %s\n", t->lib, strerror(-err));
		return -1;
	}
	if (!l.have[FN_MALLOC] || !l.have[FN_FREE]) {
		fprintf(stderr, "memmon leak: %s does not export malloc and free: "
				"pass the allocator library or static executable with --lib PATH\n", t->lib);
		return -1;
	}
	/* The malloc family first: an operator new call seen at its entry then always has
	 * its inner call's return probe in place. */
	err = attach_list(skel, probes, pid, t->lib, &l);
	if (!err)
		err = remember_library(skel, t->lib);
	/* libstdc++ does not go into `libs`: it keeps no memory of its own behind free (the
	 * emergency exception pool is never freed), while its out-of-line template code
	 * (std::string::reserve) frees the program's blocks, and a double free there is the
	 * program's, not an allocator's internal free. */
	for (int i = 0; i < t->ncxx && !err; i++) {
		if (find_sites(t->cxx[i], new_defs, NELEM(new_defs), &l) || !l.nentries)
			continue; /* no operator new there: nothing to probe */
		err = attach_list(skel, probes, pid, t->cxx[i], &l);
	}
	if (err) {
		bpf_fail("leak", "attaching the uprobes", err);
		return -1;
	}
	return 0;
}

static bool defines_operator_new(const char *path)
{
	struct probe_site site;
	return probe_site_find(path, "_Znwm", false, &site) == 0;
}

static void add_cxx(struct leak_targets *t, const char *path)
{
	for (int i = 0; i < t->ncxx; i++)
		if (strcmp(t->cxx[i], path) == 0)
			return;
	if (t->ncxx < LEAK_MAX_CXX)
		snprintf(t->cxx[t->ncxx++], sizeof(t->cxx[0]), "%s", path);
}

/* The libstdc++ a dynamically linked program gets: the one memmon itself maps (it links
 * libstdc++ for demangling), else the first in the usual library directories. */
static int system_libstdcxx(char *out, size_t n)
{
	static const char *const dirs[] = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
					    "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
					    "/usr/lib64", "/lib64", "/usr/lib", "/lib" };
	if (proc_find_library(getpid(), "libstdc++.so", out, n) == 0)
		return 0;
	for (size_t i = 0; i < NELEM(dirs); i++) {
		snprintf(out, n, "%s/libstdc++.so.6", dirs[i]);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* An executable linked with -static-libstdc++ holds operator new itself. */
static void add_cxx_files(struct leak_targets *t, const char *exe, pid_t pid)
{
	char path[PATH_MAX];
	if (exe && defines_operator_new(exe))
		add_cxx(t, exe);
	if ((pid && proc_find_library(pid, "libstdc++.so", path, sizeof(path)) == 0) ||
	    system_libstdcxx(path, sizeof(path)) == 0)
		add_cxx(t, path);
}

int leak_targets_for_pid(const struct leak_opts *o, pid_t pid, struct leak_targets *t)
{
	char exe_link[64], exe[PATH_MAX];
	memset(t, 0, sizeof(*t));
	int err = proc_find_library(pid, "libc.so", t->lib, sizeof(t->lib));
	if (err == -ESRCH) {
		fprintf(stderr, "memmon leak: pid %d does not exist\n", pid);
		return -1;
	}
	if (err && err != -ENOENT) {
		fprintf(stderr, "memmon leak: cannot read /proc/%d/maps: %s\n", pid, strerror(-err));
		return -1;
	}
	snprintf(exe_link, sizeof(exe_link), "/proc/%d/exe", pid);
	ssize_t len = readlink(exe_link, exe, sizeof(exe) - 1);
	if (len <= 0 && errno == ENOENT) {
		fprintf(stderr, "memmon leak: pid %d is a kernel thread: it has no user-space "
				"allocations (memmon leak --kernel traces the kernel's)\n", pid);
		return -1;
	}
	if (len > 0)
		exe[len] = 0;
	if (o->lib) {
		snprintf(t->lib, sizeof(t->lib), "%s", o->lib);
	} else if (err) { /* no libc mapped: statically linked, the allocator is the executable */
		if (len <= 0) {
			fprintf(stderr, "memmon leak: cannot read %s: %s\n", exe_link, strerror(errno));
			return -1;
		}
		snprintf(t->lib, sizeof(t->lib), "%s", exe);
	}
	add_cxx_files(t, len > 0 ? exe : NULL, pid);
	return 0;
}

int leak_targets_for_program(const struct leak_opts *o, const char *prog, struct leak_targets *t)
{
	char path[PATH_MAX];
	memset(t, 0, sizeof(*t));
	int err = resolve_program(prog, path, sizeof(path));
	if (err) {
		fprintf(stderr, "memmon leak: cannot execute program '%s': %s\n", prog, strerror(-err));
		return -1;
	}
	/* A static executable holds its allocator; a dynamic one (or a script, whose
	 * interpreter is) uses the system's libc, the same file memmon maps. */
	if (o->lib)
		snprintf(t->lib, sizeof(t->lib), "%s", o->lib);
	else if (program_elf_kind(path) == ELF_STATIC)
		snprintf(t->lib, sizeof(t->lib), "%s", path);
	else if (proc_find_library(getpid(), "libc.so", t->lib, sizeof(t->lib))) {
		fprintf(stderr, "memmon leak: cannot find libc: pass --lib PATH\n");
		return -1;
	}
	add_cxx_files(t, path, 0);
	return 0;
}

void leak_targets_describe(const struct leak_targets *t, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "%s", t->lib);
	for (int i = 0; i < t->ncxx && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "; operator new in ",
					t->cxx[i]);
}
