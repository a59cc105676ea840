/* The samples of one `memmon trend` run and what is fitted to them: a line through USS,
 * [heap] RSS and anonymous RSS over time, and the verdict on USS. */
#ifndef MEMMON_TREND_FIT_H
#define MEMMON_TREND_FIT_H
#include "snapshot/linfit.h"
#include "snapshot/trend_sample.h"
#include "snapshot/trend_verdict.h"
#include <stddef.h>

struct trend_series {
	struct trend_point *pts;
	size_t n, cap;
};

/* Appends p. 0 or -ENOMEM. */
int trend_series_add(struct trend_series *s, const struct trend_point *p);
void trend_series_free(struct trend_series *s);

struct trend_fits {
	struct linfit uss, heap, anon;
	double mean_uss, span; /* span: seconds from the first to the last sample */
	enum trend_verdict verdict;
	double *x, *uss_kb, *heap_kb, *anon_kb; /* the series as numbers, for the chart */
	size_t n;
};

/* Fits s. 0 or -ENOMEM; trend_fits_free *f either way. */
int trend_fit(const struct trend_series *s, struct trend_fits *f);
void trend_fits_free(struct trend_fits *f);

#endif
