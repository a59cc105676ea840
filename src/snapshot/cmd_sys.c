/* memmon sys: one screen of system memory: free(1) summary, vmstat-style rates, buddy
 * allocator free pages and fragmentation per zone, largest slab caches. */
#include "commands.h"
#include "core/cli.h"
#include "core/loop.h"
#include "core/options.h"
#include "snapshot/sys_print.h"
#include "snapshot/sys_read.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *CMD = "sys";
static const char *WHOLE_SYSTEM = "reports the whole system: no -p, --comm or -- PROGRAM";

struct sys_opts {
	bool json, repeat;
	double interval, duration;
	long slabs;
	int order;
};

/* OPTS_GO_ON, or the exit code. */
static int parse(struct sys_opts *o, int argc, char **argv)
{
	struct cli cli = { 0 };
	struct opt opts[] = {
		OPT_INTERVAL(&cli, "measure rates over S seconds and repeat every S like\n"
				   "vmstat (default, or 0: one screen measured over 1 s)"),
		OPT_DURATION(&cli, "stop repeating after S seconds"),
		OPT_NUMBER(0, "slabs", &o->slabs, "N", 0, 100000,
			   "show the N largest slab caches (default 10, 0 = none)"),
		OPT_NUMBER(0, "order", &o->order, "N", 0, BUDDY_MAX_ORDERS - 1,
			   "order for the fragmentation index (default: the huge\n"
			   "page order)"),
		OPT_JSON(&cli, "JSON Lines: {\"type\":\"sys_memory\"},\n"
			       "{\"type\":\"sys_activity\"}, {\"type\":\"sys_zone\"} per zone,\n"
			       "{\"type\":\"sys_slab\"} per cache,\n"
			       "{\"type\":\"sys_overcommit\"}, {\"type\":\"sys_swap\"} per swap\n"
			       "area, {\"type\":\"sys_vm\"}, {\"type\":\"sys_ksm\"},\n"
			       "{\"type\":\"sys_ksm_process\"} per process with merged\n"
			       "pages, {\"type\":\"sys_zram\"} per zram device;\n"
			       "with -i\n"
			       "{\"type\":\"sys_interval\"} after each screen;\n"
			       "{\"type\":\"sys_summary\"} last"),
		OPT_REFUSE('p', "pid", true, WHOLE_SYSTEM),
		OPT_REFUSE(0, "comm", true, WHOLE_SYSTEM),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon sys [-i SECONDS] [-d SECONDS] [--slabs N] [--order N] [--json]",
		.about = "One screen of system memory:\n"
			 "  memory     free(1): total, used (total - available), free, shared,\n"
			 "             buff/cache (Buffers + Cached + SReclaimable), available; swap (kB)\n"
			 "  activity   per second over the interval, from /proc/vmstat: page faults, major\n"
			 "             faults, swap in/out (pages), pages scanned and stolen by kswapd and by\n"
			 "             direct reclaim, direct reclaim stalls, compaction stalls, OOM kills\n"
			 "  zones      free blocks per order from /proc/buddyinfo, free kB, and the unusable\n"
			 "             free space index at --order: the share of free memory in blocks too\n"
			 "             small for that order (0 = unfragmented, 1 = no such block free)\n"
			 "  slabs      the largest slab caches from /proc/slabinfo (needs root)\n"
			 "  overcommit mode, CommitLimit, Committed_AS, headroom; what the next allocation\n"
			 "             meets\n"
			 "  swap       swap areas from /proc/swaps: size, used, priority\n"
			 "  knobs      swappiness, watermark_scale_factor, min_free_kbytes (never written)\n"
			 "  KSM        pages shared/sharing/unshared/volatile, the saving; per process\n"
			 "             merged pages (/proc/PID/ksm_stat)\n"
			 "  zram       per device: original and compressed size, memory used, ratio\n"
			 "             (mm_stat)",
		.opts = opts,
		.program_refused = WHOLE_SYSTEM,
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (cli.duration > 0 && cli.interval <= 0)
		return cli_usage_error(CMD, "-d needs -i");
	o->json = cli.json;
	o->repeat = cli.interval > 0;
	o->interval = o->repeat ? cli.interval : 1.0;
	o->duration = cli.duration;
	return OPTS_GO_ON;
}

/* The huge page order (2 MiB / 4 kB = 2^9 on x86-64), or 0 without huge pages. */
static int huge_page_order(const struct meminfo *mi, long page_size)
{
	int order = 0;
	while (mi->hugepagesize && ((uint64_t)page_size / 1024 << (order + 1)) <= mi->hugepagesize)
		order++;
	return order;
}

/* Prints every screen until -d, Ctrl-C, or the one screen without -i. 0, or -errno when
 * /proc/meminfo or /proc/vmstat cannot be read (message printed). */
static int run(const struct sys_opts *o, struct sys_screen *s)
{
	/* Screens on a fixed grid from the start, so -d D -i I gives exactly D/I of them. */
	long screens = !o->repeat ? 1 : o->duration > 0 ? (long)(o->duration / o->interval + 1e-9) : -1;
	if (screens == 0)
		screens = 1;
	struct sys_print pp = { .json = o->json, .final = !o->repeat, .order = o->order };
	double start = now_seconds(), last = start;
	long screen;
	int r;
	for (screen = 0; screens < 0 || screen < screens; screen++) {
		loop_sleep_until(start + (double)(screen + 1) * o->interval);
		if (loop_interrupted() && screen > 0)
			break;
		double t = now_seconds();
		if ((r = vmstat_read(&s->after)) || (r = meminfo_read(&s->mem))) {
			fprintf(stderr, "memmon sys: cannot read /proc: %s\n", strerror(-r));
			return r;
		}
		s->secs = t - last;
		sys_read_zones_and_slabs(s);
		if (screen > 0 && !o->json)
			printf("\n----\n");
		sys_print_screen(s, &pp, stdout);
		if (o->repeat && o->json)
			sys_print_interval(screen + 1, s->secs, stdout);
		s->before = s->after;
		last = t;
		if (loop_interrupted()) {
			screen++;
			break;
		}
	}
	if (o->json)
		sys_print_summary(screen, now_seconds() - start,
				  loop_end_reason(loop_interrupted() ? LOOP_SIGNAL : LOOP_DURATION), stdout);
	return 0;
}

int cmd_sys(int argc, char **argv)
{
	struct sys_opts o = { .slabs = 10, .order = -1 };
	int rc = parse(&o, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	long page_size = sysconf(_SC_PAGESIZE);
	struct sys_screen s;
	if (sys_screen_init(&s, o.slabs, (uint64_t)page_size)) {
		fprintf(stderr, "memmon sys: out of memory\n");
		return EXIT_RUNTIME;
	}
	int r;
	if ((r = meminfo_read(&s.mem)) || (r = vmstat_read(&s.before))) {
		fprintf(stderr, "memmon sys: cannot read /proc/meminfo or /proc/vmstat: %s\n",
			r == -EINVAL ? "unexpected format" : strerror(-r));
		sys_screen_free(&s);
		return EXIT_RUNTIME;
	}
	if (o.order < 0)
		o.order = huge_page_order(&s.mem, page_size);
	/* Orders /proc/buddyinfo lists: MAX_ORDER + 1, 11 on x86-64. */
	int orders = sys_read_zones(s.zones, BUDDY_MAX_ZONES) > 0 ? s.zones[0].norders : -1;
	if (orders > 0 && o.order >= orders) {
		sys_screen_free(&s);
		return cli_usage_error(CMD, "--order %d: this kernel's largest order is %d", o.order,
				       orders - 1);
	}
	loop_install_signals();
	rc = run(&o, &s) ? EXIT_RUNTIME : EXIT_OK;
	sys_screen_free(&s);
	return rc;
}
