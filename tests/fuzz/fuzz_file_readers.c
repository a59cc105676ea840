/* libFuzzer harness for the readers of whole files and streams, not only the parsers: the
 * bounded line reader (proc/line_reader.c) checked line by line against a plain split of
 * the input, the page_owner stream reader (po_parse_file) with a small line bound, and
 * proc_read_file on a memfd. The first byte sets the line bound (1 to 256 bytes) so that
 * inputs far larger than any buffer, lines without end included, are the common case; the
 * harness's `fuzz-max-len` lets libFuzzer grow inputs to 1 MiB (past proc_read_file's
 * first 64 KiB). Built by `make fuzz-build`, run by `make fuzz` (tests/fuzz/run.sh). */
// fuzz-sources: src/proc/line_reader.c src/proc/proc_file.c src/pageowner/pageowner_parse.c src/core/progress.c
// fuzz-max-len: 1048576
#include "pageowner/pageowner_parse.h"
#include "proc/line_reader.h"
#include "proc/proc_file.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Every line comes back whole or cut to max with too_long, in order, and nothing else. */
static void check_line_reader(const uint8_t *data, size_t size, size_t max)
{
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return;
	struct line_reader lr;
	if (line_reader_init(&lr, f, max)) {
		fclose(f);
		return;
	}
	size_t at = 0;
	const char *line;
	size_t len;
	bool too_long;
	while (line_reader_next(&lr, &line, &len, &too_long) > 0) {
		if (at >= size)
			__builtin_trap(); /* a line past the end */
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t want = nl ? (size_t)(nl - (data + at)) : size - at;
		if (too_long != (want > max) || len != (want > max ? max : want) ||
		    memcmp(line, data + at, len))
			__builtin_trap();
		at += want + (nl ? 1 : 0);
	}
	if (at != size)
		__builtin_trap(); /* a line missed */
	line_reader_free(&lr);
	fclose(f);
}

static void on_record(const struct po_record *r, void *ctx)
{
	(void)ctx;
	if (r->header_len > PO_LINE_MAX || r->stack_len + r->extra_len > PO_RECORD_MAX + PO_LINE_MAX)
		__builtin_trap();
}

static void check_pageowner_stream(const uint8_t *data, size_t size, size_t max)
{
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return;
	struct po_parser *p = po_parser_new(on_record, NULL, NULL);
	po_parse_file(f, max, p);
	struct po_counts c = po_parser_counts(p);
	if (c.records + c.malformed > c.lines + 1)
		__builtin_trap();
	po_parser_free(p);
	fclose(f);
}

static void check_proc_read_file(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		struct text_buf b = { 0 };
		if (proc_read_file(path, &b) == 0 &&
		    (b.len != size || memcmp(b.data, data, size) || b.data[b.len] != '\0'))
			__builtin_trap();
		text_buf_free(&b);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t max = (size_t)data[0] + 1;
	data++;
	size--;
	check_line_reader(data, size, max);
	check_pageowner_stream(data, size, max);
	check_proc_read_file(data, size);
	return 0;
}
