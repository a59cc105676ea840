#include "core/loop.h"
#include "leak/leak_rows.h"
#include "leak/leak_session.h"
#include "output/profile_files.h"
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

/* The final report's rows (every stack, not only the --top printed) as a heap profile, as
 * Go's runtime names its values. */
static void write_profiles(struct leak_session *s, const struct leak_snapshot *snap, double seconds)
{
	static const struct profile_value_type types[] = {
		{ "inuse_objects", "count" }, { "inuse_space", "bytes" },
	};
	struct stack_profile prof;
	if (stack_profile_init(&prof, s->printer.sym, types, 2, 1)) {
		fprintf(stderr, "memmon leak: out of memory building the profile\n");
		return;
	}
	prof.time_nanos = (int64_t)snap->wall * 1000000000;
	prof.duration_nanos = (int64_t)(seconds * 1e9);
	for (size_t i = 0; i < ktable_count(&snap->rows); i++) {
		const struct leak_row *r = ktable_row(&snap->rows, i);
		if (!r->count && !r->bytes)
			continue;
		int64_t v[2] = { (int64_t)r->count, (int64_t)r->bytes };
		stack_profile_add(&prof, (pid_t)r->key.tgid, s->kernel, r->ips, r->nips, !s->kernel, v);
	}
	profile_files_write(s->o->profiles, &prof, 1, s->kernel ? "memmon leak --kernel: outstanding"
							      : "memmon leak: outstanding", "leak");
	stack_profile_free(&prof);
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
	if (final && profile_files_wanted(s->o->profiles))
		write_profiles(s, &snap, id.seconds);
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
