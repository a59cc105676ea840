/* Streaming parser of /sys/kernel/debug/page_owner text, as printed by kernels from 4.x
 * (order and mask only) through 5.x (pid, ts, free_ts) to 6.x (tgid, command, memcg lines).
 * One record = header line, optional PFN line, stack frames (lines starting with blanks),
 * optional extra lines (migrate reason, memcg charge, "page last free" stack), blank line.
 * The parser holds one record at a time: memory does not grow with the input. Pure: no I/O
 * except po_parse_file() (proc/line_reader.h; po_parse_file_progress draws core/progress.h's
 * line), no globals. */
#ifndef MEMMON_PAGEOWNER_PARSE_H
#define MEMMON_PAGEOWNER_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PO_COMM_MAX 64      /* kernel commands are <= 15 bytes; longer is garbage */
#define PO_LINE_MAX 65536   /* a longer line is malformed (and not stored) */
#define PO_RECORD_MAX (1 << 20) /* a record's stack and extra lines; kernel stacks are ~8 KiB */
#define PO_MAX_ORDER 40     /* higher orders are garbage (pages would overflow) */

struct po_record {
	unsigned long line;      /* line number of the header (1-based) */
	const char *header;      /* the "Page allocated via ..." line, no newline */
	size_t header_len;
	/* header spans of ", ts N ns" and ", free_ts N ns" (len 0 if absent), so that
	 * records can be folded ignoring timestamps */
	size_t ts_off, ts_len, free_ts_off, free_ts_len;
	unsigned order;
	uint64_t gfp_mask;
	const char *gfp_names;   /* text inside "(...)" after the mask, "" if none */
	int pid, tgid;           /* -1 when the kernel did not print them */
	const char *comm;        /* "" when not printed */
	bool has_ts, has_free_ts;
	uint64_t ts_ns, free_ts_ns;
	bool has_pfn;
	uint64_t pfn;
	const char *pfn_line;    /* "" if none */
	const char *migratetype; /* first "type X" of the PFN line, "" if none */
	const char *stack;       /* frame lines verbatim, each ending in '\n' */
	size_t stack_len;
	int nframes;
	const char *extra;       /* other lines after the stack, verbatim, each ending '\n' */
	size_t extra_len;
};

typedef void (*po_record_fn)(const struct po_record *r, void *ctx);
/* A malformed record: the line where the problem was found and why. */
typedef void (*po_error_fn)(unsigned long line, const char *reason, void *ctx);

struct po_parser;
struct po_parser *po_parser_new(po_record_fn on_record, po_error_fn on_error, void *ctx);
void po_parser_free(struct po_parser *p);
/* Feeds one line without its newline (len bytes, may contain NULs). */
void po_parser_line(struct po_parser *p, const char *line, size_t len);
/* A line longer than PO_LINE_MAX, whose bytes were not kept: malformed. */
void po_parser_long_line(struct po_parser *p);
/* End of input: a record still open is reported as cut. */
void po_parser_finish(struct po_parser *p);

struct po_counts {
	unsigned long lines, records, malformed;
};
struct po_counts po_parser_counts(const struct po_parser *p);

/* Parses one header line (NUL-terminated, no newline) into r's header fields.
 * Returns NULL on success or a static reason. comm is copied into comm_buf. */
const char *po_parse_header(const char *line, struct po_record *r, char *comm_buf,
			    size_t comm_size);

/* Helpers that read a whole stream or buffer, splitting lines. The stream is read in a
 * buffer of max_line bytes (PO_LINE_MAX; smaller in the fuzz harness): a longer line is
 * malformed and skipped, memory stays bounded whatever the input. 0 or -errno. */
int po_parse_file(FILE *f, size_t max_line, struct po_parser *p);
/* The same, drawing progress (core/progress.h) of total bytes (0: unknown) as it reads. */
struct progress;
int po_parse_file_progress(FILE *f, size_t max_line, struct po_parser *p, struct progress *prog,
			   uint64_t total);
void po_parse_buffer(const char *buf, size_t len, struct po_parser *p);

#endif
