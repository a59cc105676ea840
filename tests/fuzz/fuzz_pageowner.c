/* libFuzzer target: the page_owner parser and the folder on arbitrary bytes. The input's
 * first byte picks the cull rules and sort keys so that every fold path is fuzzed.
 * Built by `make fuzz-build`, run by `make fuzz` (tests/fuzz/run.sh). */
// fuzz-sources: src/pageowner/pageowner_parse.c src/pageowner/pageowner_fold.c src/pageowner/pageowner_opts.c src/proc/line_reader.c src/core/progress.c
#include <stddef.h>
#include <stdint.h>
#include "pageowner/pageowner_fold.h"
#include "pageowner/pageowner_opts.h"
#include "pageowner/pageowner_parse.h"

static void on_record(const struct po_record *r, void *ctx)
{
	struct po_fold *f = ctx;
	po_fold_add(f, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct po_options o = { 0 };
	if (size) {
		o.cull = data[0] & 0x3f;
		o.sort[0].key = (enum po_key)(data[0] % (PO_KEY_ALLOCATOR + 1));
		o.sort[0].sign = data[0] & 0x80 ? -1 : 1;
		o.nsort = 1;
		data++;
		size--;
	}
	po_opt_finish(&o);
	struct po_fold *f = po_fold_new(&o);
	struct po_parser *p = po_parser_new(on_record, NULL, f);
	po_parse_buffer((const char *)data, size, p);
	size_t n;
	po_fold_sorted(f, &n);
	po_parser_free(p);
	po_fold_free(f);
	return 0;
}
