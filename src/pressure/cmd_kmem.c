/* memmon kmem: kernel allocation rates per slab cache and per call site (kmalloc,
 * kmem_cache_alloc, page allocations), refreshed per interval like slabtop/slabratetop. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/gfp_names.h"
#include "pressure/kmem_table.h"
#include "symbols/ksyms.h"
#include "symbols/stack_store.h"
#include "symbols/symbolize.h"
#include "pressure/kmem.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *CMD = "kmem";

enum { OPT_BY = OPT_COMMON_LAST, OPT_SORT, OPT_TOP, OPT_STACKS, OPT_NO_PAGES };

struct kmem_opts {
	bool by_site, sort_count, stacks, no_pages;
	long top;
};

struct kmem_ctx {
	struct kmem_bpf *skel;
	struct keyed_table table;  /* struct kmem_entry */
	struct keyed_table groups; /* struct kmem_row, the report being printed */
	struct kmem_opts o;
	struct ksyms *ksyms;
	struct symbolizer *sym;
	bool json;
	double last;
	unsigned long intervals; /* reports printed so far */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: memmon kmem [options] [-- PROGRAM ARGS]\n\n"
		"Kernel allocation rates from the kmem tracepoints: kmalloc (named by its size class,\n"
		"e.g. kmalloc-cg-192), kmem_cache_alloc (by slab cache name, as merged by the kernel)\n"
		"and page allocations (pages-order-N), per interval and in total at the end.\n\n"
		"      --by WHAT       cache (default) or site (cache and kernel call site)\n"
		"      --sort KEY      bytes (default) or count\n"
		"      --top N         rows per report (default 20, 0 = all)\n"
		"      --stacks        split call sites by kernel stack and print it (implies --by site)\n"
		"      --no-pages      leave out page allocations (the busiest tracepoint)\n"
		"  -p, --pid PID       only allocations made in process PID's context (repeatable)\n"
		"      --comm NAME     only allocations made by tasks named NAME\n"
		"  -i, --interval S    print every S seconds (default 1)\n"
		"  -d, --duration S    stop after S seconds (default: until Ctrl-C)\n"
		"      --json          JSON Lines: {\"type\":\"kmem\"} per row and interval,\n"
		"                      {\"type\":\"kmem_total\"} per row at the end, {\"type\":\"summary\"}\n"
		"  -h, --help          this help\n"
		"  -- PROGRAM ARGS     run PROGRAM, trace only it and the processes it starts,\n"
		"                      stop when it exits\n");
}

static const char *kind_name(__u32 kind)
{
	return kind == KMEM_KMALLOC ? "kmalloc" : kind == KMEM_SLAB ? "slab" : "pages";
}

static void site_name(struct kmem_ctx *c, __u64 addr, char *buf, size_t n, char *fn, size_t fnn)
{
	const struct ksym *s = addr ? ksyms_find(c->ksyms, addr) : NULL;
	if (!addr) {
		snprintf(buf, n, "-");
		snprintf(fn, fnn, "-");
	} else if (s) {
		snprintf(buf, n, "%s+0x%llx", s->name, (unsigned long long)(addr - s->addr));
		snprintf(fn, fnn, "%s", s->name);
	} else {
		snprintf(buf, n, "0x%llx", (unsigned long long)addr);
		snprintf(fn, fnn, "0x%llx", (unsigned long long)addr);
	}
}

static int stack_ips(struct kmem_ctx *c, __s64 id, __u64 *ips)
{
	return stack_store_read(bpf_map__fd(c->skel->maps.stacks), id, (uint64_t *)ips,
				KMEM_STACK_DEPTH);
}

static void report(struct kmem_ctx *c, bool final, double secs)
{
	int err = kmem_table_read(&c->table, bpf_map__fd(c->skel->maps.counts));
	if (err)
		fprintf(stderr, "memmon %s: reading the table: %s\n", CMD, strerror(-err));
	int n = kmem_table_group(&c->table, c->o.by_site, !final, c->o.sort_count, &c->groups);
	if (n < 0)
		return;
	if (c->o.top > 0 && n > c->o.top)
		n = (int)c->o.top;
	char clock[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	if (!c->json) {
		if (final)
			printf("Total over %.1f s:\n", secs);
		else
			printf("%s (%.2f s)\n", clock, secs);
		if (c->o.by_site)
			printf("%-40s ", "SITE");
		printf("%-24s %10s %12s %12s %11s %10s\n", "CACHE", "COUNT", "BYTES", "REQ_BYTES",
		       "COUNT/s", "KB/s");
	}
	double div = secs > 0 ? secs : 1;
	for (int i = 0; i < n; i++) {
		const struct kmem_row *r = ktable_row(&c->groups, i);
		char site[160], fn[128];
		site_name(c, r->call_site, site, sizeof(site), fn, sizeof(fn));
		__u64 ips[KMEM_STACK_DEPTH];
		int depth = c->o.stacks ? stack_ips(c, r->stackid, ips) : 0;
		if (c->json) {
			struct json_object *o = json_record(final ? "kmem_total" : "kmem");
			json_add_str(o, "time", clock);
			json_add_double(o, "seconds", secs);
			json_add_str(o, "cache", r->cache);
			json_add_str(o, "kind", kind_name(r->kind));
			if (c->o.by_site) {
				json_add_str(o, "site", site);
				json_add_str(o, "site_function", fn);
				json_add_u64(o, "site_addr", r->call_site);
			}
			json_add_u64(o, "count", r->v.count);
			json_add_u64(o, "bytes", r->v.bytes);
			json_add_u64(o, "bytes_requested", r->v.bytes_req);
			json_add_double(o, "count_per_s", r->v.count / div);
			json_add_double(o, "bytes_per_s", r->v.bytes / div);
			if (c->o.stacks)
				json_object_object_add(o, "kernel_stack",
						       depth ? stack_json(c->sym, 0, true, (uint64_t *)ips, depth, true) : NULL);
			json_emit(o, stdout);
			continue;
		}
		if (c->o.by_site)
			printf("%-40s ", site);
		printf("%-24s %10llu %12llu %12llu %11.1f %10.1f\n", r->cache,
		       (unsigned long long)r->v.count, (unsigned long long)r->v.bytes,
		       (unsigned long long)r->v.bytes_req, r->v.count / div, r->v.bytes / 1024.0 / div);
		if (depth)
			stack_print(c->sym, stdout, 0, true, (uint64_t *)ips, depth, true, "    ");
	}
	if (!c->json) {
		printf("\n");
		fflush(stdout);
	}
}

static void on_interval(void *vctx)
{
	struct kmem_ctx *c = vctx;
	double now = now_seconds();
	report(c, false, now - c->last);
	c->last = now;
	c->intervals++;
}

static int parse(struct cli *cli, struct kmem_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "by", required_argument, NULL, OPT_BY },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "stacks", no_argument, NULL, OPT_STACKS },
		{ "no-pages", no_argument, NULL, OPT_NO_PAGES },
		{ 0 },
	};
	argc = cli_split_program(cli, argc, argv);
	optind = 1;
	o->top = 20;
	int c;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return -1;
		case OPT_BY:
			if (strcmp(optarg, "cache") && strcmp(optarg, "site"))
				return cli_usage_error(CMD, "--by takes cache or site, not '%s'", optarg);
			o->by_site = !strcmp(optarg, "site");
			continue;
		case OPT_SORT:
			if (strcmp(optarg, "bytes") && strcmp(optarg, "count"))
				return cli_usage_error(CMD, "--sort takes bytes or count, not '%s'", optarg);
			o->sort_count = !strcmp(optarg, "count");
			continue;
		case OPT_TOP:
			if (cli_parse_long(optarg, 0, 1000000, &o->top))
				return cli_usage_error(CMD, "invalid --top '%s' (rows, 0 = all)", optarg);
			continue;
		case OPT_STACKS:
			o->stacks = o->by_site = true;
			continue;
		case OPT_NO_PAGES:
			o->no_pages = true;
			continue;
		}
		int r = cli_common_option(cli, CMD, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0)
			return cli_bad_option(CMD);
	}
	if (optind < argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (o->stacks)
		o->by_site = true;
	if (cli->interval == 0)
		cli->interval = 1;
	return 0;
}

int cmd_kmem(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct kmem_ctx ctx = { 0 };
	kmem_table_init(&ctx.table);
	kmem_groups_init(&ctx.groups);
	int rc = parse(&cli, &ctx.o, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	ctx.json = cli.json;
	if ((rc = bpf_preflight(CMD)))
		return rc;
	gfp_names_load_btf();
	struct trace_target tt;
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &cli, CMD)))
		return rc;
	ctx.ksyms = ksyms_load("/proc/kallsyms");
	if (!ctx.ksyms || (ctx.o.stacks && !(ctx.sym = symbolizer_new()))) {
		fprintf(stderr, "memmon %s: cannot load kernel symbols from /proc/kallsyms\n", CMD);
		rc = EXIT_RUNTIME;
		goto out;
	}
	struct kmem_bpf *skel = kmem_bpf__open();
	if (!skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	ctx.skel = skel;
	trace_target_configure(&tt, &skel->rodata->task_filter);
	skel->rodata->capture_stacks = ctx.o.stacks;
	skel->rodata->page_size = (unsigned long)sysconf(_SC_PAGESIZE);
	skel->rodata->gfp_dma = gfp_flag_mask("DMA");
	skel->rodata->gfp_reclaimable = gfp_flag_mask("RECLAIMABLE");
	skel->rodata->gfp_account = gfp_flag_mask("ACCOUNT");
	if (ctx.o.no_pages)
		bpf_program__set_autoload(skel->progs.on_page_alloc, false);
	int err = kmem_bpf__load(skel);
	if (err) {
		rc = bpf_fail(CMD, "loading the BPF object", err);
		goto out;
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(skel->maps.pid_filter)))) {
		rc = bpf_fail(CMD, "filling the pid filter", err);
		goto out;
	}
	if ((err = kmem_bpf__attach(skel))) {
		rc = bpf_fail(CMD, "attaching to the kmem tracepoints", err);
		goto out;
	}
	if ((rc = trace_target_release(&tt, CMD)))
		goto out;
	fprintf(stderr, "memmon kmem: tracing kernel allocations; Ctrl-C to end\n");
	struct loop l = { .interval = cli.interval, .duration = cli.duration, .ctx = &ctx,
			  .on_interval = on_interval };
	double secs;
	enum loop_end end = trace_target_run_intervals(&tt, &l, &ctx.last, &ctx.intervals, &secs);
	report(&ctx, true, secs);
	struct trace_summary summary = {
		.cmd = CMD, .json = cli.json, .end = end, .secs = secs, .dropped_key = "not_counted",
		.dropped_what = "allocations not counted (table full)", .dropped = skel->bss->table_full,
		.children_not_followed = skel->bss->children_not_followed,
	};
	trace_summary_print(&summary);
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&tt);
	ktable_free(&ctx.table);
	ktable_free(&ctx.groups);
	kmem_bpf__destroy(ctx.skel);
	symbolizer_free(ctx.sym);
	ksyms_free(ctx.ksyms);
	return rc;
}
