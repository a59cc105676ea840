/* Printing `memmon trend`: each sample as it is taken, then the fit and the verdict, as
 * text or JSON Lines (trend_sample per sample, one trend_summary last), and the --svg chart.
 * Receives what it prints: no I/O but writing. */
#ifndef MEMMON_TREND_PRINT_H
#define MEMMON_TREND_PRINT_H
#include "snapshot/trend_fit.h"
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* first: the table's header goes before it (text). */
void trend_print_sample(pid_t pid, const struct trend_point *p, bool first, bool json, FILE *out);

struct trend_report {
	pid_t pid;
	const char *comm;
	const struct trend_series *series;
	const struct trend_fits *fits;
	int unreadable;      /* samples that could not be read */
	double seconds;      /* sampled for */
	const char *reason;  /* why sampling stopped (JSON: README's words) */
	const char *stopped; /* the same in the text's words */
};

void trend_print_summary(const struct trend_report *r, bool json, FILE *out);
/* The chart of the three series and the fitted USS line, written to f. 0 or -EIO. */
int trend_write_svg(FILE *f, const struct trend_report *r);

#endif
