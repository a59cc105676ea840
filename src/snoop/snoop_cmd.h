/* The common frame of the mmap, brk and shm snoops: options (-p, --comm, -i, -d, --json,
 * --buffer-size, -- PROGRAM), loading snoop/snoop.bpf.c for a set of calls on every process
 * or on -p pids, the run loop and the lost-event report. A snoop gives the calls, its
 * help and, if it aggregates instead of logging, its own event/interval/end callbacks. */
#ifndef MEMMON_SNOOP_CMD_H
#define MEMMON_SNOOP_CMD_H
#include "core/cli.h"
#include "snoop/snoop_log.h"
#include "snoop/snoop_session.h"
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct snoop_run {
	struct cli cli;
	struct snoop_session s;
	struct snoop_log log;
	unsigned long intervals; /* -i intervals so far, the one being printed included */
	double interval_start;   /* seconds since the start when the current interval began */
	void *ctx; /* the snoop's own state */
};

struct snoop_def {
	const char *cmd;
	uint32_t sys_mask;
	bool brk_stack;
	bool symbols;    /* the snoop symbolizes (stacks): keep a symbolizer in log.sym */
	void (*usage)(FILE *out);
	/* NULL: log every event with snoop_log_event. ctx is the struct snoop_run. */
	ring_buffer_sample_fn on_event;
	void (*on_interval)(struct snoop_run *r);
	void (*on_end)(struct snoop_run *r);
	/* adds the snoop's totals to its COMMAND_summary record (NULL: the events printed) */
	void (*totals)(struct snoop_run *r, struct json_object *summary);
	void *ctx;
};

/* Seconds since the snoop started. */
double now_seconds_since(const struct snoop_run *r);

int snoop_main(const struct snoop_def *def, int argc, char **argv);

#endif
