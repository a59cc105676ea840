#include "kernel/perf_sw.h"
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int perf_open(struct perf_event_attr *attr, int cpu)
{
	return (int)syscall(SYS_perf_event_open, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

int perf_sw_attach(struct bpf_program *prog, uint64_t config, struct perf_sw_links *out)
{
	int ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	struct bpf_link **links = realloc(out->links, (out->n + ncpus) * sizeof(*links));
	if (!links)
		return -ENOMEM;
	out->links = links;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct perf_event_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.type = PERF_TYPE_SOFTWARE;
		attr.config = config;
		attr.sample_period = 1;
		int fd = perf_open(&attr, cpu);
		if (fd < 0) {
			if (errno == ENODEV)
				continue; /* possible but offline CPU */
			return -errno;
		}
		struct bpf_link *link = bpf_program__attach_perf_event(prog, fd);
		if (!link) {
			int err = -errno;
			close(fd);
			return err;
		}
		out->links[out->n++] = link; /* the link owns fd */
	}
	return 0;
}

void perf_sw_detach(struct perf_sw_links *l)
{
	for (int i = 0; i < l->n; i++)
		bpf_link__destroy(l->links[i]);
	free(l->links);
	l->links = NULL;
	l->n = 0;
}
