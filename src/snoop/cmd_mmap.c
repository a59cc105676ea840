/* memmon mmap: every mmap and munmap, system-wide or of -p pids / a launched program,
 * one line each with the decoded call and its result. */
#include "commands.h"
#include "snoop/snoop_cmd.h"
#include "snoop/snoop_event.h"

int cmd_mmap(int argc, char **argv)
{
	static const struct snoop_def def = {
		.cmd = "mmap", .sys_mask = 1u << SNOOP_SYS_MMAP | 1u << SNOOP_SYS_MUNMAP,
		.usage = "memmon mmap [-p PID ...] [--comm NAME] [-d SEC] [--json] [-- PROGRAM ARGS]",
		.about = "Prints every mmap and munmap call, system-wide unless -p or a PROGRAM is given: time\n"
			 "(seconds since start), pid/tid, comm, then the call with decoded arguments (prot as rwx,\n"
			 "flags by name, fd with its file's path) and its result (address, or -1 and the errno\n"
			 "name).",
		.json_help = "JSON Lines: {\"type\":\"mmap_syscall\",\"time\",\"pid\",\"tid\",\n"
			     "\"comm\",\"call\",\"args\":{...},\"ret\",\"error\"}, then\n"
			     "{\"type\":\"mmap_summary\"}",
	};
	return snoop_main(&def, argc, argv);
}
