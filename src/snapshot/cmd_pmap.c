/* memmon pmap: every mapping of a process with what it costs, like `pmap -X`. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "proc/proc_file.h"
#include "proc/proc_pid.h"
#include "proc/proc_smaps.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void usage(void)
{
	printf("usage: memmon pmap -p PID [-p PID]... [--json]\n\n"
	       "Every mapping of the process from /proc/PID/smaps, then totals. Sizes in kB:\n"
	       "  Size (virtual), Rss, Pss, Dirty (Shared_Dirty + Private_Dirty), Swap, SwapPss,\n"
	       "  Anon (Anonymous), Locked; Mapping is the file, [heap], [stack], or empty.\n\n"
	       "  -p, --pid PID   the process (repeatable)\n"
	       "      --json      JSON Lines: {\"type\":\"mapping\"} per mapping, {\"type\":\"total\"} per\n"
	       "                  process, {\"type\":\"skipped\"} for processes that could not be read\n"
	       "  -h, --help      this help\n");
}

struct pmap_ctx {
	pid_t pid;
	bool json;
	struct mem_counts total;
};

static void add_sizes(struct json_object *j, const struct mem_counts *c)
{
	json_add_u64(j, "size_kb", c->size);
	json_add_u64(j, "rss_kb", c->rss);
	json_add_u64(j, "pss_kb", c->pss);
	json_add_u64(j, "dirty_kb", mem_dirty(c));
	json_add_u64(j, "uss_kb", mem_uss(c));
	json_add_u64(j, "swap_kb", c->swap);
	json_add_u64(j, "swap_pss_kb", c->swap_pss);
	json_add_u64(j, "anonymous_kb", c->anonymous);
	json_add_u64(j, "locked_kb", c->locked);
}

static void print_sizes(const struct mem_counts *c)
{
	printf(" %8llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu",
	       (unsigned long long)c->size, (unsigned long long)c->rss, (unsigned long long)c->pss,
	       (unsigned long long)mem_dirty(c), (unsigned long long)c->swap,
	       (unsigned long long)c->swap_pss, (unsigned long long)c->anonymous,
	       (unsigned long long)c->locked);
}

static int print_mapping(const struct smaps_mapping *m, void *ctx)
{
	struct pmap_ctx *pc = ctx;
	mem_counts_add(&pc->total, &m->c);
	if (pc->json) {
		char addr[24];
		struct json_object *j = json_record("mapping");
		json_add_int(j, "pid", pc->pid);
		snprintf(addr, sizeof(addr), "%llx", (unsigned long long)m->start);
		json_add_str(j, "address", addr);
		snprintf(addr, sizeof(addr), "%llx", (unsigned long long)m->end);
		json_add_str(j, "end", addr);
		json_add_str(j, "perms", m->perms);
		json_add_u64(j, "offset", m->offset);
		json_add_str(j, "device", m->dev);
		json_add_u64(j, "inode", m->inode);
		add_sizes(j, &m->c);
		json_add_str(j, "name", m->name);
		json_emit(j, NULL);
		return 0;
	}
	printf("%16llx %s %08llx %6s %8llu", (unsigned long long)m->start, m->perms,
	       (unsigned long long)m->offset, m->dev, (unsigned long long)m->inode);
	print_sizes(&m->c);
	printf(" %s\n", m->name);
	return 0;
}

/* Returns 0 or -errno; nothing is printed for a process that cannot be read. */
static int pmap_one(pid_t pid, bool json, struct text_buf *buf)
{
	struct proc_info pi;
	char path[64];
	int r = proc_pid_info(pid, buf, &pi);
	if (r)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if ((r = proc_read_file(path, buf)))
		return r;
	/* Parse once to validate, so a malformed file prints nothing half-way. */
	if ((r = smaps_parse(buf->data, buf->len, NULL, NULL)) < 0)
		return r;
	if (r == 0)
		return -ENODATA; /* kernel thread or zombie */
	struct pmap_ctx pc = { .pid = pid, .json = json };
	if (!json) {
		printf("%d:   %s\n", pid, pi.cmdline[0] ? pi.cmdline : pi.comm);
		printf("         Address Perm   Offset Device    Inode     Size      Rss      Pss    Dirty"
		       "     Swap  SwapPss     Anon   Locked Mapping\n");
	}
	int n = smaps_parse(buf->data, buf->len, print_mapping, &pc);
	if (json) {
		struct json_object *j = json_record("total");
		json_add_int(j, "pid", pid);
		json_add_str(j, "comm", pi.comm);
		json_add_str(j, "command", pi.cmdline);
		json_add_int(j, "mappings", n);
		add_sizes(j, &pc.total);
		json_emit(j, NULL);
	} else {
		printf("%16s %4s %8s %6s %8s", "", "", "", "", "total");
		print_sizes(&pc.total);
		printf(" kB (%d mappings)\n", n);
	}
	return 0;
}

int cmd_pmap(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	struct cli cli = { 0 };
	argc = cli_split_program(&cli, argc, argv);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		int r = cli_common_option(&cli, "pmap", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		if (c == 'h') {
			usage();
			return EXIT_OK;
		}
		return cli_bad_option("pmap");
	}
	if (optind < argc)
		return cli_usage_error("pmap", "unexpected argument '%s'", argv[optind]);
	if (!cli.npids)
		return cli_usage_error("pmap", "which process? give -p PID");
	if (cli.comm || cli.interval > 0 || cli.duration > 0 || cli.prog_argv)
		return cli_usage_error("pmap", "takes only -p PID and --json");
	if (!cli_check_pids(&cli, "pmap"))
		return EXIT_RUNTIME;
	struct text_buf buf = { 0 };
	int failed = 0;
	for (int i = 0; i < cli.npids; i++) {
		int r = pmap_one(cli.pids[i], cli.json, &buf);
		if (!r)
			continue;
		failed++;
		const char *why = r == -ENOENT || r == -ESRCH ? "exited" : r == -EACCES || r == -EPERM ?
			"is not readable (run as root or as its owner)" : r == -EINVAL ? "has malformed smaps" :
			r == -ENODATA ? "has no user memory (kernel thread or zombie)" : strerror(-r);
		fprintf(stderr, "memmon pmap: pid %d %s\n", cli.pids[i], why);
		if (cli.json) {
			struct json_object *j = json_record("skipped");
			json_add_int(j, "pid", cli.pids[i]);
			json_add_str(j, "reason", why);
			json_emit(j, NULL);
		}
	}
	text_buf_free(&buf);
	return failed ? EXIT_RUNTIME : EXIT_OK;
}
