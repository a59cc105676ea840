/* An executable file mapping of a traced process, reported by the kernel side while the
 * process lives (symbols/code_map.bpf.h), so its stacks resolve after it is gone: the
 * symbolizer learns it from the ring buffer (symbols/code_map.c) instead of reading
 * /proc/PID/maps too late. Shared by both sides, so plain kernel types only. */
#ifndef MEMMON_CODE_MAP_EVENT_H
#define MEMMON_CODE_MAP_EVENT_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* The first __u32 of the event: distinct from every other event kind of the ring buffers
 * that carry it (snoop's, leak's). */
#define CODE_MAP_EVENT_KIND 0xc0de

#define CODE_MAP_PATH_PARTS 16
#define CODE_MAP_NAME_LEN 64

struct code_map_event {
	__u32 kind; /* CODE_MAP_EVENT_KIND */
	__u32 tgid;
	__u64 start, end;
	__u64 pgoff;        /* bytes */
	__u64 dev, ino;     /* the file as the unwind tables key it: its superblock's s_dev
			     * (the kernel's encoding, major << 20 | minor) and inode number */
	__u32 path_depth;   /* components stored, innermost first */
	__u32 path_truncated;
	char path[CODE_MAP_PATH_PARTS][CODE_MAP_NAME_LEN];
};

#endif
