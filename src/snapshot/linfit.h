/* Least-squares straight line y = intercept + slope * x, with how well it fits. */
#ifndef MEMMON_LINFIT_H
#define MEMMON_LINFIT_H
#include <stddef.h>

struct linfit {
	double slope, intercept;
	double r2;       /* share of the variance the line explains; NaN if y is constant */
	double slope_se; /* standard error of the slope (0 with 2 points) */
	double ci95;     /* half-width of the slope's 95% confidence interval (Student t) */
	size_t n;
};

/* Returns 0, or -1 with fewer than 2 points or all x equal. */
int linfit(const double *x, const double *y, size_t n, struct linfit *out);

#endif
