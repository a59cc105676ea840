/* The stack profile and its writers, from stacks given as text (no symbolizer): folded
 * stacks merge alike stacks root first, mark kernel frames and put the process first; the
 * pprof file is gzip of a profile.proto that decodes to pprof's rules (string_table[0] "",
 * sample types and default, one location per distinct frame, ids from 1, the kernel's
 * mapping). */
#include "output/folded_write.h"
#include "output/pprof_write.h"
#include "output/profile.pb-c.h"
#include "output/stack_profile.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

static const struct profile_value_type types[] = {
	{ "inuse_objects", "count" }, { "inuse_space", "bytes" },
};

/* Two stacks through b, one of them twice (alike: merged by the folded writer). */
static void fill(struct stack_profile *p)
{
	const char *s1[] = { "c+0x1/0x10", "b+0x2/0x20", "a+0x3/0x30" };
	const char *s2[] = { "d+0x1/0x10 [mod]", "b+0x2/0x20", "a+0x3/0x30" };
	int64_t v1[2] = { 1, 100 }, v2[2] = { 2, 300 }, v3[2] = { 3, 5 };
	assert_int_equal(stack_profile_init(p, NULL, types, 2, 1), 0);
	assert_int_equal(stack_profile_add_text(p, 7, s1, 3, v1), 0);
	assert_int_equal(stack_profile_set_comm(p, "prog"), 0);
	assert_int_equal(stack_profile_add_text(p, 7, s2, 3, v2), 0);
	assert_int_equal(stack_profile_set_comm(p, "prog"), 0);
	assert_int_equal(stack_profile_add_text(p, 7, s1, 3, v3), 0);
	assert_int_equal(stack_profile_set_comm(p, "prog"), 0);
}

static void test_folded(void **state)
{
	struct stack_profile p;
	fill(&p);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	assert_int_equal(folded_write(&p, m, 1), 0);
	fclose(m);
	assert_string_equal(text, "prog;a_[k];b_[k];c_[k] 105\nprog;a_[k];b_[k];d_[k] 300\n");
	free(text);
	assert_int_equal((int)p.nlocations, 4); /* a, b, c, d: one per distinct frame */
	stack_profile_free(&p);
}

static void test_pprof(void **state)
{
	struct stack_profile p;
	fill(&p);
	char *gz = NULL;
	size_t gzlen = 0;
	FILE *m = open_memstream(&gz, &gzlen);
	assert_int_equal(pprof_write(&p, m), 0);
	fclose(m);
	assert_true(gzlen > 2 && (unsigned char)gz[0] == 0x1f && (unsigned char)gz[1] == 0x8b);
	unsigned char raw[65536];
	z_stream z = { .next_in = (unsigned char *)gz, .avail_in = (uInt)gzlen, .next_out = raw,
		       .avail_out = sizeof(raw) };
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	size_t rawlen = sizeof(raw) - z.avail_out;
	inflateEnd(&z);
	Perftools__Profiles__Profile *pr = perftools__profiles__profile__unpack(NULL, rawlen, raw);
	assert_non_null(pr);
	char **st = pr->string_table;
	assert_string_equal(st[0], "");
	assert_int_equal((int)pr->n_sample_type, 2);
	assert_string_equal(st[pr->sample_type[0]->type], "inuse_objects");
	assert_string_equal(st[pr->sample_type[1]->unit], "bytes");
	assert_string_equal(st[pr->default_sample_type], "inuse_space");
	assert_int_equal((int)pr->n_sample, 3);
	assert_int_equal((int)pr->sample[1]->value[1], 300);
	assert_int_equal((int)pr->sample[1]->n_location_id, 3);
	assert_int_equal((int)pr->n_location, 4);
	assert_int_equal((int)pr->n_mapping, 2); /* the kernel and [mod] */
	assert_string_equal(st[pr->mapping[0]->filename], "[kernel.kallsyms]");
	assert_string_equal(st[pr->mapping[1]->filename], "[mod]");
	for (size_t i = 0; i < pr->n_location; i++) {
		assert_int_equal((int)pr->location[i]->id, (int)i + 1);
		assert_int_equal((int)pr->location[i]->n_line, 1);
	}
	/* the leaf of sample 2 is d, in [mod] */
	uint64_t leaf = pr->sample[1]->location_id[0];
	Perftools__Profiles__Location *loc = pr->location[leaf - 1];
	assert_string_equal(st[pr->mapping[loc->mapping_id - 1]->filename], "[mod]");
	uint64_t fid = loc->line[0]->function_id;
	assert_string_equal(st[pr->function[fid - 1]->name], "d");
	/* labels: pid and comm */
	assert_int_equal((int)pr->sample[0]->n_label, 2);
	assert_string_equal(st[pr->sample[0]->label[0]->key], "pid");
	assert_int_equal((int)pr->sample[0]->label[0]->num, 7);
	assert_string_equal(st[pr->sample[0]->label[1]->str], "prog");
	perftools__profiles__profile__free_unpacked(pr, NULL);
	free(gz);
	stack_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_pprof),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
