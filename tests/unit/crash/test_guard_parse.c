/* guard_report_parse / guard_stats_parse: exact fields of a real-shaped report, rejection of
 * malformed ones, and a mutation fuzz loop (every truncation, random byte flips, inserted
 * bytes) over exact-size heap copies so ASan catches any read past the input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "crash/guard_parse.h"

static const char report[] =
	"kind heap-use-after-free\n"
	"pid 4242\n"
	"tid 4243\n"
	"access read\n"
	"addr 0x7f0000001010\n"
	"fault_stack 0x55550000115a 0x555500001200 0x7f00000a924a\n"
	"block 0x7f0000001000 48\n"
	"alloc_tid 4242\n"
	"alloc_stack 0x555500001100 0x555500001300\n"
	"free_tid 4244\n"
	"free_stack 0x555500001400\n"
	"maps\n"
	"555500000000-555500002000 r-xp 00000000 fe:00 1 /bin/prog\n";

/* Parses an exact-size heap copy (no NUL after it). */
static int parse_copy(const char *text, size_t len, struct guard_report *r)
{
	char *buf = malloc(len ? len : 1);
	memcpy(buf, text, len);
	int rc = guard_report_parse(buf, len, r);
	if (rc == 0 && r->maps)
		assert_true(r->maps >= buf && r->maps + r->maps_len == buf + len);
	free(buf);
	return rc;
}

static void test_fields(void **state)
{
	(void)state;
	struct guard_report r;
	assert_int_equal(guard_report_parse(report, strlen(report), &r), 0);
	assert_string_equal(r.kind, "heap-use-after-free");
	assert_string_equal(r.access, "read");
	assert_int_equal(r.pid, 4242);
	assert_int_equal(r.tid, 4243);
	assert_int_equal(r.addr, 0x7f0000001010ULL);
	assert_true(r.has_block);
	assert_int_equal(r.block_addr, 0x7f0000001000ULL);
	assert_int_equal(r.block_size, 48);
	assert_int_equal(r.alloc_tid, 4242);
	assert_int_equal(r.free_tid, 4244);
	assert_int_equal(r.fault.n, 3);
	assert_int_equal(r.fault.ips[2], 0x7f00000a924aULL);
	assert_int_equal(r.alloc.n, 2);
	assert_int_equal(r.free.n, 1);
	assert_non_null(r.maps);
	assert_memory_equal(r.maps, "555500000000-", 13);
}

static void test_rejects(void **state)
{
	(void)state;
	static const char *bad[] = {
		"",
		"kind heap-buffer-overflow\n",                                   /* no pid etc. */
		"kind x\npid 1\ntid 1\naddr 0x10\n",                           /* no fault stack */
		"kind x\npid 1\ntid 1\naddr 10\nfault_stack 0x1\n",            /* addr not hex */
		"kind x\npid -1\ntid 1\naddr 0x10\nfault_stack 0x1\n",         /* negative pid */
		"kind x\npid 1\ntid 1\naddr 0x10\nfault_stack 0x1 zz\n",       /* bad frame */
		"kind x\npid 1\ntid 1\naddr 0x10\nfault_stack 0x1\nblock 0x10 0\n", /* empty block */
		"kind x\npid 1\ntid 1\naddr 0x10\nfault_stack 0x1\nblock 0x10\n",   /* no size */
		"kind x y\npid 1\ntid 1\naddr 0x10\nfault_stack 0x1\n",        /* two words */
		"kind x\npid 99999999999\ntid 1\naddr 0x10\nfault_stack 0x1\n", /* pid range */
		"kind x\npid 1\ntid 1\naddr 0xffffffffffffffffff\nfault_stack 0x1\n", /* overflow */
		"nonsense\n",
	};
	struct guard_report r;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_copy(bad[i], strlen(bad[i]), &r), -1);
	/* 33 frames: one more than a report holds */
	char big[1024] = "kind x\npid 1\ntid 1\naddr 0x10\nfault_stack";
	for (int i = 0; i < 33; i++)
		strcat(big, " 0x1");
	strcat(big, "\n");
	assert_int_equal(parse_copy(big, strlen(big), &r), -1);
}

static void test_truncations(void **state)
{
	(void)state;
	struct guard_report r;
	size_t len = strlen(report), maps_at = strstr(report, "maps\n") - report;
	for (size_t n = 0; n <= len; n++) {
		int rc = parse_copy(report, n, &r);
		/* incomplete without a fault stack; complete once the maps begin */
		if (n < (size_t)(strstr(report, "fault_stack") - report))
			assert_int_equal(rc, -1);
		if (n >= maps_at + 5)
			assert_int_equal(rc, 0);
	}
}

static void test_mutations(void **state)
{
	(void)state;
	size_t len = strlen(report);
	char *buf = malloc(len + 8);
	unsigned long long x = 88172645463325252ULL;
	struct guard_report r;
	int ok = 0;
	for (int iter = 0; iter < 50000; iter++) {
		memcpy(buf, report, len);
		size_t n = len;
		int edits = 1 + (int)(x % 4);
		for (int e = 0; e < edits; e++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			size_t at = x % n;
			switch ((x >> 20) % 3) {
			case 0: buf[at] = (char)(x >> 32); break;           /* flip a byte */
			case 1: n = at; break;                               /* truncate */
			case 2: if (n < len + 8) { memmove(buf + at + 1, buf + at, n - at); buf[at] = " \n0x9-"[(x >> 40) % 6]; n++; } break;
			}
			if (!n)
				break;
		}
		if (parse_copy(buf, n, &r) == 0) {
			ok++;
			assert_true(r.fault.n <= GUARD_REPORT_STACK && r.pid > 0 && r.tid > 0);
			assert_true(strlen(r.kind) < sizeof(r.kind));
		}
	}
	assert_true(ok > 0); /* some mutations leave a valid report */
	free(buf);
}

static void test_stats(void **state)
{
	(void)state;
	unsigned long g = 0, f = 0;
	const char *ok = "guarded 12\npool_full 3\n";
	assert_int_equal(guard_stats_parse(ok, strlen(ok), &g, &f), 0);
	assert_int_equal(g, 12);
	assert_int_equal(f, 3);
	assert_int_equal(guard_stats_parse("guarded 12\n", 11, &g, &f), -1);
	assert_int_equal(guard_stats_parse("guarded x\npool_full 3\n", 22, &g, &f), -1);
	assert_int_equal(guard_stats_parse("guarded 1\npool_full -3\n", 23, &g, &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),     cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_truncations), cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
