/* memmon shm: System V shared memory calls with decoded arguments and results, so two
 * processes sharing a segment show the same id. */
#include "commands.h"
#include "snoop/snoop_cmd.h"
#include "snoop/snoop_event.h"

int cmd_shm(int argc, char **argv)
{
	static const struct snoop_def def = {
		.cmd = "shm",
		.sys_mask = 1u << SNOOP_SYS_SHMGET | 1u << SNOOP_SYS_SHMAT | 1u << SNOOP_SYS_SHMDT |
			    1u << SNOOP_SYS_SHMCTL,
		.usage = "memmon shm [-p PID ...] [--comm NAME] [-d SEC] [--json] [-- PROGRAM ARGS]",
		.about = "Prints every shmget, shmat, shmdt and shmctl call, system-wide unless -p or a PROGRAM is\n"
			 "given: time, pid/tid, comm, the call with decoded arguments (key, IPC_*/SHM_* flags,\n"
			 "permission bits, shmctl command) and its result (the segment id, an address, or -1 and\n"
			 "the errno name).",
		.json_help = "JSON Lines: {\"type\":\"shm_syscall\",...} as for memmon mmap,\n"
			     "then {\"type\":\"shm_summary\"}",
	};
	return snoop_main(&def, argc, argv);
}
