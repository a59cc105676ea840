/* What every BPF command does before loading: check privileges and BTF with a clear
 * message, mount bpffs/tracefs when absent, route libbpf's messages. */
#ifndef MEMMON_BPF_UTIL_H
#define MEMMON_BPF_UTIL_H
#include <stdbool.h>

/* Returns 0 if BPF tracing can start, else prints why and returns EXIT_RUNTIME. */
int bpf_preflight(const char *cmd);
/* 0 if the kernel has bpf_find_vma (5.17+), else prints so and returns EXIT_RUNTIME. */
int bpf_require_find_vma(const char *cmd);
/* Mounts /sys/fs/bpf if it is not a bpffs. 0 on success. */
int bpf_ensure_bpffs(const char *cmd);
/* Reports a failed skeleton open/load/attach with a hint; returns EXIT_RUNTIME. */
int bpf_fail(const char *cmd, const char *what, int err);

#endif
