/* The page_owner parser and folder: formats of several kernel generations, malformed
 * records with their line numbers, folding and sorting, and mutated inputs (run under ASan
 * by the sanitizer build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "pageowner/pageowner_fold.h"
#include "pageowner/pageowner_opts.h"
#include "pageowner/pageowner_parse.h"

#define MAX_SEEN 16

struct seen {
	int nrec, nerr;
	struct po_record rec[MAX_SEEN];
	char stack[MAX_SEEN][512];
	char extra[MAX_SEEN][256];
	char comm[MAX_SEEN][PO_COMM_MAX];
	unsigned long err_line[MAX_SEEN];
	const char *err[MAX_SEEN];
	struct po_fold *fold;
};

static void on_rec(const struct po_record *r, void *ctx)
{
	struct seen *s = ctx;
	if (s->fold)
		po_fold_add(s->fold, r);
	if (s->nrec >= MAX_SEEN)
		return;
	s->rec[s->nrec] = *r;
	snprintf(s->stack[s->nrec], sizeof(s->stack[0]), "%s", r->stack);
	snprintf(s->extra[s->nrec], sizeof(s->extra[0]), "%s", r->extra);
	snprintf(s->comm[s->nrec], sizeof(s->comm[0]), "%s", r->comm);
	s->nrec++;
}

static void on_err(unsigned long line, const char *why, void *ctx)
{
	struct seen *s = ctx;
	if (s->nerr < MAX_SEEN) {
		s->err_line[s->nerr] = line;
		s->err[s->nerr] = why;
	}
	s->nerr++;
}

static void parse(struct seen *s, const char *text)
{
	struct po_parser *p = po_parser_new(on_rec, on_err, s);
	po_parse_buffer(text, strlen(text), p);
	struct po_counts c = po_parser_counts(p);
	assert_int_equal(c.records, (unsigned long)s->nrec);
	assert_int_equal(c.malformed, (unsigned long)s->nerr);
	po_parser_free(p);
}

/* Linux 4.x: order and mask only, decimal PFN, no pid. */
static void test_kernel_4x(void **state)
{
	(void)state;
	struct seen s = { 0 };
	parse(&s, "Page allocated via order 1, mask 0x24202c2(GFP_HIGHUSER|__GFP_COLD)\n"
		  "PFN 6699 type Movable Block 13 type Movable Flags 0x1000000000004(referenced)\n"
		  " [<ffffffff8118ab21>] __alloc_pages_nodemask+0x121/0x260\n"
		  " [<ffffffff811d7e3b>] alloc_pages_current+0x8b/0x110\n"
		  "Page has been migrated, last migrate reason: compaction\n"
		  "\n");
	assert_int_equal(s.nrec, 1);
	assert_int_equal(s.nerr, 0);
	assert_int_equal(s.rec[0].order, 1);
	assert_int_equal(s.rec[0].gfp_mask, 0x24202c2);
	assert_int_equal(s.rec[0].pid, -1);
	assert_int_equal(s.rec[0].tgid, -1);
	assert_false(s.rec[0].has_ts);
	assert_true(s.rec[0].has_pfn);
	assert_int_equal(s.rec[0].pfn, 6699);
	assert_int_equal(s.rec[0].nframes, 2);
	assert_string_equal(s.extra[0], "Page has been migrated, last migrate reason: compaction\n");
	assert_string_equal(s.comm[0], "");
}

/* Linux 5.11-5.17: pid, ts and free_ts, no tgid. */
static void test_kernel_5x(void **state)
{
	(void)state;
	struct seen s = { 0 };
	parse(&s, "Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 1, ts 1000 ns, free_ts 0 ns\n"
		  "PFN 4096 type Movable Block 8 type Movable Flags 0x0()\n"
		  " prep_new_page+0xa6/0xe0\n"
		  "\n\n\n"
		  "Page allocated via order 3, mask 0xcc0(GFP_KERNEL), pid 42, ts 77 ns, free_ts 99 ns\n"
		  " f+0x1/0x2\n"
		  "\n");
	assert_int_equal(s.nrec, 2);
	assert_int_equal(s.rec[0].pid, 1);
	assert_int_equal(s.rec[0].tgid, -1);
	assert_true(s.rec[0].has_ts && s.rec[0].has_free_ts);
	assert_int_equal(s.rec[0].ts_ns, 1000);
	assert_int_equal(s.rec[1].order, 3);
	assert_int_equal(s.rec[1].free_ts_ns, 99);
	assert_false(s.rec[1].has_pfn);
	assert_int_equal(s.rec[1].line, 7);
}

/* Linux 5.18-5.19 and 6.x: tgid and command (which may contain ") " and ", "). */
static void test_kernel_6x(void **state)
{
	(void)state;
	struct seen s = { 0 };
	parse(&s, "Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 10, tgid 9 (a) b, c), ts 5 ns, free_ts 6 ns\n"
		  "PFN 0x1a2b type Unmovable Block 13 type Unmovable Flags 0x4000(head|node=0)\n"
		  " post_alloc_hook+0x1a/0x80\n"
		  " get_page_from_freelist+0x3c8/0x1340\n"
		  "Charged to memcg system.slice\n"
		  "\n"
		  "Page allocated via order 2, mask 0x52dc0(GFP_KERNEL|__GFP_ZERO), pid 3, tgid 3 (kworker/0:1), ts 8 ns\n"
		  "PFN 0x10 type Reclaimable Block 0 type Reclaimable Flags 0x0()\n"
		  "\tframe_with_tab+0x1/0x2\n"
		  "\n");
	assert_int_equal(s.nrec, 2);
	assert_int_equal(s.nerr, 0);
	assert_string_equal(s.comm[0], "a) b, c");
	assert_int_equal(s.rec[0].pid, 10);
	assert_int_equal(s.rec[0].tgid, 9);
	assert_int_equal(s.rec[0].pfn, 0x1a2b);
	assert_string_equal(s.extra[0], "Charged to memcg system.slice\n");
	assert_int_equal(s.rec[0].nframes, 2);
	assert_string_equal(s.comm[1], "kworker/0:1");
	assert_false(s.rec[1].has_free_ts);
	assert_int_equal(s.rec[1].order, 2);
}

/* Lines after the stack (memcg charge, "page last free" with its own stack) are extra:
 * they stay out of the allocation stack. */
static void test_free_stack_extra(void **state)
{
	(void)state;
	struct seen s = { 0 };
	parse(&s, "Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 1, tgid 1 (init), ts 9 ns\n"
		  " a+0x1/0x2\n"
		  " b+0x1/0x2\n"
		  "Charged to memcg /\n"
		  "page last free pid 5 tgid 5 stack trace:\n"
		  " free_pages+0x1/0x2\n"
		  " c+0x1/0x2\n"
		  "\n");
	assert_int_equal(s.nrec, 1);
	assert_int_equal(s.rec[0].nframes, 2);
	assert_string_equal(s.stack[0], " a+0x1/0x2\n b+0x1/0x2\n");
	assert_string_equal(s.extra[0], "Charged to memcg /\npage last free pid 5 tgid 5 stack trace:\n"
					" free_pages+0x1/0x2\n c+0x1/0x2\n");
}

/* Every malformed record is reported with the line where the problem is, and the good
 * records around it are still delivered. */
static void test_malformed(void **state)
{
	(void)state;
	struct seen s = { 0 };
	parse(&s, "Page allocated via order 0, mask 0x1(X), pid 1, tgid 1 (a), ts 1 ns\n" /* 1 */
		  " f+0x1/0x2\n"                                                           /* 2 */
		  "\n"                                                                     /* 3 */
		  "this is garbage\n"                                                      /* 4 */
		  "more garbage\n"                                                         /* 5 */
		  "\n"                                                                     /* 6 */
		  "Page allocated via order 0, mask 0x1(X), pid 2, tgid 2 (b), ts 2 ns\n" /* 7 */
		  "PFN 0x1 type Movable Block 0 type Movable Flags 0x0()\n"               /* 8 */
		  "\n"                                                                     /* 9: no stack */
		  "Page allocated via order 99, mask 0x1(X)\n"                            /* 10 */
		  " f\n"                                                                   /* 11 */
		  "\n"                                                                     /* 12 */
		  "Page allocated via order 0, mask zz\n"                                  /* 13 */
		  "\n"                                                                     /* 14 */
		  "Page allocated via order 0, mask 0x1(X), pid x1, tgid 2 (b), ts 2 ns\n" /* 15 */
		  "\n"                                                                     /* 16 */
		  "Page allocated via order 0, mask 0x1(X), pid 3, tgid 3 (c), ts 3 ns\n" /* 17 */
		  " g+0x1/0x2\x01\n"                                                       /* 18 */
		  "\n"                                                                     /* 19 */
		  "Page allocated via order 1, mask 0x1(X), pid 4, tgid 4 (d), ts 4 ns\n" /* 20 */
		  " h+0x1/0x2\n"                                                           /* 21 */
		  "Page allocated via order 0, mask 0x1(X), pid 5, tgid 5 (e), ts 5 ns\n" /* 22 */
		  " i+0x1/0x2\n"                                                           /* 23 */
		  "\n"                                                                     /* 24 */
		  "Page allocated via order 0, mask 0x1(X), pid 6, tgid 6 (f), ts 6 ns\n" /* 25 */
		  " j+0x1/0x2\n"                                                           /* 26 */
		  "PFN 12x type Movable\n"                                                 /* 27 */
		  "\n"                                                                     /* 28 */
		  "Page allocated via order 0, mask 0x1(X), pid 7, tgid 7 (g), ts 7 ns\n" /* 29 */
		  " k+0x1/0x2");                                                           /* 30: cut */
	assert_int_equal(s.nrec, 2);
	assert_int_equal(s.rec[0].pid, 1);
	assert_int_equal(s.rec[1].pid, 5);
	assert_int_equal(s.nerr, 9);
	unsigned long lines[] = { 4, 7, 10, 13, 15, 18, 20, 27, 29 };
	for (int i = 0; i < 9; i++)
		assert_int_equal(s.err_line[i], lines[i]);
	assert_string_equal(s.err[1], "record has no stack");
	assert_string_equal(s.err[2], "bad allocation order");
	assert_string_equal(s.err[3], "bad mask");
	assert_string_equal(s.err[4], "bad pid");
	assert_string_equal(s.err[5], "garbage (control characters)");
	assert_string_equal(s.err[6], "record not terminated by a blank line");
	assert_string_equal(s.err[7], "bad PFN line");
	assert_string_equal(s.err[8], "file ends mid-record");
}

static const char dump[] =
	"Page allocated via order 0, mask 0x1(X), pid 1, tgid 1 (a), ts 300 ns, free_ts 0 ns\n"
	" f+0x1/0x2\n g+0x1/0x2\n\n"
	"Page allocated via order 0, mask 0x1(X), pid 1, tgid 1 (a), ts 100 ns, free_ts 0 ns\n"
	" f+0x1/0x2\n g+0x1/0x2\n\n"
	"Page allocated via order 2, mask 0x1(X), pid 2, tgid 1 (b), ts 200 ns, free_ts 500 ns\n"
	" f+0x1/0x2\n g+0x1/0x2\n\n"
	"Page allocated via order 1, mask 0x1(X), pid 3, tgid 3 (c), ts 50 ns, free_ts 0 ns\n"
	"PFN 0x5 type CMA Block 0 type CMA Flags 0x0()\n"
	" alloc_pages+0x1/0x2\n __vmalloc_node_range+0x1/0x2\n\n";

static struct po_group **fold(struct seen *s, struct po_options *o, size_t *n)
{
	po_opt_finish(o);
	s->fold = po_fold_new(o);
	parse(s, dump);
	return po_fold_sorted(s->fold, n);
}

static void test_fold_default(void **state)
{
	(void)state;
	struct seen s = { 0 };
	struct po_options o = { 0 };
	size_t n;
	struct po_group **g = fold(&s, &o, &n);
	assert_int_equal(n, 3); /* records 1 and 2 differ only in ts */
	assert_int_equal(g[0]->times, 2);
	assert_int_equal(g[0]->pages, 2);
	assert_int_equal(g[0]->ts_ns, 100); /* earliest */
	assert_non_null(strstr(g[0]->header, "ts 100 ns"));
	assert_int_equal(g[1]->allocator, PO_ALLOC_CMA | PO_ALLOC_VMALLOC);
	assert_int_equal(g[2]->allocator, PO_ALLOC_OTHERS);
	po_fold_free(s.fold);
}

static void test_fold_cull_and_sort(void **state)
{
	(void)state;
	struct seen s = { 0 };
	struct po_options o = { 0 };
	assert_int_equal(po_opt_cull(&o, "tgid"), 0);
	assert_int_equal(po_opt_sort(&o, "-pages"), 0);
	size_t n;
	struct po_group **g = fold(&s, &o, &n);
	assert_int_equal(n, 2);
	assert_int_equal(g[0]->tgid, 1);
	assert_int_equal(g[0]->times, 3);
	assert_int_equal(g[0]->pages, 6);
	assert_int_equal(g[1]->tgid, 3);
	assert_int_equal(g[1]->pages, 2);
	po_fold_free(s.fold);

	struct seen s2 = { 0 };
	struct po_options o2 = { 0 };
	assert_int_equal(po_opt_cull(&o2, "f,st"), 0);
	assert_int_equal(po_opt_sort(&o2, "+ft,-at"), 0);
	g = fold(&s2, &o2, &n);
	assert_int_equal(n, 3);
	assert_int_equal(g[0]->free_ts_ns, 0);
	assert_int_equal(g[0]->ts_ns, 100); /* -at: the later of the unreleased blocks first */
	assert_int_equal(g[1]->ts_ns, 50);
	assert_int_equal(g[2]->free_ts_ns, 500);
	po_fold_free(s2.fold);
}

static void test_options(void **state)
{
	(void)state;
	struct po_options o = { 0 };
	assert_int_equal(po_opt_sort(&o, "pid,-tg,+n,st,T,at,ft,ator,times,m"), 0);
	assert_int_equal(o.nsort, 10);
	assert_int_equal(o.sort[1].sign, -1);
	assert_int_equal(o.sort[1].key, PO_KEY_TGID);
	assert_int_equal(po_opt_sort(&o, "pid,bogus"), -1);
	assert_int_equal(o.nsort, 10); /* unchanged on error */
	assert_int_equal(po_opt_sort(&o, ""), -1);
	assert_int_equal(po_opt_cull(&o, "pid,,tgid"), -1);
	assert_int_equal(po_opt_cull(&o, "p,tg,n,st,f,ator"), 0);
	assert_int_equal(o.cull, 0x3f);
	assert_int_equal(po_opt_int_list(o.pids, &o.npids, "1,2,3"), 0);
	assert_int_equal(o.npids, 3);
	assert_int_equal(po_opt_int_list(o.pids, &o.npids, "4,x"), -1);
	assert_int_equal(po_opt_int_list(o.pids, &o.npids, "-1"), -1);
	assert_int_equal(po_opt_str_list(o.comms, &o.ncomms, "a,b"), 0);
	assert_int_equal(o.ncomms, 2);
	assert_string_equal(o.comms[1], "b");
	po_opt_free(&o);
}

/* Truncations at every byte and random mutations must never crash, leak or hang, and
 * every record is either delivered or counted malformed. */
static void test_mutations(void **state)
{
	(void)state;
	size_t len = strlen(dump);
	char *buf = malloc(len + 64);
	struct po_options o = { 0 };
	po_opt_cull(&o, "st,pid");
	po_opt_finish(&o);
	for (size_t cut = 0; cut <= len; cut++) {
		struct seen s = { 0 };
		s.fold = po_fold_new(&o);
		struct po_parser *p = po_parser_new(on_rec, on_err, &s);
		po_parse_buffer(dump, cut, p);
		struct po_counts c = po_parser_counts(p);
		assert_true(c.records <= 4);
		po_parser_free(p);
		size_t n;
		po_fold_sorted(s.fold, &n);
		po_fold_free(s.fold);
	}
	srand(1234);
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(buf, dump, len);
		size_t l = len;
		int edits = 1 + rand() % 8;
		for (int e = 0; e < edits && l > 1; e++) {
			size_t pos = (size_t)rand() % l;
			switch (rand() % 4) {
			case 0: buf[pos] = (char)(rand() % 256); break;
			case 1: buf[pos] = "\n 0x(),"[rand() % 7]; break;
			case 2: memmove(buf + pos, buf + pos + 1, l - pos - 1); l--; break;
			case 3: l = pos + 1; break;
			}
		}
		struct seen s = { 0 };
		s.fold = po_fold_new(&o);
		struct po_parser *p = po_parser_new(on_rec, on_err, &s);
		po_parse_buffer(buf, l, p);
		po_parser_free(p);
		size_t n;
		po_fold_sorted(s.fold, &n);
		po_fold_free(s.fold);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_4x),
		cmocka_unit_test(test_kernel_5x),
		cmocka_unit_test(test_kernel_6x),
		cmocka_unit_test(test_free_stack_extra),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_fold_default),
		cmocka_unit_test(test_fold_cull_and_sort),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
