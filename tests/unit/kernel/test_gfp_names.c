/* GFP flag and migrate type names from the running kernel's BTF, printed as the kernel's
 * %pGg and page_owner do. The masks used here have had the same bits since Linux 4.x.
 * (The built-in default table is tested in test_pressure_format.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>
#include "kernel/gfp_names.h"

static void test_gfp_names_btf(void **state)
{
	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	assert_int_equal(gfp_names_load_btf(), 0);
	char buf[256];
	gfp_format(0xcc0, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL");
	gfp_format(0xdc0, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL|__GFP_ZERO");
	gfp_format(0x820, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_ATOMIC");
	gfp_format(0x400, buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_DIRECT_RECLAIM");
	gfp_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	gfp_format(0x8000000000000040ULL, buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_IO|0x8000000000000000");
	gfp_format(0xdc0, buf, 8); /* truncated, still terminated */
	assert_string_equal(buf, "GFP_KER");
	assert_string_equal(migratetype_name(0), "Unmovable");
	assert_string_equal(migratetype_name(1), "Movable");
	assert_string_equal(migratetype_name(2), "Reclaimable");
	assert_string_equal(migratetype_name(3), "HighAtomic"); /* MIGRATE_HIGHATOMIC on 6.x */
	assert_string_equal(migratetype_name(-1), "Unknown");
	assert_string_equal(migratetype_name(99), "Unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_gfp_names_btf) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
