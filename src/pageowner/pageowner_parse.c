#include "pageowner/pageowner_parse.h"
#include "core/progress.h"
#include "proc/line_reader.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer; the parser reuses its buffers from record to record. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns)
			abort(); /* out of memory: nothing sensible left to do */
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

enum state {
	ST_IDLE,   /* between records */
	ST_RECORD, /* inside a record */
	ST_SKIP,   /* inside a malformed record: skip to the blank line */
};

struct po_parser {
	po_record_fn on_record;
	po_error_fn on_error;
	void *ctx;
	enum state st;
	struct po_record rec;
	struct sbuf header, pfn, stack, extra;
	char comm[PO_COMM_MAX];
	char gfp_names[256];
	char migratetype[32];
	bool stack_done; /* a non-frame line followed the frames: later lines are extra */
	struct po_counts counts;
};

struct po_parser *po_parser_new(po_record_fn on_record, po_error_fn on_error, void *ctx)
{
	struct po_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->on_record = on_record;
	p->on_error = on_error;
	p->ctx = ctx;
	return p;
}

void po_parser_free(struct po_parser *p)
{
	if (!p)
		return;
	free(p->header.s);
	free(p->pfn.s);
	free(p->stack.s);
	free(p->extra.s);
	free(p);
}

struct po_counts po_parser_counts(const struct po_parser *p)
{
	return p->counts;
}

static void malformed(struct po_parser *p, unsigned long line, const char *why)
{
	p->counts.malformed++;
	if (p->on_error)
		p->on_error(line, why, p->ctx);
	p->st = ST_SKIP;
}

/* Reads an unsigned decimal (or 0x hex if hex) number; NULL if there is none. */
static const char *read_u64(const char *s, int base, uint64_t *out)
{
	if (base == 16) {
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			return NULL;
		s += 2;
	}
	const char *start = s;
	uint64_t v = 0;
	for (;; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return NULL; /* overflow */
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (s == start)
		return NULL;
	*out = v;
	return s;
}

static const char *read_int(const char *s, int *out)
{
	uint64_t v;
	const char *e = read_u64(s, 10, &v);
	if (!e || v > 0x7fffffff)
		return NULL;
	*out = (int)v;
	return e;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The command ends at the ')' followed by ", ts " or by the end of the line: commands may
 * themselves contain ") " or ", ". */
static const char *comm_end(const char *s)
{
	const char *best = NULL;
	for (const char *c = strchr(s, ')'); c; c = strchr(c + 1, ')'))
		if (starts(c, "), ts ") || starts(c, "), free_ts ") || c[1] == '\0')
			best = best ? best : c;
	return best;
}

const char *po_parse_header(const char *line, struct po_record *r, char *comm_buf,
			    size_t comm_size)
{
	static const char lead[] = "Page allocated via order ";
	uint64_t v;
	r->pid = r->tgid = -1;
	r->comm = "";
	comm_buf[0] = '\0';
	r->has_ts = r->has_free_ts = false;
	r->ts_ns = r->free_ts_ns = 0;
	r->ts_off = r->ts_len = r->free_ts_off = r->free_ts_len = 0;
	if (!starts(line, lead))
		return "not a page_owner record (expected 'Page allocated via order')";
	const char *s = read_u64(line + sizeof(lead) - 1, 10, &v);
	if (!s || v > PO_MAX_ORDER)
		return "bad allocation order";
	r->order = (unsigned)v;
	if (!starts(s, ", mask "))
		return "missing mask";
	s = read_u64(s + 7, 16, &r->gfp_mask);
	if (!s)
		return "bad mask";
	r->gfp_names = "";
	if (*s == '(') {
		const char *e = strchr(s, ')');
		if (!e)
			return "unterminated GFP flags";
		r->gfp_names = s; /* caller copies: see parser_start() */
		s = e + 1;
	}
	while (*s) {
		if (!starts(s, ", "))
			return "unexpected text in header";
		const char *field = s;
		s += 2;
		if (starts(s, "pid ")) {
			s = read_int(s + 4, &r->pid);
			if (!s)
				return "bad pid";
		} else if (starts(s, "tgid ")) {
			s = read_int(s + 5, &r->tgid);
			if (!s)
				return "bad tgid";
			if (starts(s, " (")) {
				const char *e = comm_end(s + 2);
				if (!e)
					return "unterminated command name";
				size_t n = (size_t)(e - (s + 2));
				if (n >= comm_size)
					return "command name too long";
				memcpy(comm_buf, s + 2, n);
				comm_buf[n] = '\0';
				r->comm = comm_buf;
				s = e + 1;
			}
		} else if (starts(s, "ts ")) {
			s = read_u64(s + 3, 10, &r->ts_ns);
			if (!s || !starts(s, " ns"))
				return "bad ts";
			s += 3;
			r->has_ts = true;
			r->ts_off = (size_t)(field - line);
			r->ts_len = (size_t)(s - field);
		} else if (starts(s, "free_ts ")) {
			s = read_u64(s + 8, 10, &r->free_ts_ns);
			if (!s || !starts(s, " ns"))
				return "bad free_ts";
			s += 3;
			r->has_free_ts = true;
			r->free_ts_off = (size_t)(field - line);
			r->free_ts_len = (size_t)(s - field);
		} else {
			/* A field of a kernel newer than this parser: keep the record. */
			const char *next = strstr(s, ", ");
			s = next ? next : s + strlen(s);
		}
	}
	return NULL;
}

/* "PFN 0x1a2b type Movable Block 13 type Movable Flags ..." (6.x) or "PFN 6699 ..." (4.x-5.x) */
static const char *parse_pfn_line(struct po_parser *p, const char *line)
{
	const char *s = line + 4;
	uint64_t v;
	const char *e = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? read_u64(s, 16, &v)
								      : read_u64(s, 10, &v);
	if (!e || (*e != ' ' && *e != '\0'))
		return "bad PFN line";
	p->rec.has_pfn = true;
	p->rec.pfn = v;
	p->migratetype[0] = '\0';
	if (starts(e, " type ")) {
		e += 6;
		size_t n = strcspn(e, " ");
		if (n >= sizeof(p->migratetype))
			n = sizeof(p->migratetype) - 1;
		memcpy(p->migratetype, e, n);
		p->migratetype[n] = '\0';
	}
	return NULL;
}

static void parser_start(struct po_parser *p, const char *line, size_t len)
{
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.line = p->counts.lines;
	sbuf_reset(&p->header);
	sbuf_reset(&p->pfn);
	sbuf_reset(&p->stack);
	sbuf_reset(&p->extra);
	p->stack_done = false;
	sbuf_add(&p->header, line, len);
	const char *why = po_parse_header(p->header.s, &p->rec, p->comm, sizeof(p->comm));
	if (why) {
		malformed(p, p->counts.lines, why);
		return;
	}
	/* gfp_names points into the header: copy what is inside the parentheses */
	if (p->rec.gfp_names[0] == '(') {
		size_t n = strcspn(p->rec.gfp_names + 1, ")");
		if (n >= sizeof(p->gfp_names))
			n = sizeof(p->gfp_names) - 1;
		memcpy(p->gfp_names, p->rec.gfp_names + 1, n);
		p->gfp_names[n] = '\0';
	} else {
		p->gfp_names[0] = '\0';
	}
	p->st = ST_RECORD;
}

static void parser_emit(struct po_parser *p)
{
	struct po_record *r = &p->rec;
	if (p->stack.len == 0) {
		malformed(p, r->line, "record has no stack");
		p->st = ST_IDLE;
		return;
	}
	r->header = p->header.s;
	r->header_len = p->header.len;
	r->gfp_names = p->gfp_names;
	r->pfn_line = p->pfn.s ? p->pfn.s : "";
	if (!r->has_pfn)
		r->pfn_line = "";
	r->migratetype = r->has_pfn ? p->migratetype : "";
	r->stack = p->stack.s;
	r->stack_len = p->stack.len;
	r->extra = p->extra.s ? p->extra.s : "";
	r->extra_len = p->extra.len;
	p->counts.records++;
	if (p->on_record)
		p->on_record(r, p->ctx);
	p->st = ST_IDLE;
}

static bool has_garbage(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

void po_parser_long_line(struct po_parser *p)
{
	p->counts.lines++;
	if (p->st != ST_SKIP)
		malformed(p, p->counts.lines, "line too long");
}

void po_parser_line(struct po_parser *p, const char *line, size_t len)
{
	if (len > PO_LINE_MAX) {
		po_parser_long_line(p);
		return;
	}
	p->counts.lines++;
	unsigned long ln = p->counts.lines;
	if (len && line[len - 1] == '\r')
		len--; /* dumps copied through Windows tools */
	if (len == 0) {
		if (p->st == ST_RECORD)
			parser_emit(p);
		p->st = ST_IDLE;
		return;
	}
	if (p->st == ST_SKIP)
		return;
	if (has_garbage(line, len)) {
		malformed(p, ln, "garbage (control characters)");
		return;
	}
	if (p->st == ST_IDLE) {
		parser_start(p, line, len);
		return;
	}
	/* inside a record */
	if (len >= 19 && memcmp(line, "Page allocated via ", 19) == 0) {
		/* the blank line between two records is missing */
		malformed(p, p->rec.line, "record not terminated by a blank line");
		parser_start(p, line, len);
		return;
	}
	if (p->stack.len + p->extra.len + len > PO_RECORD_MAX) {
		malformed(p, p->rec.line, "record too long");
		return;
	}
	if (line[0] == ' ' || line[0] == '\t') {
		size_t i = 0;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len) {
			malformed(p, ln, "blank stack frame");
			return;
		}
		struct sbuf *to = p->stack_done ? &p->extra : &p->stack;
		sbuf_add(to, line, len);
		sbuf_add(to, "\n", 1);
		if (!p->stack_done)
			p->rec.nframes++;
		return;
	}
	if (len >= 4 && memcmp(line, "PFN ", 4) == 0 && !p->rec.has_pfn) {
		sbuf_reset(&p->pfn);
		sbuf_add(&p->pfn, line, len);
		const char *why = parse_pfn_line(p, p->pfn.s);
		if (why)
			malformed(p, ln, why);
		return;
	}
	/* migrate reason, memcg charge, "page last free ... stack trace:", future lines */
	if (p->stack.len)
		p->stack_done = true;
	sbuf_add(&p->extra, line, len);
	sbuf_add(&p->extra, "\n", 1);
}

void po_parser_finish(struct po_parser *p)
{
	if (p->st == ST_RECORD)
		malformed(p, p->rec.line, "file ends mid-record");
	p->st = ST_IDLE;
}

int po_parse_file(FILE *f, size_t max_line, struct po_parser *p)
{
	return po_parse_file_progress(f, max_line, p, NULL, 0);
}

int po_parse_file_progress(FILE *f, size_t max_line, struct po_parser *p, struct progress *prog,
			   uint64_t total)
{
	uint64_t lines = 0, bytes = 0; /* parsed so far (a pipe has no offset) */
	struct line_reader lr;
	const char *line;
	size_t len;
	bool too_long;
	int n;
	if (line_reader_init(&lr, f, max_line))
		return -ENOMEM;
	/* a cut last line has no newline; its record has no blank line: finish() reports it */
	while ((n = line_reader_next(&lr, &line, &len, &too_long)) > 0) {
		if (too_long)
			po_parser_long_line(p);
		else
			po_parser_line(p, line, len);
		bytes += len + 1;
		if (prog && !(++lines & 4095))
			progress_update(prog, bytes, total, true, NULL);
	}
	po_parser_finish(p);
	line_reader_free(&lr);
	return n < 0 ? n : 0;
}

void po_parse_buffer(const char *buf, size_t len, struct po_parser *p)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		po_parser_line(p, buf + i, n);
		i += n + (nl ? 1 : 0);
	}
	po_parser_finish(p);
}
