/* The common frame of the mmap, brk and shm snoops: the option table (-p, --comm, -i, -d,
 * --json, --buffer-size, -- PROGRAM), loading snoop/snoop.bpf.c for a set of calls on every
 * process or on -p pids / a launched program, the run loop and the summary. A snoop gives
 * the calls, its help and, if it aggregates instead of logging, its own event, interval,
 * end and totals callbacks. */
#ifndef MEMMON_SNOOP_CMD_H
#define MEMMON_SNOOP_CMD_H
#include "output/profile_files.h"
#include "snoop/snoop_run.h"
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct snoop_def {
	const char *cmd;
	uint32_t sys_mask;
	bool brk_stack;
	bool symbols;    /* the snoop symbolizes (stacks): keep a symbolizer in log.sym */
	/* --help: the usage line, the paragraph about the snoop, its --json line */
	const char *usage, *about, *json_help;
	/* -i's help, with on_interval (without, -i does not apply: every call is printed) */
	const char *interval_help;
	/* NULL: log every event with snoop_log_event. ctx is the struct snoop_run. */
	ring_buffer_sample_fn on_event;
	void (*on_interval)(struct snoop_run *r);
	void (*on_end)(struct snoop_run *r);
	/* adds the snoop's totals to its COMMAND_summary record (NULL: the events printed) */
	void (*totals)(struct snoop_run *r, struct json_object *summary);
	void *ctx;
	/* a snoop that aggregates by stack: its --pprof/--folded/--flamegraph, opened before
	 * tracing and written by its on_end; NULL: those options are refused */
	struct profile_files *profiles;
};

int snoop_main(const struct snoop_def *def, int argc, char **argv);

#endif
