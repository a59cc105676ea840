#include "core/progress.h"
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_AFTER 1.0   /* seconds of work before the line appears */
#define PROGRESS_EVERY 0.2   /* seconds between redraws */

static bool json_mode;

void progress_set_json(bool json)
{
	json_mode = json;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void progress_begin(struct progress *p, const char *cmd, const char *what)
{
	*p = (struct progress){ .cmd = cmd, .what = what, .start = mono(),
				.enabled = !json_mode && isatty(STDERR_FILENO) };
}

void progress_update(struct progress *p, uint64_t done, uint64_t total, bool bytes, const char *unit)
{
	if (!p->enabled)
		return;
	double t = mono();
	if (t - p->start < PROGRESS_AFTER || t - p->last < PROGRESS_EVERY)
		return;
	p->last = t;
	p->shown = true;
	char amount[96];
	if (bytes && total)
		snprintf(amount, sizeof(amount), "%.1f of %.1f MiB", done / 1048576.0, total / 1048576.0);
	else if (bytes)
		snprintf(amount, sizeof(amount), "%.1f MiB", done / 1048576.0);
	else if (total)
		snprintf(amount, sizeof(amount), "%llu of %llu %s", (unsigned long long)done,
			 (unsigned long long)total, unit);
	else
		snprintf(amount, sizeof(amount), "%llu %s", (unsigned long long)done, unit);
	fprintf(stderr, "\rmemmon%s%s: %s: ", p->cmd ? " " : "", p->cmd ? p->cmd : "", p->what);
	if (total)
		fprintf(stderr, "%3.0f%% (%s), %.0f s\033[K", 100.0 * (double)done / (double)total,
			amount, t - p->start);
	else
		fprintf(stderr, "%s, %.0f s\033[K", amount, t - p->start);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r\033[K");
	p->shown = false;
}
