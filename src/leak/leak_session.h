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
	int reports; /* printed so far */
};

void leak_session_init(struct leak_session *s, const struct leak_opts *o,
		       struct symbolizer *sym, bool kernel);
/* One report of what is outstanding now: reason "interval", or why tracing ended. */
void leak_session_report(struct leak_session *s, const struct leak_maps *m, const char *reason);

#endif
