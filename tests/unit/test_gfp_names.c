/* GFP flag names from the running kernel's BTF, printed as the kernel's %pGg does. The
 * masks used here have had the same bits since Linux 4.x. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>
#include "gfp_names.h"

static void test_gfp_names(void **state)
{
	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	struct gfp_names *g = gfp_names_load();
	char buf[256];
	gfp_format(g, 0xcc0, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL");
	gfp_format(g, 0xdc0, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL|__GFP_ZERO");
	gfp_format(g, 0x820, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_ATOMIC");
	gfp_format(g, 0x400, buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_DIRECT_RECLAIM");
	gfp_format(g, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	gfp_format(g, 0x8000000000000040ULL, buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_IO|0x8000000000000000");
	gfp_format(g, 0xdc0, buf, 8); /* truncated, still terminated */
	assert_string_equal(buf, "GFP_KER");
	assert_string_equal(migratetype_name(g, 0), "Unmovable");
	assert_string_equal(migratetype_name(g, 1), "Movable");
	assert_string_equal(migratetype_name(g, 2), "Reclaimable");
	assert_string_equal(migratetype_name(g, -1), "Unknown");
	assert_string_equal(migratetype_name(g, 99), "Unknown");
	gfp_names_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_gfp_names) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
