/* What every BPF command does before loading: check privileges and BTF with a clear
 * message, mount bpffs/tracefs when absent, route libbpf's messages. */
#ifndef MEMMON_BPF_UTIL_H
#define MEMMON_BPF_UTIL_H
#include <stdbool.h>

struct bpf_object;

/* Returns 0 if BPF tracing can start, else prints why and returns EXIT_RUNTIME. */
int bpf_preflight(const char *cmd);
/* 0 if the kernel has bpf_find_vma (5.17+), else prints so and returns EXIT_RUNTIME. */
int bpf_require_find_vma(const char *cmd);
/* Mounts /sys/fs/bpf if it is not a bpffs. 0 on success. */
int bpf_ensure_bpffs(const char *cmd);
/* With MEMMON_BPF_STATS set in the environment, asks the verifier for its statistics of
 * every program of obj that will be loaded (call before the skeleton's load) ... */
void bpf_load_stats_prepare(struct bpf_object *obj);
/* ... and prints them after it, one line per program to stderr: "memmon CMD: verifier:
 * PROGRAM processed N insns ..." (tests keep the programs well inside the verifier's
 * million-instruction budget with it, so a kernel's verifier that needs more work than
 * the one here does not find them at its limit). Frees what prepare took. */
void bpf_load_stats_print(const char *cmd, struct bpf_object *obj);
/* Reports a failed skeleton open/load/attach with a hint; returns EXIT_RUNTIME. */
int bpf_fail(const char *cmd, const char *what, int err);

#endif
