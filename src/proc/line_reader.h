/* Reads a stream line by line in a buffer of fixed size: a line longer than the bound is
 * reported cut (too_long) and the rest of it is skipped, so no input, not even one without
 * any newline (/dev/zero), makes memory grow. getline would grow until a newline. */
#ifndef MEMMON_LINE_READER_H
#define MEMMON_LINE_READER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct line_reader {
	FILE *f;
	char *buf;
	size_t max;        /* longest line returned whole */
	size_t start, end; /* unread bytes are buf[start..end) */
	bool eof;
	bool skipping;     /* inside a line already reported too long */
};

/* 0, or -ENOMEM. max >= 1. */
int line_reader_init(struct line_reader *r, FILE *f, size_t max);
/* The next line, without its newline, in *line and *len (valid until the next call). A line of
 * more than max bytes comes once, cut to max bytes, with *too_long set. Returns 1 for a
 * line, 0 at the end, -errno on a read error. */
int line_reader_next(struct line_reader *r, const char **line, size_t *len, bool *too_long);
void line_reader_free(struct line_reader *r);

#endif
