#include "proc/line_reader.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int line_reader_init(struct line_reader *r, FILE *f, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->max = max ? max : 1;
	/* max bytes of line plus its newline */
	r->buf = malloc(r->max + 1);
	return r->buf ? 0 : -ENOMEM;
}

/* Moves what is unread to the front and reads more after it. 0, or -errno. */
static int fill(struct line_reader *r)
{
	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	size_t n = fread(r->buf + r->end, 1, r->max + 1 - r->end, r->f);
	r->end += n;
	if (n == 0) {
		if (ferror(r->f))
			return errno ? -errno : -EIO;
		r->eof = true;
	}
	return 0;
}

int line_reader_next(struct line_reader *r, const char **line, size_t *len, bool *too_long)
{
	for (;;) {
		char *s = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = memchr(s, '\n', avail);
		if (r->skipping) {
			/* the rest of a line already returned cut */
			if (nl) {
				r->start += (size_t)(nl - s) + 1;
				r->skipping = false;
				continue;
			}
			r->start = r->end = 0;
			if (r->eof)
				return 0;
		} else if (nl || (r->eof && avail)) {
			size_t n = nl ? (size_t)(nl - s) : avail;
			*line = s;
			*len = n;
			*too_long = false;
			r->start += n + (nl ? 1 : 0);
			return 1;
		} else if (avail > r->max) {
			*line = s;
			*len = r->max;
			*too_long = true;
			r->skipping = true;
			r->start = r->end = 0; /* the caller reads the cut line before the next fill */
			return 1;
		} else if (r->eof) {
			return 0;
		}
		int err = fill(r);
		if (err)
			return err;
	}
}

void line_reader_free(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}
