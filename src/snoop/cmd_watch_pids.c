/* memmon watch-pids: edit the watch list of a running `memmon watch`, with the semantics of
 * the classic module's /proc/memmon/watch-pids: a positive pid adds, a negative one
 * removes, 0 clears, no argument lists. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "snoop/watch_list.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out,
"usage: memmon watch-pids [--map PATH] [--json] [PID | -PID | 0] ...\n"
"\n"
"Changes the watch list of a running `memmon watch`: PID adds a process, -PID removes\n"
"it, 0 clears the list; with no PID, lists it (one pid a line, ascending). Arguments\n"
"apply in order.\n"
"\n"
"      --map PATH  the pinned watch list (default " SNOOP_WATCH_MAP_DEFAULT ")\n"
"      --json      list as one record {\"type\":\"watch_pids_list\",\"pids\":[...]}\n"
"  -h, --help      this help\n");
}

/* 0 clears the watch list. */
static void clear_all(int fd)
{
	static uint32_t pids[WATCH_LIST_MAX];
	int n = watch_list_read(fd, pids, WATCH_LIST_MAX, false);
	for (int i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &pids[i]);
}

int cmd_watch_pids(int argc, char **argv)
{
	const char *map = SNOOP_WATCH_MAP_DEFAULT;
	bool json = false;
	long vals[256];
	int nvals = 0;
	/* No getopt: "-3000" is a pid to remove, not an option. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--map")) {
			if (++i >= argc)
				return cli_usage_error("watch-pids", "--map needs a path");
			map = argv[i];
		} else if (!strncmp(a, "--map=", 6)) {
			map = a + 6;
		} else {
			long v;
			if (cli_parse_long(a, -0x7fffffffL, 0x7fffffffL, &v))
				return cli_usage_error("watch-pids", "invalid pid '%s' (PID adds, -PID "
						       "removes, 0 clears)", a);
			if (nvals >= 256)
				return cli_usage_error("watch-pids", "at most 256 pids per call");
			vals[nvals++] = v;
		}
	}
	if (geteuid() != 0) {
		fprintf(stderr, "memmon watch-pids: needs CAP_BPF: run as root\n");
		return EXIT_RUNTIME;
	}
	int fd = bpf_obj_get(map);
	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "memmon watch-pids: no watch list at %s: start `memmon watch` "
					"first\n", map);
		else
			fprintf(stderr, "memmon watch-pids: cannot open %s: %s\n", map, strerror(errno));
		return EXIT_RUNTIME;
	}
	int rc = EXIT_OK;
	for (int i = 0; i < nvals; i++) {
		uint32_t pid = (uint32_t)labs(vals[i]);
		if (vals[i] == 0) {
			clear_all(fd);
		} else if (vals[i] > 0) {
			int err;
			if (kill((pid_t)pid, 0) && errno == ESRCH) {
				fprintf(stderr, "memmon watch-pids: pid %u does not exist\n", pid);
				rc = EXIT_RUNTIME;
			} else if ((err = watch_list_add(fd, pid))) {
				fprintf(stderr, "memmon watch-pids: cannot add pid %u: %s\n", pid,
					strerror(-err));
				rc = EXIT_RUNTIME;
			}
		} else if (bpf_map_delete_elem(fd, &pid)) {
			fprintf(stderr, "memmon watch-pids: pid %u is not watched\n", pid);
			rc = EXIT_RUNTIME;
		}
	}
	if (nvals == 0) {
		static uint32_t keys[WATCH_LIST_MAX];
		int n = watch_list_read(fd, keys, WATCH_LIST_MAX, false);
		if (json) {
			struct json_object *o = json_record("watch_pids_list");
			struct json_object *arr = json_object_new_array();
			for (int i = 0; i < n; i++)
				json_object_array_add(arr, json_object_new_int64(keys[i]));
			json_object_object_add(o, "pids", arr);
			json_emit(o, stdout);
		} else {
			for (int i = 0; i < n; i++)
				printf("%u\n", keys[i]);
		}
	}
	close(fd);
	return rc;
}
