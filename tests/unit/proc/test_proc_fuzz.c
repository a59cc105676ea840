/* Mutation fuzzing of every /proc parser: all prefixes of the fixed texts, then random
 * byte flips, insertions, deletions and line swaps. Each input lives in a buffer of
 * exactly its length, so under ASan any read past the end is caught. A parser must return
 * a count or -EINVAL and keep its invariants, never crash. */
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ROUNDS 3000

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static int check_mapping(const struct smaps_mapping *m, void *ctx)
{
	assert_true(m->end >= m->start);
	assert_true(strlen(m->name) < sizeof(m->name));
	assert_true(strlen(m->perms) <= 4);
	(*(int *)ctx)++;
	return 0;
}

static void slab_cb(const struct slab_cache *c, void *ctx)
{
	assert_true(strlen(c->name) < sizeof(c->name));
	(*(int *)ctx)++;
}

/* Runs every parser on data[0..len). */
static void run_parsers(const char *data, size_t len)
{
	char *buf = malloc(len ? len : 1); /* exact size: no NUL to lean on */
	assert_non_null(buf);
	memcpy(buf, data, len);
	size_t lines = count_lines(buf, len);

	int seen = 0;
	int r = smaps_parse(buf, len, check_mapping, &seen);
	assert_true(r == -EINVAL || (r >= 0 && r == seen && (size_t)r <= lines));
	struct mem_counts t;
	r = smaps_sum(buf, len, &t);
	assert_true(r == -EINVAL || (r >= 0 && (size_t)r <= lines));
	uint64_t kb;
	r = maps_total_kb(buf, len, &kb);
	assert_true(r == -EINVAL || (r >= 0 && (size_t)r <= lines));
	struct meminfo mi;
	r = meminfo_parse(buf, len, &mi);
	assert_true(r == 0 || r == -EINVAL);
	struct vmstat vs;
	r = vmstat_parse(buf, len, &vs);
	assert_true(r == 0 || r == -EINVAL);
	struct buddy_zone zones[8];
	r = buddyinfo_parse(buf, len, zones, 8);
	assert_true(r == -EINVAL || (r >= 0 && r <= 8));
	for (int i = 0; i < r; i++) {
		assert_true(zones[i].norders > 0 && zones[i].norders <= BUDDY_MAX_ORDERS);
		double u = buddy_unusable_index(&zones[i], 9);
		assert_true(u >= 0.0 && u <= 1.0);
	}
	seen = 0;
	r = slabinfo_parse(buf, len, slab_cb, &seen);
	assert_true(r == -EINVAL || (r >= 0 && r == seen));
	struct proc_status_mem st;
	r = proc_status_parse(buf, len, &st);
	assert_true(r == 0 || r == -EINVAL);
	free(buf);
}

static void mutate(char *s, size_t *len, size_t cap)
{
	size_t n = *len;
	switch (next_rand() % 6) {
	case 0: /* flip a byte */
		if (n)
			s[next_rand() % n] ^= (char)(1u << (next_rand() % 8));
		break;
	case 1: { /* an interesting byte */
		static const char bytes[] = { '\n', ' ', ':', '-', '0', '9', 'f', '\0', '\t', 'k', 'B' };
		if (n)
			s[next_rand() % n] = bytes[next_rand() % sizeof(bytes)];
		break;
	}
	case 2: /* insert digits (overflow) */
		if (n + 24 <= cap) {
			size_t at = next_rand() % (n + 1);
			memmove(s + at + 24, s + at, n - at);
			memset(s + at, '9', 24);
			n += 24;
		}
		break;
	case 3: /* delete a range */
		if (n) {
			size_t at = next_rand() % n, k = next_rand() % (n - at) + 1;
			memmove(s + at, s + at + k, n - at - k);
			n -= k;
		}
		break;
	case 4: /* duplicate a range */
		if (n) {
			size_t at = next_rand() % n, k = next_rand() % (n - at) % 64 + 1;
			if (n + k <= cap) {
				memmove(s + at + k, s + at, n - at);
				n += k;
			}
		}
		break;
	default: /* truncate */
		if (n)
			n = next_rand() % n;
	}
	*len = n;
}

static const struct {
	const char *text;
	size_t len;
} seeds[] = {
#define SEED(s) { s, sizeof(s) - 1 }
	SEED(SMAPS_TEXT), SEED(ROLLUP_TEXT), SEED(MAPS_TEXT), SEED(MEMINFO_TEXT),
	SEED(VMSTAT_TEXT), SEED(BUDDYINFO_TEXT), SEED(SLABINFO_TEXT), SEED(STATUS_TEXT),
#undef SEED
};

static void test_prefixes(void **state)
{
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		for (size_t n = 0; n <= seeds[i].len; n++)
			run_parsers(seeds[i].text, n);
}

static void test_mutations(void **state)
{
	enum { CAP = 8192 };
	static char s[CAP];
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		for (int round = 0; round < ROUNDS; round++) {
			size_t len = seeds[i].len;
			memcpy(s, seeds[i].text, len);
			int k = 1 + (int)(next_rand() % 8);
			while (k--)
				mutate(s, &len, CAP);
			run_parsers(s, len);
		}
	}
}

static void test_random_bytes(void **state)
{
	char s[512];
	for (int round = 0; round < ROUNDS; round++) {
		size_t len = next_rand() % sizeof(s);
		for (size_t i = 0; i < len; i++)
			s[i] = (char)(next_rand() & 0xff);
		run_parsers(s, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_random_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
