/* Files of "key value" lines: a memory cgroup's memory.stat, memory.events and
 * memory.oom_control, /proc/PID/ksm_stat. Lines whose value is not a number
 * ("ksm_merge_any: no") are skipped, not errors. */
#ifndef MEMMON_PROC_KEYVAL_H
#define MEMMON_PROC_KEYVAL_H
#include <stddef.h>
#include <stdint.h>

/* The value of key (a line "key value" or "key: value"): 0, -ENOENT when no line has that
 * key, -EINVAL when its value is not a decimal integer. */
int keyval_find(const char *text, size_t len, const char *key, int64_t *out);

#endif
