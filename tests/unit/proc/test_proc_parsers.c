/* The /proc parsers on fixed text: every field, sums, and malformed input. */
#include "proc/proc_buddyinfo.h"
#include "proc/proc_fixtures.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_slabinfo.h"
#include "proc/proc_smaps.h"
#include "proc/proc_status.h"
#include "proc/proc_vmstat.h"
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define LEN(s) (sizeof(s) - 1)

struct seen {
	struct smaps_mapping m[4];
	int n;
};

static int record(const struct smaps_mapping *m, void *ctx)
{
	struct seen *s = ctx;
	if (s->n < 4)
		s->m[s->n] = *m;
	s->n++;
	return 0;
}

static void test_smaps_mappings(void **state)
{
	struct seen s = { .n = 0 };
	assert_int_equal(smaps_parse(SMAPS_TEXT, LEN(SMAPS_TEXT), record, &s), 3);
	assert_int_equal(s.n, 3);
	assert_true(s.m[0].start == 0x55826ed08000ULL && s.m[0].end == 0x55826ed37000ULL);
	assert_string_equal(s.m[0].perms, "r--p");
	assert_string_equal(s.m[0].dev, "fe:00");
	assert_int_equal(s.m[0].inode, 247101);
	assert_string_equal(s.m[0].name, "/usr/bin/bash");
	assert_int_equal(s.m[0].c.size, 188);
	assert_int_equal(s.m[0].c.pss, 26);
	assert_int_equal(s.m[0].c.shared_clean, 188);
	assert_int_equal(mem_uss(&s.m[0].c), 0);
	assert_true(s.m[0].c.seen & MC_SEEN_PSS);
	assert_string_equal(s.m[1].name, "");
	assert_string_equal(s.m[1].perms, "rw-p");
	assert_int_equal(mem_uss(&s.m[1].c), 2048);
	assert_int_equal(mem_dirty(&s.m[1].c), 4084);
	assert_int_equal(s.m[1].c.swap, 64);
	assert_int_equal(s.m[1].c.swap_pss, 32);
	assert_int_equal(s.m[1].c.anonymous, 4096);
	assert_string_equal(s.m[2].name, "/dev/zero (deleted)");
	assert_string_equal(s.m[2].perms, "rw-s");
	assert_true(s.m[2].end - s.m[2].start == 0x201000);
}

static void test_smaps_sum(void **state)
{
	struct mem_counts t;
	assert_int_equal(smaps_sum(SMAPS_TEXT, LEN(SMAPS_TEXT), &t), 3);
	assert_int_equal(t.size, 188 + 4096 + 2052);
	assert_int_equal(t.rss, 188 + 4096 + 2048);
	assert_int_equal(t.pss, 26 + 2048 + 1024);
	assert_int_equal(mem_uss(&t), 12 + 2036);
	assert_int_equal(t.shared_dirty, 4096);
	assert_int_equal(t.swap, 64);
}

static void test_rollup(void **state)
{
	struct mem_counts t;
	assert_int_equal(smaps_sum(ROLLUP_TEXT, LEN(ROLLUP_TEXT), &t), 1);
	assert_int_equal(t.rss, 1732);
	assert_int_equal(t.pss, 367);
	assert_int_equal(t.pss_anon, 112);
	assert_int_equal(t.pss_file, 255);
	assert_int_equal(mem_uss(&t), 172);
	assert_int_equal(t.swap, 8);
	assert_int_equal(t.swap_pss, 4);
	assert_int_equal(t.size, 0);
	assert_false(t.seen & MC_SEEN_SIZE);
}

static void test_smaps_stop_and_empty(void **state)
{
	struct mem_counts t;
	assert_int_equal(smaps_sum("", 0, &t), 0); /* kernel thread: no mappings */
	assert_int_equal(smaps_parse(SMAPS_TEXT, LEN(SMAPS_TEXT), NULL, NULL), 3);
}

static void test_smaps_malformed(void **state)
{
	struct mem_counts t;
	static const char *bad[] = {
		"Rss: 4 kB\n",                                          /* counter before a header */
		"7f00-7e00 rw-p 00000000 00:00 0\n",                    /* end before start */
		"7f00-7f10 rw-p 0000 00:00 zz\n",                       /* inode not a number */
		"7f00-7f10 rwp 0 00:00 0\n",                            /* perms too short */
		"7f00-7f10 rw-p 0 00:00 0\nRss: 4 MB\n",                /* unit */
		"7f00-7f10 rw-p 0 00:00 0\nRss: x kB\n",                /* value */
		"7f00-7f10 rw-p 0 00:00 0\nRss: 99999999999999999999999 kB\n", /* overflow */
		"7f00-7f10 rw-p 0 00:00 0\nno colon here\n",
		"ffffffffffffffffff-1 rw-p 0 00:00 0\n", /* overflowing address */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(smaps_sum(bad[i], strlen(bad[i]), &t), -EINVAL);
	/* Unknown keys of newer kernels are fine. */
	static const char newer[] = "7f00-7f10 rw-p 0 00:00 0\nFutureCounter:  5 kB\nRss: 4 kB\n";
	assert_int_equal(smaps_sum(newer, LEN(newer), &t), 1);
	assert_int_equal(t.rss, 4);
}

static void test_maps_total(void **state)
{
	uint64_t kb;
	assert_int_equal(maps_total_kb(MAPS_TEXT, LEN(MAPS_TEXT), &kb), 3);
	assert_int_equal(kb, 188 + 4096 + 4);
	assert_int_equal(maps_total_kb("garbage\n", 8, &kb), -EINVAL);
}

static void test_meminfo(void **state)
{
	struct meminfo m;
	assert_int_equal(meminfo_parse(MEMINFO_TEXT, LEN(MEMINFO_TEXT), &m), 0);
	assert_int_equal(m.mem_total, 24684084);
	assert_int_equal(m.mem_available, 24302784);
	assert_int_equal(m.buffers, 772);
	assert_int_equal(m.cached, 268892);
	assert_int_equal(m.sreclaimable, 104896);
	assert_int_equal(m.swap_free, 524288);
	assert_int_equal(m.hugepagesize, 2048);
	assert_int_equal(m.hugepages_total, 0);
	assert_int_equal(meminfo_parse("MemFree: 1 kB\n", 14, &m), -EINVAL); /* no MemTotal */
	assert_int_equal(meminfo_parse("MemTotal: 1 MB\n", 15, &m), -EINVAL);
	assert_int_equal(meminfo_parse("MemTotal 1 kB\n", 14, &m), -EINVAL);
}

static void test_vmstat(void **state)
{
	struct vmstat v;
	assert_int_equal(vmstat_parse(VMSTAT_TEXT, LEN(VMSTAT_TEXT), &v), 0);
	assert_int_equal(v.pgfault, 123456789);
	assert_int_equal(v.pgmajfault, 42);
	assert_int_equal(v.pswpin, 7);
	assert_int_equal(v.pswpout, 9);
	assert_int_equal(v.allocstall, 6);
	assert_int_equal(v.pgscan_direct, 200);
	assert_int_equal(v.pgsteal_kswapd, 90);
	assert_int_equal(v.oom_kill, 5);
	assert_int_equal(v.compact_stall, 6);
	assert_int_equal(vmstat_parse("pgfault\n", 8, &v), -EINVAL);
	assert_int_equal(vmstat_parse("pgfault -1\n", 11, &v), -EINVAL);
	assert_int_equal(vmstat_parse("oom_kill 1\n", 11, &v), -EINVAL); /* no pgfault */
}

static void test_buddyinfo(void **state)
{
	struct buddy_zone z[4];
	assert_int_equal(buddyinfo_parse(BUDDYINFO_TEXT, LEN(BUDDYINFO_TEXT), z, 4), 3);
	assert_string_equal(z[0].name, "DMA");
	assert_string_equal(z[2].name, "Normal");
	assert_int_equal(z[2].node, 1);
	assert_int_equal(z[1].norders, 11);
	assert_int_equal(z[2].free[0], 1870);
	assert_int_equal(z[2].free[10], 314);
	/* DMA: 1x256 + 1x512 + 3x1024 pages; blocks below order 9 hold 256 of 3840. */
	assert_int_equal(buddy_free_pages(&z[0]), 3840);
	assert_true(buddy_unusable_index(&z[0], 9) == 256.0 / 3840.0);
	assert_true(buddy_unusable_index(&z[0], 0) == 0.0);
	assert_true(buddy_unusable_index(&z[0], 11) == 1.0);
	struct buddy_zone empty = { .norders = 3 };
	assert_true(buddy_unusable_index(&empty, 2) == 0.0);
	assert_int_equal(buddyinfo_parse("Node 0 zone DMA 1\n", 17, z, 4), -EINVAL);
	assert_int_equal(buddyinfo_parse("Node 0, zone DMA\n", 17, z, 4), -EINVAL);
	assert_int_equal(buddyinfo_parse("Node 0, zone DMA 1 x\n", 21, z, 4), -EINVAL);
	assert_int_equal(buddyinfo_parse(BUDDYINFO_TEXT, LEN(BUDDYINFO_TEXT), z, 2), 2); /* capped */
}

struct slabs {
	struct slab_cache c[4];
	int n;
};

static void keep(const struct slab_cache *c, void *ctx)
{
	struct slabs *s = ctx;
	if (s->n < 4)
		s->c[s->n++] = *c;
}

static void test_slabinfo(void **state)
{
	struct slabs s = { .n = 0 };
	assert_int_equal(slabinfo_parse(SLABINFO_TEXT, LEN(SLABINFO_TEXT), keep, &s), 3);
	assert_string_equal(s.c[0].name, "ext4_inode_cache");
	assert_int_equal(s.c[0].objsize, 1128);
	assert_int_equal(s.c[0].pagesperslab, 8);
	assert_int_equal(s.c[0].num_slabs, 2050);
	assert_int_equal(slab_cache_kb(&s.c[0], 4096), 2050 * 8 * 4);
	assert_int_equal(slab_cache_kb(&s.c[2], 4096), 0);
	assert_int_equal(slabinfo_parse("slabinfo - version: 1.1\n", 24, NULL, NULL), -EINVAL);
	static const char cut[] = "slabinfo - version: 2.1\nfoo 1 2 3 4 5 : tunables 0 0 0 : slabdata 1\n";
	assert_int_equal(slabinfo_parse(cut, LEN(cut), NULL, NULL), -EINVAL);
}

static void test_status(void **state)
{
	struct proc_status_mem st;
	assert_int_equal(proc_status_parse(STATUS_TEXT, LEN(STATUS_TEXT), &st), 0);
	assert_int_equal(st.vm_size, 5004);
	assert_int_equal(st.vm_rss, 4316);
	assert_int_equal(st.rss_anon, 944);
	assert_int_equal(st.rss_file, 3372);
	assert_int_equal(st.vm_data, 1104);
	assert_int_equal(st.found, 7);
	static const char kthread[] = "Name:\tkthreadd\nPid:\t2\n";
	assert_int_equal(proc_status_parse(kthread, LEN(kthread), &st), -EINVAL);
	static const char bad[] = "VmRSS:\t12 MB\n";
	assert_int_equal(proc_status_parse(bad, LEN(bad), &st), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smaps_mappings), cmocka_unit_test(test_smaps_sum),
		cmocka_unit_test(test_rollup), cmocka_unit_test(test_smaps_stop_and_empty),
		cmocka_unit_test(test_smaps_malformed), cmocka_unit_test(test_maps_total),
		cmocka_unit_test(test_meminfo), cmocka_unit_test(test_vmstat),
		cmocka_unit_test(test_buddyinfo), cmocka_unit_test(test_slabinfo),
		cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
