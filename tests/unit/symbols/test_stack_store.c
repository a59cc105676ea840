/* Unit tests of the stack store's reader against a real BPF hash map laid out as a store of
 * depth 8 (skipped without the rights to create one): frame counts, the caller's limit,
 * a zero frame, ids that are not captured or not stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <string.h>
#include <unistd.h>
#include "symbols/stack_event.h"
#include "symbols/stack_store.h"

#define DEPTH 8

struct value {
	__u32 nr, pad;
	__u64 ips[DEPTH];
};

static int store_fd = -1;

static int setup(void **state)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	store_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_stacks", sizeof(int64_t),
				  sizeof(struct value), 16, &opts);
	return 0;
}

static int teardown(void **state)
{
	if (store_fd >= 0)
		close(store_fd);
	return 0;
}

static void put(int64_t id, __u32 nr, const __u64 *ips)
{
	struct value v = { .nr = nr };
	memcpy(v.ips, ips, nr * sizeof(*ips));
	assert_int_equal(bpf_map_update_elem(store_fd, &id, &v, BPF_ANY), 0);
}

static void test_read(void **state)
{
	if (store_fd < 0)
		skip(); /* not root: no BPF maps */
	const __u64 a[3] = { 0x401000, 0x402000, 0x403000 };
	const __u64 full[DEPTH] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const __u64 hole[4] = { 0x501000, 0, 0x503000, 0x504000 };
	uint64_t ips[STACK_STORE_MAX_DEPTH];
	put(7, 3, a);
	put(1LL << 62, DEPTH, full);
	put(9, 4, hole);

	assert_int_equal(stack_store_read(store_fd, 7, ips, STACK_STORE_MAX_DEPTH), 3);
	assert_memory_equal(ips, a, sizeof(a));
	/* 63-bit ids round-trip */
	assert_int_equal(stack_store_read(store_fd, 1LL << 62, ips, STACK_STORE_MAX_DEPTH), DEPTH);
	assert_memory_equal(ips, full, sizeof(full));
	/* the caller's buffer bounds the copy */
	memset(ips, 0xff, sizeof(ips));
	assert_int_equal(stack_store_read(store_fd, 1LL << 62, ips, 2), 2);
	assert_int_equal(ips[2], ~0ULL);
	/* a zero frame ends the stack */
	assert_int_equal(stack_store_read(store_fd, 9, ips, STACK_STORE_MAX_DEPTH), 1);
	/* not captured, not stored, no map */
	assert_int_equal(stack_store_read(store_fd, -14, ips, STACK_STORE_MAX_DEPTH), 0);
	assert_int_equal(stack_store_read(store_fd, 8, ips, STACK_STORE_MAX_DEPTH), 0);
	assert_int_equal(stack_store_read(-1, 7, ips, STACK_STORE_MAX_DEPTH), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_read) };
	return cmocka_run_group_tests(tests, setup, teardown);
}
