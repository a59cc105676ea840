/* The load at a moment: /proc/loadavg. The parser takes the text so it can be tested and
 * fuzzed on its own. Free memory comes from proc/proc_meminfo.h. */
#ifndef MEMMON_PROC_LOADAVG_H
#define MEMMON_PROC_LOADAVG_H
#include <stdbool.h>
#include <stdint.h>

struct loadavg {
	double avg1, avg5, avg15;
	int running, total;
};

/* "0.15 0.10 0.05 1/123 4567": 0 on success, -1 if malformed. */
int loadavg_parse(const char *text, struct loadavg *out);
/* Reads the file; 0 on success, -1 (errno set) if unreadable or malformed. */
int loadavg_read(struct loadavg *out);

#endif
