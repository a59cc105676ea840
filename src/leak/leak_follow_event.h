/* leak following the processes a traced one forks (leak/leak_follow.bpf.h): what user
 * space learns about them, in the ring buffer the allocator events share. */
#ifndef MEMMON_LEAK_FOLLOW_EVENT_H
#define MEMMON_LEAK_FOLLOW_EVENT_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Above alloc_error_kind's and alloc_map_event_kind's, below CODE_MAP_EVENT_KIND. */
enum leak_follow_kind {
	LEAK_EV_FORK = 64, /* tgid was forked by parent: it starts with its parent's mappings */
	LEAK_EV_EXEC,      /* tgid exec'd at ts_ns: what it allocated before is gone */
};

struct leak_follow_event {
	__u32 kind;
	__u32 tgid;
	__u32 parent;
	__u32 pad;
	__u64 ts_ns;
};

#endif
