/* The unwind tables of one BPF object (the maps of symbols/unwind.bpf.h): which files are
 * unwindable and where their rows are. Tables are built once per file (symbols/
 * unwind_build.c), shared by build-id between files and processes, and loaded when a
 * traced process is known to run code from a file: every code mapping of a -p process at
 * the start, a launched program and the libraries its loader will map before it runs, and
 * later any file the BPF walker met without a table (unwind_tables_poll, every tick).
 * The rows, pages and rules arrays are written through mmap; their sizes are fixed at
 * load, so what does not fit is counted, never half-loaded. */
#ifndef MEMMON_UNWIND_TABLES_H
#define MEMMON_UNWIND_TABLES_H
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct unwind_tables;

struct unwind_tables_stats {
	uint64_t files;          /* files made unwindable */
	uint64_t tables;         /* distinct tables (by build-id) */
	uint64_t rows, rows_max; /* rows used, of the array's size */
	uint64_t pages, pages_max;
	uint64_t rules;
	uint64_t kernel_bytes;   /* the arrays' preallocated size in the kernel */
	uint64_t user_bytes;     /* memmon's own bookkeeping */
	uint64_t no_cfi;         /* files without call frame information */
	uint64_t failed;         /* files that could not be read */
	uint64_t full;           /* tables that did not fit */
	double build_seconds;    /* spent building tables */
};

/* Before load, for a run that walks no user stack: the unwind arrays shrink to one
 * element, so their megabytes are not allocated in the kernel. */
void unwind_tables_unused(struct bpf_object *obj);
/* The same tables in a memfd instead of BPF maps, for a walker in user space (memmon
 * heap's preload library maps it read-only): one format, two walkers. Rows, pages and
 * files are fixed at creation; the layout is struct unwind_shared_header
 * (symbols/unwind_event.h). NULL (errno set) on failure. */
struct unwind_tables *unwind_tables_open_shared(uint32_t rows, uint32_t pages, uint32_t max_files);
/* The memfd of shared tables (-1 for BPF ones), to hand to the walker's process. */
int unwind_tables_shared_fd(const struct unwind_tables *t);
/* Binds to the unwind maps of a loaded object. NULL (errno set) if it has none. */
struct unwind_tables *unwind_tables_open(struct bpf_object *obj);
void unwind_tables_close(struct unwind_tables *t);

/* Every executable file mapping of pid (read through /proc/PID/map_files). Returns the
 * number of files newly made unwindable, or -errno (-ESRCH: the process is gone). */
int unwind_tables_add_pid(struct unwind_tables *t, pid_t pid);
/* One code mapping of pid (as /proc/PID/maps gives it; dev in the kernel's encoding,
 * major << 20 | minor): its file's table built if new, and the walkers told where it is.
 * A mapping that has been split or joined since is not there to open: then every mapping
 * of pid is read, as unwind_tables_add_pid does. 1 added, 0 known, that count, or -errno. */
int unwind_tables_add_mapping(struct unwind_tables *t, pid_t pid, uint64_t start, uint64_t end,
			      uint64_t offset, uint64_t dev, uint64_t ino);
/* A program about to be launched: the executable, its interpreter and the libraries the
 * interpreter will map (it lists them without running the program). Returns the number
 * of files added, or -errno. */
int unwind_tables_add_program(struct unwind_tables *t, const char *path);
/* One file by path (its device and inode are the key). 1 added, 0 known, or -errno. */
int unwind_tables_add_path(struct unwind_tables *t, const char *path);
/* What a command traces (core/cli.h): a launched program (its path resolved as execvp
 * would) or every -p process. Errors are left for the walks to count (no table). A
 * launched program's own mappings are added at its exec stop (unwind_tables_add_pid). */
struct cli;
void unwind_tables_add_targets(struct unwind_tables *t, const struct cli *cli);
/* Builds the tables of files the BPF walker met without one. Returns how many. */
int unwind_tables_poll(struct unwind_tables *t);

void unwind_tables_get_stats(const struct unwind_tables *t, struct unwind_tables_stats *s);

/* The rule the kernel's walker finds at vaddr of the file at path, read back from the
 * arrays the same way (for tests). 0 or -errno. */
struct unwind_rule;
int unwind_tables_rule_at(const struct unwind_tables *t, const char *path, uint64_t vaddr,
			  struct unwind_rule *out);

/* "complete", "no unwind table", ... for enum unwind_end. */
const char *unwind_end_name(uint32_t end);

#endif
