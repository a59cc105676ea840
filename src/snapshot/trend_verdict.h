/* The verdict of `memmon trend`: does memory grow, by how much per minute, how surely. */
#ifndef MEMMON_TREND_VERDICT_H
#define MEMMON_TREND_VERDICT_H
#include "snapshot/linfit.h"
#include <stddef.h>

enum trend_verdict { TREND_TOO_FEW, TREND_STEADY, TREND_GROWS, TREND_SHRINKS };

/* Minimum samples for a verdict. */
#define TREND_MIN_SAMPLES 4

/* Grows (shrinks) when the slope's 95% confidence interval excludes 0 and the fitted
 * change over the window is at least 64 kB and 1% of the mean. */
enum trend_verdict trend_judge(const struct linfit *fit, double span_s, double mean_kb);
const char *trend_verdict_name(enum trend_verdict v);

#endif
