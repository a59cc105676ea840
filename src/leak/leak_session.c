#include "core/loop.h"
#include "leak/leak_session.h"
#include <stdio.h>

void leak_session_init(struct leak_session *s, const struct leak_opts *o,
		       struct symbolizer *sym, bool kernel)
{
	*s = (struct leak_session){
		.o = o, .kernel = kernel,
		.printer = { .sym = sym, .json = o->cli.json, .kernel = kernel,
			     .show_allocs = o->show_allocs, .top = o->top },
	};
}

void leak_session_start(struct leak_session *s)
{
	s->start = s->last = now_seconds();
}

static void report(struct leak_session *s, const struct leak_maps *m, bool final,
		   const char *reason)
{
	struct leak_snapshot snap;
	if (leak_collect(m, s->o, s->kernel, &snap))
		fprintf(stderr, "memmon leak: out of memory gathering the report: it is incomplete\n");
	double now = now_seconds();
	struct leak_report_id id = { .report_no = ++s->reports, .final = final, .reason = reason,
				     .seconds = now - (final ? s->start : s->last),
				     .program_signal = final ? s->program_signal : NULL };
	s->last = now;
	leak_print_report(&s->printer, &id, &snap);
	leak_snapshot_free(&snap);
}

void leak_session_interval(struct leak_session *s, const struct leak_maps *m)
{
	report(s, m, false, "interval");
}

void leak_session_final(struct leak_session *s, const struct leak_maps *m, const char *reason)
{
	report(s, m, true, reason);
}
