#include "snapshot/array_room.h"
#include "snapshot/trend_fit.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int trend_series_add(struct trend_series *s, const struct trend_point *p)
{
	struct trend_point *pts = array_room(s->pts, &s->cap, s->n, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	s->pts = pts;
	s->pts[s->n++] = *p;
	return 0;
}

void trend_series_free(struct trend_series *s)
{
	free(s->pts);
	memset(s, 0, sizeof(*s));
}

int trend_fit(const struct trend_series *s, struct trend_fits *f)
{
	memset(f, 0, sizeof(*f));
	size_t n = s->n ? s->n : 1;
	f->x = calloc(n, sizeof(double));
	f->uss_kb = calloc(n, sizeof(double));
	f->heap_kb = calloc(n, sizeof(double));
	f->anon_kb = calloc(n, sizeof(double));
	if (!f->x || !f->uss_kb || !f->heap_kb || !f->anon_kb)
		return -ENOMEM;
	f->n = s->n;
	for (size_t i = 0; i < s->n; i++) {
		f->x[i] = s->pts[i].t;
		f->uss_kb[i] = (double)s->pts[i].uss_kb;
		f->heap_kb[i] = (double)s->pts[i].heap_kb;
		f->anon_kb[i] = (double)s->pts[i].anon_kb;
		f->mean_uss += f->uss_kb[i] / (double)s->n;
	}
	linfit(f->x, f->uss_kb, s->n, &f->uss);
	linfit(f->x, f->heap_kb, s->n, &f->heap);
	linfit(f->x, f->anon_kb, s->n, &f->anon);
	f->span = s->n ? s->pts[s->n - 1].t : 0;
	f->verdict = trend_judge(&f->uss, f->span, f->mean_uss);
	return 0;
}

void trend_fits_free(struct trend_fits *f)
{
	free(f->x);
	free(f->uss_kb);
	free(f->heap_kb);
	free(f->anon_kb);
	memset(f, 0, sizeof(*f));
}
