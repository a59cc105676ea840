#include "snapshot/linfit.h"
#include <math.h>
#include <string.h>

/* Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
static const double t975[] = {
	12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

int linfit(const double *x, const double *y, size_t n, struct linfit *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 2)
		return -1;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (sxx <= 0)
		return -1;
	out->n = n;
	out->slope = sxy / sxx;
	out->intercept = my - out->slope * mx;
	double sse = syy - out->slope * sxy;
	if (sse < 0)
		sse = 0; /* rounding */
	out->r2 = syy > 0 ? 1.0 - sse / syy : NAN; /* constant y: nothing to explain */
	if (n > 2) {
		size_t df = n - 2;
		out->slope_se = sqrt(sse / (double)df / sxx);
		out->ci95 = out->slope_se * (df <= 30 ? t975[df - 1] : 1.96);
	}
	return 0;
}
