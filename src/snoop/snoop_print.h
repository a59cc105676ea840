/* The event log printer of watch, mmap and shm: one line (or one JSON record, typed
 * COMMAND_syscall, COMMAND_fault, ...) per mm event with time, pid/tid and comm; faults
 * classified (kernel/fault_class.h). It prints what snoop/snoop_log.c gathered (the file
 * path, the faulting instruction's symbol) and reads nothing itself. */
#ifndef MEMMON_SNOOP_PRINT_H
#define MEMMON_SNOOP_PRINT_H
#include "snoop/snoop_event.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct snoop_printer {
	const char *cmd;      /* "watch": the prefix of the JSON types */
	bool json;
	FILE *out;
	uint64_t printed;     /* events printed */
};

/* One event with what its line needs besides the event itself. */
struct snoop_line {
	const struct snoop_event *e;
	double t;             /* seconds since the start */
	const char *comm;     /* e->comm, terminated */
	const char *path;     /* the event's file ("" if none) */
	const char *symbol;   /* faults: the faulting instruction ("" if unknown) */
};

void snoop_printer_init(struct snoop_printer *p, const char *cmd, bool json);
void snoop_print_line(struct snoop_printer *p, const struct snoop_line *l);
/* COMMAND_lost record / line: N events dropped because the ring buffer was full. */
void snoop_print_lost(struct snoop_printer *p, uint64_t lost, bool final);

#endif
