/* The cgroups walk and order on a made-up v2 tree in a temporary directory (this machine's
 * cgroup2 has no memory controller): which directories are groups, every figure, "max",
 * groups without the controller, a group gone while read, and the display order. */
#include "snapshot/cgroups_collect.h"
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* A v2 group: usage, limit ("max" or bytes), processes. */
static void group(const char *rel, const char *current, const char *max, const char *procs)
{
	char f[128];
	dir(rel);
	snprintf(f, sizeof(f), "%s/memory.current", rel);
	put(f, current);
	snprintf(f, sizeof(f), "%s/memory.max", rel);
	put(f, max);
	snprintf(f, sizeof(f), "%s/cgroup.procs", rel);
	put(f, procs);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/memmon-cgtest.XXXXXX");
	assert_non_null(mkdtemp(root));
	put("cgroup.procs", "1\n");     /* the root: no memory.current in v2 */
	group("a", "1048576\n", "max\n", "10\n11\n");
	put("a/memory.high", "max\n");
	put("a/memory.low", "4096\n");
	put("a/memory.swap.current", "8192\n");
	put("a/memory.swap.max", "max\n");
	put("a/memory.stat", "anon 700000\nfile 300000\nkernel 40000\nkernel_stack 1\nsock 12\nshmem 5000\n");
	put("a/memory.events", "low 0\nhigh 2\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
	put("a/memory.pressure", "some avg10=1.50 avg60=0.25 avg300=0.00 total=1234\n"
				 "full avg10=0.50 avg60=0.00 avg300=0.00 total=99\n");
	group("a/near", "900\n", "1000\n", "");  /* 90% */
	group("a/far", "100\n", "1000\n", "12\n"); /* 10% */
	group("a/free", "5000\n", "max\n", "");
	group("b", "300\n", "400\n", "");           /* 75%: before a (unlimited) */
	dir("nomem");                               /* the controller is not enabled here */
	put("nomem/cgroup.procs", "");
	dir("gone");                                /* neither file: removed while read */
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static const struct cgroup_row *find(const struct cgroup_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->rows[i].path, path))
			return &l->rows[i];
	fail_msg("no group %s", path);
	return NULL;
}

static void test_v2_tree(void **state)
{
	struct cgroup_list l = { 0 };
	assert_int_equal(cgroups_collect(&l, root, 2, NULL), 0);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.vanished, 1);
	assert_int_equal(l.unreadable, 0);
	const struct cgroup_row *a = find(&l, "/a");
	assert_int_equal(a->st.version, 2);
	assert_int_equal(a->depth, 0);
	assert_int_equal(a->parent, -1);
	assert_true(a->st.usage == 1048576);
	assert_true(a->st.limit == MEMCG_UNLIMITED && a->st.high == MEMCG_UNLIMITED);
	assert_true(a->st.low == 4096 && a->st.swap == 8192 && a->st.swap_limit == MEMCG_UNLIMITED);
	assert_true(a->st.anon == 700000 && a->st.file == 300000 && a->st.kernel == 40000);
	assert_true(a->st.sock == 12 && a->st.shmem == 5000);
	assert_true(a->st.limit_hits == 3 && a->st.oom == 1 && a->st.oom_kill == 1);
	assert_true(a->st.soft_limit == MEMCG_NONE);
	assert_true(a->st.has_psi && a->st.psi.full.present);
	assert_true(a->st.psi.some.avg10 == 1.5 && a->st.psi.some.total_us == 1234);
	assert_true(a->st.psi.full.avg10 == 0.5 && a->st.psi.full.total_us == 99);
	assert_int_equal(a->npids, 2);
	assert_int_equal(a->pids[0], 10);
	assert_int_equal(a->pids[1], 11);
	assert_true(cgroup_limit_share(&a->st) < 0);
	const struct cgroup_row *near = find(&l, "/a/near");
	assert_int_equal(near->depth, 1);
	assert_string_equal(l.rows[near->parent].path, "/a");
	assert_true(near->st.anon == MEMCG_NONE && !near->st.has_psi);
	assert_true(cgroup_limit_share(&near->st) == 0.9);

	assert_int_equal(cgroups_sort(&l), 0);
	const char *want[] = { "/b", "/a", "/a/near", "/a/far", "/a/free" };
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(l.rows[l.order[i]].path, want[i]);
	cgroups_free(&l);
}

static void test_only(void **state)
{
	struct cgroup_list l = { 0 };
	assert_int_equal(cgroups_collect(&l, root, 2, "/a/far"), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.rows[0].path, "/a/far");
	assert_int_equal(l.rows[0].depth, 0);
	assert_int_equal(l.rows[0].npids, 1);
	assert_int_equal(cgroups_collect(&l, root, 2, "/nomem"), -ENOENT);
	assert_int_equal(cgroups_collect(&l, root, 2, "/missing"), -ENOENT);
	assert_int_equal(cgroups_collect(&l, root, 2, "/a/memory.current"), -ENOENT);
	assert_int_equal(l.n, 1);
	cgroups_free(&l);
	assert_int_equal(cgroups_collect(&l, "/nonexistent-memmon", 2, NULL), -ENOENT);
}

static void test_malformed(void **state)
{
	put("b/memory.current", "lots\n");
	struct cgroup_list l = { 0 };
	assert_int_equal(cgroups_collect(&l, root, 2, NULL), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.unreadable, 1);
	cgroups_free(&l);
	put("b/memory.current", "300\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_tree),
		cmocka_unit_test(test_only),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
