/* The path of an open file, walked from its dentry up to the root, crossing mount points:
 * one implementation for every BPF object that names files (faults/faults.bpf.c: the files map;
 * snoop/snoop.bpf.c: file faults, mmap's fd, exec). bpf_d_path is not allowed in the program types
 * these run in (perf_event, tp_btf). Include after vmlinux.h and the bpf headers. */
#ifndef MEMMON_FILE_PATH_BPF_H
#define MEMMON_FILE_PATH_BPF_H

/* Stores f's path components, innermost first, in parts: max_parts names of name_len bytes
 * each (longer names are cut). Returns how many it stored. *truncated is 0 if the walk
 * reached the root of the file's mount namespace, or the file is a pseudo file (SysV shm,
 * memfd, anonymous hugetlb) whose name is all there is; 1 if components above the stored
 * ones were left out. max_parts and name_len are constants after inlining: use
 * FILE_PATH() to take them from the array. */
static __always_inline __u32 file_path(struct file *f, char *parts, const __u32 max_parts,
				       const __u32 name_len, __u32 *truncated)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
	struct mount *mnt = (void *)vm - bpf_core_field_offset(struct mount, mnt);
	*truncated = 1;
	/* One name per step, so the step count is the name count: the verifier then sees as
	 * many states as names (a separate count of names, moved by some steps only, made it
	 * check every pair of the two: 220k instructions per inlined call on 6.18). Unrolled:
	 * 6.1's verifier refuses the loop clang otherwise makes (a back-edge that is a
	 * fall-through, "back-edge from insn N to N+1"). */
#pragma unroll
	for (__u32 n = 0; n <= max_parts; n++) {
		/* at the root of a mount: up to where it is mounted (stacked mounts: again) */
#pragma unroll
		for (int k = 0; k < 4; k++) {
			if (d != BPF_CORE_READ(mnt, mnt.mnt_root))
				break;
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
			if (up == mnt || !up) { /* the namespace's root (or a kernel-internal mount) */
				*truncated = 0;
				return n;
			}
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
		}
		if (n == max_parts || d == BPF_CORE_READ(mnt, mnt.mnt_root))
			return n; /* more names above, or more stacked mounts than followed */
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);
		bpf_probe_read_kernel_str(parts + n * name_len, name_len, name);
		if (d == parent) { /* a pseudo file is its own parent: its name alone */
			*truncated = 0;
			return n + 1;
		}
		d = parent;
	}
	return max_parts;
}

/* parts: an array char[N][LEN]. */
#define FILE_PATH(f, parts, truncated)                                                    \
	file_path((f), (char *)(parts), sizeof(parts) / sizeof((parts)[0]), sizeof((parts)[0]), \
		  (truncated))

#endif
