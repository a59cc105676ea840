/* Attaching a BPF program to a perf software event on every CPU (system-wide counting,
 * one sample per event), the way a perf_event program sees every occurrence. */
#ifndef MEMMON_PERF_SW_H
#define MEMMON_PERF_SW_H
#include <bpf/libbpf.h>
#include <stdint.h>

struct perf_sw_links {
	struct bpf_link **links;
	int n;
};

/* Opens config (PERF_COUNT_SW_*) with sample_period 1 on every online CPU and attaches
 * prog to each. Returns 0 or -errno; links gathered so far are kept for perf_sw_detach. */
int perf_sw_attach(struct bpf_program *prog, uint64_t config, struct perf_sw_links *out);
void perf_sw_detach(struct perf_sw_links *l);

#endif
