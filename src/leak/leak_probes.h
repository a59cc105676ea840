/* memmon leak in user mode: which files to probe in a process, and attaching the probes.
 * The malloc family lives in the allocator library (libc, --lib, or a static executable);
 * C++ operator new in libstdc++ and, with -static-libstdc++, in the executable. */
#ifndef MEMMON_LEAK_PROBES_H
#define MEMMON_LEAK_PROBES_H
#include "leak/leak.h"
#include <limits.h>
#include <sys/types.h>

struct leak_user_bpf;
struct uprobe_set;

#define LEAK_MAX_CXX 2

struct leak_targets {
	char lib[PATH_MAX];               /* the malloc family */
	char cxx[LEAK_MAX_CXX][PATH_MAX]; /* files that may define operator new */
	int ncxx;
};

/* For a running process: --lib, its libc or its static executable; its libstdc++ (the
 * system's when it has none mapped yet: a uprobe on a file it never maps never fires).
 * 0, or -1 with a message printed. */
int leak_targets_for_pid(const struct leak_opts *o, pid_t pid, struct leak_targets *t);
/* For a program about to be launched (not yet exec'd, so nothing of it is mapped): the
 * system's libc and libstdc++, the same files the dynamic loader will map. */
int leak_targets_for_program(const struct leak_opts *o, const char *prog, struct leak_targets *t);
/* Attaches every probe for one process and records the allocator libraries in the BPF
 * `libs` map. 0, or -1 with a message printed. */
int leak_attach(struct leak_user_bpf *skel, struct uprobe_set *probes, pid_t pid,
		const struct leak_targets *t);
/* "LIBC; operator new in LIBSTDC++" for the start message. */
void leak_targets_describe(const struct leak_targets *t, char *buf, size_t n);

#endif
