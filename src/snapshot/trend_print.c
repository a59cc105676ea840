#include "core/json_out.h"
#include "core/svg_plot.h"
#include "snapshot/trend_print.h"
#include <math.h>

void trend_print_sample(pid_t pid, const struct trend_point *p, bool first, bool json, FILE *out)
{
	if (json) {
		struct json_object *j = json_record("trend_sample");
		json_add_int(j, "pid", pid);
		json_add_double(j, "t", p->t);
		json_add_u64(j, "uss_kb", p->uss_kb);
		json_add_u64(j, "heap_kb", p->heap_kb);
		json_add_u64(j, "anon_kb", p->anon_kb);
		json_add_u64(j, "rss_kb", p->rss_kb);
		json_emit(j, out);
		return;
	}
	if (first)
		fprintf(out, "%9s %10s %10s %10s %10s  (kB)\n", "time", "USS", "heap", "anon", "RSS");
	fprintf(out, "%8.1fs %10llu %10llu %10llu %10llu\n", p->t, (unsigned long long)p->uss_kb,
		(unsigned long long)p->heap_kb, (unsigned long long)p->anon_kb, (unsigned long long)p->rss_kb);
	fflush(out);
}

static void print_summary_json(const struct trend_report *r, FILE *out)
{
	const struct trend_fits *f = r->fits;
	const struct trend_series *s = r->series;
	struct json_object *j = json_record("trend_summary");
	json_add_int(j, "pid", r->pid);
	json_add_str(j, "comm", r->comm);
	json_add_int(j, "samples", (int64_t)s->n);
	json_add_int(j, "unreadable_samples", r->unreadable);
	json_add_double(j, "duration_s", f->span);
	json_add_str(j, "verdict", trend_verdict_name(f->verdict));
	json_add_double(j, "uss_kb_per_min", f->uss.slope * 60);
	json_add_double(j, "uss_kb_per_min_ci95", f->uss.ci95 * 60);
	json_add_double(j, "r2", f->uss.r2);
	json_add_double(j, "heap_kb_per_min", f->heap.slope * 60);
	json_add_double(j, "anon_kb_per_min", f->anon.slope * 60);
	json_add_u64(j, "first_uss_kb", s->n ? s->pts[0].uss_kb : 0);
	json_add_u64(j, "last_uss_kb", s->n ? s->pts[s->n - 1].uss_kb : 0);
	json_add_double(j, "seconds", r->seconds);
	json_add_str(j, "reason", r->reason);
	json_emit(j, out);
}

static void print_summary_text(const struct trend_report *r, FILE *out)
{
	const struct trend_fits *f = r->fits;
	fprintf(out, "(stopped: %s)\n", r->stopped);
	fprintf(out, "\npid %d (%s): %zu samples over %.1f s", r->pid, r->comm, r->series->n, f->span);
	if (r->unreadable)
		fprintf(out, ", %d unreadable", r->unreadable);
	fprintf(out, "\n");
	if (f->verdict == TREND_TOO_FEW) {
		fprintf(out, "verdict: too few samples (need %d; sample longer or more often)\n",
			TREND_MIN_SAMPLES);
		return;
	}
	char r2[32];
	if (isnan(f->uss.r2))
		snprintf(r2, sizeof(r2), "undefined (USS constant)");
	else
		snprintf(r2, sizeof(r2), "%.3f", f->uss.r2);
	fprintf(out, "USS %+.0f kB/min (95%% CI +-%.0f kB/min), r^2 %s; heap %+.0f kB/min, anon RSS %+.0f kB/min\n",
		f->uss.slope * 60, f->uss.ci95 * 60, r2, f->heap.slope * 60, f->anon.slope * 60);
	fprintf(out, "verdict: %s\n", trend_verdict_name(f->verdict));
}

void trend_print_summary(const struct trend_report *r, bool json, FILE *out)
{
	if (json)
		print_summary_json(r, out);
	else
		print_summary_text(r, out);
}

int trend_write_svg(FILE *f, const struct trend_report *r)
{
	const struct trend_fits *fits = r->fits;
	char title[128], fit_label[96];
	snprintf(title, sizeof(title), "memmon trend: pid %d (%s), USS %s", r->pid, r->comm,
		 trend_verdict_name(fits->verdict));
	if (isnan(fits->uss.r2))
		snprintf(fit_label, sizeof(fit_label), "USS fit %+.0f kB/min, r2 undefined", fits->uss.slope * 60);
	else
		snprintf(fit_label, sizeof(fit_label), "USS fit %+.0f kB/min, r2 %.3f", fits->uss.slope * 60, fits->uss.r2);
	struct svg_series series[] = {
		{ "USS", "#d62728", fits->uss_kb }, { "[heap] RSS", "#1f77b4", fits->heap_kb },
		{ "anon RSS", "#2ca02c", fits->anon_kb },
	};
	struct svg_plot p = {
		.title = title, .x_label = "seconds", .y_label = "kB", .x = fits->x, .n = fits->n,
		.series = series, .nseries = 3, .fit_slope = fits->uss.slope,
		.fit_intercept = fits->uss.intercept, .fit_label = fit_label,
	};
	return svg_plot_write(f, &p);
}
