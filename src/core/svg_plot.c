#include "core/svg_plot.h"
#include <errno.h>
#include <stdio.h>

enum { W = 800, H = 450, LEFT = 90, RIGHT = 20, TOP = 40, BOTTOM = 50 };

/* Escapes the XML special characters of a label. */
static void put_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

int svg_plot_write(FILE *f, const struct svg_plot *p)
{
	double x0 = p->n ? p->x[0] : 0, x1 = p->n ? p->x[p->n - 1] : 1;
	double y0 = 0, y1 = 0;
	for (size_t s = 0; s < p->nseries; s++)
		for (size_t i = 0; i < p->n; i++)
			if (p->series[s].y[i] > y1)
				y1 = p->series[s].y[i];
	if (x1 <= x0)
		x1 = x0 + 1;
	if (y1 <= y0)
		y1 = y0 + 1;
	y1 *= 1.05;
	double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
#define PX(v) (LEFT + ((v) - x0) / (x1 - x0) * pw)
#define PY(v) (TOP + ph - ((v) - y0) / (y1 - y0) * ph)
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"15\">", LEFT);
	put_text(f, p->title);
	fprintf(f, "</text>\n<g stroke=\"#888\">\n");
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", LEFT, TOP, LEFT, H - BOTTOM);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n</g>\n", LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
	for (int t = 0; t <= 4; t++) { /* five ticks per axis */
		double xv = x0 + (x1 - x0) * t / 4, yv = y0 + (y1 - y0) * t / 4;
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>\n", PX(xv), H - BOTTOM + 16, xv);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n", LEFT - 6, PY(yv) + 4, yv);
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", LEFT + pw / 2, H - 12);
	put_text(f, p->x_label);
	fprintf(f, "</text>\n<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\">",
		TOP + ph / 2, TOP + ph / 2);
	put_text(f, p->y_label);
	fprintf(f, "</text>\n");
	for (size_t s = 0; s < p->nseries; s++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", p->series[s].color);
		for (size_t i = 0; i < p->n; i++)
			fprintf(f, "%s%.1f,%.1f", i ? " " : "", PX(p->x[i]), PY(p->series[s].y[i]));
		fprintf(f, "\"/>\n<text x=\"%d\" y=\"%zu\" fill=\"%s\">", W - RIGHT - 200, (size_t)TOP + 16 * s, p->series[s].color);
		put_text(f, p->series[s].name);
		fprintf(f, "</text>\n");
	}
	if (p->n >= 2 && p->fit_label) { /* no label: no fitted line */
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\" "
			   "stroke-dasharray=\"6 4\"/>\n", PX(x0), PY(p->fit_intercept + p->fit_slope * x0),
			PX(x1), PY(p->fit_intercept + p->fit_slope * x1));
		fprintf(f, "<text x=\"%d\" y=\"%zu\">", W - RIGHT - 200, (size_t)TOP + 16 * p->nseries);
		put_text(f, p->fit_label);
		fprintf(f, "</text>\n");
	}
	fprintf(f, "</svg>\n");
#undef PX
#undef PY
	return ferror(f) ? -EIO : 0;
}
