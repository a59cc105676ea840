/* memmon ps: what each process (user, mapping) really costs: USS, PSS, RSS, swap, VSS. */
#include "commands.h"
#include "core/cli.h"
#include "core/keyed_table.h"
#include "core/options.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_pid.h"
#include "snapshot/mem_rows.h"
#include "snapshot/ps_collect.h"
#include "snapshot/ps_print.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *CMD = "ps";
static const char *SNAPSHOT_ONLY = "takes a snapshot: no -i, -d or -- PROGRAM";

struct ps_opts {
	struct cli cli;
	struct ps_select sel;
	enum ps_column sort;
	bool reverse, percent;
};

static int parse_user(const char *arg, void *ctx)
{
	struct ps_select *sel = ctx;
	if (proc_parse_user(arg, &sel->uid))
		return cli_usage_error(CMD, "unknown user '%s'", arg);
	sel->have_uid = true;
	return 0;
}

/* OPTS_GO_ON, or the exit code. */
static int parse(struct ps_opts *o, int argc, char **argv)
{
	struct cli *cli = &o->cli;
	const char *sort = "pss";
	int by = -1; /* user|mapping */
	bool smaps = false;
	struct opt opts[] = {
		OPT_PIDS(cli, "only this process (repeatable)"),
		OPT_COMM(cli, "only processes whose comm is NAME"),
		OPT_CALLBACK(0, "user", "USER", parse_user, &o->sel,
			     "only processes owned by USER (name or uid)"),
		OPT_CHOICE(0, "by", &by, "user|mapping",
			   "user: one row per user (Count = processes);\n"
			   "mapping: one row per mapped file or region across all\n"
			   "processes (Count = mappings, PIDs = processes mapping it)"),
		OPT_STRING('s', "sort", &sort, "COLUMN",
			   "swap, swappss, uss, pss (default), rss, vss (largest\n"
			   "first); pid, user, command; oom (oom_score, then\n"
			   "oom_score_adj, largest first); with --by: user, count,\n"
			   "map, pids"),
		OPT_FLAG('r', "reverse", &o->reverse, "reverse the order"),
		OPT_FLAG(0, "percent", &o->percent, "show sizes as % of physical memory (MemTotal)"),
		OPT_FLAG(0, "smaps", &smaps, "sum per-mapping smaps like smem (PSS rounded per mapping)\n"
					     "instead of smaps_rollup (PSS rounded once)"),
		OPT_JSON(cli, "JSON Lines: {\"type\":\"ps_process\"|\"ps_user\"|\"ps_mapping\"}\n"
			      "per row, then one {\"type\":\"ps_summary\"} (totals and\n"
			      "processes skipped)"),
		OPT_REFUSE('i', "interval", true, SNAPSHOT_ONLY),
		OPT_REFUSE('d', "duration", true, SNAPSHOT_ONLY),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon ps [-p PID]... [--comm NAME] [--user USER] [--by user|mapping]\n"
			 "                 [-s COLUMN] [-r] [--percent] [--smaps] [--json]",
		.about = "What processes really cost, from /proc/PID/smaps_rollup (smaps where the kernel\n"
			 "has no rollup). Sizes in kB:\n"
			 "  USS  unique set size: private pages (Private_Clean + Private_Dirty)\n"
			 "  PSS  proportional set size: each resident page divided by its sharers\n"
			 "  RSS  resident set size; Swap, SwapPss (swap divided by sharers); VSS mapped size\n"
			 "  OOM  /proc/PID/oom_score, the badness the OOM killer uses (largest dies first);\n"
			 "  Adj  oom_score_adj (-1000 never killed .. 1000)",
		.epilog = "Processes that exit or cannot be read while listing are skipped and counted.",
		.opts = opts,
		.program_refused = SNAPSHOT_ONLY,
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	o->sel.cli = cli;
	o->sel.mode = by == 0 ? PS_BY_USER : by == 1 ? PS_BY_MAPPING : PS_BY_PROCESS;
	o->sel.src = smaps ? MEM_SRC_SMAPS : MEM_SRC_ROLLUP;
	if (ps_column_parse(sort, o->sel.mode, &o->sort))
		return cli_usage_error(CMD, "cannot sort by '%s' here", sort);
	return OPTS_GO_ON;
}

int cmd_ps(int argc, char **argv)
{
	struct ps_opts o = { 0 };
	int rc = parse(&o, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (!cli_check_user_pids(&o.cli, CMD))
		return EXIT_RUNTIME;
	struct meminfo mi;
	int r = meminfo_read(&mi);
	if (r) {
		fprintf(stderr, "memmon ps: cannot read /proc/meminfo: %s\n", strerror(-r));
		return EXIT_RUNTIME;
	}
	struct keyed_table rows;
	struct ps_skipped skipped = { 0 };
	mem_rows_init(&rows);
	if (ps_collect(&o.sel, &rows, &skipped)) {
		ktable_free(&rows);
		return EXIT_RUNTIME;
	}
	mem_rows_sort(&rows, o.sel.mode, o.sort, o.reverse);
	struct ps_print pp = {
		.mode = o.sel.mode, .percent = o.percent, .json = o.cli.json,
		.mem_total_kb = mi.mem_total, .skipped = &skipped, .root = geteuid() == 0,
	};
	ps_print(&rows, &pp, stdout);
	rc = EXIT_OK;
	if (o.cli.npids && ktable_count(&rows) == 0) {
		fprintf(stderr, "memmon ps: none of the given processes could be read\n");
		rc = EXIT_RUNTIME;
	}
	ktable_free(&rows);
	return rc;
}
