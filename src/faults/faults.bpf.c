// SPDX-License-Identifier: GPL-2.0
/* Page faults, counted where they complete. The perf software events page-faults-minor and
 * page-faults-major fire from mm_account_fault() after the fault was handled, with the
 * faulting registers and address, and only for faults that succeeded; so they tell major
 * from minor (the exceptions:page_fault_* tracepoints fire before handling and cannot).
 * For each fault the program finds the vma (file, heap, stack, other anonymous, hugetlb),
 * optionally the user and kernel stacks, and adds to one row of a hash table. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
/* Its own exec program announces execs to user space, so the filter's exec and fork steps
 * are called from on_exec/on_fork below. */
#define TASK_FILTER_OWN_FORK_EXEC
#include "core/task_filter.bpf.h"
#include "faults/faults_event.h"
#include "kernel/common.bpf.h"
#include "kernel/fault_vma.bpf.h"
#include "kernel/file_path.bpf.h"
#define STACK_STORE_DEPTH FAULT_STACK_DEPTH
#define STACK_STORE_ENTRIES 16384
#define STACK_STORE_USER
#include "symbols/stack_store.bpf.h"

/* Which fields make up a row (the view). */
const volatile bool want_ustack = false;
const volatile bool want_kstack = false;
const volatile bool want_file = false;
/* Which faults: only those on hugetlb mappings, only swap-ins (major faults on
 * anonymous memory). */
const volatile bool only_hugetlb = false;
const volatile bool only_swapin = false;

struct fault_counters counters = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536); /* full: counted in counters.table_full */
	__type(key, struct fault_key);
	__type(value, struct fault_counts);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct fault_file_key);
	__type(value, struct fault_file_info);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fault_file_info);
} file_scratch SEC(".maps");

/* Executable mappings already announced, per address space (a new one after exec) and
 * start address. */
struct map_seen_key {
	__u64 mm;
	__u64 start;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct map_seen_key);
	__type(value, __u8);
} maps_seen SEC(".maps");

/* Processes already announced to user space. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* The mapping as this program counts it (kernel/fault_vma.bpf.h finds it). */
struct vma_info {
	__u32 kind;   /* enum fault_kind */
	__u32 flags;  /* FF_* */
	__u64 ino;
	__u32 dev;
	__u32 page_shift;
	__u64 start, end;
	__u64 pgoff;  /* bytes */
	__u32 exec;   /* VM_EXEC */
	__u32 pad;
	struct file *file;
};
_Static_assert(FVMA_FILE == FK_FILE && FVMA_HEAP == FK_HEAP && FVMA_STACK == FK_STACK &&
	       FVMA_ANON == FK_ANON, "fault_vma_kind is enum fault_kind");

static __always_inline void announce(__u32 tgid, __u32 type)
{
	struct fault_proc_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->type = type;
	e->tgid = tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void remember_file(struct vma_info *vi);

/* Tells user space about an executable file mapping the first time it is seen. */
static __always_inline void announce_map(__u32 tgid, struct vma_info *vi)
{
	struct map_seen_key mk = { .mm = (__u64)bpf_get_current_task_btf()->mm, .start = vi->start };
	__u8 one = 1;
	if (bpf_map_lookup_elem(&maps_seen, &mk))
		return;
	bpf_map_update_elem(&maps_seen, &mk, &one, BPF_ANY);
	remember_file(vi);
	struct fault_proc_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return;
	e->type = FPE_MAP;
	e->tgid = tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->start = vi->start;
	e->end = vi->end;
	e->pgoff = vi->pgoff;
	e->ino = vi->ino;
	e->dev = vi->dev;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
}

/* Records the file's path once. */
static __always_inline void remember_file(struct vma_info *vi)
{
	struct fault_file_key fk = { .ino = vi->ino, .dev = vi->dev };
	if (bpf_map_lookup_elem(&files, &fk))
		return;
	__u32 zero = 0;
	struct fault_file_info *info = bpf_map_lookup_elem(&file_scratch, &zero);
	if (!info)
		return;
	info->nparts = FILE_PATH(vi->file, info->parts, &info->truncated);
	bpf_map_update_elem(&files, &fk, info, BPF_NOEXIST);
}

/* Fills vi for addr; true if bpf_find_vma looked the mapping up now rather than the cache
 * knowing it (a new mapping, or the mappings changed): the moment to announce it and
 * remember its file. */
static __always_inline bool classify(__u32 tgid, __u64 addr, struct vma_info *vi)
{
	struct fault_vma v;
	long r = fault_vma_find(tgid, addr, &v);
	if (r < 0) {
		__sync_fetch_and_add(&counters.vma_unknown, 1);
		vi->page_shift = FVMA_PAGE_SHIFT;
		vi->kind = FK_UNKNOWN;
		return false;
	}
	vi->kind = v.kind;
	vi->flags = (v.flags & FVMA_VM_HUGETLB) ? FF_HUGETLB : 0;
	vi->ino = v.ino;
	vi->dev = v.dev;
	vi->page_shift = v.page_shift;
	vi->start = v.start;
	vi->end = v.end;
	vi->pgoff = v.pgoff << FVMA_PAGE_SHIFT;
	vi->exec = !!(v.flags & FVMA_VM_EXEC);
	vi->file = v.file;
	return r == FAULT_VMA_FRESH;
}

/* vi and key off the BPF stack: with the unwinder's frames below them, 6.1's verifier found
 * the combined stack 544 bytes, over its 512 (newer kernels accept it). */
struct fault_scratch {
	struct vma_info vi;
	struct fault_key key;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fault_scratch);
} fault_scratch SEC(".maps");

static __always_inline int count_fault(struct bpf_perf_event_data *ctx, bool major)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	if (!tgid || !task_selected(tgid, NULL))
		return 0;
	/* Kernel addresses have the top bit set on x86-64 and arm64. */
	bool kernel_mode = (long)PT_REGS_IP(&ctx->regs) < 0;

	__u32 zero_key = 0;
	struct fault_scratch *sc = bpf_map_lookup_elem(&fault_scratch, &zero_key);
	if (!sc)
		return 0;
	__builtin_memset(sc, 0, sizeof(*sc));
	struct vma_info *vi = &sc->vi;
	bool fresh = classify(tgid, ctx->addr, vi);
	/* Code this process runs was faulted in by it: a fault in an executable file
	 * mapping is where user space learns the mapping for symbolization. */
	if (want_ustack && fresh && vi->kind == FK_FILE && vi->exec) {
		announce_map(tgid, vi);
		unwind_note_mapping(vi->start, vi->end, vi->pgoff, vi->dev, vi->ino);
	}
	if (only_hugetlb && !(vi->flags & FF_HUGETLB))
		return 0;
	if (only_swapin && (!major || vi->kind < FK_HEAP))
		return 0;

	struct fault_key *key = &sc->key;
	key->tgid = tgid;
	key->ustack = -1;
	key->kstack = -1;
	if (want_file) {
		key->kind = vi->kind;
		key->flags = vi->flags;
		if (vi->kind == FK_FILE) {
			key->ino = vi->ino;
			key->dev = vi->dev;
			if (fresh)
				remember_file(vi);
		}
	}
	if (want_ustack) {
		/* From the user registers: the fault's own in user mode, those at the entry of
		 * the system call that faulted in kernel mode. */
		key->ustack = stack_store_get_user_ctx(ctx, unwind_task_user_regs(), 0);
		if (key->ustack < 0)
			__sync_fetch_and_add(&counters.stack_failures, 1);
	}
	if (want_kstack && kernel_mode) {
		key->kstack = stack_store_get(ctx, 0);
		if (key->kstack < 0)
			__sync_fetch_and_add(&counters.stack_failures, 1);
	}

	struct fault_counts *c = bpf_map_lookup_elem(&counts, key);
	if (!c) {
		/* A process's first fault always makes a new row: announce it here, off the
		 * path of every other fault. */
		__u8 one = 1;
		if (!bpf_map_lookup_elem(&seen, &tgid)) {
			bpf_map_update_elem(&seen, &tgid, &one, BPF_ANY);
			announce(tgid, FPE_NEW);
		}
		struct fault_counts zero = {};
		/* Another CPU may add the same row first: EEXIST is fine. */
		bpf_map_update_elem(&counts, key, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&counts, key);
		if (!c) {
			__sync_fetch_and_add(&counters.table_full, 1);
			return 0;
		}
	}
	if (kernel_mode)
		__sync_fetch_and_add(major ? &c->major_kernel : &c->minor_kernel, 1);
	else
		__sync_fetch_and_add(major ? &c->major_user : &c->minor_user, 1);
	__sync_fetch_and_add(&c->bytes, 1ULL << (vi->page_shift & 63));
	return 0;
}

SEC("perf_event")
int on_minor_fault(struct bpf_perf_event_data *ctx)
{
	return count_fault(ctx, false);
}

SEC("perf_event")
int on_major_fault(struct bpf_perf_event_data *ctx)
{
	return count_fault(ctx, true);
}

/* A launched program is counted from its exec on; exec also replaces a process's code, so
 * user space recaptures its mappings. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	task_filter_exec(tgid);
	if (bpf_map_lookup_elem(&seen, &tgid))
		announce(tgid, FPE_EXEC);
	return 0;
}

/* Children of a launched program are part of it. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	task_filter_fork(BPF_CORE_READ(parent, tgid), BPF_CORE_READ(child, tgid));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
