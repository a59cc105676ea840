/* Attaching one BPF program at many offsets of one file for one process. Where the kernel
 * has uprobe_multi links (6.6+) all offsets go into one link: attached and detached at once,
 * instead of one perf event per offset each waiting for an RCU grace period (~0.2 s here)
 * when detached. Elsewhere it falls back to one perf-event uprobe per offset. */
#ifndef MEMMON_UPROBE_ATTACH_H
#define MEMMON_UPROBE_ATTACH_H
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct uprobe_spec {
	uint64_t offset; /* file offset */
	uint64_t cookie; /* bpf_get_attach_cookie() in the program */
};

struct uprobe_set {
	bool multi;               /* decided once, before the programs load */
	int *fds;                 /* uprobe_multi links */
	int nfds, capfds;
	struct bpf_link **links;  /* perf-event uprobes */
	int nlinks, caplinks;
};

/* Call before the skeleton loads, for every program later given to uprobe_set_attach:
 * programs for uprobe_multi links must be loaded for that attach type. */
void uprobe_set_prepare(struct uprobe_set *s, struct bpf_program **progs, int nprogs);
/* pid -1: every process that maps path. 0 or -errno. */
int uprobe_set_attach(struct uprobe_set *s, struct bpf_program *prog, pid_t pid, const char *path,
		      const struct uprobe_spec *specs, int n, bool retprobe);
void uprobe_set_destroy(struct uprobe_set *s);

#endif
