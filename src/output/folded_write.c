#include "output/folded_write.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Appends a frame's name, with the characters the format gives a meaning to replaced. */
static bool append(char *buf, size_t n, size_t *used, const char *name, bool first)
{
	if (!first) {
		if (*used + 1 >= n)
			return false;
		buf[(*used)++] = ';';
	}
	for (const char *c = name; *c; c++) {
		if (*used + 1 >= n)
			return false;
		buf[(*used)++] = *c == ';' ? ':' : *c == '\n' ? ' ' : *c;
	}
	buf[*used] = 0;
	return true;
}

bool folded_stack(const struct stack_profile *p, size_t i, char *buf, size_t n)
{
	const struct profile_sample *s = &p->samples[i];
	size_t used = 0;
	bool first = true;
	buf[0] = 0;
	for (int l = s->nlocations - 1; l >= 0; l--) {
		const struct profile_location *loc = stack_profile_location(p, s->location_ids[l]);
		for (int j = loc->nlines - 1; j >= 0; j--) {
			const struct profile_function *f =
				stack_profile_function(p, loc->lines[j].function_id);
			if (!append(buf, n, &used, p->strings[f->name], first))
				return false;
			first = false;
		}
	}
	return true;
}

struct folded_line {
	char *text;
	int64_t value;
};

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

int folded_write(const struct stack_profile *p, FILE *out, int value_index)
{
	size_t nslots = 16;
	while (nslots < 2 * p->nsamples)
		nslots *= 2;
	struct folded_line *lines = calloc(p->nsamples + 1, sizeof(*lines));
	size_t *slots = calloc(nslots, sizeof(*slots)); /* line index + 1 */
	char *buf = malloc(65536);
	size_t nlines = 0;
	int rc = -1;
	if (!lines || !slots || !buf) {
		errno = ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < p->nsamples; i++) {
		int64_t v = p->samples[i].values[value_index];
		if (v == 0 || !folded_stack(p, i, buf, 65536) || !buf[0])
			continue;
		size_t j = hash_text(buf) & (nslots - 1);
		while (slots[j] && strcmp(lines[slots[j] - 1].text, buf))
			j = (j + 1) & (nslots - 1);
		if (slots[j]) {
			lines[slots[j] - 1].value += v;
			continue;
		}
		if (!(lines[nlines].text = strdup(buf))) {
			errno = ENOMEM;
			goto done;
		}
		lines[nlines].value = v;
		slots[j] = ++nlines;
	}
	/* in the order the report has them (most first) */
	for (size_t i = 0; i < nlines; i++)
		fprintf(out, "%s %lld\n", lines[i].text, (long long)lines[i].value);
	rc = ferror(out) ? -1 : 0;
done:
	for (size_t i = 0; lines && i < nlines; i++)
		free(lines[i].text);
	free(lines);
	free(slots);
	free(buf);
	return rc;
}
