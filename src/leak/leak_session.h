/* The reports of one memmon leak run, in either mode: numbered over the run, gathered from
 * the probe set's maps (leak/leak_collect.h), then printed (leak/leak_report.h). */
#ifndef MEMMON_LEAK_SESSION_H
#define MEMMON_LEAK_SESSION_H
#include "leak/leak.h"
#include "leak/leak_collect.h"
#include "leak/leak_report.h"
#include <stdbool.h>

struct leak_session {
	const struct leak_opts *o;
	bool kernel;
	struct leak_printer printer;
	int reports;         /* printed so far */
	double start, last;  /* when tracing began, when the last report was printed */
	const char *program_signal; /* set before the final report: the signal that killed the
				     * launched program ("SIGABRT"), NULL if none */
};

void leak_session_init(struct leak_session *s, const struct leak_opts *o,
		       struct symbolizer *sym, bool kernel);
/* Tracing begins: the time reports count from. */
void leak_session_start(struct leak_session *s);
/* The report of what is outstanding at the end of an interval. */
void leak_session_interval(struct leak_session *s, const struct leak_maps *m);
/* The final report: reason says why tracing ended. */
void leak_session_final(struct leak_session *s, const struct leak_maps *m, const char *reason);

#endif
