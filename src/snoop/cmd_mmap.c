/* memmon mmap: every mmap and munmap, system-wide or of -p pids / a launched program,
 * one line each with the decoded call and its result. */
#include "commands.h"
#include "snoop/snoop_cmd.h"
#include "snoop/snoop_event.h"

static void usage(FILE *out)
{
	fprintf(out,
"usage: memmon mmap [-p PID ...] [--comm NAME] [-d SEC] [--json] [-- PROGRAM ARGS]\n"
"\n"
"Prints every mmap and munmap call, system-wide unless -p or a PROGRAM is given: time\n"
"(seconds since start), pid/tid, comm, then the call with decoded arguments (prot as rwx,\n"
"flags by name, fd with its file's path) and its result (address, or -1 and the errno\n"
"name).\n"
"\n"
"  -p, --pid PID        only this process (repeatable); stops when all have exited\n"
"  -- PROGRAM ARGS      launch PROGRAM and trace it from its first instruction\n"
"      --comm NAME      only processes named NAME\n"
"      --buffer-size N  ring buffer size, a power of two (default 8M)\n"
"  -d, --duration SEC   stop after SEC seconds\n"
"      --json           JSON Lines: {\"type\":\"mmap_syscall\",\"time\",\"pid\",\"tid\",\n"
"                       \"comm\",\"call\",\"args\":{...},\"ret\",\"error\"}, then\n"
"                       {\"type\":\"mmap_summary\"}\n"
"  -h, --help           this help\n");
}

int cmd_mmap(int argc, char **argv)
{
	static const struct snoop_def def = {
		.cmd = "mmap", .sys_mask = 1u << SNOOP_SYS_MMAP | 1u << SNOOP_SYS_MUNMAP, .usage = usage,
	};
	return snoop_main(&def, argc, argv);
}
