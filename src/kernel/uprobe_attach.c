#include "kernel/uprobe_attach.h"
#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Values of the 6.6+ UAPI, absent from the headers of older distributions. */
#define ATTACH_TYPE_UPROBE_MULTI 48
#define UPROBE_MULTI_RETURN 1

/* The BPF_LINK_CREATE attribute laid out for uprobe_multi (include/uapi/linux/bpf.h). */
union link_create_attr {
	struct {
		uint32_t prog_fd;
		uint32_t target_fd;
		uint32_t attach_type;
		uint32_t flags;
		uint64_t path;
		uint64_t offsets;
		uint64_t ref_ctr_offsets;
		uint64_t cookies;
		uint32_t cnt;
		uint32_t multi_flags;
		uint32_t pid;
	} u;
	char size[160]; /* zero beyond what we set, as the kernel requires */
};

static bool kernel_has_uprobe_multi(void)
{
	if (getenv("MEMMON_NO_UPROBE_MULTI"))
		return false; /* lets tests exercise the fallback */
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		return false;
	bool has = btf__find_by_name_kind(btf, "bpf_uprobe_multi_link", BTF_KIND_STRUCT) > 0;
	btf__free(btf);
	return has;
}

void uprobe_set_prepare(struct uprobe_set *s, struct bpf_program **progs, int nprogs)
{
	memset(s, 0, sizeof(*s));
	s->multi = kernel_has_uprobe_multi();
	for (int i = 0; s->multi && i < nprogs; i++)
		bpf_program__set_expected_attach_type(progs[i], ATTACH_TYPE_UPROBE_MULTI);
}

static int attach_multi(struct uprobe_set *s, struct bpf_program *prog, pid_t pid,
			const char *path, const struct uprobe_spec *specs, int n, bool retprobe)
{
	uint64_t *offsets = calloc((size_t)n, sizeof(uint64_t));
	uint64_t *cookies = calloc((size_t)n, sizeof(uint64_t));
	if (!offsets || !cookies) {
		free(offsets);
		free(cookies);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		offsets[i] = specs[i].offset;
		cookies[i] = specs[i].cookie;
	}
	union link_create_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.u.prog_fd = (uint32_t)bpf_program__fd(prog);
	attr.u.attach_type = ATTACH_TYPE_UPROBE_MULTI;
	attr.u.path = (uint64_t)(uintptr_t)path;
	attr.u.offsets = (uint64_t)(uintptr_t)offsets;
	attr.u.cookies = (uint64_t)(uintptr_t)cookies;
	attr.u.cnt = (uint32_t)n;
	attr.u.multi_flags = retprobe ? UPROBE_MULTI_RETURN : 0;
	attr.u.pid = pid > 0 ? (uint32_t)pid : 0; /* 0: every process */
	int fd = (int)syscall(__NR_bpf, 28 /* BPF_LINK_CREATE */, &attr, sizeof(attr));
	int err = fd < 0 ? -errno : 0;
	free(offsets);
	free(cookies);
	if (err)
		return err;
	if (s->nfds == s->capfds) {
		s->capfds = s->capfds ? s->capfds * 2 : 8;
		s->fds = realloc(s->fds, sizeof(*s->fds) * (size_t)s->capfds);
	}
	s->fds[s->nfds++] = fd;
	return 0;
}

static int attach_perf(struct uprobe_set *s, struct bpf_program *prog, pid_t pid,
		       const char *path, const struct uprobe_spec *specs, int n, bool retprobe)
{
	for (int i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = retprobe, .bpf_cookie = specs[i].cookie);
		struct bpf_link *l = bpf_program__attach_uprobe_opts(prog, pid, path, specs[i].offset, &opts);
		if (!l)
			return -errno;
		if (s->nlinks == s->caplinks) {
			s->caplinks = s->caplinks ? s->caplinks * 2 : 32;
			s->links = realloc(s->links, sizeof(*s->links) * (size_t)s->caplinks);
		}
		s->links[s->nlinks++] = l;
	}
	return 0;
}

int uprobe_set_attach(struct uprobe_set *s, struct bpf_program *prog, pid_t pid, const char *path,
		      const struct uprobe_spec *specs, int n, bool retprobe)
{
	if (n <= 0)
		return 0;
	return s->multi ? attach_multi(s, prog, pid, path, specs, n, retprobe)
			: attach_perf(s, prog, pid, path, specs, n, retprobe);
}

void uprobe_set_destroy(struct uprobe_set *s)
{
	for (int i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	for (int i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	free(s->fds);
	free(s->links);
	memset(s, 0, sizeof(*s));
}
