/* memmon leak's two modes share options and the report (leak_report.h). */
#ifndef MEMMON_LEAK_H
#define MEMMON_LEAK_H
#include "cli.h"
#include <stdbool.h>
#include <stdint.h>

struct leak_opts {
	struct cli cli;
	const char *lib;
	bool kernel, show_allocs, combined;
	int top;
	uint64_t older_than_ns;
	unsigned long long min_size, max_size;
	uint32_t sample_rate, max_allocs;
};

int leak_user_run(const struct leak_opts *o);
int leak_kernel_run(const struct leak_opts *o);

#endif
