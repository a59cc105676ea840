/* Parser of a pressure stall file (/proc/pressure/memory, a v2 cgroup's memory.pressure):
 *   some avg10=0.12 avg60=0.05 avg300=0.01 total=123456
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=2345
 * avgs are percentages of wall time some (or all) tasks stalled; total is microseconds. */
#ifndef MEMMON_PROC_PSI_H
#define MEMMON_PROC_PSI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct psi_line {
	double avg10, avg60, avg300;
	uint64_t total_us;
};
struct psi {
	struct psi_line some, full;
	bool has_full; /* the system-wide cpu file had no full line before 5.13 */
};

/* 0, or -EINVAL when the some line is missing or a line is malformed. */
int psi_parse(const char *text, size_t len, struct psi *out);

#endif
