/* memmon sys: one screen of system memory: free(1) summary, vmstat-style rates, buddy
 * allocator free pages and fragmentation per zone, largest slab caches. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "proc/proc_buddyinfo.h"
#include "proc/proc_file.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_slabinfo.h"
#include "proc/proc_vmstat.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { OPT_SLABS = OPT_COMMON_LAST, OPT_ORDER };

static void usage(void)
{
	printf("usage: memmon sys [-i SECONDS] [-d SECONDS] [--slabs N] [--order N] [--json]\n\n"
	       "One screen of system memory:\n"
	       "  memory     free(1): total, used (total - available), free, shared,\n"
	       "             buff/cache (Buffers + Cached + SReclaimable), available; swap (kB)\n"
	       "  activity   per second over the interval, from /proc/vmstat: page faults, major\n"
	       "             faults, swap in/out (pages), pages scanned and stolen by kswapd and by\n"
	       "             direct reclaim, direct reclaim stalls, compaction stalls, OOM kills\n"
	       "  zones      free blocks per order from /proc/buddyinfo, free kB, and the unusable\n"
	       "             free space index at --order: the share of free memory in blocks too\n"
	       "             small for that order (0 = unfragmented, 1 = no such block free)\n"
	       "  slabs      the largest slab caches from /proc/slabinfo (needs root)\n\n"
	       "  -i, --interval SEC  measure rates over SEC and repeat every SEC like vmstat\n"
	       "                      (default: one screen measured over 1 s)\n"
	       "  -d, --duration SEC  stop repeating after SEC seconds\n"
	       "      --slabs N       show the N largest slab caches (default 10, 0 = none)\n"
	       "      --order N       order for the fragmentation index (default: huge page order)\n"
	       "      --json          JSON Lines: {\"type\":\"memory\"}, {\"type\":\"activity\"},\n"
	       "                      {\"type\":\"zone\"} per zone, {\"type\":\"slab\"} per cache\n"
	       "  -h, --help          this help\n");
}

struct sys_opts {
	bool json, repeat;
	double interval, duration;
	long slabs;
	int order;
};

static void print_memory(const struct meminfo *m, bool json)
{
	uint64_t used = m->mem_total > m->mem_available ? m->mem_total - m->mem_available : 0;
	uint64_t cache = m->buffers + m->cached + m->sreclaimable;
	uint64_t swap_used = m->swap_total > m->swap_free ? m->swap_total - m->swap_free : 0;
	if (json) {
		struct json_object *j = json_record("memory");
		json_add_u64(j, "total_kb", m->mem_total);
		json_add_u64(j, "used_kb", used);
		json_add_u64(j, "free_kb", m->mem_free);
		json_add_u64(j, "shared_kb", m->shmem);
		json_add_u64(j, "buff_cache_kb", cache);
		json_add_u64(j, "available_kb", m->mem_available);
		json_add_u64(j, "buffers_kb", m->buffers);
		json_add_u64(j, "cached_kb", m->cached);
		json_add_u64(j, "sreclaimable_kb", m->sreclaimable);
		json_add_u64(j, "slab_kb", m->slab);
		json_add_u64(j, "swap_total_kb", m->swap_total);
		json_add_u64(j, "swap_used_kb", swap_used);
		json_add_u64(j, "swap_free_kb", m->swap_free);
		json_emit(j, NULL);
		return;
	}
	printf("memory (kB)       total        used        free      shared  buff/cache   available\n");
	printf("Mem:      %12llu%12llu%12llu%12llu%12llu%12llu\n", (unsigned long long)m->mem_total,
	       (unsigned long long)used, (unsigned long long)m->mem_free, (unsigned long long)m->shmem,
	       (unsigned long long)cache, (unsigned long long)m->mem_available);
	printf("Swap:     %12llu%12llu%12llu\n", (unsigned long long)m->swap_total,
	       (unsigned long long)swap_used, (unsigned long long)m->swap_free);
}

static void print_activity(const struct vmstat *a, const struct vmstat *b, double secs, bool json)
{
	static const struct {
		const char *name;
		size_t offset;
	} counters[] = {
#define C(f) { #f, offsetof(struct vmstat, f) }
		C(pgfault), C(pgmajfault), C(pswpin), C(pswpout), C(pgscan_kswapd), C(pgscan_direct),
		C(pgsteal_kswapd), C(pgsteal_direct), C(allocstall), C(compact_stall), C(oom_kill),
#undef C
	};
	enum { N = sizeof(counters) / sizeof(counters[0]) };
	uint64_t d[N];
	for (size_t i = 0; i < N; i++) {
		uint64_t x = *(const uint64_t *)((const char *)a + counters[i].offset);
		uint64_t y = *(const uint64_t *)((const char *)b + counters[i].offset);
		d[i] = y >= x ? y - x : 0;
	}
	if (json) {
		struct json_object *j = json_record("activity");
		json_add_double(j, "interval_s", secs);
		char key[48];
		for (size_t i = 0; i < N; i++) {
			json_add_u64(j, counters[i].name, d[i]);
			snprintf(key, sizeof(key), "%s_per_s", counters[i].name);
			json_add_double(j, key, secs > 0 ? (double)d[i] / secs : 0);
		}
		json_emit(j, NULL);
		return;
	}
	printf("\nactivity over %.1f s (per second)\n", secs);
	printf("  faults %10.1f   major %8.1f   swap-in %8.1f   swap-out %8.1f pages\n",
	       d[0] / secs, d[1] / secs, d[2] / secs, d[3] / secs);
	printf("  scanned: kswapd %10.1f direct %10.1f   stolen: kswapd %10.1f direct %10.1f pages\n",
	       d[4] / secs, d[5] / secs, d[6] / secs, d[7] / secs);
	printf("  direct reclaim stalls %llu   compaction stalls %llu   OOM kills %llu (in the interval)\n",
	       (unsigned long long)d[8], (unsigned long long)d[9], (unsigned long long)d[10]);
}

static void print_zones(const struct sys_opts *o, long page_kb)
{
	struct text_buf buf = { 0 };
	struct buddy_zone zones[BUDDY_MAX_ZONES];
	int r = proc_read_file("/proc/buddyinfo", &buf);
	int n = r ? r : buddyinfo_parse(buf.data, buf.len, zones, BUDDY_MAX_ZONES);
	text_buf_free(&buf);
	if (n < 0) {
		fprintf(stderr, "memmon sys: cannot read /proc/buddyinfo: %s\n",
			n == -EINVAL ? "unexpected format" : strerror(-n));
		return;
	}
	if (!o->json) {
		printf("\nfree blocks per order (buddyinfo); unusable = share of free memory in blocks "
		       "< order %d\nnode zone    ", o->order);
		for (int i = 0; i < (n ? zones[0].norders : 0); i++)
			printf(" %7d", i);
		printf("     free kB unusable\n");
	}
	for (int z = 0; z < n; z++) {
		uint64_t free_kb = buddy_free_pages(&zones[z]) * (uint64_t)page_kb;
		double unusable = buddy_unusable_index(&zones[z], o->order);
		if (o->json) {
			struct json_object *j = json_record("zone");
			json_add_int(j, "node", zones[z].node);
			json_add_str(j, "zone", zones[z].name);
			struct json_object *arr = json_object_new_array();
			for (int i = 0; i < zones[z].norders; i++)
				json_object_array_add(arr, json_object_new_uint64(zones[z].free[i]));
			json_object_object_add(j, "free_blocks", arr);
			json_add_u64(j, "free_kb", free_kb);
			json_add_int(j, "order", o->order);
			json_add_double(j, "unusable_index", unusable);
			json_emit(j, NULL);
			continue;
		}
		printf("%4d %-8s", zones[z].node, zones[z].name);
		for (int i = 0; i < zones[z].norders; i++)
			printf(" %7llu", (unsigned long long)zones[z].free[i]);
		printf(" %11llu %8.3f\n", (unsigned long long)free_kb, unusable);
	}
}

struct slab_top {
	struct slab_cache *v;
	long n, max;
	uint64_t page_size;
};

/* Keeps the max largest caches, largest first (insertion into a short sorted list). */
static void keep_largest(const struct slab_cache *c, void *ctx)
{
	struct slab_top *t = ctx;
	uint64_t kb = slab_cache_kb(c, t->page_size);
	if (t->n == t->max && kb <= slab_cache_kb(&t->v[t->n - 1], t->page_size))
		return;
	long i = t->n < t->max ? t->n++ : t->max - 1;
	while (i > 0 && slab_cache_kb(&t->v[i - 1], t->page_size) < kb) {
		t->v[i] = t->v[i - 1];
		i--;
	}
	t->v[i] = *c;
}

static void print_slabs(const struct sys_opts *o, long page_size)
{
	if (o->slabs <= 0)
		return;
	struct text_buf buf = { 0 };
	int r = proc_read_file("/proc/slabinfo", &buf);
	struct slab_top t = { calloc((size_t)o->slabs, sizeof(struct slab_cache)), 0, o->slabs, (uint64_t)page_size };
	if (!r && t.v)
		r = slabinfo_parse(buf.data, buf.len, keep_largest, &t);
	text_buf_free(&buf);
	if (r < 0 || !t.v) {
		fprintf(stderr, "memmon sys: cannot read /proc/slabinfo: %s\n",
			!t.v ? "out of memory" : r == -EACCES ? "permission denied (run as root)" :
			r == -EINVAL ? "unexpected format" : strerror(-r));
		free(t.v);
		return;
	}
	if (!o->json)
		printf("\nlargest slab caches (slabinfo)\nname                          objects   active  objsize    size kB\n");
	for (long i = 0; i < t.n; i++) {
		const struct slab_cache *c = &t.v[i];
		if (o->json) {
			struct json_object *j = json_record("slab");
			json_add_str(j, "name", c->name);
			json_add_u64(j, "objects", c->num_objs);
			json_add_u64(j, "active_objects", c->active_objs);
			json_add_u64(j, "objsize", c->objsize);
			json_add_u64(j, "slabs", c->num_slabs);
			json_add_u64(j, "pages_per_slab", c->pagesperslab);
			json_add_u64(j, "size_kb", slab_cache_kb(c, t.page_size));
			json_emit(j, NULL);
		} else {
			printf("%-28.28s %8llu %8llu %8llu %10llu\n", c->name, (unsigned long long)c->num_objs,
			       (unsigned long long)c->active_objs, (unsigned long long)c->objsize,
			       (unsigned long long)slab_cache_kb(c, t.page_size));
		}
	}
	free(t.v);
}

/* Sleeps until the monotonic time `until`, waking early on Ctrl-C. */
static void sleep_until(double until)
{
	while (!loop_interrupted()) {
		double left = until - now_seconds();
		if (left <= 0)
			return;
		if (left > 0.1)
			left = 0.1;
		struct timespec ts = { 0, (long)(left * 1e9) };
		nanosleep(&ts, NULL);
	}
}

static int parse_args(int argc, char **argv, struct sys_opts *o)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "slabs", required_argument, NULL, OPT_SLABS },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	long v;
	argc = cli_split_program(&cli, argc, argv);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		int r = cli_common_option(&cli, "sys", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'h': usage(); return EXIT_OK;
		case OPT_SLABS:
			if (cli_parse_long(optarg, 0, 100000, &o->slabs))
				return cli_usage_error("sys", "invalid --slabs '%s'", optarg);
			break;
		case OPT_ORDER:
			if (cli_parse_long(optarg, 0, BUDDY_MAX_ORDERS - 1, &v))
				return cli_usage_error("sys", "invalid --order '%s' (0-%d)", optarg, BUDDY_MAX_ORDERS - 1);
			o->order = (int)v;
			break;
		default: return cli_bad_option("sys");
		}
	}
	if (optind < argc)
		return cli_usage_error("sys", "unexpected argument '%s'", argv[optind]);
	if (cli.npids || cli.comm || cli.prog_argv)
		return cli_usage_error("sys", "reports the whole system: no -p, --comm or -- PROGRAM");
	if (cli.duration > 0 && cli.interval <= 0)
		return cli_usage_error("sys", "-d needs -i");
	o->json = cli.json;
	o->repeat = cli.interval > 0;
	o->interval = o->repeat ? cli.interval : 1.0;
	o->duration = cli.duration;
	return -1;
}

/* Orders /proc/buddyinfo lists (MAX_ORDER + 1, 11 on x86-64), or -1 if unreadable. */
static int buddy_orders(void)
{
	struct text_buf buf = { 0 };
	struct buddy_zone zones[BUDDY_MAX_ZONES];
	int r = proc_read_file("/proc/buddyinfo", &buf);
	int n = r ? r : buddyinfo_parse(buf.data, buf.len, zones, BUDDY_MAX_ZONES);
	text_buf_free(&buf);
	return n > 0 ? zones[0].norders : -1;
}

int cmd_sys(int argc, char **argv)
{
	struct sys_opts o = { .slabs = 10, .order = -1 };
	int r = parse_args(argc, argv, &o);
	if (r >= 0)
		return r;
	long page_size = sysconf(_SC_PAGESIZE);
	struct meminfo mi;
	struct vmstat before, after;
	if ((r = meminfo_read(&mi)) || (r = vmstat_read(&before))) {
		fprintf(stderr, "memmon sys: cannot read /proc/meminfo or /proc/vmstat: %s\n",
			r == -EINVAL ? "unexpected format" : strerror(-r));
		return EXIT_RUNTIME;
	}
	if (o.order < 0) { /* the huge page order: 2 MiB / 4 kB = 2^9 on x86-64 */
		o.order = 0;
		while (mi.hugepagesize && ((uint64_t)page_size / 1024 << (o.order + 1)) <= mi.hugepagesize)
			o.order++;
	}
	int orders = buddy_orders();
	if (orders > 0 && o.order >= orders)
		return cli_usage_error("sys", "--order %d: this kernel's largest order is %d", o.order,
				       orders - 1);
	loop_install_signals();
	/* Screens on a fixed grid from the start, so -d D -i I gives exactly D/I of them. */
	long screens = !o.repeat ? 1 : o.duration > 0 ? (long)(o.duration / o.interval + 1e-9) : -1;
	if (screens == 0)
		screens = 1;
	double start = now_seconds(), last = start;
	for (long screen = 0; screens < 0 || screen < screens; screen++) {
		sleep_until(start + (double)(screen + 1) * o.interval);
		if (loop_interrupted() && screen > 0)
			break;
		double t = now_seconds();
		if ((r = vmstat_read(&after)) || (r = meminfo_read(&mi))) {
			fprintf(stderr, "memmon sys: cannot read /proc: %s\n", strerror(-r));
			return EXIT_RUNTIME;
		}
		if (screen > 0 && !o.json)
			printf("\n----\n");
		print_memory(&mi, o.json);
		print_activity(&before, &after, t - last, o.json);
		print_zones(&o, page_size / 1024);
		print_slabs(&o, page_size);
		fflush(stdout);
		before = after;
		last = t;
		if (loop_interrupted())
			break;
	}
	return EXIT_OK;
}
