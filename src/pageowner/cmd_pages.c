/* memmon pages: page_owner without CONFIG_PAGE_OWNER. The kmem page allocator tracepoints
 * keep every block still allocated, with its kernel stack; the report is the page_owner text
 * of those blocks, folded and sorted by the same code as `memmon pageowner`. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/options.h"
#include "core/out_file.h"
#include "core/progress.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/gfp_names.h"
#include "pageowner/pageowner_cli.h"
#include "pageowner/pageowner_fold.h"
#include "pageowner/pageowner_opts.h"
#include "pageowner/pageowner_parse.h"
#include "pageowner/pageowner_print.h"
#include "pageowner/pageowner_profile.h"
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

struct pages_run {
	struct cli cli;
	struct po_options opt;
	const char *dump_path;
	struct out_file dump; /* the next dump, made at start so a bad path fails at once */
	unsigned long long max_pages;
	struct pages_bpf *skel;
	struct ksyms *ks;
	double start, last; /* when tracing began, and the last report */
	unsigned long reports;
	struct profile_files profiles; /* --pprof, --folded, --flamegraph of the final report */
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
	if (!po_record_selected(rc->opt, r))
		return;
	/* the outstanding counts are those of the report's blocks (--comm, --pid select) */
	rc->blocks++;
	rc->pages += 1ULL << r->order;
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
	struct progress prog; /* a dump of a million blocks takes a while */
	progress_begin(&prog, CMD, "writing the dump");
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
		if (dump && !(n & 1023))
			progress_update(&prog, n, 0, false, "blocks");
	}
	progress_end(&prog);
	if (p) {
		po_parser_finish(p);
		po_parser_free(p);
	}
	*unresolved = owner_text_unresolved(t);
	owner_text_free(t);
	return n;
}

/* Writes the outstanding blocks to --dump (core/out_file.h: a new 0600 file renamed over
 * the target; the dump holds frame numbers and kernel addresses, like the kernel's 0400
 * page_owner file). 0 or -1 (message printed). */
static int write_dump(struct pages_run *run)
{
	if (!run->dump.fp && out_file_open(&run->dump, run->dump_path, 0, CMD))
		return -1;
	uint64_t unresolved;
	walk_pages(run, run->dump.fp, NULL, &unresolved);
	return out_file_commit(&run->dump, CMD);
}

/* One report: the blocks still allocated. final: the last one, when tracing ended (why
 * says how); else an interval's or a SIGUSR1's (why: "interval", "SIGUSR1"). */
static void print_report(struct pages_run *run, const char *why, bool final)
{
	double t = now_seconds();
	struct report_ctx rc = { .opt = &run->opt, .fold = po_fold_new(&run->opt) };
	uint64_t unresolved;
	walk_pages(run, NULL, &rc, &unresolved);
	size_t n;
	struct po_group **g = po_fold_sorted(rc.fold, &n);
	const struct pages_counters *c = &run->skel->bss->counters;
	if (run->cli.json) {
		po_print_json(stdout, "pages_block", final, &run->opt, g, n);
		if (final && profile_files_wanted(&run->profiles))
			po_profile_write(&run->profiles, g, n, &run->opt, CMD,
					 "memmon pages: kernel pages still allocated");
		struct json_object *j = json_record(final ? "pages_summary" : "pages_interval");
		if (!final)
			json_add_u64(j, "interval", run->reports + 1);
		json_add_double(j, "seconds", final ? t - run->start : t - run->last);
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
		if (final && profile_files_wanted(&run->profiles))
			po_profile_write(&run->profiles, g, n, &run->opt, CMD,
					 "memmon pages: kernel pages still allocated");
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
	run->reports++;
	run->last = t;
}

static void on_interval(void *ctx)
{
	print_report(ctx, "interval", false);
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
		print_report(run, "SIGUSR1", false);
}

/* OPTS_GO_ON, or the exit code. */
static int parse(struct pages_run *run, int argc, char **argv)
{
	struct po_cli pc = { .cmd = CMD, .opt = &run->opt, .shortcut = -1 };
	struct opt opts[] = {
		OPT_PIDS(&run->cli, "only allocations of this process (repeatable)"),
		OPT_COMM(&run->cli, "only blocks allocated by this command name"),
		OPT_DURATION(&run->cli, "stop after S seconds (default: Ctrl-C, or the\nprogram's exit)"),
		OPT_INTERVAL(&run->cli, "also print the report every S seconds (0 = only at the end)"),
		OPT_STRING(0, "dump", &run->dump_path, "FILE",
			   "write the outstanding blocks in page_owner text\n"
			   "format to FILE at the end and on SIGUSR1 (readable\n"
			   "by memmon pageowner and page_owner_sort)"),
		PO_OPT_SORT(&pc, "report order, as memmon pageowner --sort\n(default: times)"),
		PO_OPT_CULL(&pc, "fold by fields, as memmon pageowner --cull"),
		OPT_PROFILE_FILES(&run->profiles, "the final report's blocks by stack"),
		/* A count of blocks, with the size suffixes it always took (4k = 4096). */
		{ .kind = OPTK_SIZE, .long_name = "max-pages", .arg = "N", .dest = &run->max_pages,
		  .min = 1, .max = 1 << 26, .hint = "(blocks, from 1 to 67108864)",
		  .help = "blocks kept at most (default 262144); more are\ncounted dropped" },
		OPT_JSON(&run->cli, "JSON Lines: pages_block records (\"final\" true in the last\n"
				    "report), pages_interval closing each -i or SIGUSR1 report,\n"
				    "pages_summary last"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon pages [options] [-- PROGRAM ARGS]",
		.about = "Who owns the kernel's pages, live: page_owner without CONFIG_PAGE_OWNER.\n"
			 "Traces kmem:mm_page_alloc, mm_page_free and mm_page_free_batched with kernel\n"
			 "stacks and keeps the blocks still allocated. At the end it prints them folded\n"
			 "like `memmon pageowner` (page_owner_sort layout). Pages allocated before tracing\n"
			 "started are unknown; their frees are counted as not attributable. memmon's own\n"
			 "allocations are left out.",
		.epilog = "SIGUSR1 writes the --dump file, or prints the report when there is none.\n"
			  "Needs root (CAP_BPF, CAP_PERFMON) and kernel BTF.",
		.opts = opts,
		.cli = &run->cli,
		.program = true,
		.program_help = "run PROGRAM and keep the pages it allocates (not\n"
				"those of the processes it starts); stop when it exits",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (cli_one_target(&run->cli, CMD)) /* a usage error, with or without root */
		return EXIT_USAGE;
	if (run->cli.comm && po_opt_str_list(run->opt.comms, &run->opt.ncomms, run->cli.comm))
		return cli_usage_error(CMD, "bad --comm");
	po_cli_finish(&pc);
	return OPTS_GO_ON;
}

/* The processes whose allocations are kept, as pages always kept them: -p pids and the
 * launched program itself, not the processes it forks. --comm is no part of it: it selects
 * the report's blocks by the allocating task's name, in user space, so the counts stay
 * those of every selected process. */
static void configure_filter(const struct trace_target *tt, struct task_filter_config *cfg)
{
	trace_target_configure(tt, cfg);
	cfg->follow_children = 0;
	cfg->by_comm = 0;
	memset(cfg->comm, 0, sizeof(cfg->comm));
}

int cmd_pages(int argc, char **argv)
{
	struct pages_run run = { .max_pages = 262144, .dump = { .dirfd = -1 } };
	int rc = parse(&run, argc, argv);
	if (rc != OPTS_GO_ON) {
		po_opt_free(&run.opt);
		return rc;
	}
	if ((rc = bpf_preflight(CMD))) {
		po_opt_free(&run.opt);
		return rc;
	}
	if ((run.dump_path && out_file_open(&run.dump, run.dump_path, 0, CMD)) ||
	    profile_files_open(&run.profiles, CMD)) {
		out_file_discard(&run.dump);
		po_opt_free(&run.opt);
		return EXIT_RUNTIME;
	}
	loop_install_signals();
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	struct trace_target tt;
	if ((rc = trace_target_prepare(&tt, &run.cli, CMD, 0))) {
		out_file_discard(&run.dump);
		profile_files_discard(&run.profiles);
		po_opt_free(&run.opt);
		return rc;
	}
	rc = EXIT_RUNTIME;
	run.skel = pages_bpf__open();
	if (!run.skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	configure_filter(&tt, &run.skel->rodata->task_filter);
	bpf_map__set_max_entries(run.skel->maps.pages, (__u32)run.max_pages);
	bpf_load_stats_prepare(run.skel->obj);
	int err = pages_bpf__load(run.skel);
	bpf_load_stats_print(CMD, run.skel->obj);
	if (err) {
		rc = bpf_fail(CMD, "loading the BPF programs", err);
		goto out;
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(run.skel->maps.pid_filter)))) {
		rc = bpf_fail(CMD, "filling the pid filter", err);
		goto out;
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
		trace_target_filters_pids(&tt) ? " of the selected processes" : "",
		run.dump_path ? "write the dump" : "print the report");
	if (trace_target_release(&tt, CMD))
		goto out;
	struct loop l = {
		.interval = run.cli.interval, .duration = run.cli.duration,
		.ctx = &run, .on_interval = on_interval, .on_tick = on_tick,
	};
	trace_target_loop(&tt, &l);
	run.start = run.last = now_seconds();
	enum loop_end end = loop_run(&l);
	if (end == LOOP_ERROR)
		goto out;
	rc = EXIT_OK;
	pages_bpf__detach(run.skel); /* the final report sees a still map */
	if (run.dump_path && write_dump(&run))
		rc = EXIT_RUNTIME;
	print_report(&run, loop_end_reason(end), true);
out:
	trace_target_abort(&tt);
	out_file_discard(&run.dump);
	profile_files_discard(&run.profiles); /* written by the final report; a failed run's go */
	pages_bpf__destroy(run.skel);
	ksyms_free(run.ks);
	po_opt_free(&run.opt);
	return rc;
}
