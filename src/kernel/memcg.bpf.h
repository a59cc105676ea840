/* Reading a task's memory cgroup with CO-RE: the css of the memory controller, its
 * page_counter (usage and limit) and the names of the cgroup and its ancestors. */
#ifndef MEMMON_MEMCG_BPF_H
#define MEMMON_MEMCG_BPF_H
#include "kernel/memcg_event.h"

/* page_counter.max of a cgroup without a limit is PAGE_COUNTER_MAX (LONG_MAX / PAGE_SIZE);
 * user space sets it for the machine's page size. */
const volatile __u64 memcg_unlimited_pages = 0x7fffffffffffffffULL / 4096;

/* A place to build a struct memcg_info: too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct memcg_info);
} memcg_scratch SEC(".maps");

static __always_inline struct mem_cgroup *task_memcg(struct task_struct *task)
{
	int id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct cgroup_subsys_state *css = NULL;
	if (id < 0 || id >= 16)
		return NULL;
	css = BPF_CORE_READ(task, cgroups, subsys[id]);
	/* css is the first member of struct mem_cgroup */
	return (struct mem_cgroup *)css;
}

static __always_inline struct mem_cgroup *memcg_parent(struct mem_cgroup *memcg)
{
	return (struct mem_cgroup *)BPF_CORE_READ(memcg, css.parent);
}

static __always_inline __u64 memcg_id(struct mem_cgroup *memcg)
{
	if (!memcg)
		return 0;
	return BPF_CORE_READ(memcg, css.cgroup, kn, id);
}

static __always_inline void memcg_fill(struct memcg_info *m, struct mem_cgroup *memcg)
{
	m->id = memcg_id(memcg);
	m->usage_pages = BPF_CORE_READ(memcg, memory.usage.counter);
	m->max_pages = BPF_CORE_READ(memcg, memory.max);
	m->depth = 0;
	m->truncated = 0;
	struct mem_cgroup *cur = memcg;
	for (int i = 0; i < MEMCG_MAX_DEPTH; i++) {
		if (!cur || !memcg_parent(cur)) /* the root has no name worth printing */
			return;
		const char *name = BPF_CORE_READ(cur, css.cgroup, kn, name);
		bpf_probe_read_kernel_str(m->names[i], MEMCG_NAME_LEN, name);
		m->depth = i + 1;
		cur = memcg_parent(cur);
	}
	if (cur && memcg_parent(cur))
		m->truncated = 1;
}

/* The limited cgroup (the task's own or an ancestor) that is at its limit: where a cgroup
 * OOM or cgroup reclaim happens. A charge fails when usage + nr_pages > max, and a charge
 * is at most a THP (512 pages), so "at the limit" means less than that much headroom. */
static __always_inline struct mem_cgroup *memcg_at_limit(struct mem_cgroup *memcg)
{
	struct mem_cgroup *cur = memcg;
	for (int i = 0; i < MEMCG_MAX_DEPTH + 1; i++) {
		if (!cur)
			return NULL;
		__u64 max = BPF_CORE_READ(cur, memory.max);
		__u64 usage = BPF_CORE_READ(cur, memory.usage.counter);
		if (max < memcg_unlimited_pages && usage + 1024 >= max)
			return cur;
		cur = memcg_parent(cur);
	}
	return NULL;
}

#endif
