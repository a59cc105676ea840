/* Formatting shared by the pressure commands: GFP flag names, memory cgroup paths, kmalloc
 * cache names, the interval arithmetic of the reclaim table, and the three row tables read
 * from a real BPF map (totals and the change since the previous read). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/gfp_names.h"
#include "kernel/memcg_path.h"
#include "pressure/compact_table.h"
#include "pressure/kmem_table.h"
#include "pressure/reclaim_table.h"
#include <bpf/bpf.h>
#include <unistd.h>

static void test_gfp_default(void **state)
{
	char buf[256];
	gfp_names_use_default();
	gfp_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	gfp_format(0xcc0, buf, sizeof(buf)); /* __GFP_RECLAIM | __GFP_IO | __GFP_FS */
	assert_string_equal(buf, "GFP_KERNEL");
	gfp_format(0x400cc0, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL_ACCOUNT");
	gfp_format(0x100cca, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_HIGHUSER_MOVABLE");
	gfp_format(0x100cca | 0x100, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_HIGHUSER_MOVABLE|__GFP_ZERO");
	gfp_format(0x820, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_ATOMIC");
	gfp_format(0x1ULL << 40, buf, sizeof(buf));
	assert_string_equal(buf, "0x10000000000");
	/* the readahead mask seen in the reclaim test: GFP_NOFS plus single bits */
	gfp_format(0x112c4a, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_HARDWALL");
	/* a short buffer is cut, never overrun */
	char small[8];
	gfp_format(0x100cca | 0x100, small, sizeof(small));
	assert_int_equal(strlen(small), 7);
	assert_int_equal(gfp_flag_mask("ACCOUNT"), 0x400000);
	assert_int_equal(gfp_flag_mask("NOSUCH"), 0);
}

static void test_gfp_btf(void **state)
{
	char buf[256];
	if (gfp_names_load_btf() != 0)
		skip();
	/* on any kernel, __GFP_ZERO alone prints as itself */
	gfp_format(gfp_flag_mask("ZERO"), buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_ZERO");
	gfp_names_use_default();
}

static void test_memcg_path(void **state)
{
	struct memcg_info m = { 0 };
	char buf[64];
	memcg_path_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "/");
	m.depth = 2;
	strcpy(m.names[0], "leaf");
	strcpy(m.names[1], "parent");
	memcg_path_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "/parent/leaf");
	m.truncated = 1;
	memcg_path_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, ".../parent/leaf");
	m.depth = 99; /* corrupt depth is clamped */
	memcg_path_format(&m, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	m.max_pages = 8192;
	assert_true(memcg_limited(&m));
	m.max_pages = 0x7fffffffffffffffULL / 4096;
	assert_false(memcg_limited(&m));
}

static void test_kmem_names(void **state)
{
	char buf[48];
	struct kmem_key k = { .kind = KMEM_KMALLOC, .size = 192, .kmalloc_type = KMALLOC_T_CGROUP };
	kmem_cache_name(&k, buf, sizeof(buf));
	assert_string_equal(buf, "kmalloc-cg-192");
	k.size = 1024;
	k.kmalloc_type = KMALLOC_T_NORMAL;
	kmem_cache_name(&k, buf, sizeof(buf));
	assert_string_equal(buf, "kmalloc-1k");
	k.kmalloc_type = KMALLOC_T_DMA;
	k.size = 8192;
	kmem_cache_name(&k, buf, sizeof(buf));
	assert_string_equal(buf, "dma-kmalloc-8k");
	k.size = 16384;
	kmem_cache_name(&k, buf, sizeof(buf));
	assert_string_equal(buf, "kmalloc-large");
	k.kind = KMEM_PAGES;
	k.size = 2;
	kmem_cache_name(&k, buf, sizeof(buf));
	assert_string_equal(buf, "pages-order-2");
	k.kind = KMEM_SLAB;
	memset(k.cache, 'x', sizeof(k.cache)); /* not NUL-terminated from BPF at full length */
	kmem_cache_name(&k, buf, sizeof(buf));
	assert_int_equal(strlen(buf), KMEM_CACHE_NAME_LEN);
}

/* Grouping: by cache sums call sites, by site keeps them apart; sorted by bytes or count. */
static void test_kmem_group(void **state)
{
	struct kmem_entry e[4] = {
		{ .key = { .call_site = 0x100, .kind = KMEM_KMALLOC, .size = 192, .kmalloc_type = KMALLOC_T_CGROUP, .stackid = -1 },
		  .total = { 10, 1920, 1800 }, .delta = { 1, 192, 180 } },
		{ .key = { .call_site = 0x200, .kind = KMEM_KMALLOC, .size = 192, .kmalloc_type = KMALLOC_T_CGROUP, .stackid = -1 },
		  .total = { 5, 960, 900 } },
		{ .key = { .call_site = 0x300, .kind = KMEM_SLAB, .cache = "filp", .stackid = -1 },
		  .total = { 30, 5760, 5760 }, .delta = { 3, 576, 576 } },
		{ .key = { .call_site = 0, .kind = KMEM_PAGES, .size = 0, .stackid = -1 },
		  .total = { 1, 4096, 4096 } },
	};
	struct keyed_table t, g;
	kmem_table_init(&t);
	kmem_groups_init(&g);
	for (int i = 0; i < 4; i++) {
		struct kmem_entry *r = ktable_get(&t, &e[i].key, NULL);
		assert_non_null(r);
		*r = e[i];
	}
	struct kmem_row *rows;
	int n = kmem_table_group(&t, false, false, false, &g);
	rows = ktable_row(&g, 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].cache, "filp");
	assert_string_equal(rows[1].cache, "pages-order-0");
	assert_string_equal(rows[2].cache, "kmalloc-cg-192");
	assert_int_equal(rows[2].v.count, 15);
	assert_int_equal(rows[2].v.bytes, 2880);
	n = kmem_table_group(&t, false, false, true, &g); /* by count */
	rows = ktable_row(&g, 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].cache, "filp");
	assert_string_equal(rows[1].cache, "kmalloc-cg-192");
	n = kmem_table_group(&t, true, false, false, &g);
	rows = ktable_row(&g, 0);
	assert_int_equal(n, 4);
	assert_int_equal(rows[2].call_site, 0x100);
	assert_int_equal(rows[2].v.count, 10);
	n = kmem_table_group(&t, true, true, false, &g); /* deltas: zero rows left out */
	rows = ktable_row(&g, 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].v.count, 3);
	ktable_free(&g);
	ktable_free(&t);
}

static void test_vmscan_diff(void **state)
{
	struct vmscan_stats prev = { .slab_ns = 10, .memcg_ns = 100, .memcg_count = 2, .pages_scanned = 50 };
	struct vmscan_stats cur = { .slab_ns = 15, .memcg_ns = 400, .memcg_count = 5, .pages_scanned = 80,
				    .comm = "x" };
	struct vmscan_stats d;
	vmscan_stats_diff(&cur, &prev, &d);
	assert_int_equal(d.slab_ns, 5);
	assert_int_equal(d.memcg_ns, 300);
	assert_int_equal(d.memcg_count, 3);
	assert_int_equal(d.pages_scanned, 30);
	assert_string_equal(d.comm, "x");
	assert_false(vmscan_stats_zero(&d));
	vmscan_stats_diff(&cur, &cur, &d);
	assert_true(vmscan_stats_zero(&d));
}

/* A BPF hash map like the counting maps of the pressure probes; -1 without BPF rights. */
static int counting_map(size_t key_size, size_t value_size)
{
	return bpf_map_create(BPF_MAP_TYPE_HASH, "test_counts", key_size, value_size, 64, NULL);
}

/* What a probe does to its counting map: the entry of key now holds value. */
static void put(int fd, const void *key, const void *value)
{
	assert_int_equal(bpf_map_update_elem(fd, key, value, BPF_ANY), 0);
}

static void test_compact_read(void **state)
{
	int fd = counting_map(sizeof(struct compact_key), sizeof(struct compact_value));
	if (fd < 0)
		skip(); /* not root: no BPF maps */
	struct compact_key run = { .tgid = 7, .type = ROW_COMPACTION, .code = 1 };
	struct compact_key mig = { .tgid = 7, .type = ROW_MIGRATION, .code = 0 };
	struct compact_value v = { .count = 2, .total_ns = 500, .max_ns = 300, .comm = "sh" };
	struct compact_value m = { .count = 1, .succeeded = 40, .failed = 2 };
	put(fd, &run, &v);
	put(fd, &mig, &m);
	struct keyed_table t;
	compact_table_init(&t);
	assert_int_equal(compact_table_read(&t, fd), 0);
	v.count = 5;
	v.total_ns = 900;
	v.max_ns = 350;
	put(fd, &run, &v);
	assert_int_equal(compact_table_read(&t, fd), 0);
	compact_table_sort(&t);
	assert_int_equal(ktable_count(&t), 2);
	const struct compact_row *r = ktable_row(&t, 0); /* compaction rows first */
	assert_int_equal(r->key.type, ROW_COMPACTION);
	assert_int_equal(r->total.count, 5);
	assert_int_equal(r->delta.count, 3);
	assert_int_equal(r->delta.total_ns, 400);
	assert_int_equal(r->delta.max_ns, 350); /* the maximum so far, not a difference */
	assert_string_equal(r->delta.comm, "sh");
	r = ktable_row(&t, 1);
	assert_int_equal(r->total.succeeded, 40);
	assert_int_equal(r->delta.count, 0); /* unchanged since the previous read */
	assert_int_equal(r->delta.succeeded, 0);
	ktable_free(&t);
	close(fd);
}

static void test_reclaim_read(void **state)
{
	int fd = counting_map(sizeof(struct vmscan_key), sizeof(struct vmscan_stats));
	if (fd < 0)
		skip(); /* not root: no BPF maps */
	struct vmscan_key a = { .tgid = 10 }, b = { .tgid = 20 };
	struct vmscan_stats sa = { .memcg_ns = 100, .memcg_count = 1 }, sb = { .direct_ns = 50 };
	put(fd, &a, &sa);
	put(fd, &b, &sb);
	struct keyed_table t;
	reclaim_table_init(&t);
	assert_int_equal(reclaim_table_read(&t, fd), 0);
	sb.direct_ns = 1000;
	sb.direct_count = 1;
	put(fd, &b, &sb);
	assert_int_equal(reclaim_table_read(&t, fd), 0);
	reclaim_table_sort(&t, false); /* by total: b (1000 ns) first */
	assert_int_equal(((const struct vmscan_row *)ktable_row(&t, 0))->key.tgid, 20);
	reclaim_table_sort(&t, true); /* by delta: b (950 ns), then a (0) */
	const struct vmscan_row *r = ktable_row(&t, 0);
	assert_int_equal(r->key.tgid, 20);
	assert_int_equal(r->delta.direct_ns, 950);
	assert_int_equal(r->delta.direct_count, 1);
	r = ktable_row(&t, 1);
	assert_int_equal(r->total.memcg_ns, 100);
	assert_true(vmscan_stats_zero(&r->delta));
	ktable_free(&t);
	close(fd);
}

static void test_kmem_read(void **state)
{
	int fd = counting_map(sizeof(struct kmem_key), sizeof(struct kmem_value));
	if (fd < 0)
		skip(); /* not root: no BPF maps */
	struct kmem_key k = { .call_site = 0x100, .kind = KMEM_KMALLOC, .size = 1024,
			      .kmalloc_type = KMALLOC_T_CGROUP, .stackid = -1 };
	struct kmem_value v = { 10, 10240, 6400 };
	put(fd, &k, &v);
	struct keyed_table t, g;
	kmem_table_init(&t);
	kmem_groups_init(&g);
	assert_int_equal(kmem_table_read(&t, fd), 0);
	v = (struct kmem_value){ 30, 30720, 19200 };
	put(fd, &k, &v);
	assert_int_equal(kmem_table_read(&t, fd), 0);
	assert_int_equal(kmem_table_group(&t, true, true, false, &g), 1);
	const struct kmem_row *r = ktable_row(&g, 0);
	assert_string_equal(r->cache, "kmalloc-cg-1k");
	assert_int_equal(r->call_site, 0x100);
	assert_int_equal(r->v.count, 20);
	assert_int_equal(r->v.bytes_req, 12800);
	assert_int_equal(kmem_table_group(&t, false, false, false, &g), 1);
	r = ktable_row(&g, 0);
	assert_int_equal(r->v.count, 30);
	assert_int_equal(r->call_site, 0); /* by cache: no call site */
	ktable_free(&g);
	ktable_free(&t);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gfp_default), cmocka_unit_test(test_gfp_btf),
		cmocka_unit_test(test_memcg_path),  cmocka_unit_test(test_kmem_names),
		cmocka_unit_test(test_kmem_group),  cmocka_unit_test(test_vmscan_diff),
		cmocka_unit_test(test_compact_read), cmocka_unit_test(test_reclaim_read),
		cmocka_unit_test(test_kmem_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
