// SPDX-License-Identifier: GPL-2.0
/* Signals: every SIGSEGV/SIGBUS as it is generated (tp_btf/signal_generate), joined with the
 * user page fault that caused it (tp_btf/page_fault_user, remembered per thread), with the
 * user stack and the mappings around the address (bpf_find_vma) so user space can say
 * what the address was: NULL page, no mapping, guard gap below a stack, read-only... */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "crash/segv_event.h"
#include "kernel/common.bpf.h"
/* The stack store's scratch and the CFI walker (its map of stacks stays empty here). */
#define STACK_STORE_DEPTH SEGV_STACK_DEPTH
#define STACK_STORE_ENTRIES 1
#define STACK_STORE_USER
#include "symbols/stack_store.bpf.h"
#include "kernel/file_path.bpf.h"

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif

#define SIGBUS 7
#define SIGSEGV 11
#define PAGE 4096ULL

char LICENSE[] SEC("license") = "GPL";

/* The latest user page fault on each CPU. A fatal fault raises its signal on the same CPU
 * moments later, so one slot per CPU (checked by thread id and address) is enough, and far
 * cheaper on every page fault of the system than a hash map keyed by thread. */
struct fault {
	__u64 addr, error_code;
	__u32 tid;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fault);
} last_fault SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

SEC("tp_btf/page_fault_user")
int BPF_PROG(on_user_fault, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	__u32 zero = 0;
	struct fault *f = bpf_map_lookup_elem(&last_fault, &zero);
	if (f) {
		f->addr = address;
		f->error_code = error_code;
		f->tid = (__u32)bpf_get_current_pid_tgid();
	}
	return 0;
}

static long vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct segv_vma *v = data;
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->flags = vma->vm_flags;
	v->found = 1;
	struct file *f = vma->vm_file;
	if (f) {
		v->file_backed = 1;
		v->file_ptr = (__u64)f;
		bpf_probe_read_kernel_str(v->file, sizeof(v->file),
					  BPF_CORE_READ(f, f_path.dentry, d_name.name));
	}
	return 0;
}

static __always_inline void find_vma(struct task_struct *task, __u64 addr, struct segv_vma *out)
{
	struct segv_vma v = {};
	if (addr)
		bpf_find_vma(task, addr, vma_cb, &v, 0);
	__builtin_memcpy(out, &v, sizeof(v));
}

/* The user stack by call frame information into e->frames, with why the walk ended; by
 * frame pointers (bpf_get_stack) when the walk found no table to start with (a process
 * memmon was not told about: system-wide, tables are built only when a walk meets a file,
 * too late for a process that is dying). Returns the frame count, or <0. */
static __always_inline int user_frames(void *ctx, struct pt_regs *regs, struct segv_event *e)
{
	__u32 zero = 0, end = 0, n = 0;
	struct stack_scratch *s = bpf_map_lookup_elem(&stack_scratch, &zero);
	if (s && !__sync_lock_test_and_set(&s->busy, 1)) {
		n = unwind_user_walk(STACK_STORE_DEPTH, BPF_CORE_READ(regs, ip), BPF_CORE_READ(regs, sp),
				     BPF_CORE_READ(regs, bp), 0, &end);
		if (n >= 2 || end == UWE_COMPLETE) {
			for (int i = 0; i < STACK_STORE_DEPTH; i++) {
				if (i >= n)
					break;
				e->frames[i] = s->f.ips[i];
			}
		}
		s->busy = 0;
	}
	if (n >= 2 || end == UWE_COMPLETE) {
		e->stack_end = end;
		return (int)n;
	}
	long got = bpf_get_stack(ctx, e->frames, sizeof(e->frames), BPF_F_USER_STACK);
	return got < 0 ? (int)got : (int)((__u64)got >> 3);
}

SEC("tp_btf/signal_generate")
int BPF_PROG(on_signal, int sig, struct kernel_siginfo *info, struct task_struct *task, int group,
	     int result)
{
	if (sig != SIGSEGV && sig != SIGBUS)
		return 0;
	struct segv_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return 0;
	__u64 cur = bpf_get_current_pid_tgid();
	/* ring buffer memory is not zeroed: set every field */
	e->kind = SEGV_EVENT_GENERATE;
	e->code = 0;
	e->addr = e->ip = e->sp = e->error_code = 0;
	e->have_error_code = 0;
	e->nframes = 0;
	e->stack_end = 0;
	e->pid = BPF_CORE_READ(task, tgid);
	e->tid = BPF_CORE_READ(task, pid);
	e->sender_pid = cur >> 32;
	e->sig = sig;
	e->result = result;
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	if ((unsigned long)info > 1) { /* 0 and 1 are SEND_SIG_NOINFO / SEND_SIG_PRIV */
		e->code = BPF_CORE_READ(info, si_code);
		e->addr = (__u64)BPF_CORE_READ(info, _sifields._sigfault._addr);
	}
	e->from_fault = (__u32)cur == e->tid && e->code > 0;
	if (e->from_fault) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
		e->ip = BPF_CORE_READ(regs, ip);
		e->sp = BPF_CORE_READ(regs, sp);
		__u32 zero = 0;
		struct fault *f = bpf_map_lookup_elem(&last_fault, &zero);
		if (f && f->tid == e->tid && f->addr == e->addr) {
			e->error_code = f->error_code;
			e->have_error_code = 1;
		} else if (bpf_core_field_exists(task->thread.error_code) &&
			   BPF_CORE_READ(task, thread.cr2) == e->addr) {
			/* migrated since the fault: x86 keeps the fault's error code in the task */
			e->error_code = BPF_CORE_READ(task, thread.error_code);
			e->have_error_code = 1;
		}
		/* the faulting address's mapping first: only one bpf_find_vma works here (see
		 * segv_event.h); the walk finds its mappings in the caches user space fills */
		find_vma(task, e->addr, &e->at);
		e->at_path_depth = e->at.file_ptr ? FILE_PATH((struct file *)e->at.file_ptr, e->at_path,
							      &e->at_path_truncated) : 0;
		e->nframes = user_frames(ctx, regs, e);
		struct mm_struct *mm = BPF_CORE_READ(task, mm);
		e->stack_top = (BPF_CORE_READ(mm, env_end) + PAGE - 1) & ~(PAGE - 1);
		e->stack_start = e->stack_top - BPF_CORE_READ(mm, stack_vm) * PAGE;
		e->tls_base = BPF_CORE_READ(task, thread.fsbase);
	} else {
		struct segv_vma none = {};
		__builtin_memcpy(&e->at, &none, sizeof(none));
		e->at_path_depth = 0;
		e->stack_start = e->stack_top = e->tls_base = 0;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* The executable's path, walked up through its dentries and mount points (d_path's walk;
 * bpf_d_path is not available to tracepoints). bpf_loop keeps the verifier from exploring
 * every iteration's branches; names collect in a per-CPU scratch buffer. */
struct path_scratch {
	char path[SEGV_PATH_DEPTH][SEGV_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} scratch SEC(".maps");

struct path_walk {
	struct dentry *d;
	struct vfsmount *vfs;
	struct mount *mnt;
	__u32 n;
};

static long path_step(__u64 i, void *data)
{
	struct path_walk *w = data;
	struct dentry *d = w->d; /* locals: CO-RE relocates kernel types, not path_walk */
	struct vfsmount *vfs = w->vfs;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	if (d == BPF_CORE_READ(vfs, mnt_root) || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
		if (up == mnt || !up)
			return 1; /* the root */
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfs = &up->mnt;
		return 0;
	}
	__u32 zero = 0, n = w->n;
	struct path_scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc || n >= SEGV_PATH_DEPTH)
		return 1;
	bpf_probe_read_kernel_str(sc->path[n], SEGV_NAME_LEN, BPF_CORE_READ(d, d_name.name));
	w->n = n + 1;
	w->d = parent;
	return 0;
}

static __always_inline void exe_path(struct task_struct *task, struct segv_deliver_event *e)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct vfsmount *vfs = BPF_CORE_READ(exe, f_path.mnt);
	struct path_walk w = { .d = BPF_CORE_READ(exe, f_path.dentry), .vfs = vfs,
			       .mnt = container_of(vfs, struct mount, mnt) };
	e->npath = 0;
	if (!exe || bpf_loop(64, path_step, &w, 0) < 0)
		return;
	__u32 zero = 0;
	struct path_scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc)
		return;
	bpf_probe_read_kernel(e->path, sizeof(e->path), sc->path);
	e->npath = w.n;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(on_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	if ((sig != SIGSEGV && sig != SIGBUS) || (unsigned long)info <= 1 ||
	    BPF_CORE_READ(info, si_code) <= 0)
		return 0;
	struct segv_deliver_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return 0;
	__u64 cur = bpf_get_current_pid_tgid();
	struct task_struct *task = bpf_get_current_task_btf();
	e->kind = SEGV_EVENT_DELIVER;
	e->pid = cur >> 32;
	e->tid = (__u32)cur;
	e->pad = 0;
	/* its own program run: the mmap lock taken by signal_generate's bpf_find_vma has
	 * been released by now, so the build-id lookup can take it */
	long n = bpf_get_stack(ctx, e->frames, sizeof(e->frames), BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
	e->nframes = n < 0 ? (int)n : (int)((__u64)n / sizeof(struct segv_build_id));
	exe_path(task, e);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
