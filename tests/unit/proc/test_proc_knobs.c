/* The small sysfs/procfs parsers of sys and cgroups: integer files, /proc/swaps, "key value"
 * files, pressure stall lines, /proc/mounts, cgroup.procs. */
#include "proc/cgroup_mounts.h"
#include "proc/memcg_files.h"
#include "proc/proc_cgroup.h"
#include "proc/proc_keyval.h"
#include "proc/proc_numbers.h"
#include "proc/proc_psi.h"
#include "proc/proc_swaps.h"
#include "proc/proc_zram.h"
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define LEN(s) (sizeof(s) - 1)

static void test_numbers(void **state)
{
	int64_t v[9];
	assert_int_equal(numbers_parse("60\n", 3, v, 9), 1);
	assert_int_equal(v[0], 60);
	/* zram mm_stat: nine counters on one line, blank-padded */
	static const char mm[] = " 4096  1024  8192  0  8192  0  0  0  0\n";
	assert_int_equal(numbers_parse(mm, LEN(mm), v, 9), 9);
	assert_int_equal(v[0], 4096);
	assert_int_equal(v[2], 8192);
	assert_int_equal(numbers_parse("-1000", 5, v, 9), 1);
	assert_int_equal(v[0], -1000);
	assert_int_equal(numbers_parse("1 2 3", 5, v, 2), 2); /* the first max */
	assert_int_equal(numbers_parse("", 0, v, 9), 0);
	assert_int_equal(numbers_parse("max\n", 4, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("12x", 3, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("-", 1, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("99999999999999999999", 20, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("7", 1, v, 9), 1); /* no newline: the length bounds it */
}

static void test_swaps(void **state)
{
	static const char text[] =
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		"/dev/zram0                              partition\t65532\t\t1024\t\t100\n"
		"/var/tmp/swap\\040file                   file\t\t16380\t\t0\t\t-2\n";
	struct swap_area a[4];
	assert_int_equal(swaps_parse(text, LEN(text), a, 4), 2);
	assert_string_equal(a[0].name, "/dev/zram0");
	assert_string_equal(a[0].kind, "partition");
	assert_int_equal(a[0].size_kb, 65532);
	assert_int_equal(a[0].used_kb, 1024);
	assert_int_equal(a[0].priority, 100);
	assert_string_equal(a[1].name, "/var/tmp/swap\\040file");
	assert_int_equal(a[1].priority, -2);
	static const char none[] = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
	assert_int_equal(swaps_parse(none, LEN(none), a, 4), 0);
	assert_int_equal(swaps_parse("", 0, a, 4), -EINVAL);
	static const char broken[] = "Filename Type Size Used Priority\n/dev/x partition 12\n";
	assert_int_equal(swaps_parse(broken, LEN(broken), a, 4), -EINVAL);
	static const char extra[] = "Filename Type Size Used Priority\n/dev/x partition 1 2 3 4\n";
	assert_int_equal(swaps_parse(extra, LEN(extra), a, 4), -EINVAL);
}

static void test_keyval(void **state)
{
	static const char ksm[] = "ksm_rmap_items 512\nksm_zero_pages 0\nksm_merging_pages 256\n"
				  "ksm_process_profit 1007616\nksm_merge_any: no\nksm_mergeable: yes\n";
	int64_t v;
	assert_int_equal(keyval_find(ksm, LEN(ksm), "ksm_merging_pages", &v), 0);
	assert_int_equal(v, 256);
	assert_int_equal(keyval_find(ksm, LEN(ksm), "ksm_rmap_items", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(keyval_find(ksm, LEN(ksm), "ksm_merge", &v), -ENOENT); /* whole keys only */
	assert_int_equal(keyval_find(ksm, LEN(ksm), "ksm_mergeable", &v), -EINVAL);
	static const char oom[] = "oom_kill_disable 0\nunder_oom 0\noom_kill 3";
	assert_int_equal(keyval_find(oom, LEN(oom), "oom_kill", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(keyval_find("", 0, "oom_kill", &v), -ENOENT);
}

static void test_psi(void **state)
{
	static const char text[] = "some avg10=12.34 avg60=1.00 avg300=0.05 total=987654\n"
				   "full avg10=0.10 avg60=0.00 avg300=0.00 total=42\n";
	struct psi p;
	assert_int_equal(psi_parse(text, LEN(text), &p), 0);
	assert_true(p.some.avg10 == 12.34 && p.some.avg60 == 1.0 && p.some.total_us == 987654);
	assert_true(p.full.present && p.full.avg10 == 0.1 && p.full.total_us == 42);
	static const char some[] = "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
	assert_int_equal(psi_parse(some, LEN(some), &p), 0);
	assert_false(p.full.present);
	assert_int_equal(psi_parse("full avg10=0.00 avg60=0.00 avg300=0.00 total=0", 47, &p), -EINVAL);
	assert_int_equal(psi_parse("some avg10=x", 12, &p), -EINVAL);
	assert_int_equal(psi_parse("", 0, &p), -EINVAL);
}

static void test_mounts(void **state)
{
	static const char text[] =
		"tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
		"cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n"
		"cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\n"
		"cgroup /sys/fs/cgroup/memorial cgroup rw,name=memoryish 0 0\n"
		"cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n";
	struct cgroup_mounts m;
	assert_int_equal(cgroup_mounts_parse(text, LEN(text), &m), 0);
	assert_string_equal(m.v1_memory, "/sys/fs/cgroup/memory");
	assert_string_equal(m.v2, "/sys/fs/cgroup/unified");
	static const char v2only[] = "cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n";
	assert_int_equal(cgroup_mounts_parse(v2only, LEN(v2only), &m), 0);
	assert_string_equal(m.v1_memory, "");
	assert_string_equal(m.v2, "/sys/fs/cgroup");
	assert_int_equal(cgroup_mounts_parse("broken\n", 7, &m), -EINVAL);
}

static void test_pids(void **state)
{
	pid_t *p;
	assert_int_equal(memcg_parse_pids("1\n22\n333\n", 9, &p), 3);
	assert_int_equal(p[2], 333);
	free(p);
	assert_int_equal(memcg_parse_pids("", 0, &p), 0);
	free(p);
	char many[6 * 100 + 1] = "";
	for (int i = 1; i <= 100; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%d\n", i);
	assert_int_equal(memcg_parse_pids(many, strlen(many), &p), 100);
	assert_int_equal(p[99], 100);
	free(p);
	assert_int_equal(memcg_parse_pids("1\nx\n", 4, &p), -EINVAL);
	assert_int_equal(memcg_parse_pids("0\n", 2, &p), -EINVAL);
	assert_int_equal(memcg_parse_pids("-5\n", 3, &p), -EINVAL);
}

static void test_proc_cgroup(void **state)
{
	static const char v1[] = "9:name=systemd:/\n4:memory:/process_api/abc\n1:cpu,cpuacct:/x\n0::/\n";
	struct proc_cgroups c;
	assert_int_equal(proc_cgroup_parse(v1, LEN(v1), &c), 0);
	assert_string_equal(c.v1_memory, "/process_api/abc");
	assert_string_equal(c.v2, "/");
	static const char joined[] = "3:cpu,memory,pids:/a\n";
	assert_int_equal(proc_cgroup_parse(joined, LEN(joined), &c), 0);
	assert_string_equal(c.v1_memory, "/a");
	assert_string_equal(c.v2, "");
	static const char v2[] = "0::/system.slice/foo.service\n";
	assert_int_equal(proc_cgroup_parse(v2, LEN(v2), &c), 0);
	assert_string_equal(c.v2, "/system.slice/foo.service");
	assert_string_equal(c.v1_memory, "");
	assert_int_equal(proc_cgroup_parse("garbage\n", 8, &c), -EINVAL);
}

static void test_zram_algorithm(void **state)
{
	char a[32];
	static const char t[] = "lzo [lzo-rle] lz4 zstd \n";
	assert_int_equal(zram_algorithm_parse(t, LEN(t), a, sizeof(a)), 0);
	assert_string_equal(a, "lzo-rle");
	assert_int_equal(zram_algorithm_parse("lzo lz4\n", 8, a, sizeof(a)), -EINVAL);
	assert_int_equal(zram_algorithm_parse("[]", 2, a, sizeof(a)), -EINVAL);
	assert_int_equal(zram_algorithm_parse("[abc", 4, a, sizeof(a)), -EINVAL);
	assert_int_equal(zram_algorithm_parse("[a\0b]", 5, a, sizeof(a)), -EINVAL);
	assert_int_equal(zram_algorithm_parse("[0123456789012345678901234567890123]", 36, a, sizeof(a)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_swaps),
		cmocka_unit_test(test_keyval),
		cmocka_unit_test(test_psi),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_pids),
		cmocka_unit_test(test_proc_cgroup),
		cmocka_unit_test(test_zram_algorithm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
