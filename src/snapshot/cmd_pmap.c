/* memmon pmap: every mapping of a process with what it costs, like `pmap -X`. */
#include "commands.h"
#include "core/cli.h"
#include "core/options.h"
#include "proc/proc_file.h"
#include "snapshot/pmap_print.h"
#include "snapshot/pmap_read.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>

static const char *CMD = "pmap";
static const char *ONLY_PIDS = "takes only PIDs (-p PID or PID) and --json";

/* OPTS_GO_ON, or the exit code. */
static int parse(struct cli *cli, int argc, char **argv)
{
	struct opt opts[] = {
		OPT_PIDS(cli, "the process (repeatable)"),
		OPT_JSON(cli, "JSON Lines: {\"type\":\"pmap_mapping\"} per mapping,\n"
			      "{\"type\":\"pmap_process\"} per process, then one\n"
			      "{\"type\":\"pmap_summary\"} (with the processes skipped)"),
		OPT_REFUSE(0, "comm", true, ONLY_PIDS),
		OPT_REFUSE('i', "interval", true, ONLY_PIDS),
		OPT_REFUSE('d', "duration", true, ONLY_PIDS),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon pmap [-p] PID [[-p] PID]... [--json]",
		.about = "Every mapping of the process from /proc/PID/smaps, then totals. Sizes in kB:\n"
			 "  Size (virtual), Rss, Pss, Dirty (Shared_Dirty + Private_Dirty), Swap, SwapPss,\n"
			 "  Anon (Anonymous), Locked; Mapping is the file, [heap], [stack], or empty.",
		.opts = opts,
		.program_refused = ONLY_PIDS,
		.max_args = CLI_MAX_PIDS, /* `pmap PID`, as pmap(1) itself is called */
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	for (int i = 0; i < spec.nargs; i++) {
		long v;
		if (cli_parse_pid(spec.args[i], &v))
			return cli_usage_error(CMD, "invalid pid '%s'", spec.args[i]);
		if (cli->npids >= CLI_MAX_PIDS)
			return cli_usage_error(CMD, "at most %d processes", CLI_MAX_PIDS);
		cli->pids[cli->npids++] = (pid_t)v;
	}
	if (!cli->npids)
		return cli_usage_error(CMD, "which process? give PID or -p PID");
	return OPTS_GO_ON;
}

int cmd_pmap(int argc, char **argv)
{
	struct cli cli = { 0 };
	int rc = parse(&cli, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	/* A pid that is gone is said and skipped; the others are still shown. */
	struct text_buf buf = { 0 };
	struct pmap_skip skipped[CLI_MAX_PIDS];
	int shown = 0, nskipped = 0;
	size_t mappings = 0;
	for (int i = 0; i < cli.npids; i++) {
		struct pmap_process p;
		int r = kill(cli.pids[i], 0) && errno == ESRCH ? -ESRCH : pmap_read(cli.pids[i], &buf, &p);
		if (r) {
			skipped[nskipped] = (struct pmap_skip){ cli.pids[i], pmap_error_text(r) };
			fprintf(stderr, "memmon pmap: pid %d %s\n", cli.pids[i], skipped[nskipped].reason);
			nskipped++;
			continue;
		}
		pmap_print_process(&p, cli.json, stdout);
		shown++;
		mappings += p.n;
		pmap_process_free(&p);
	}
	if (cli.json)
		pmap_print_summary(shown, mappings, skipped, nskipped, stdout);
	text_buf_free(&buf);
	return nskipped ? EXIT_RUNTIME : EXIT_OK;
}
