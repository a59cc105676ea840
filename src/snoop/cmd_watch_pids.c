/* memmon watch-pids: edit the watch list of a running `memmon watch`, with the semantics of
 * the classic module's /proc/memmon/watch-pids: a positive pid adds, a negative one
 * removes, 0 clears, no argument lists. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/options.h"
#include "snoop/watch_list.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_VALUES 256

struct watch_pids_args {
	const char *map;
	bool json;
	long vals[MAX_VALUES]; /* PID adds, -PID removes, 0 clears; in order */
	int nvals;
};

/* OPTS_GO_ON, or the exit code. */
static int parse(struct watch_pids_args *a, int argc, char **argv)
{
	struct opt opts[] = {
		OPT_STRING(0, "map", &a->map, "PATH",
			   "the pinned watch list (default: the one running watch's own)"),
		OPT_FLAG(0, "json", &a->json,
			 "list as one record {\"type\":\"watch_pids_list\",\"pids\":[...]}"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = "watch-pids",
		.usage = "memmon watch-pids [--map PATH] [--json] [PID | -PID | 0] ...",
		.about = "Changes the watch list of a running `memmon watch`: PID adds a process, -PID removes\n"
			 "it, 0 clears the list; with no PID, lists it (one pid a line, ascending). Arguments\n"
			 "apply in order.",
		.opts = opts,
		.max_args = argc,
		.negative_numbers = true, /* -PID removes */
	};
	int rc = opts_parse(&spec, argc, argv);
	for (int i = 0; rc == OPTS_GO_ON && i < spec.nargs; i++) {
		const char *arg = spec.args[i];
		long v;
		if (cli_parse_long(arg, -0x7fffffffL, 0x7fffffffL, &v))
			rc = cli_usage_error("watch-pids", "invalid pid '%s' (PID adds, -PID removes, "
					     "0 clears)", arg);
		else if (a->nvals >= MAX_VALUES)
			rc = cli_usage_error("watch-pids", "at most %d pids per call", MAX_VALUES);
		else
			a->vals[a->nvals++] = v;
	}
	return rc;
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
	struct watch_pids_args a = { .map = NULL };
	int rc = parse(&a, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (geteuid() != 0) {
		fprintf(stderr, "memmon watch-pids: needs CAP_BPF: run as root\n");
		return EXIT_RUNTIME;
	}
	char session[256];
	if (!a.map && watch_list_find_session("watch-pids", session, sizeof(session)))
		return EXIT_RUNTIME;
	const char *map = a.map ? a.map : session;
	int fd = bpf_obj_get(map);
	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "memmon watch-pids: no watch list at %s: start `memmon watch` "
					"first\n", map);
		else
			fprintf(stderr, "memmon watch-pids: cannot open %s: %s\n", map, strerror(errno));
		return EXIT_RUNTIME;
	}
	rc = EXIT_OK;
	for (int i = 0; i < a.nvals; i++) {
		uint32_t pid = (uint32_t)labs(a.vals[i]);
		if (a.vals[i] == 0) {
			clear_all(fd);
		} else if (a.vals[i] > 0) {
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
	if (a.nvals == 0) {
		static uint32_t keys[WATCH_LIST_MAX];
		int n = watch_list_read(fd, keys, WATCH_LIST_MAX, false);
		if (a.json) {
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
