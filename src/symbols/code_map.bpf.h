/* The kernel half of symbols/code_map_event.h: reports the executable file mapping that
 * holds an address of the current process, into the caller's ring buffer. A probe set
 * calls code_map_exec() at exec (the program's and its interpreter's code, which the kernel
 * maps without a system call) and code_map_mmap_exit() when mmap or mprotect returns (what
 * the dynamic loader and dlopen map). Include after vmlinux.h, the bpf headers and
 * kernel/common.bpf.h. */
#ifndef MEMMON_CODE_MAP_BPF_H
#define MEMMON_CODE_MAP_BPF_H
#include "kernel/file_path.bpf.h"
#include "symbols/code_map_event.h"

#define CODE_MAP_VM_EXEC 0x4UL
#define CODE_MAP_PROT_EXEC 0x4UL

struct code_map_vma {
	__u64 start, end, pgoff;
	struct file *file;
};

static long code_map_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct code_map_vma *v = data;
	if (!(BPF_CORE_READ(vma, vm_flags) & CODE_MAP_VM_EXEC))
		return 0;
	v->file = BPF_CORE_READ(vma, vm_file);
	v->start = BPF_CORE_READ(vma, vm_start);
	v->end = BPF_CORE_READ(vma, vm_end);
	v->pgoff = (__u64)BPF_CORE_READ(vma, vm_pgoff) << 12;
	return 0;
}

/* Reports the executable file mapping holding addr, if there is one. Returns its start
 * (0: none). */
static __always_inline __u64 code_map_emit(void *rb, __u32 tgid, __u64 addr)
{
	struct code_map_vma v = {};
	struct task_struct *task = bpf_get_current_task_btf();
	if (bpf_find_vma(task, addr, code_map_vma_cb, &v, 0) || !v.file)
		return 0;
	struct code_map_event *e = reserve_or_count(rb, sizeof(*e));
	if (!e)
		return 0;
	e->kind = CODE_MAP_EVENT_KIND;
	e->tgid = tgid;
	e->start = v.start;
	e->end = v.end;
	e->pgoff = v.pgoff;
	struct file *f = v.file;
	e->dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	e->ino = BPF_CORE_READ(f, f_inode, i_ino);
	e->path_depth = FILE_PATH(v.file, e->path, &e->path_truncated);
	/* woken now, even behind events that wait for a backlog: user space builds the
	 * code's unwind table before the process runs far into it (rare: loads and execs) */
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return v.start;
}

/* At sched_process_exec (the new image is mapped, the registers point at its entry): the
 * executable's code and the interpreter's (where the process starts). */
static __always_inline void code_map_exec(void *rb, __u32 tgid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 code = BPF_CORE_READ(task, mm, start_code);
	__u64 entry = PT_REGS_IP((struct pt_regs *)bpf_task_pt_regs(task));
	__u64 exe = code_map_emit(rb, tgid, code);
	if (entry && !(exe && entry >= exe && entry < BPF_CORE_READ(task, mm, end_code)))
		code_map_emit(rb, tgid, entry);
}

/* At sys_exit: a successful mmap (nr 9) or mprotect (nr 10) that made file code
 * executable. x86-64 numbers; regs keep the arguments. */
static __always_inline void code_map_mmap_exit(void *rb, __u32 tgid, struct pt_regs *regs, long ret)
{
	long nr = BPF_CORE_READ(regs, orig_ax);
	if ((nr != 9 && nr != 10) || ret < 0)
		return;
	if (!(BPF_CORE_READ(regs, dx) & CODE_MAP_PROT_EXEC))
		return;
	code_map_emit(rb, tgid, nr == 9 ? (__u64)ret : BPF_CORE_READ(regs, di));
}

#endif
