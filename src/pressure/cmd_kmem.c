/* memmon kmem: kernel allocation rates per slab cache and per call site (kmalloc,
 * kmem_cache_alloc, page allocations), refreshed per interval like slabtop/slabratetop. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/keyed_table.h"
#include "core/options.h"
#include "kernel/gfp_names.h"
#include "output/profile_files.h"
#include "pressure/kmem_table.h"
#include "pressure/pressure_run.h"
#include "symbols/ksyms.h"
#include "symbols/stack_store.h"
#include "symbols/symbolize.h"
#include "pressure/kmem.skel.h"
#include "kernel/kernel_paths.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

PRESSURE_SKELETON(kmem, table_full);

enum { BY_CACHE, BY_SITE };
enum { SORT_BYTES, SORT_COUNT };

struct kmem_stack {
	__u64 ips[KMEM_STACK_DEPTH];
	int depth;
};

struct kmem_ctx {
	struct cli cli;
	int by, sort;
	long top;
	bool stacks, no_pages;
	struct kmem_bpf *skel;
	struct keyed_table entries; /* struct kmem_entry */
	struct keyed_table groups;  /* struct kmem_row, the report being printed */
	struct kmem_stack *row_stacks; /* --stacks: the kernel stack of each printed row */
	struct ksyms *ksyms;
	struct symbolizer *sym;
	struct profile_files profiles; /* --pprof, --folded, --flamegraph (with --stacks) */
};

static const char *kind_name(__u32 kind)
{
	return kind == KMEM_KMALLOC ? "kmalloc" : kind == KMEM_SLAB ? "slab" : "pages";
}

static void site_name(const struct kmem_ctx *c, __u64 addr, char *buf, size_t n, char *fn,
		      size_t fnn)
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

static void print_json(const struct kmem_ctx *c, const struct kmem_row *r,
		       const struct kmem_stack *st, bool final, double secs, const char *clock)
{
	char site[160], fn[128];
	double div = secs > 0 ? secs : 1;
	struct json_object *o = json_record(c->by == BY_SITE ? "kmem_site" : "kmem_cache");
	json_add_bool(o, "final", final);
	json_add_time_now(o, "time");
	json_add_double(o, "seconds", secs);
	json_add_str(o, "cache", r->cache);
	json_add_str(o, "kind", kind_name(r->kind));
	if (c->by == BY_SITE) {
		site_name(c, r->call_site, site, sizeof(site), fn, sizeof(fn));
		json_add_str(o, "site", site);
		json_add_str(o, "site_function", fn);
		json_add_addr(o, "site_addr", r->call_site);
	}
	json_add_u64(o, "count", r->v.count);
	json_add_u64(o, "bytes", r->v.bytes);
	json_add_u64(o, "bytes_requested", r->v.bytes_req);
	json_add_double(o, "count_per_s", r->v.count / div);
	json_add_double(o, "bytes_per_s", r->v.bytes / div);
	if (st)
		json_object_object_add(o, "kernel_stack", st->depth ?
				       stack_json(c->sym, 0, true, (const uint64_t *)st->ips, st->depth, true) :
				       NULL);
	json_emit(o, stdout);
}

static void print_text(const struct kmem_ctx *c, const struct kmem_row *r,
		       const struct kmem_stack *st, double secs)
{
	char site[160], fn[128];
	double div = secs > 0 ? secs : 1;
	if (c->by == BY_SITE) {
		site_name(c, r->call_site, site, sizeof(site), fn, sizeof(fn));
		printf("%-40s ", site);
	}
	printf("%-24s %10llu %12llu %12llu %11.1f %10.1f\n", r->cache,
	       (unsigned long long)r->v.count, (unsigned long long)r->v.bytes,
	       (unsigned long long)r->v.bytes_req, r->v.count / div, r->v.bytes / 1024.0 / div);
	if (st && st->depth)
		stack_print(c->sym, stdout, 0, true, (const uint64_t *)st->ips, st->depth, true, "    ");
}

/* Prints the first n rows of the grouped report. */
static void print_report(const struct kmem_ctx *c, size_t n, bool final, double secs)
{
	char clock[32];
	pressure_clock(clock, sizeof(clock));
	if (!c->cli.json) {
		if (final)
			printf("Total over %.1f s:\n", secs);
		else
			printf("%s (%.2f s)\n", clock, secs);
		if (c->by == BY_SITE)
			printf("%-40s ", "SITE");
		printf("%-24s %10s %12s %12s %11s %10s\n", "CACHE", "COUNT", "BYTES", "REQ_BYTES",
		       "COUNT/s", "KB/s");
	}
	for (size_t i = 0; i < n; i++) {
		const struct kmem_row *r = ktable_row(&c->groups, i);
		const struct kmem_stack *st = c->stacks ? &c->row_stacks[i] : NULL;
		if (c->cli.json)
			print_json(c, r, st, final, secs, clock);
		else
			print_text(c, r, st, secs);
	}
	if (!c->cli.json) {
		printf("\n");
		fflush(stdout);
	}
}

/* Reads the kernel stacks of the first n rows from the stack store. 0 or -1. */
static int read_stacks(struct kmem_ctx *c, size_t n)
{
	free(c->row_stacks);
	if (!(c->row_stacks = calloc(n ? n : 1, sizeof(*c->row_stacks))))
		return -1;
	int fd = bpf_map__fd(c->skel->maps.stacks);
	for (size_t i = 0; i < n; i++) {
		const struct kmem_row *r = ktable_row(&c->groups, i);
		struct kmem_stack *st = &c->row_stacks[i];
		st->depth = stack_store_read(fd, r->stackid, (uint64_t *)st->ips, KMEM_STACK_DEPTH);
	}
	return 0;
}

/* Every row of the final report (not only --top's) as a profile of kernel stacks:
 * allocations and bytes (the default). */
static void write_profiles(struct kmem_ctx *c, size_t n)
{
	static const struct profile_value_type types[] = {
		{ "alloc_objects", "count" }, { "alloc_space", "bytes" },
	};
	struct stack_profile prof;
	if (stack_profile_init(&prof, c->sym, types, 2, 1)) {
		fprintf(stderr, "memmon kmem: out of memory building the profile\n");
		return;
	}
	int fd = bpf_map__fd(c->skel->maps.stacks);
	for (size_t i = 0; i < n; i++) {
		const struct kmem_row *r = ktable_row(&c->groups, i);
		uint64_t ips[KMEM_STACK_DEPTH];
		int depth = stack_store_read(fd, r->stackid, ips, KMEM_STACK_DEPTH);
		int64_t v[2] = { (int64_t)r->v.count, (int64_t)r->v.bytes };
		stack_profile_add(&prof, 0, true, ips, depth, true, v);
	}
	profile_files_write(&c->profiles, &prof, 1, "memmon kmem: kernel allocations", "kmem");
	stack_profile_free(&prof);
}

static void report(void *vctx, bool final, double secs)
{
	struct kmem_ctx *c = vctx;
	int err = kmem_table_read(&c->entries, bpf_map__fd(c->skel->maps.counts));
	if (err)
		fprintf(stderr, "memmon kmem: reading the table: %s\n", strerror(-err));
	int n = kmem_table_group(&c->entries, c->by == BY_SITE, !final, c->sort == SORT_COUNT,
				 &c->groups);
	if (n < 0)
		return;
	if (final && profile_files_wanted(&c->profiles))
		write_profiles(c, (size_t)n);
	if (c->top > 0 && n > c->top)
		n = (int)c->top;
	if (c->stacks && read_stacks(c, (size_t)n))
		return;
	print_report(c, (size_t)n, final, secs);
}

static int check(void *vctx, struct cli *cli)
{
	struct kmem_ctx *c = vctx;
	if (c->stacks)
		c->by = BY_SITE;
	if (profile_files_wanted(&c->profiles) && !c->stacks)
		return cli_usage_error("kmem", "--pprof, --folded and --flamegraph need --stacks");
	return OPTS_GO_ON;
}

static int setup(void *vctx)
{
	struct kmem_ctx *c = vctx;
	gfp_names_load_btf();
	c->ksyms = ksyms_load("/proc/kallsyms");
	if (!c->ksyms || (c->stacks && !(c->sym = symbolizer_new()))) {
		fprintf(stderr, "memmon kmem: cannot load kernel symbols from /proc/kallsyms\n");
		return EXIT_RUNTIME;
	}
	if (profile_files_open(&c->profiles, "kmem")) /* before tracing: a bad path fails at once */
		return EXIT_RUNTIME;
	return 0;
}

static void configure(void *vctx, void *skel)
{
	struct kmem_ctx *c = vctx;
	c->skel = skel;
	c->skel->rodata->capture_stacks = c->stacks;
	c->skel->rodata->page_size = (unsigned long)sysconf(_SC_PAGESIZE);
	c->skel->rodata->gfp_dma = gfp_flag_mask("DMA");
	c->skel->rodata->gfp_reclaimable = gfp_flag_mask("RECLAIMABLE");
	c->skel->rodata->gfp_account = gfp_flag_mask("ACCOUNT");
	bool name_field = kernel_btf_has("trace_event_raw_kmem_cache_alloc", "__data_loc_name");
	bpf_program__set_autoload(c->skel->progs.on_cache_alloc, name_field);
	bpf_program__set_autoload(c->skel->progs.on_cache_alloc_btf, !name_field);
	kernel_path("kmem", name_field ? "slab caches: tracepoint kmem:kmem_cache_alloc (its name field, 6.2+)" :
		    "slab caches: tp_btf kmem_cache_alloc, the name from struct kmem_cache (no name field before 6.2)");
	if (c->no_pages)
		bpf_program__set_autoload(c->skel->progs.on_page_alloc, false);
}

static void cleanup(void *vctx)
{
	struct kmem_ctx *c = vctx;
	ktable_free(&c->entries);
	ktable_free(&c->groups);
	free(c->row_stacks);
	profile_files_discard(&c->profiles); /* written by the final report; a failed run's go */
	symbolizer_free(c->sym);
	ksyms_free(c->ksyms);
}

static const struct pressure_cmd kmem_cmd = {
	.name = "kmem",
	.about = "Kernel allocation rates from the kmem tracepoints: kmalloc (named by its size class,\n"
		 "e.g. kmalloc-cg-192), kmem_cache_alloc (by slab cache name, as merged by the kernel)\n"
		 "and page allocations (pages-order-N), per interval and in total at the end.",
	.skel = &kmem_skel,
	.tracing = "kernel allocations",
	.check = check,
	.setup = setup,
	.configure = configure,
	.attach_what = "the kmem tracepoints",
	.cleanup = cleanup,
	.report = report,
	.dropped_key = "not_counted",
	.dropped_what = "allocations not counted (table full)",
};

int cmd_kmem(int argc, char **argv)
{
	struct kmem_ctx c = { .by = BY_CACHE, .sort = SORT_BYTES, .top = 20 };
	kmem_table_init(&c.entries);
	kmem_groups_init(&c.groups);
	struct opt opts[] = {
		{ .kind = OPTK_CHOICE, .long_name = "by", .arg = "WHAT", .choices = "cache|site",
		  .dest = &c.by, .help = "cache (default) or site (cache and kernel call site)" },
		{ .kind = OPTK_CHOICE, .long_name = "sort", .arg = "KEY", .choices = "bytes|count",
		  .dest = &c.sort, .help = "bytes (default) or count" },
		OPT_NUMBER(0, "top", &c.top, "N", 0, 1000000, "rows per report (default 20, 0 = all)"),
		OPT_FLAG(0, "stacks", &c.stacks,
			 "split call sites by kernel stack and print it (implies --by site)"),
		OPT_FLAG(0, "no-pages", &c.no_pages,
			 "leave out page allocations (the busiest tracepoint)"),
		OPT_PROFILE_FILES(&c.profiles, "the run's allocations by kernel stack (with --stacks)"),
		PRESSURE_INTERVAL_OPTIONS(&c.cli, "kmem", "allocations made in the context of ",
					  "{\"type\":\"kmem_cache\"|\"kmem_site\"} (by --by)"),
		OPT_END(),
	};
	return pressure_main(&kmem_cmd, &c.cli, opts, &c, argc, argv);
}
