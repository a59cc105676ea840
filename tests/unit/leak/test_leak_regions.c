/* memmon leak's table of anonymous mappings: munmap of any range, mremap in all its forms,
 * and a random sequence checked against a page-by-page model. */
#include "leak/leak_regions.h"
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define P 4096ULL
#define FAILED (~0ULL)
#define FIXED 2
#define DONTUNMAP 4
#define MAYMOVE 1

static struct stack_key stack_of(uint64_t id)
{
	return (struct stack_key){ .retaddr = id, .stackid = (int32_t)id, .tgid = 1 };
}

/* Maps an allocation whose stack (and time) is `id`. */
static void map(struct leak_regions *r, uint64_t addr, uint64_t len, uint64_t id)
{
	struct stack_key k = stack_of(id);
	leak_regions_map(r, 1, addr, len, FN_MMAP, id, &k);
}

static void remap(struct leak_regions *r, uint64_t old, uint64_t old_len, uint64_t new_len,
		  uint32_t flags, uint64_t result, uint64_t id)
{
	struct stack_key k = stack_of(id);
	leak_regions_remap_begin(r, 1, 7, old, old_len, flags);
	leak_regions_remap_end(r, 1, 7, result, new_len, id, &k);
}

struct dump {
	char text[4096];
	size_t len;
};

static void dump_one(const struct leak_region *g, void *ctx)
{
	struct dump *d = ctx;
	d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s%llx-%llx:%llu%s",
				   d->len ? " " : "", (unsigned long long)g->start,
				   (unsigned long long)g->end, (unsigned long long)g->key.retaddr,
				   g->fn == FN_MREMAP ? "r" : "");
}

/* "start-end:stack" per mapping in address order, addresses in hex. */
static const char *dump(struct leak_regions *r)
{
	static struct dump d;
	d.len = 0;
	d.text[0] = 0;
	leak_regions_each(r, dump_one, &d);
	return d.text;
}

static void test_unmap_ranges(void **state)
{
	struct leak_regions *r = leak_regions_new(100, P);
	map(r, 0x10000, 8 * P, 1);
	leak_regions_unmap(r, 1, 0x12000, 2 * P); /* middle: split in two */
	assert_string_equal(dump(r), "10000-12000:1 14000-18000:1");
	leak_regions_unmap(r, 1, 0x17000, P); /* tail */
	assert_string_equal(dump(r), "10000-12000:1 14000-17000:1");
	leak_regions_unmap(r, 1, 0x10000, P); /* head */
	assert_string_equal(dump(r), "11000-12000:1 14000-17000:1");
	leak_regions_unmap(r, 1, 0x11000, 0x5000); /* one range over both pieces, and a hole */
	assert_string_equal(dump(r), "16000-17000:1");
	leak_regions_unmap(r, 2, 0x16000, P); /* another process */
	leak_regions_unmap(r, 1, 0x16001, P); /* unaligned: EINVAL */
	leak_regions_unmap(r, 1, 0x16000, 0); /* empty: EINVAL */
	assert_string_equal(dump(r), "16000-17000:1");
	/* two adjacent mappings, one range starting inside the first and ending in the second */
	map(r, 0x20000, 4 * P, 2);
	map(r, 0x24000, 4 * P, 3);
	leak_regions_unmap(r, 1, 0x22000, 4 * P);
	assert_string_equal(dump(r), "16000-17000:1 20000-22000:2 26000-28000:3");
	leak_regions_unmap(r, 1, 0, 1ULL << 40); /* everything */
	assert_string_equal(dump(r), "");
	assert_int_equal(leak_regions_count(r), 0);
	leak_regions_free(r);
}

static void test_partial_pages(void **state)
{
	/* 5000 bytes map two pages: an unmap of the second removes the last 904 bytes. */
	struct leak_regions *r = leak_regions_new(100, P);
	map(r, 0x10000, 5000, 1);
	leak_regions_unmap(r, 1, 0x11000, 1);
	assert_string_equal(dump(r), "10000-11000:1");
	map(r, 0x20000, 5000, 2);
	leak_regions_unmap(r, 1, 0x20000, 100); /* the first page */
	assert_string_equal(dump(r), "10000-11000:1 21000-21388:2");
	leak_regions_free(r);
}

static void test_map_replaces(void **state)
{
	/* MAP_FIXED over a mapping (or a missed unmap): the old pages there are gone. */
	struct leak_regions *r = leak_regions_new(100, P);
	map(r, 0x10000, 4 * P, 1);
	map(r, 0x11000, P, 2);
	assert_string_equal(dump(r), "10000-11000:1 11000-12000:2 12000-14000:1");
	leak_regions_free(r);
}

static void test_remap(void **state)
{
	struct leak_regions *r = leak_regions_new(100, P);
	map(r, 0x10000, 4 * P, 1);
	remap(r, 0x10000, 4 * P, 6 * P, 0, 0x10000, 9); /* grow in place: same allocation */
	assert_string_equal(dump(r), "10000-16000:1");
	remap(r, 0x10000, 6 * P, 2 * P, 0, 0x10000, 9); /* shrink */
	assert_string_equal(dump(r), "10000-12000:1");
	remap(r, 0x10000, 2 * P, 3 * P, MAYMOVE, 0x40000, 9); /* grow by moving */
	assert_string_equal(dump(r), "40000-43000:1");
	remap(r, 0x40000, 3 * P, 5 * P, MAYMOVE, FAILED, 9); /* fails: nothing changes */
	assert_string_equal(dump(r), "40000-43000:1");
	/* MREMAP_FIXED replaces what was at the target */
	map(r, 0x50000, 2 * P, 2);
	remap(r, 0x40000, 3 * P, 3 * P, MAYMOVE | FIXED, 0x4f000, 9);
	assert_string_equal(dump(r), "4f000-52000:1");
	/* DONTUNMAP: the old mapping stays, the copy is the mremap's */
	remap(r, 0x4f000, 3 * P, 3 * P, MAYMOVE | DONTUNMAP, 0x60000, 9);
	assert_string_equal(dump(r), "4f000-52000:1 60000-63000:9r");
	/* of untracked memory: not an allocation */
	remap(r, 0x70000, P, P, MAYMOVE | DONTUNMAP, 0x80000, 8);
	assert_string_equal(dump(r), "4f000-52000:1 60000-63000:9r");
	/* old_len 0 (a second mapping of shared memory) */
	remap(r, 0x4f000, 0, 2 * P, MAYMOVE, 0x90000, 7);
	assert_string_equal(dump(r), "4f000-52000:1 60000-63000:9r 90000-92000:7r");
	leak_regions_free(r);
}

static void test_remap_part(void **state)
{
	struct leak_regions *r = leak_regions_new(100, P);
	map(r, 0x10000, 8 * P, 1);
	/* shrink the tail part in place: a shorter mapping, one piece */
	remap(r, 0x16000, 2 * P, P, 0, 0x16000, 9);
	assert_string_equal(dump(r), "10000-17000:1");
	/* shrink the head part: a hole, two pieces */
	remap(r, 0x10000, 2 * P, P, 0, 0x10000, 9);
	assert_string_equal(dump(r), "10000-11000:1 12000-17000:1");
	/* move a middle part away, then back: one piece again */
	remap(r, 0x13000, P, P, MAYMOVE | FIXED, 0x30000, 9);
	assert_string_equal(dump(r), "10000-11000:1 12000-13000:1 14000-17000:1 30000-31000:1");
	remap(r, 0x30000, P, P, MAYMOVE | FIXED, 0x13000, 9);
	assert_string_equal(dump(r), "10000-11000:1 12000-17000:1");
	/* a failed mremap of a part leaves the mapping whole */
	remap(r, 0x13000, P, 9 * P, 0, FAILED, 9);
	assert_string_equal(dump(r), "10000-11000:1 12000-17000:1");
	/* an old range larger than the mapping: growth extends the mapping that reached its end */
	map(r, 0x20000, 5000, 2);
	remap(r, 0x20000, 2 * P, 4 * P, MAYMOVE, 0x40000, 9);
	assert_string_equal(dump(r), "10000-11000:1 12000-17000:1 40000-44000:2");
	leak_regions_free(r);
}

static void test_interleaved(void **state)
{
	/* Thread 7 moves a mapping; before its return is seen, thread 8 maps the address it
	 * vacated, and a third mapping is unmapped: each lands where it belongs. */
	struct leak_regions *r = leak_regions_new(100, P);
	struct stack_key k2 = stack_of(2), k9 = stack_of(9);
	map(r, 0x10000, 4 * P, 1);
	map(r, 0x20000, P, 3);
	leak_regions_remap_begin(r, 1, 7, 0x10000, 4 * P, MAYMOVE);
	assert_int_equal(leak_regions_count(r), 2); /* still counted while it moves */
	leak_regions_map(r, 1, 0x10000, 2 * P, FN_MMAP, 2, &k2);
	leak_regions_unmap(r, 1, 0x20000, P);
	leak_regions_remap_end(r, 1, 7, 0x50000, 8 * P, 9, &k9);
	assert_string_equal(dump(r), "10000-12000:2 50000-58000:1");
	/* a return without its call, and a call whose return was lost */
	leak_regions_remap_end(r, 1, 8, 0x60000, P, 9, &k9);
	leak_regions_remap_begin(r, 1, 7, 0x50000, 8 * P, MAYMOVE);
	leak_regions_remap_begin(r, 1, 7, 0x90000, P, MAYMOVE);
	leak_regions_remap_end(r, 1, 7, 0xa0000, P, 9, &k9);
	assert_string_equal(dump(r), "10000-12000:2 50000-58000:1");
	leak_regions_free(r);
}

static void test_processes_and_limit(void **state)
{
	struct leak_regions *r = leak_regions_new(3, P);
	struct stack_key k = stack_of(1);
	leak_regions_map(r, 10, 0x10000, P, FN_MMAP, 1, &k);
	leak_regions_map(r, 11, 0x10000, P, FN_MMAP, 1, &k);
	leak_regions_map(r, 12, 0x10000, P, FN_MMAP, 1, &k);
	leak_regions_map(r, 12, 0x20000, P, FN_MMAP, 1, &k); /* table full */
	assert_int_equal(leak_regions_count(r), 3);
	assert_int_equal(leak_regions_dropped(r), 1);
	leak_regions_unmap(r, 11, 0x10000, P);
	leak_regions_remap_begin(r, 12, 5, 0x10000, P, MAYMOVE);
	leak_regions_forget(r, 12); /* exec */
	assert_int_equal(leak_regions_count(r), 1);
	leak_regions_unmap(r, 10, 0x10000, P);
	assert_int_equal(leak_regions_count(r), 0);
	leak_regions_free(r);
}

/* Random calls against a model that owns every page of a small address space. Expected
 * mappings are the runs of contiguous pages of one allocation. */
#define NPAGES 64
static uint64_t owner[NPAGES], saved[NPAGES];

static void model_set(uint64_t from, uint64_t n, uint64_t id)
{
	for (uint64_t i = from; i < from + n && i < NPAGES; i++)
		owner[i] = id;
}

static const char *model_dump(void)
{
	static char text[4096];
	size_t len = 0;
	text[0] = 0;
	for (uint64_t i = 0; i < NPAGES;) {
		if (!owner[i]) {
			i++;
			continue;
		}
		uint64_t j = i;
		while (j < NPAGES && owner[j] == owner[i])
			j++;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%llx-%llx:%llu%s",
					len ? " " : "", (unsigned long long)(i * P),
					(unsigned long long)(j * P), (unsigned long long)(owner[i] >> 1),
					owner[i] & 1 ? "r" : "");
		i = j;
	}
	return text;
}

static void test_random_against_model(void **state)
{
	struct leak_regions *r = leak_regions_new(1000, P);
	uint64_t next_id = 1;
	srand(12345);
	for (int step = 0; step < 20000; step++) {
		uint64_t a = (uint64_t)(rand() % (NPAGES - 8)), n = 1 + (uint64_t)(rand() % 8);
		int op = rand() % 4;
		if (op == 0) {
			uint64_t id = next_id++;
			map(r, a * P, n * P, id);
			model_set(a, n, id << 1);
		} else if (op == 1) {
			leak_regions_unmap(r, 1, a * P, n * P);
			model_set(a, n, 0);
		} else {
			uint64_t nn = 1 + (uint64_t)(rand() % 8), res = (uint64_t)(rand() % (NPAGES - 8));
			bool copy = rand() % 4 == 0, failing = rand() % 5 == 0;
			uint64_t id = next_id++;
			remap(r, a * P, n * P, nn * P, MAYMOVE | (copy ? DONTUNMAP : 0),
			      failing ? FAILED : res * P, id);
			if (failing)
				continue;
			bool tracked = false;
			for (uint64_t i = 0; i < n; i++) {
				saved[i] = owner[a + i];
				tracked |= saved[i] != 0;
			}
			if (copy) {
				model_set(res, nn, tracked ? id << 1 | 1 : 0);
				continue;
			}
			model_set(a, n, 0);
			for (uint64_t i = 0; i < nn; i++)
				owner[res + i] = i < n ? saved[i] : saved[n - 1];
		}
		const char *want = model_dump();
		if (strcmp(dump(r), want)) {
			fprintf(stderr, "step %d: got  %s\n         want %s\n", step, dump(r), want);
			fail();
		}
	}
	leak_regions_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmap_ranges), cmocka_unit_test(test_partial_pages),
		cmocka_unit_test(test_map_replaces), cmocka_unit_test(test_remap),
		cmocka_unit_test(test_remap_part), cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_processes_and_limit),
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
