/* memmon pages: page_owner without CONFIG_PAGE_OWNER. The kmem page allocator tracepoints
 * keep every block still allocated, with its kernel stack; the report is the page_owner text
 * of those blocks, folded and sorted by the same code as `memmon pageowner`. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/launch.h"
#include "core/loop.h"
#include "kernel/bpf_util.h"
#include "kernel/gfp_names.h"
#include "pageowner/pageowner_fold.h"
#include "pageowner/pageowner_opts.h"
#include "pageowner/pageowner_parse.h"
#include "pageowner/pageowner_print.h"
#include "pageowner/pages_owner_text.h"
#include "symbols/ksyms.h"
#include "pageowner/pages.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "pages"

enum { OPT_DUMP = OPT_COMMON_LAST, OPT_MAX_PAGES, OPT_SORT, OPT_CULL };

static int usage(FILE *out)
{
	fprintf(out,
		"usage: memmon pages [options] [-- PROGRAM ARGS]\n"
		"Who owns the kernel's pages, live: page_owner without CONFIG_PAGE_OWNER.\n"
		"Traces kmem:mm_page_alloc, mm_page_free and mm_page_free_batched with kernel\n"
		"stacks and keeps the blocks still allocated. At the end it prints them folded\n"
		"like `memmon pageowner` (page_owner_sort layout). Pages allocated before tracing\n"
		"started are unknown; their frees are counted as not attributable. memmon's own\n"
		"allocations are left out.\n\n"
		"  -p, --pid PID     only allocations of this process (repeatable)\n"
		"  --comm NAME       only blocks allocated by this command name\n"
		"  -d, --duration S  stop after S seconds (default: Ctrl-C, or the program's exit)\n"
		"  -i, --interval S  also print the report every S seconds\n"
		"  --dump FILE       write the outstanding blocks in page_owner text format to FILE\n"
		"                    at the end and on SIGUSR1 (readable by memmon pageowner and\n"
		"                    page_owner_sort)\n"
		"  --sort KEYS       report order, as memmon pageowner --sort (default: times)\n"
		"  --cull RULES      fold by fields, as memmon pageowner --cull\n"
		"  --max-pages N     blocks kept at most (default 262144); more are counted dropped\n"
		"  --json            JSON Lines: pageowner_block records, then pages_summary\n"
		"  -h, --help        this help\n"
		"SIGUSR1 writes the --dump file, or prints the report when there is none.\n"
		"Needs root (CAP_BPF, CAP_PERFMON) and kernel BTF.\n");
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

struct pages_run {
	struct cli cli;
	struct po_options opt;
	const char *dump_path;
	unsigned long long max_pages;
	struct pages_bpf *skel;
	struct ksyms *ks;
};

static volatile sig_atomic_t usr1;
static void on_usr1(int sig)
{
	(void)sig;
	usr1 = 1;
}

struct report_ctx {
	struct po_options *opt;
	struct po_fold *fold;
	uint64_t blocks, pages;
};

static void on_record(const struct po_record *r, void *ctx)
{
	struct report_ctx *rc = ctx;
	rc->blocks++;
	rc->pages += 1ULL << r->order;
	if (po_record_selected(rc->opt, r))
		po_fold_add(rc->fold, r);
}

/* Feeds one record's text, line by line, to the parser. */
static void parse_text(struct po_parser *p, const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		po_parser_line(p, buf + i, n);
		i += n + 1;
	}
}

/* Walks the outstanding pages: writes their page_owner text to dump (if any) and folds
 * them into the report (if rc). */
static uint64_t walk_pages(struct pages_run *run, FILE *dump, struct report_ctx *rc,
			   uint64_t *unresolved)
{
	int fd = bpf_map__fd(run->skel->maps.pages);
	struct owner_text *t = owner_text_new(bpf_map__fd(run->skel->maps.stacks), run->ks);
	struct po_parser *p = rc ? po_parser_new(on_record, NULL, rc) : NULL;
	char *buf = NULL;
	size_t len = 0;
	uint64_t n = 0, key, next;
	struct page_info v;
	int err = bpf_map_get_next_key(fd, NULL, &next);
	/* While tracing, a key deleted under the walk restarts it from the first key: the cap
	 * keeps a live walk finite (the final walk runs detached, on a still map). */
	while (!err && n < run->max_pages) {
		key = next;
		err = bpf_map_get_next_key(fd, &key, &next);
		if (bpf_map_lookup_elem(fd, &key, &v))
			continue; /* freed meanwhile */
		FILE *ms = open_memstream(&buf, &len);
		if (!ms)
			abort();
		owner_text_record(t, ms, key, &v);
		fclose(ms);
		if (dump)
			fwrite(buf, 1, len, dump);
		if (p)
			parse_text(p, buf, len);
		free(buf);
		buf = NULL;
		n++;
	}
	if (p) {
		po_parser_finish(p);
		po_parser_free(p);
	}
	*unresolved = owner_text_unresolved(t);
	owner_text_free(t);
	return n;
}

static int write_dump(struct pages_run *run)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", run->dump_path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "memmon pages: cannot write %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	uint64_t unresolved;
	walk_pages(run, f, NULL, &unresolved);
	if (fclose(f) || rename(tmp, run->dump_path)) {
		fprintf(stderr, "memmon pages: cannot write %s: %s\n", run->dump_path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void print_report(struct pages_run *run, const char *why)
{
	struct report_ctx rc = { .opt = &run->opt, .fold = po_fold_new(&run->opt) };
	uint64_t unresolved;
	walk_pages(run, NULL, &rc, &unresolved);
	size_t n;
	struct po_group **g = po_fold_sorted(rc.fold, &n);
	const struct pages_counters *c = &run->skel->bss->counters;
	if (run->cli.json) {
		po_print_json(stdout, &run->opt, g, n);
		struct json_object *j = json_record("pages_summary");
		json_add_str(j, "reason", why);
		json_add_u64(j, "allocations", c->allocs);
		json_add_u64(j, "allocated_pages", c->alloc_pages);
		json_add_u64(j, "frees", c->frees);
		json_add_u64(j, "freed_pages", c->freed_pages);
		json_add_u64(j, "outstanding_blocks", rc.blocks);
		json_add_u64(j, "outstanding_pages", rc.pages);
		json_add_u64(j, "report_blocks", n);
		json_add_u64(j, "unattributed_frees", c->unknown_frees);
		json_add_u64(j, "unattributed_free_pages", c->unknown_free_pages);
		json_add_u64(j, "dropped_allocations", c->dropped);
		json_add_u64(j, "dropped_pages", c->dropped_pages);
		json_add_u64(j, "stacks_lost", c->stack_failures);
		json_add_u64(j, "frames_unresolved", unresolved);
		json_emit(j, stdout);
	} else {
		po_print_text(stdout, &run->opt, g, n);
		printf("# memmon pages (%s): saw %llu allocations (%llu pages); %llu blocks (%llu pages) "
		       "still allocated, in %zu report blocks; %llu frees (%llu pages) matched; %llu frees (%llu pages) of pages "
		       "allocated before tracing%s could not be attributed; %llu allocations "
		       "(%llu pages) dropped (map full, --max-pages); %llu stacks lost; %llu frames "
		       "unresolved\n",
		       why, (unsigned long long)c->allocs, (unsigned long long)c->alloc_pages,
		       (unsigned long long)rc.blocks, (unsigned long long)rc.pages, n,
		       (unsigned long long)c->frees, (unsigned long long)c->freed_pages,
		       (unsigned long long)c->unknown_frees, (unsigned long long)c->unknown_free_pages,
		       run->cli.npids || run->cli.prog_argv ? " or by other processes" : "",
		       (unsigned long long)c->dropped, (unsigned long long)c->dropped_pages,
		       (unsigned long long)c->stack_failures, (unsigned long long)unresolved);
		fflush(stdout);
	}
	po_fold_free(rc.fold);
}

static void on_interval(void *ctx)
{
	print_report(ctx, "interval");
}

static void on_tick(void *ctx)
{
	struct pages_run *run = ctx;
	if (!usr1)
		return;
	usr1 = 0;
	if (run->dump_path)
		write_dump(run);
	else
		print_report(run, "SIGUSR1");
}

static int parse_args(struct pages_run *run, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "max-pages", required_argument, NULL, OPT_MAX_PAGES },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "cull", required_argument, NULL, OPT_CULL },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	argc = cli_split_program(&run->cli, argc, argv);
	optind = 1;
	opterr = 0; /* one message of our own, with the hint to --help */
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		switch (c) {
		case 'h': return -1;
		case OPT_DUMP: run->dump_path = optarg; break;
		case OPT_MAX_PAGES:
			if (cli_parse_size(optarg, &run->max_pages) || run->max_pages < 1 ||
			    run->max_pages > (1ULL << 26))
				return cli_usage_error(CMD, "bad --max-pages '%s' (1..67108864)", optarg);
			break;
		case OPT_SORT:
			if (po_opt_sort(&run->opt, optarg))
				return cli_usage_error(CMD, "bad --sort '%s'", optarg);
			break;
		case OPT_CULL:
			if (po_opt_cull(&run->opt, optarg))
				return cli_usage_error(CMD, "bad --cull '%s'", optarg);
			break;
		default: {
			int r = cli_common_option(&run->cli, CMD, c, optarg);
			if (r < 0)
				return EXIT_USAGE;
			if (r == 0)
				return cli_bad_option(CMD);
		}
		}
	}
	if (optind < argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (run->cli.comm && po_opt_str_list(run->opt.comms, &run->opt.ncomms, run->cli.comm))
		return cli_usage_error(CMD, "bad --comm");
	po_opt_finish(&run->opt);
	return 0;
}

static int add_tgid(struct pages_run *run, pid_t pid)
{
	__u32 k = (__u32)pid;
	__u8 one = 1;
	return bpf_map_update_elem(bpf_map__fd(run->skel->maps.tgids), &k, &one, BPF_ANY);
}

int cmd_pages(int argc, char **argv)
{
	struct pages_run run = { .max_pages = 262144 };
	int rc = parse_args(&run, argc, argv);
	if (rc) {
		po_opt_free(&run.opt);
		return rc < 0 ? usage(stdout) : rc;
	}
	if (cli_one_target(&run.cli, CMD)) {
		po_opt_free(&run.opt);
		return EXIT_USAGE;
	}
	if (bpf_preflight(CMD) || !cli_check_pids(&run.cli, CMD)) {
		po_opt_free(&run.opt);
		return EXIT_RUNTIME;
	}
	struct launch child = { 0 };
	bool launched = false;
	rc = EXIT_RUNTIME;
	run.skel = pages_bpf__open();
	if (!run.skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	run.skel->rodata->filter_tgids = run.cli.npids > 0 || run.cli.prog_argv;
	run.skel->rodata->self_tgid = (__u32)getpid();
	bpf_map__set_max_entries(run.skel->maps.pages, (__u32)run.max_pages);
	int err = pages_bpf__load(run.skel);
	if (err) {
		rc = bpf_fail(CMD, "loading the BPF programs", err);
		goto out;
	}
	for (int i = 0; i < run.cli.npids; i++)
		add_tgid(&run, run.cli.pids[i]);
	loop_install_signals();
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	if (run.cli.prog_argv) {
		if (launch_prepare_flags(&child, run.cli.prog_argv, CMD, run.cli.json ? LAUNCH_STDOUT_TO_STDERR : 0))
			goto out;
		launched = true;
		add_tgid(&run, child.pid);
	}
	run.ks = ksyms_load("/proc/kallsyms");
	if (!run.ks)
		fprintf(stderr, "memmon pages: /proc/kallsyms unreadable or hidden: frames print as "
				"addresses\n");
	gfp_names_load_btf();
	err = pages_bpf__attach(run.skel);
	if (err) {
		rc = bpf_fail(CMD, "attaching to kmem:mm_page_alloc/mm_page_free", err);
		goto out;
	}
	fprintf(stderr, "memmon pages: tracing page allocations%s; Ctrl-C to end, SIGUSR1 to %s\n",
		run.cli.npids || launched ? " of the selected processes" : "",
		run.dump_path ? "write the dump" : "print the report");
	if (launched) {
		if (launch_release(&child, CMD)) {
			launched = false;
			goto out;
		}
	}
	struct loop l = {
		.interval = run.cli.interval, .duration = run.cli.duration,
		.child = launched ? &child : NULL, .pids = run.cli.pids, .npids = run.cli.npids,
		.ctx = &run, .on_interval = on_interval, .on_tick = on_tick,
	};
	enum loop_end end = loop_run(&l);
	if (end == LOOP_ERROR)
		goto out;
	rc = EXIT_OK;
	pages_bpf__detach(run.skel); /* the final report sees a still map */
	if (run.dump_path && write_dump(&run))
		rc = EXIT_RUNTIME;
	print_report(&run, loop_end_reason(end));
	if (launched && child.exited)
		launched = false;
out:
	if (launched && !child.exited)
		launch_abort(&child);
	pages_bpf__destroy(run.skel);
	ksyms_free(run.ks);
	po_opt_free(&run.opt);
	return rc;
}
