/* memmon cgroups: every memory cgroup (v1 and v2, whichever are mounted) as a tree with
 * usage, limits, what fills it (memory.stat), swap, OOM events, pressure and processes;
 * siblings nearest their limit first. Reads only: it never writes a limit. */
#include "commands.h"
#include "core/cli.h"
#include "core/loop.h"
#include "core/options.h"
#include "proc/cgroup_mounts.h"
#include "snapshot/cgroups_collect.h"
#include "snapshot/cgroups_print.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *CMD = "cgroups";
static const char *WHOLE = "lists memory cgroups: no -p, --comm or -- PROGRAM (--cgroup PATH for one)";

struct cgroups_opts {
	bool json, repeat;
	double interval, duration;
	const char *only; /* --cgroup */
	char path[CGROUP_PATH_MAX];
};

/* "/a/b" with no empty, "." or ".." part: a path under a hierarchy's root. Trailing slashes
 * are dropped. 0 or -1. */
static int clean_path(const char *in, char *out, size_t n)
{
	if (in[0] != '/' || strlen(in) >= n)
		return -1;
	snprintf(out, n, "%s", in);
	size_t len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	for (const char *p = out + 1; *p && len > 1;) {
		const char *slash = strchr(p, '/');
		size_t part = slash ? (size_t)(slash - p) : strlen(p);
		if (part == 0 || (part == 1 && p[0] == '.') || (part == 2 && !memcmp(p, "..", 2)))
			return -1;
		p += part + (slash ? 1 : 0);
	}
	return 0;
}

/* OPTS_GO_ON, or the exit code. */
static int parse(struct cgroups_opts *o, int argc, char **argv)
{
	struct cli cli = { 0 };
	const char *only = NULL;
	struct opt opts[] = {
		OPT_STRING(0, "cgroup", &only, "PATH",
			   "only the group at PATH under the hierarchy's root\n"
			   "(\"/\" is the root; as /proc/PID/cgroup shows it)"),
		OPT_INTERVAL(&cli, "repeat every S seconds"),
		OPT_DURATION(&cli, "stop repeating after S seconds"),
		OPT_JSON(&cli, "JSON Lines: {\"type\":\"cgroups_group\"} per group; with -i\n"
			       "{\"type\":\"cgroups_interval\"} after each round;\n"
			       "{\"type\":\"cgroups_summary\"} last"),
		OPT_REFUSE('p', "pid", true, WHOLE),
		OPT_REFUSE(0, "comm", true, WHOLE),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon cgroups [--cgroup PATH] [-i SECONDS] [-d SECONDS] [--json]",
		.about = "Every memory cgroup of the v1 memory hierarchy and of the v2 hierarchy (when\n"
			 "it has the memory controller), as a tree; each group's children nearest\n"
			 "their limit first (usage / limit; unlimited groups after, largest first).\n"
			 "Per group: usage, limit, share of the limit used, memory.high and\n"
			 "memory.low (v2) or the soft limit (v1), anonymous / file / kernel / socket /\n"
			 "shmem memory (memory.stat; v1: the hierarchical total_* lines), swap, times\n"
			 "the limit was hit, OOM and OOM-kill events, memory pressure (v2 PSI) and\n"
			 "the processes in it. Sizes in kB (JSON: bytes).",
		.epilog = "Groups removed while read are skipped and counted. memmon never writes a\n"
			  "cgroup file.",
		.opts = opts,
		.program_refused = WHOLE,
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (cli.duration > 0 && cli.interval <= 0)
		return cli_usage_error(CMD, "-d needs -i");
	if (only) {
		if (clean_path(only, o->path, sizeof(o->path)))
			return cli_usage_error(CMD, "--cgroup '%s': give a path from the hierarchy's "
					       "root, like /system.slice/foo (no . or ..)", only);
		o->only = o->path;
	}
	o->json = cli.json;
	o->repeat = cli.interval > 0;
	o->interval = cli.interval;
	o->duration = cli.duration;
	return OPTS_GO_ON;
}

struct hierarchies {
	struct cgroup_mounts m;
	struct cgroup_hierarchy h[2];
};

/* One round: every hierarchy's groups into l, sorted. 0, or the exit code after a message. */
static int collect(const struct cgroups_opts *o, const struct hierarchies *hs,
		   struct cgroup_list *l)
{
	bool found = false;
	for (int i = 0; i < 2; i++) {
		const struct cgroup_hierarchy *h = &hs->h[i];
		if (!h->mount || !h->memory)
			continue;
		int r = cgroups_collect(l, h->mount, h->version, o->only);
		if (r == -ENOENT && o->only)
			continue;
		if (r) {
			fprintf(stderr, "memmon cgroups: cannot read %s: %s\n", h->mount, strerror(-r));
			return EXIT_RUNTIME;
		}
		found = true;
	}
	if (o->only && !found) {
		fprintf(stderr, "memmon cgroups: no memory cgroup %s in any hierarchy\n", o->only);
		return EXIT_RUNTIME;
	}
	if (cgroups_sort(l)) {
		fprintf(stderr, "memmon cgroups: out of memory\n");
		return EXIT_RUNTIME;
	}
	return 0;
}

static int run(const struct cgroups_opts *o, const struct hierarchies *hs)
{
	long rounds = !o->repeat ? 1 : o->duration > 0 ? (long)(o->duration / o->interval + 1e-9) : -1;
	if (rounds == 0)
		rounds = 1;
	struct cgroups_print pp = { .json = o->json, .final = !o->repeat, .hier = hs->h, .nhier = 2 };
	struct cgroup_list l = { 0 };
	double start = now_seconds(), last = start;
	long round;
	int rc = 0;
	for (round = 0; rounds < 0 || round < rounds; round++) {
		if (o->repeat && round > 0) {
			loop_sleep_until(start + (double)round * o->interval);
			if (loop_interrupted())
				break;
		}
		cgroups_free(&l);
		if ((rc = collect(o, hs, &l)))
			break;
		if (round > 0 && !o->json)
			printf("\n----\n");
		cgroups_print(&l, &pp, stdout);
		double t = now_seconds();
		if (o->repeat && o->json)
			cgroups_print_interval(round + 1, t - last, stdout);
		last = t;
	}
	if (!rc && o->json)
		cgroups_print_summary(&l, &pp, round, now_seconds() - start,
				      loop_end_reason(loop_interrupted() ? LOOP_SIGNAL : LOOP_DURATION),
				      stdout);
	cgroups_free(&l);
	return rc;
}

int cmd_cgroups(int argc, char **argv)
{
	struct cgroups_opts o = { 0 };
	int rc = parse(&o, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	struct hierarchies hs;
	int r = cgroup_mounts_read(&hs.m);
	if (r) {
		fprintf(stderr, "memmon cgroups: cannot read /proc/mounts: %s\n", strerror(-r));
		return EXIT_RUNTIME;
	}
	hs.h[0] = (struct cgroup_hierarchy){ 1, hs.m.v1_memory[0] ? hs.m.v1_memory : NULL, true };
	hs.h[1] = (struct cgroup_hierarchy){ 2, hs.m.v2[0] ? hs.m.v2 : NULL,
					     hs.m.v2[0] && cgroup_v2_has_memory(hs.m.v2) };
	if (!hs.h[0].mount && !hs.h[1].memory) {
		fprintf(stderr, "memmon cgroups: no memory cgroup hierarchy is mounted (neither a v1 "
			"memory controller nor cgroup2 with memory)\n");
		return EXIT_RUNTIME;
	}
	loop_install_signals();
	return run(&o, &hs) ? EXIT_RUNTIME : EXIT_OK;
}
