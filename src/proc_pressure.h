/* What the system looked like at a moment: /proc/loadavg and the free-memory lines of
 * /proc/meminfo. The parsers take the text so they can be tested and fuzzed on their own. */
#ifndef MEMMON_PROC_PRESSURE_H
#define MEMMON_PROC_PRESSURE_H
#include <stdbool.h>
#include <stdint.h>

struct loadavg {
	double avg1, avg5, avg15;
	int running, total;
};

struct meminfo_free {
	uint64_t total_kb, free_kb, available_kb; /* UINT64_MAX when absent */
};

/* "0.15 0.10 0.05 1/123 4567": 0 on success, -1 if malformed. */
int loadavg_parse(const char *text, struct loadavg *out);
/* Picks MemTotal, MemFree, MemAvailable out of meminfo text; 0 if MemFree was found. */
int meminfo_parse(const char *text, struct meminfo_free *out);
/* Read the files; 0 on success, -1 (errno set) if unreadable or malformed. */
int loadavg_read(struct loadavg *out);
int meminfo_read(struct meminfo_free *out);

#endif
