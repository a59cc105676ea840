// SPDX-License-Identifier: GPL-2.0
/* Memory events of watched processes: memory system calls with arguments and results
 * (raw syscall tracepoints: one program for all of them), page faults with the mapping and
 * the page-table entry as they were before the fault, and exec/fork/exit.
 * The watch list is the pid_filter map of core/task_filter.bpf.h, which user space may pin
 * and edit at run time (memmon watch-pids). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "snoop/snoop_event.h"
#include "kernel/common.bpf.h"
#define FAULT_VMA_CACHE_ENTRIES 4096
#include "kernel/fault_vma.bpf.h"
#include "kernel/file_path.bpf.h"
/* brk's user stacks (an empty store and no unwind arrays for the other snoops) */
#define STACK_STORE_DEPTH SNOOP_STACK_DEPTH
#define STACK_STORE_ENTRIES 16384
#define STACK_STORE_USER
#include "symbols/stack_store.bpf.h"
#include "symbols/code_map.bpf.h"
/* exec/fork/exit below log events and keep the watch list current in one program each */
#define TASK_FILTER_OWN_FORK_EXEC
#define TASK_FILTER_OWN_EXIT
#include "core/task_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 sys_mask = 0;          /* bit (1 << enum snoop_sys) of calls to report */
const volatile bool want_brk_stack = false; /* brk: capture the user stack */
const volatile bool lifecycle = false;      /* report exec/fork/exit */
/* report the code mappings of watched processes (symbols/code_map.bpf.h): their faults'
 * instructions resolve even after they exited */
const volatile bool want_code_maps = false;
const volatile __u64 page_offset = 0;       /* direct map base; 0: do not walk page tables */
const volatile __u64 page_offset_base_addr = 0; /* &page_offset_base when KASLR moves it */
const volatile __u64 wakeup_bytes = 1 << 20; /* wake the reader only past this backlog */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* --buffer-size */
} events SEC(".maps");

/* MEMMON_DEBUG counters of the fault probe: bpf_find_vma calls, and faults whose mapping
 * came from kernel/fault_vma.bpf.h's cache. */
__u64 vma_cache_hits = 0;
__u64 vma_lookups = 0;

struct pending_call {
	__u64 args[6];
	__u64 ts_ns;
	__u32 sys;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending_call);
} pending SEC(".maps");

/* Waking the reader on every event costs an interrupt per fault; it polls on its own every
 * 100 ms, so wake it only when the backlog grows large. */
static __always_inline void submit(void *e)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_submit(e, avail >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* Events are reported for the current task when its process is watched (or every process
 * is) and its name matches --comm. The watch list itself follows the pid alone. */
static __always_inline bool watched(__u32 tgid)
{
	return task_selected(tgid, NULL);
}

/* x86_64 numbers of the calls memmon decodes; -1 for everything else. */
static __always_inline int snoop_sys_of(long nr)
{
	switch (nr) {
	case 12: return SNOOP_SYS_BRK;
	case 9: return SNOOP_SYS_MMAP;
	case 11: return SNOOP_SYS_MUNMAP;
	case 25: return SNOOP_SYS_MREMAP;
	case 10: return SNOOP_SYS_MPROTECT;
	case 28: return SNOOP_SYS_MADVISE;
	case 149: return SNOOP_SYS_MLOCK;
	case 150: return SNOOP_SYS_MUNLOCK;
	case 325: return SNOOP_SYS_MLOCK2;
	case 151: return SNOOP_SYS_MLOCKALL;
	case 152: return SNOOP_SYS_MUNLOCKALL;
	case 29: return SNOOP_SYS_SHMGET;
	case 30: return SNOOP_SYS_SHMAT;
	case 67: return SNOOP_SYS_SHMDT;
	case 31: return SNOOP_SYS_SHMCTL;
	default: return -1;
	}
}

static __always_inline void fill_common(struct snoop_event *e, __u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	e->kind = kind;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline void fill_path(struct snoop_event_big *b, struct file *f)
{
	b->e.path_depth = FILE_PATH(f, b->path, &b->e.path_truncated);
}

static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(task, files, fdt, max_fds);
	struct file *f = NULL;
	if (fd < 0 || (unsigned int)fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(snoop_sys_enter, struct pt_regs *regs, long id)
{
	int sys = snoop_sys_of(id);
	if (sys < 0 || !(sys_mask & (1u << sys)))
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!watched(pid_tgid >> 32))
		return 0;
	struct pending_call p = {};
	p.sys = sys;
	p.ts_ns = bpf_ktime_get_ns();
	p.args[0] = BPF_CORE_READ(regs, di);
	p.args[1] = BPF_CORE_READ(regs, si);
	p.args[2] = BPF_CORE_READ(regs, dx);
	p.args[3] = BPF_CORE_READ(regs, r10);
	p.args[4] = BPF_CORE_READ(regs, r8);
	p.args[5] = BPF_CORE_READ(regs, r9);
	__u32 tid = (__u32)pid_tgid;
	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
	return 0;
}

/* A syscall event with the user stack (its id in the stack store). */
static __always_inline int emit_ustack(void *ctx, struct pt_regs *regs, struct pending_call *p,
				       long ret, __u32 tid)
{
	struct snoop_event_ustack *u = reserve_or_count(&events, sizeof(*u));
	if (!u) {
		bpf_map_delete_elem(&pending, &tid);
		return 0;
	}
	__builtin_memset(&u->e, 0, sizeof(u->e));
	fill_common(&u->e, SNOOP_EV_SYSCALL);
	u->e.sys = p->sys;
	for (int i = 0; i < 6; i++)
		u->e.args[i] = p->args[i];
	u->e.ret = ret;
	u->stack_id = stack_store_get_user_regs(regs, 0);
	bpf_map_delete_elem(&pending, &tid);
	submit(u);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(snoop_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = BPF_CORE_READ(regs, orig_ax);
	if (snoop_sys_of(nr) < 0)
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_call *p = bpf_map_lookup_elem(&pending, &tid);
	if (!p)
		return 0;
	if (p->sys == SNOOP_SYS_BRK && want_brk_stack)
		return emit_ustack(ctx, regs, p, ret, tid);
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *f = NULL;
	if (p->sys == SNOOP_SYS_MMAP && !(p->args[3] & 0x20 /* MAP_ANONYMOUS */))
		f = fd_file(task, (int)p->args[4]);
	struct snoop_event *e;
	if (f)
		e = reserve_or_count(&events, sizeof(struct snoop_event_big));
	else
		e = reserve_or_count(&events, sizeof(struct snoop_event));
	if (!e) {
		bpf_map_delete_elem(&pending, &tid);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_common(e, SNOOP_EV_SYSCALL);
	e->sys = p->sys;
	for (int i = 0; i < 6; i++)
		e->args[i] = p->args[i];
	e->ret = ret;
	if (f) {
		e->has_file = 1;
		fill_path((struct snoop_event_big *)e, f);
	}
	bpf_map_delete_elem(&pending, &tid);
	submit(e);
	if (want_code_maps)
		code_map_mmap_exit(&events, bpf_get_current_pid_tgid() >> 32, regs, ret);
	return 0;
}

#define PT_PRESENT 0x1ULL
#define PT_RW 0x2ULL
#define PT_PSE 0x80ULL
#define PT_PROTNONE 0x100ULL
#define PT_ADDR_MASK 0x000ffffffffff000ULL

/* One level of the x86-64 4-level walk: reads the entry for addr in table tbl. */
static __always_inline __u64 pt_entry(__u64 tbl, __u64 addr, int shift)
{
	__u64 v = 0;
	if (bpf_probe_read_kernel(&v, sizeof(v), (void *)(tbl + ((addr >> shift) & 511) * 8)))
		return ~0ULL;
	return v;
}

/* The page-table entry of addr before the fault: none, present (writable?) or a swap
 * entry. A fault reads it before the kernel's handler changes it. */
static __always_inline void pte_state(struct snoop_event *e, struct task_struct *task, __u64 addr)
{
	__u64 base = page_offset;
	if (page_offset_base_addr &&
	    bpf_probe_read_kernel(&base, sizeof(base), (void *)page_offset_base_addr))
		return;
	if (!base)
		return;
	__u64 tbl = (__u64)BPF_CORE_READ(task, mm, pgd);
	if (tbl < base || tbl - base >= (1ULL << 46)) /* not in the direct map: wrong base */
		return;
	int shifts[3] = { 39, 30, 21 };
	for (int i = 0; i < 3; i++) {
		__u64 v = pt_entry(tbl, addr, shifts[i]);
		if (v == ~0ULL)
			return;
		if (!(v & PT_PRESENT)) {
			e->pte_state = v ? PTE_SWAP : PTE_NONE; /* a non-present upper entry: none */
			if (i < 2)
				e->pte_state = PTE_NONE;
			return;
		}
		if (i > 0 && (v & PT_PSE)) { /* huge page (THP or 1G) */
			e->pte_state = PTE_PRESENT;
			e->pte_write = !!(v & PT_RW);
			return;
		}
		tbl = base + (v & PT_ADDR_MASK);
	}
	__u64 v = pt_entry(tbl, addr, 12);
	if (v == ~0ULL)
		return;
	if (!v)
		e->pte_state = PTE_NONE;
	else if (v & (PT_PRESENT | PT_PROTNONE))
		e->pte_state = PTE_PRESENT;
	else
		e->pte_state = PTE_SWAP;
	e->pte_write = (v & PT_PRESENT) && (v & PT_RW);
}

static __always_inline int on_fault(void *ctx, __u64 address, struct pt_regs *regs, __u64 error_code)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!watched(pid_tgid >> 32) || address >= 0x800000000000ULL)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct fault_vma v;
	long r = fault_vma_find(pid_tgid >> 32, address, &v);
	__sync_fetch_and_add(r == FAULT_VMA_CACHED ? &vma_cache_hits : &vma_lookups, 1);
	bool found = r >= 0;
	bool big = found && (v.file || v.special);
	struct snoop_event *e;
	if (big)
		e = reserve_or_count(&events, sizeof(struct snoop_event_big));
	else
		e = reserve_or_count(&events, sizeof(struct snoop_event));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	fill_common(e, SNOOP_EV_FAULT);
	e->addr = address;
	e->ip = BPF_CORE_READ(regs, ip);
	e->error_code = error_code;
	e->vma_lookup_failed = !found && r != -ENOENT /* -ENOENT: no mapping */;
	if (found) {
		e->has_vma = 1;
		e->vm_start = v.start;
		e->vm_end = v.end;
		e->vm_flags = v.flags;
		e->vm_pgoff = v.pgoff;
	}
	pte_state(e, task, address);
	if (found && !v.file)
		e->vm_kind = v.kind == FVMA_HEAP ? SNOOP_VM_HEAP : v.kind == FVMA_STACK ? SNOOP_VM_STACK : SNOOP_VM_ANON;
	if (big && v.file) {
		e->has_file = 1;
		fill_path((struct snoop_event_big *)e, v.file);
	} else if (big) { /* struct vm_special_mapping starts with its name */
		struct snoop_event_big *b = (struct snoop_event_big *)e;
		const char *name = NULL;
		bpf_probe_read_kernel(&name, sizeof(name), (void *)v.special);
		if (name && bpf_probe_read_kernel_str(b->path[0], sizeof(b->path[0]), name) > 0) {
			e->vm_kind = SNOOP_VM_SPECIAL;
			e->path_depth = 1;
		}
	}
	submit(e);
	return 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(snoop_fault_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	return on_fault(ctx, address, regs, error_code);
}

SEC("tp_btf/page_fault_kernel")
int BPF_PROG(snoop_fault_kernel, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	return on_fault(ctx, address, regs, error_code);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(snoop_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = p->tgid;
	/* A launched program joins the watch list at its exec, so the log starts with the exec
	 * and not with the faults of the forked memmon that waits to exec it. */
	task_filter_exec(tgid);
	if (!watched(tgid))
		return 0;
	if (!lifecycle)
		return 0;
	struct snoop_event_big *b = reserve_or_count(&events, sizeof(*b));
	if (!b)
		return 0;
	__builtin_memset(&b->e, 0, sizeof(b->e));
	fill_common(&b->e, SNOOP_EV_EXEC);
	b->e.args[0] = old_pid;
	struct file *f = BPF_CORE_READ(bprm, file);
	if (f) {
		b->e.has_file = 1;
		fill_path(b, f);
	}
	submit(b);
	if (want_code_maps)
		code_map_exec(&events, tgid);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(snoop_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	if (ptgid == ctgid || !tgid_selected(ptgid)) /* a new thread is not a new process */
		return 0;
	task_filter_fork(ptgid, ctgid); /* --follow: the child joins the watch list */
	if (!watched(ptgid))
		return 0;
	struct snoop_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	fill_common(e, SNOOP_EV_FORK);
	e->args[0] = ctgid;
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(snoop_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid, tid = p->pid;
	bool group_dead = task_group_dead(p);
	bpf_map_delete_elem(&pending, &tid); /* a thread killed inside a call never returns */
	if (!group_dead || !tgid_selected(tgid)) /* the process ends with its last thread */
		return 0;
	bool report = watched(tgid); /* asked before it leaves the watch list */
	task_filter_exit(tgid, group_dead);
	if (!report)
		return 0;
	struct snoop_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	fill_common(e, SNOOP_EV_EXIT);
	e->ret = p->exit_code;
	submit(e);
	return 0;
}
