/* Shared between pressure/compact.bpf.c and the compact command. */
#ifndef MEMMON_COMPACT_EVENT_H
#define MEMMON_COMPACT_EVENT_H

enum compact_row_type { ROW_COMPACTION = 1, ROW_MIGRATION = 2, ROW_KCOMPACTD_WAKE = 3 };

struct compact_key {
	__u32 tgid;
	__u32 type;       /* enum compact_row_type */
	__s32 code;       /* compaction: enum compact_result; migration: enum migrate_reason */
	__u32 background; /* done by a kernel thread (kcompactd), not a task that waited */
};

struct compact_value {
	__u64 count;     /* compaction runs, migrate_pages calls, kcompactd wakeups */
	__u64 total_ns;  /* compaction: time in compact_zone */
	__u64 max_ns;
	__u64 succeeded; /* migration: pages (folios) moved */
	__u64 failed;
	__u64 thp_succeeded, thp_failed;
	char comm[16];
};

#endif
