#include "core/cli.h"
#include "core/keyed_table.h"
#include "core/loop.h"
#include "proc/proc_libs.h"
#include "symbols/unwind_build.h"
#include "symbols/unwind_event.h"
#include "symbols/unwind_tables.h"
#include "core/progress.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A table, by build-id (or by file identity when the file has none). */
struct table_row {
	char key[48];
	struct unwind_file where; /* npages 0: nothing to unwind by (no CFI, or no room) */
};

struct rule_row {
	struct unwind_rule key;
	uint32_t index;
};

struct file_row {
	struct unwind_file_key key;
	int state; /* 1 loaded (or known to have nothing) */
};

struct array {
	void *base;
	size_t size;     /* bytes mapped */
	uint32_t max;    /* entries */
	uint32_t used;
};

struct unwind_tables {
	int files_fd, missing_fd, generation_fd, vmas_fd; /* -1 for shared tables */
	struct unwind_shared_header *shared; /* the memfd's header, or NULL (BPF maps) */
	int shared_fd;
	size_t shared_size;
	uint64_t generation; /* bumped with each file added: the walkers drop cached lookups */
	struct array rows, pages, rules;
	struct keyed_table tables, rule_index, files;
	struct unwind_tables_stats stats;
};

static int map_array(struct bpf_object *obj, const char *name, size_t value_size, struct array *a)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
	if (!m)
		return -ENOENT;
	a->max = bpf_map__max_entries(m);
	long page = sysconf(_SC_PAGESIZE);
	a->size = ((size_t)a->max * value_size + (size_t)page - 1) & ~((size_t)page - 1);
	a->base = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(m), 0);
	if (a->base == MAP_FAILED) {
		a->base = NULL;
		return -errno;
	}
	return 0;
}

void unwind_tables_unused(struct bpf_object *obj)
{
	static const char *const arrays[] = { "unwind_rows", "unwind_pages", "unwind_rules" };
	for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, arrays[i]);
		if (m)
			bpf_map__set_max_entries(m, 1);
	}
}

struct unwind_tables *unwind_tables_open(struct bpf_object *obj)
{
	struct unwind_tables *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	struct bpf_map *files = bpf_object__find_map_by_name(obj, "unwind_files");
	struct bpf_map *missing = bpf_object__find_map_by_name(obj, "unwind_missing");
	struct bpf_map *generation = bpf_object__find_map_by_name(obj, "unwind_generation");
	struct bpf_map *vmas = bpf_object__find_map_by_name(obj, "unwind_vmas");
	int err = !files || !missing || !generation || !vmas ? -ENOENT : 0;
	/* two rows to an 8-byte element (symbols/unwind.bpf.h) */
	if (!err && !(err = map_array(obj, "unwind_rows", sizeof(uint64_t), &t->rows)))
		t->rows.max *= 2;
	if (!err)
		err = map_array(obj, "unwind_pages", sizeof(struct unwind_page), &t->pages);
	if (!err)
		err = map_array(obj, "unwind_rules", sizeof(struct unwind_rule), &t->rules);
	if (err) {
		unwind_tables_close(t);
		errno = -err;
		return NULL;
	}
	t->files_fd = bpf_map__fd(files);
	t->generation_fd = bpf_map__fd(generation);
	t->vmas_fd = bpf_map__fd(vmas);
	t->missing_fd = bpf_map__fd(missing);
	KTABLE_INIT(&t->tables, struct table_row, key);
	KTABLE_INIT(&t->rule_index, struct rule_row, key);
	KTABLE_INIT(&t->files, struct file_row, key);
	/* Rule 0 is "no call frame information here". */
	t->rules.used = 1;
	t->stats.rows_max = t->rows.max;
	t->stats.pages_max = t->pages.max;
	t->stats.kernel_bytes = t->rows.size + t->pages.size + t->rules.size;
	return t;
}

void unwind_tables_close(struct unwind_tables *t)
{
	if (!t)
		return;
	struct array *arrays[] = { &t->rows, &t->pages, &t->rules };
	for (int i = 0; i < 3 && !t->shared; i++)
		if (arrays[i]->base)
			munmap(arrays[i]->base, arrays[i]->size);
	ktable_free(&t->tables);
	ktable_free(&t->rule_index);
	ktable_free(&t->files);
	if (t->shared) {
		munmap(t->shared, t->shared_size);
		close(t->shared_fd);
	}
	free(t);
}

/* The global index of a rule, added if new; 0 (no CFI) for UW_NONE, -1 when full. */
static int64_t rule_index(struct unwind_tables *t, const struct unwind_rule *r)
{
	if (r->cfa == UW_NONE)
		return 0;
	bool created;
	struct rule_row *row = ktable_get(&t->rule_index, r, &created);
	if (!row)
		return -1;
	if (created) {
		if (t->rules.used >= t->rules.max) {
			row->index = 0;
			return -1;
		}
		row->index = t->rules.used++;
		((struct unwind_rule *)t->rules.base)[row->index] = *r;
		t->stats.rules++;
	}
	return row->index;
}

/* How many rows the pages of b need, and how many pages: to check room before writing. */
static void count_pages(const struct unwind_built *b, uint32_t *first, uint32_t *npages,
			uint64_t *nrows)
{
	*first = (uint32_t)(b->text_start >> UNWIND_PAGE_SHIFT);
	uint32_t last = (uint32_t)((b->text_end - 1) >> UNWIND_PAGE_SHIFT);
	*npages = last - *first + 1;
	*nrows = b->n + *npages; /* each row once, and one covering row per page */
}

/* Writes b's pages and rows into the arrays; where->npages stays 0 if they do not fit. */
static void load_table(struct unwind_tables *t, const struct unwind_built *b,
		       struct unwind_file *where)
{
	uint32_t first, npages;
	uint64_t nrows;
	count_pages(b, &first, &npages, &nrows);
	if (t->pages.used + (uint64_t)npages > t->pages.max || t->rows.used + nrows > t->rows.max) {
		t->stats.full++;
		return;
	}
	struct unwind_page *pages = (struct unwind_page *)t->pages.base + t->pages.used;
	uint32_t *rows = t->rows.base;
	size_t j = 0; /* the last row starting at or before the page's start */
	for (uint32_t p = 0; p < npages; p++) {
		uint64_t start = (uint64_t)(first + p) << UNWIND_PAGE_SHIFT;
		uint64_t end = start + UNWIND_PAGE_SIZE;
		while (j + 1 < b->n && b->rows[j + 1].vaddr <= start)
			j++;
		uint32_t base = t->rows.used, count = 0;
		bool any = false;
		/* the covering row (NONE below the text's start), then the rows inside the page */
		struct unwind_rule none = { .cfa = UW_NONE };
		const struct unwind_rule *cover = b->rows[j].vaddr <= start ? &b->rows[j].rule : &none;
		int64_t ri = rule_index(t, cover);
		rows[base + count++] = UNWIND_ROW(0, ri < 0 ? 0 : ri);
		any |= ri > 0;
		for (size_t k = j + 1; k < b->n && b->rows[k].vaddr < end; k++) {
			if (b->rows[k].vaddr <= start)
				continue;
			ri = rule_index(t, &b->rows[k].rule);
			rows[base + count++] = UNWIND_ROW(b->rows[k].vaddr - start, ri < 0 ? 0 : ri);
			any |= ri > 0;
		}
		pages[p] = any ? (struct unwind_page){ base, count } : (struct unwind_page){ 0, 0 };
		if (any)
			t->rows.used += count;
	}
	where->page_base = t->pages.used;
	where->first_page = first;
	where->npages = npages;
	where->vaddr_adjust = b->vaddr_adjust;
	t->pages.used += npages;
	t->stats.rows = t->rows.used;
	t->stats.pages = t->pages.used;
}

/* The table of the file open at fd (st its identity), built if no file with the same
 * build-id was. */
static struct table_row *table_for(struct unwind_tables *t, int fd, const struct stat *st)
{
	struct table_row key = { 0 };
	char id[41];
	if (unwind_build_id_fd(fd, id) == 0)
		snprintf(key.key, sizeof(key.key), "b%s", id);
	else
		snprintf(key.key, sizeof(key.key), "f%" PRIx64 ":%" PRIx64 ":%" PRIx64 ":%" PRIx64,
			 (uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint64_t)st->st_size,
			 (uint64_t)st->st_mtime);
	bool created;
	struct table_row *row = ktable_get(&t->tables, key.key, &created);
	if (!row || !created)
		return row;
	double t0 = now_seconds();
	struct unwind_built b;
	int rc = unwind_build_fd(fd, &b);
	if (rc == 0) {
		row->where.table = (uint32_t)t->stats.tables++;
		load_table(t, &b, &row->where);
		unwind_built_free(&b);
	} else if (rc == -ENOENT) {
		t->stats.no_cfi++;
	} else {
		t->stats.failed++;
	}
	t->stats.build_seconds += now_seconds() - t0;
	return row;
}

/* Shared tables: the file's entry appended, then published (the library reads nfiles with
 * acquire order, so an entry it sees is whole). */
static int shared_add_file(struct unwind_tables *t, const struct unwind_file_key *k,
			   const struct unwind_file *where)
{
	struct unwind_shared_header *h = t->shared;
	uint32_t n = h->nfiles;
	if (n >= h->max_files) {
		t->stats.full++;
		return -ENOSPC;
	}
	struct unwind_shared_file *f = (struct unwind_shared_file *)((char *)h + h->files_off) + n;
	f->key = *k;
	f->where = *where;
	__atomic_store_n(&h->nfiles, n + 1, __ATOMIC_RELEASE);
	return 1;
}

static const struct unwind_file *shared_find_file(const struct unwind_tables *t,
						   const struct unwind_file_key *k)
{
	const struct unwind_shared_header *h = t->shared;
	const struct unwind_shared_file *f = (const void *)((const char *)h + h->files_off);
	for (uint32_t i = 0; i < h->nfiles; i++)
		if (f[i].key.dev == k->dev && f[i].key.ino == k->ino)
			return &f[i].where;
	return NULL;
}

struct unwind_tables *unwind_tables_open_shared(uint32_t rows, uint32_t pages, uint32_t max_files)
{
	struct unwind_tables *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->files_fd = t->missing_fd = t->generation_fd = t->vmas_fd = -1;
	size_t hdr = 4096;
	size_t files_bytes = ((size_t)max_files * sizeof(struct unwind_shared_file) + 4095) & ~(size_t)4095;
	size_t rows_bytes = ((size_t)rows * 4 + 4095) & ~(size_t)4095;
	size_t pages_bytes = ((size_t)pages * sizeof(struct unwind_page) + 4095) & ~(size_t)4095;
	size_t rules_bytes = UNWIND_MAX_RULES * sizeof(struct unwind_rule);
	t->shared_size = hdr + files_bytes + rows_bytes + pages_bytes + rules_bytes;
	t->shared_fd = memfd_create("memmon-unwind", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *base = MAP_FAILED;
	if (t->shared_fd >= 0 && ftruncate(t->shared_fd, (off_t)t->shared_size) == 0)
		base = mmap(NULL, t->shared_size, PROT_READ | PROT_WRITE, MAP_SHARED, t->shared_fd, 0);
	if (base == MAP_FAILED) {
		int err = errno;
		if (t->shared_fd >= 0)
			close(t->shared_fd);
		free(t);
		errno = err;
		return NULL;
	}
	struct unwind_shared_header *h = base;
	h->magic = UNWIND_SHARED_MAGIC;
	h->size = t->shared_size;
	h->max_files = max_files;
	h->files_off = hdr;
	h->rows_off = hdr + files_bytes;
	h->pages_off = h->rows_off + rows_bytes;
	h->rules_off = h->pages_off + pages_bytes;
	t->shared = h;
	t->rows = (struct array){ (char *)base + h->rows_off, rows_bytes, rows, 0 };
	t->pages = (struct array){ (char *)base + h->pages_off, pages_bytes, pages, 0 };
	t->rules = (struct array){ (char *)base + h->rules_off, rules_bytes, UNWIND_MAX_RULES, 1 };
	KTABLE_INIT(&t->tables, struct table_row, key);
	KTABLE_INIT(&t->rule_index, struct rule_row, key);
	KTABLE_INIT(&t->files, struct file_row, key);
	t->stats.rows_max = rows;
	t->stats.pages_max = pages;
	t->stats.kernel_bytes = t->shared_size; /* the memfd (shmem, allocated as written) */
	return t;
}

int unwind_tables_shared_fd(const struct unwind_tables *t)
{
	return t && t->shared ? t->shared_fd : -1;
}

/* Makes the file open at fd unwindable, under key as the kernel names the mapped file
 * (NULL: its fstat identity). The two differ where a mapping's file is not the one opened:
 * on overlayfs a mapping holds the lower layer's file (the key /proc/PID/maps and the
 * walker see; measured on 6.1) while opening /proc/PID/map_files gives the overlay's.
 * 1 added, 0 known already, -errno. */
static int add_fd(struct unwind_tables *t, int fd, const struct unwind_file_key *key)
{
	struct stat st;
	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	struct unwind_file_key k = { .dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev),
				     .ino = st.st_ino };
	if (key)
		k = *key;
	bool created;
	struct file_row *f = ktable_get(&t->files, &k, &created);
	if (!f)
		return -ENOMEM;
	if (!created)
		return 0;
	struct table_row *tr = table_for(t, fd, &st);
	if (!tr)
		return -ENOMEM;
	if (t->shared) {
		f->state = 1;
		t->stats.files++;
		return shared_add_file(t, &k, &tr->where);
	}
	/* Also without a table: the walker then says "no CFI" and stops asking. */
	if (bpf_map_update_elem(t->files_fd, &k, &tr->where, BPF_ANY))
		return -errno;
	/* a walker's cache may say "no table" for this file's mappings: make it look again */
	uint32_t zero = 0;
	t->generation++;
	bpf_map_update_elem(t->generation_fd, &zero, &t->generation, BPF_ANY);
	f->state = 1;
	t->stats.files++;
	return 1;
}

/* Opens a file of a traced process without blocking on it or following what it names:
 * never a FIFO or a device (a traced user may put one where a mapped file was). */
static int open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* The key the kernel will know a file open at fd by once a process maps it, where that is
 * not its fstat identity: an overlayfs file maps as the layer's file below. Read
 * from memmon's own mapping of it in /proc/self/maps. False where they are the same (any
 * other filesystem) or it cannot tell. */
#define OVERLAYFS_MAGIC 0x794c7630
static bool mapped_key_of(int fd, struct unwind_file_key *k)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) || sfs.f_type != OVERLAYFS_MAGIC)
		return false;
	void *p = mmap(NULL, 1, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return false;
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4352];
	while (f && !found && fgets(line, sizeof(line), f)) {
		uint64_t start, ino;
		unsigned major, minor;
		if (sscanf(line, "%" SCNx64 "-%*x %*s %*x %x:%x %" SCNu64, &start, &major, &minor, &ino) == 4 &&
		    start == (uint64_t)(uintptr_t)p) {
			*k = (struct unwind_file_key){ .dev = (uint64_t)major << 20 | minor, .ino = ino };
			found = true;
		}
	}
	if (f)
		fclose(f);
	munmap(p, 1);
	return found;
}

static int add_path_as(struct unwind_tables *t, const char *path, const struct unwind_file_key *key)
{
	int fd = open_regular(path);
	if (fd < 0)
		return fd;
	struct unwind_file_key mapped;
	if (!key && mapped_key_of(fd, &mapped))
		key = &mapped;
	int rc = add_fd(t, fd, key);
	close(fd);
	return rc;
}

int unwind_tables_add_path(struct unwind_tables *t, const char *path)
{
	return add_path_as(t, path, NULL);
}

/* A mapping through /proc/PID/map_files: the file the process maps, whatever its path
 * now names (deleted, replaced), under the key the kernel knows it by. */
static int add_mapping(struct unwind_tables *t, pid_t pid, uint64_t start, uint64_t end,
		       const struct unwind_file_key *key)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid, start, end);
	return add_path_as(t, path, key);
}

/* Tells the walkers where a code mapping of pid is (symbols/unwind.bpf.h's unwind_vmas,
 * as an entry of no address space in particular that is never fresh): a walk looks it up
 * itself, and uses this one only when it cannot (another thread holds the mm lock, or a
 * lookup earlier in the same walk still holds the per-CPU unlock work). */
static void announce_mapping(struct unwind_tables *t, pid_t pid, uint64_t start, uint64_t end,
			     uint64_t offset, const struct unwind_file_key *k)
{
	struct unwind_file f;
	if (t->shared || bpf_map_lookup_elem(t->files_fd, k, &f))
		return;
	struct unwind_mapping m = {
		.start = start, .end = end,
		.bias = (int64_t)offset - (int64_t)start + f.vaddr_adjust,
		.page_base = f.page_base, .first_page = f.first_page, .npages = f.npages,
		.generation = UNWIND_GENERATION_USER,
	};
	uint64_t first = start >> UNWIND_BLOCK_SHIFT, last = (end - 1) >> UNWIND_BLOCK_SHIFT;
	for (uint64_t b = first; b <= last && b - first < 1024; b++) {
		uint64_t key = (uint64_t)(uint32_t)pid << 32 | (uint32_t)b;
		bpf_map_update_elem(t->vmas_fd, &key, &m, BPF_ANY);
	}
}

/* One mapping, without unwind_tables_add_mapping's fallback: what unwind_tables_add_pid
 * calls for each line of the maps it has just read. */
static int add_one_mapping(struct unwind_tables *t, pid_t pid, uint64_t start, uint64_t end,
			   uint64_t offset, uint64_t dev, uint64_t ino)
{
	struct unwind_file_key k = { .dev = dev, .ino = ino };
	int rc = ktable_find(&t->files, &k) ? 0 : add_mapping(t, pid, start, end, &k);
	announce_mapping(t, pid, start, end, offset, &k);
	return rc;
}

int unwind_tables_add_mapping(struct unwind_tables *t, pid_t pid, uint64_t start, uint64_t end,
			      uint64_t offset, uint64_t dev, uint64_t ino)
{
	if (!t)
		return 0;
	int rc = add_one_mapping(t, pid, start, end, offset, dev, ino);
	if (rc == -ENOENT) /* the mapping was split or joined since it was reported: read them all */
		return unwind_tables_add_pid(t, pid);
	return rc;
}

int unwind_tables_add_pid(struct unwind_tables *t, pid_t pid)
{
	if (!t)
		return 0;
	char path[64], line[4352];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	int added = 0;
	struct progress prog; /* a process with hundreds of libraries takes seconds */
	char what[96];
	snprintf(what, sizeof(what), "building unwind tables of pid %d", pid);
	progress_begin(&prog, NULL, what);
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, offset, ino;
		unsigned major, minor;
		char perms[8];
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64, &start, &end,
			   perms, &offset, &major, &minor, &ino) != 7 || perms[2] != 'x' || ino == 0)
			continue;
		if (add_one_mapping(t, pid, start, end, offset, (uint64_t)major << 20 | minor, ino) > 0)
			added++;
		progress_update(&prog, (uint64_t)added, 0, false, "files");
	}
	progress_end(&prog);
	fclose(f);
	return added;
}

/* Runs "INTERP --list PROGRAM" (the dynamic loader lists what it would map and exits:
 * the program does not run) and adds every file it names. */
static int add_listed_libraries(struct unwind_tables *t, const char *interp, const char *prog)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid_t child = fork();
	if (child < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (child == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execl(interp, interp, "--list", prog, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	FILE *out = fdopen(pipefd[0], "r");
	int added = 0;
	char line[PATH_MAX + 64];
	double deadline = now_seconds() + 5;
	while (out) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		int left = (int)((deadline - now_seconds()) * 1000);
		if (left <= 0 || poll(&p, 1, left) <= 0 || !fgets(line, sizeof(line), out))
			break;
		/* "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "\t/lib64/ld.so (0x...)" */
		char *s = strstr(line, "=> ");
		s = s ? s + 3 : line + strspn(line, " \t");
		if (*s != '/')
			continue;
		char *paren = strstr(s, " (0x");
		if (paren)
			*paren = 0;
		s[strcspn(s, "\n")] = 0;
		if (unwind_tables_add_path(t, s) > 0)
			added++;
	}
	if (out)
		fclose(out);
	else
		close(pipefd[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return added;
}

int unwind_tables_add_program(struct unwind_tables *t, const char *path)
{
	int fd = open_regular(path);
	if (fd < 0)
		return fd;
	char interp[PATH_MAX];
	int rc = add_fd(t, fd, NULL), added = rc > 0;
	bool dynamic = unwind_interp_fd(fd, interp, sizeof(interp)) == 0;
	close(fd);
	if (rc < 0)
		return rc;
	if (dynamic) {
		if (unwind_tables_add_path(t, interp) > 0)
			added++;
		int n = add_listed_libraries(t, interp, path);
		if (n > 0)
			added += n;
	}
	return added;
}

void unwind_tables_add_targets(struct unwind_tables *t, const struct cli *cli)
{
	if (!t)
		return;
	if (cli->prog_argv) {
		char path[PATH_MAX];
		if (resolve_program(cli->prog_argv[0], path, sizeof(path)) == 0)
			unwind_tables_add_program(t, path);
		return;
	}
	for (int i = 0; i < cli->npids; i++)
		unwind_tables_add_pid(t, cli->pids[i]);
}

int unwind_tables_poll(struct unwind_tables *t)
{
	if (!t)
		return 0;
	struct unwind_file_key key, next;
	struct unwind_missing m;
	int built = 0;
	void *prev = NULL;
	/* Collect first: deleting while walking a hash map restarts the walk. */
	struct unwind_file_key keys[256];
	struct unwind_missing vals[256];
	int n = 0;
	while (n < 256 && bpf_map_get_next_key(t->missing_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(t->missing_fd, &key, &m) == 0) {
			keys[n] = key;
			vals[n++] = m;
		}
	}
	/* Each process met once: its code mappings are read again (the walkers learn where
	 * the new ones are), which builds the missing tables too. An entry of device 0 names
	 * no file: a walk of that process could not look a mapping up (before 6.4 the walker
	 * relies on these announcements; symbols/unwind.bpf.h). */
	for (int i = 0; i < n; i++) {
		bpf_map_delete_elem(t->missing_fd, &keys[i]);
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = vals[j].tgid == vals[i].tgid;
		if (seen)
			continue;
		int added = unwind_tables_add_pid(t, (pid_t)vals[i].tgid);
		bool busy = keys[i].dev == 0; /* a walk that could not look a mapping up */
		if (added < 0 && !busy && !ktable_find(&t->files, &keys[i]) &&
		    add_mapping(t, (pid_t)vals[i].tgid, vals[i].start, vals[i].end, &keys[i]) > 0)
			added = 1; /* the process is gone: still try the file */
		if (added > 0)
			built += added;
	}
	return built;
}

void unwind_tables_get_stats(const struct unwind_tables *t, struct unwind_tables_stats *s)
{
	*s = t->stats;
	s->user_bytes = t->tables.cap * t->tables.row_size + t->rule_index.cap * t->rule_index.row_size +
			t->files.cap * t->files.row_size +
			(t->tables.nslots + t->rule_index.nslots + t->files.nslots) * sizeof(uint32_t);
}

const char *unwind_end_name(uint32_t end)
{
	static const char *const names[UWE_COUNT] = {
		[UWE_COMPLETE] = "complete",
		[UWE_NO_TABLE] = "no unwind table for the file",
		[UWE_NO_CFI] = "no call frame information at the address",
		[UWE_ANON] = "JIT or anonymous code",
		[UWE_NO_MAPPING] = "a frame outside any code mapping",
		[UWE_DEPTH] = "depth limit",
		[UWE_READ_FAULT] = "stack not readable",
		[UWE_UNSUPPORTED] = "a frame rule memmon cannot follow",
		[UWE_LOOKUP_BUSY] = "mapping lookup busy",
	};
	return end < UWE_COUNT && names[end] ? names[end] : "not walked";
}

int unwind_tables_rule_at(const struct unwind_tables *t, const char *path, uint64_t vaddr,
			  struct unwind_rule *out)
{
	struct stat st;
	if (stat(path, &st))
		return -errno;
	struct unwind_file_key k = { .dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev),
				     .ino = st.st_ino };
	struct unwind_file f;
	if (t->shared) {
		const struct unwind_file *sf = shared_find_file(t, &k);
		if (!sf)
			return -ENOENT;
		f = *sf;
	} else if (bpf_map_lookup_elem(t->files_fd, &k, &f)) {
		return -ENOENT;
	}
	uint64_t page = vaddr >> UNWIND_PAGE_SHIFT;
	if (page < f.first_page || page - f.first_page >= f.npages)
		return -ERANGE;
	const struct unwind_page *p = (const struct unwind_page *)t->pages.base + f.page_base +
				      (page - f.first_page);
	if (!p->count)
		return -ENODATA;
	const uint32_t *rows = t->rows.base;
	uint32_t low = vaddr & (UNWIND_PAGE_SIZE - 1), lo = p->first, hi = p->first + p->count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (UNWIND_ROW_LOW(rows[mid]) <= low)
			lo = mid;
		else
			hi = mid;
	}
	*out = ((const struct unwind_rule *)t->rules.base)[UNWIND_ROW_RULE(rows[lo])];
	return 0;
}
