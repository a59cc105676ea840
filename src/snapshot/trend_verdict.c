#include "snapshot/trend_verdict.h"
#include <math.h>

enum trend_verdict trend_judge(const struct linfit *fit, double span_s, double mean_kb)
{
	if (fit->n < TREND_MIN_SAMPLES)
		return TREND_TOO_FEW;
	double change = fabs(fit->slope * span_s);
	double floor_kb = mean_kb / 100 > 64 ? mean_kb / 100 : 64;
	if (change < floor_kb || fabs(fit->slope) <= fit->ci95)
		return TREND_STEADY;
	return fit->slope > 0 ? TREND_GROWS : TREND_SHRINKS;
}

const char *trend_verdict_name(enum trend_verdict v)
{
	switch (v) {
	case TREND_STEADY: return "steady";
	case TREND_GROWS: return "grows";
	case TREND_SHRINKS: return "shrinks";
	default: return "too few samples";
	}
}
