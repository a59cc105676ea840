/* Small /proc/sys and /sys files that hold whitespace-separated integers: one knob
 * (/proc/sys/vm/swappiness: "60"), or a row of counters (zram's mm_stat). */
#ifndef MEMMON_PROC_NUMBERS_H
#define MEMMON_PROC_NUMBERS_H
#include <stddef.h>
#include <stdint.h>

/* Parses up to max signed decimal integers separated by blanks and newlines. Returns how
 * many, or -EINVAL for anything else (a word, a number out of range). */
int numbers_parse(const char *text, size_t len, int64_t *out, int max);
/* Reads path and parses it. The count, or -errno (-ENOENT: the kernel lacks the file). */
int numbers_read(const char *path, int64_t *out, int max);
/* One integer: 0 or -errno (-EINVAL when the file holds no number). */
int number_read(const char *path, int64_t *out);

#endif
