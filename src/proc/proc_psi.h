/* Parser of the pressure stall information files /proc/pressure/{memory,io,cpu}:
 * "some avg10=0.00 avg60=0.00 avg300=0.00 total=11799373" and a "full" line. */
#ifndef MEMMON_PROC_PSI_H
#define MEMMON_PROC_PSI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct psi_line {
	bool present;
	double avg10, avg60, avg300; /* percent of wall time */
	uint64_t total_us;           /* stall time since boot, microseconds */
};

struct psi {
	struct psi_line some; /* at least one task stalled */
	struct psi_line full; /* every non-idle task stalled (absent for cpu before 5.13) */
};

/* Returns 0, or -EINVAL if a line is malformed or there is no "some" line. */
int psi_parse(const char *text, size_t len, struct psi *out);
/* Reads /proc/pressure/RESOURCE ("memory", "io", "cpu"). Returns 0 or -errno (-ENOENT
 * without CONFIG_PSI, -EOPNOTSUPP when booted with psi=0). */
int psi_read(const char *resource, struct psi *out);

#endif
