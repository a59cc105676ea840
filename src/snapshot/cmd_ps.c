/* memmon ps: what each process (user, mapping) really costs: USS, PSS, RSS, swap, VSS. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_pid.h"
#include "proc/proc_pid_mem.h"
#include "snapshot/mem_rows.h"
#include "snapshot/ps_print.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_USER = OPT_COMMON_LAST, OPT_BY, OPT_PERCENT, OPT_SMAPS };

static void usage(void)
{
	printf("usage: memmon ps [-p PID]... [--comm NAME] [--user USER] [--by user|mapping]\n"
	       "                 [-s COLUMN] [-r] [--percent] [--smaps] [--json]\n\n"
	       "What processes really cost, from /proc/PID/smaps_rollup (smaps where the kernel\n"
	       "has no rollup). Sizes in kB:\n"
	       "  USS  unique set size: private pages (Private_Clean + Private_Dirty)\n"
	       "  PSS  proportional set size: each resident page divided by its sharers\n"
	       "  RSS  resident set size; Swap, SwapPss (swap divided by sharers); VSS mapped size\n\n"
	       "  -p, --pid PID       only this process (repeatable)\n"
	       "      --comm NAME     only processes whose comm is NAME\n"
	       "      --user USER     only processes owned by USER (name or uid)\n"
	       "      --by user       one row per user (Count = processes)\n"
	       "      --by mapping    one row per mapped file or region across all processes\n"
	       "                      (Count = mappings, PIDs = processes mapping it)\n"
	       "  -s, --sort COLUMN   swap, swappss, uss, pss (default), rss, vss (largest first);\n"
	       "                      pid, user, command; with --by: user, count, map, pids\n"
	       "  -r, --reverse       reverse the order\n"
	       "      --percent       show sizes as %% of physical memory (MemTotal)\n"
	       "      --smaps         sum per-mapping smaps like smem (PSS rounded per mapping)\n"
	       "                      instead of smaps_rollup (PSS rounded once)\n"
	       "      --json          JSON Lines: {\"type\":\"process\"|\"user\"|\"mapping\"}, then\n"
	       "                      {\"type\":\"total\"} and {\"type\":\"skipped\"}\n"
	       "  -h, --help          this help\n\n"
	       "Processes that exit or cannot be read while listing are skipped and counted.\n");
}

struct ps_opts {
	struct cli cli;
	bool by_user, by_mapping, percent, reverse, have_uid;
	uid_t uid;
	enum mem_source src;
	enum ps_column sort;
};

struct skipped {
	unsigned vanished, unreadable, malformed, other;
};

static void count_skip(struct skipped *s, int err)
{
	if (err == -ENOENT || err == -ESRCH)
		s->vanished++;
	else if (err == -EACCES || err == -EPERM)
		s->unreadable++;
	else if (err == -EINVAL)
		s->malformed++;
	else
		s->other++;
}

struct map_ctx {
	struct mem_rows *rows;
	pid_t pid;
	int err;
};

static int add_mapping(const struct smaps_mapping *m, void *ctx)
{
	struct map_ctx *mc = ctx;
	struct mem_row *r = mem_rows_get(mc->rows, m->name[0] ? m->name : "<anonymous>");
	if (!r)
		return -ENOMEM;
	mem_counts_add(&r->c, &m->c);
	r->count++;
	if (r->last_pid != mc->pid) {
		r->last_pid = mc->pid;
		r->pids++;
	}
	return 0;
}

/* Per-mapping rows need every mapping: read smaps. Returns 0 or -errno. */
static int collect_mappings(pid_t pid, struct text_buf *buf, struct mem_rows *rows)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	int r = proc_read_file(path, buf);
	if (r)
		return r;
	/* Parse into a scratch table first so a malformed file adds nothing. */
	struct mem_rows scratch = { 0 };
	struct map_ctx mc = { &scratch, pid, 0 };
	r = smaps_parse(buf->data, buf->len, add_mapping, &mc);
	if (r < 0) {
		mem_rows_free(&scratch);
		return r;
	}
	for (size_t i = 0; i < scratch.n; i++) {
		struct mem_row *dst = mem_rows_get(rows, scratch.rows[i].key);
		if (!dst) {
			mem_rows_free(&scratch);
			return -ENOMEM;
		}
		mem_counts_add(&dst->c, &scratch.rows[i].c);
		dst->count += scratch.rows[i].count;
		dst->pids++;
	}
	mem_rows_free(&scratch);
	return 0;
}

static bool selected(const struct ps_opts *o, const struct proc_info *pi)
{
	if (!cli_pid_selected(&o->cli, pi->pid))
		return false;
	if (o->cli.comm && strcmp(o->cli.comm, pi->comm))
		return false;
	if (o->have_uid && pi->uid != o->uid)
		return false;
	return true;
}

static int collect(const struct ps_opts *o, struct mem_rows *rows, struct skipped *skip)
{
	pid_t *pids;
	int n = proc_list_pids(&pids);
	if (n < 0) {
		fprintf(stderr, "memmon ps: cannot list /proc: %s\n", strerror(-n));
		return -1;
	}
	struct text_buf buf = { 0 };
	struct proc_info pi;
	for (int i = 0; i < n; i++) {
		if (!cli_pid_selected(&o->cli, pids[i]))
			continue;
		int r = proc_pid_info(pids[i], &buf, &pi);
		if (r) {
			count_skip(skip, r);
			continue;
		}
		if (!pi.cmdline[0] || !selected(o, &pi))
			continue; /* kernel threads and zombies own no memory of their own */
		if (o->by_mapping) {
			if ((r = collect_mappings(pi.pid, &buf, rows)) == -ENOMEM) {
				fprintf(stderr, "memmon ps: out of memory\n");
				text_buf_free(&buf);
				free(pids);
				return -1;
			}
			if (r)
				count_skip(skip, r);
			continue;
		}
		struct mem_counts c;
		r = proc_pid_mem(pi.pid, o->src, &buf, &c);
		if (r == -ENODATA)
			continue;
		if (r) {
			count_skip(skip, r);
			continue;
		}
		char key[64];
		if (o->by_user)
			snprintf(key, sizeof(key), "%s", proc_user_name(pi.uid));
		else
			snprintf(key, sizeof(key), "%d", pi.pid);
		struct mem_row *row = mem_rows_get(rows, key);
		if (!row) {
			fprintf(stderr, "memmon ps: out of memory\n");
			text_buf_free(&buf);
			free(pids);
			return -1;
		}
		mem_counts_add(&row->c, &c);
		row->count++;
		row->pid = pi.pid;
		row->uid = pi.uid;
		memcpy(row->comm, pi.comm, sizeof(row->comm));
		memcpy(row->command, pi.cmdline, sizeof(row->command));
	}
	text_buf_free(&buf);
	free(pids);
	return 0;
}

static void report_skipped(const struct ps_opts *o, const struct skipped *s)
{
	unsigned total = s->vanished + s->unreadable + s->malformed + s->other;
	if (o->cli.json) {
		struct json_object *j = json_record("skipped");
		json_add_int(j, "processes", total);
		json_add_int(j, "vanished", s->vanished);
		json_add_int(j, "unreadable", s->unreadable);
		json_add_int(j, "malformed", s->malformed);
		json_add_int(j, "other", s->other);
		json_emit(j, NULL);
	} else if (total) {
		fprintf(stderr, "memmon ps: skipped %u processes: %u exited while listed, %u unreadable%s, "
			"%u malformed, %u other errors\n", total, s->vanished, s->unreadable,
			s->unreadable && geteuid() ? " (only root sees every process)" : "", s->malformed, s->other);
	}
}

static int parse_args(int argc, char **argv, struct ps_opts *o)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "user", required_argument, NULL, OPT_USER },
		{ "by", required_argument, NULL, OPT_BY },
		{ "sort", required_argument, NULL, 's' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "percent", no_argument, NULL, OPT_PERCENT },
		{ "smaps", no_argument, NULL, OPT_SMAPS },
		{ NULL, 0, NULL, 0 },
	};
	const char *sort = "pss";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "s:r", opts, NULL)) != -1) {
		int r = cli_common_option(&o->cli, "ps", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'h': usage(); return EXIT_OK;
		case 's': sort = optarg; break;
		case 'r': o->reverse = true; break;
		case OPT_PERCENT: o->percent = true; break;
		case OPT_SMAPS: o->src = MEM_SRC_SMAPS; break;
		case OPT_USER:
			if (proc_parse_user(optarg, &o->uid))
				return cli_usage_error("ps", "unknown user '%s'", optarg);
			o->have_uid = true;
			break;
		case OPT_BY:
			if (!strcmp(optarg, "user"))
				o->by_user = true;
			else if (!strcmp(optarg, "mapping"))
				o->by_mapping = true;
			else
				return cli_usage_error("ps", "--by takes 'user' or 'mapping', not '%s'", optarg);
			break;
		default: return cli_bad_option("ps");
		}
	}
	if (optind < argc)
		return cli_usage_error("ps", "unexpected argument '%s'", argv[optind]);
	if (o->cli.interval > 0 || o->cli.duration > 0 || o->cli.prog_argv)
		return cli_usage_error("ps", "takes a snapshot: no -i, -d or -- PROGRAM");
	enum ps_mode mode = o->by_user ? PS_BY_USER : o->by_mapping ? PS_BY_MAPPING : PS_BY_PROCESS;
	if (ps_column_parse(sort, mode, &o->sort))
		return cli_usage_error("ps", "cannot sort by '%s' here", sort);
	return -1;
}

int cmd_ps(int argc, char **argv)
{
	struct ps_opts o = { 0 };
	argc = cli_split_program(&o.cli, argc, argv);
	int r = parse_args(argc, argv, &o);
	if (r >= 0)
		return r;
	if (!cli_check_user_pids(&o.cli, "ps"))
		return EXIT_RUNTIME;
	struct meminfo mi;
	if ((r = meminfo_read(&mi))) {
		fprintf(stderr, "memmon ps: cannot read /proc/meminfo: %s\n", strerror(-r));
		return EXIT_RUNTIME;
	}
	struct mem_rows rows = { 0 };
	struct skipped skip = { 0 };
	if (collect(&o, &rows, &skip)) {
		mem_rows_free(&rows);
		return EXIT_RUNTIME;
	}
	struct ps_print pp = {
		.mode = o.by_user ? PS_BY_USER : o.by_mapping ? PS_BY_MAPPING : PS_BY_PROCESS,
		.sort = o.sort, .reverse = o.reverse, .percent = o.percent, .json = o.cli.json,
		.mem_total_kb = mi.mem_total,
	};
	ps_sort(&rows, &pp);
	ps_print(&rows, &pp, stdout);
	report_skipped(&o, &skip);
	r = EXIT_OK;
	if (o.cli.npids && rows.n == 0) {
		fprintf(stderr, "memmon ps: none of the given processes could be read\n");
		r = EXIT_RUNTIME;
	}
	mem_rows_free(&rows);
	return r;
}
