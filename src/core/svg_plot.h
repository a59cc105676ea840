/* A small line chart written as SVG by hand: series over time and one fitted line. */
#ifndef MEMMON_SVG_PLOT_H
#define MEMMON_SVG_PLOT_H
#include <stddef.h>
#include <stdio.h>

struct svg_series {
	const char *name;
	const char *color;
	const double *y;
};

struct svg_plot {
	const char *title;
	const char *x_label, *y_label;
	const double *x;
	size_t n;
	const struct svg_series *series;
	size_t nseries;
	double fit_slope, fit_intercept; /* dashed line over the x range */
	const char *fit_label; /* NULL: no fitted line */
};

/* Writes the chart to f (core/out_file.h opens it). Returns 0 or -EIO. */
int svg_plot_write(FILE *f, const struct svg_plot *p);

#endif
