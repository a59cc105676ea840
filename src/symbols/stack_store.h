/* Reading stacks from a probe set's stack store (symbols/stack_store.bpf.h). */
#ifndef MEMMON_STACK_STORE_H
#define MEMMON_STACK_STORE_H
#include <stdint.h>

/* Copies up to max frames (innermost first) of stack id from the store map fd into ips;
 * returns how many, 0 when id < 0 (not captured) or not in the store. */
int stack_store_read(int fd, int64_t id, uint64_t *ips, int max);
/* The same, with why a user stack's walk ended (enum unwind_end; 0 for kernel stacks and
 * stacks not found) in *end. */
int stack_store_read_end(int fd, int64_t id, uint64_t *ips, int max, uint32_t *end);

#endif
