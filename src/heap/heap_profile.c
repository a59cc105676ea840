#include "heap/heap_profile.h"
#include "heap/heap_report.h"
#include "symbols/symbolize.h"
#include <math.h>
#include <stdio.h>
#include <time.h>

static int64_t whole(double v)
{
	return v > 0 ? (int64_t)llround(v) : 0;
}

int heap_profile_write(struct heap_session *s, struct profile_files *pf, double seconds,
		       const char *title)
{
	static const struct profile_value_type types[HEAP_PROF_NTYPES] = {
		[HEAP_PROF_ALLOC_OBJECTS] = { "alloc_objects", "count" },
		[HEAP_PROF_ALLOC_SPACE] = { "alloc_space", "bytes" },
		[HEAP_PROF_INUSE_OBJECTS] = { "inuse_objects", "count" },
		[HEAP_PROF_INUSE_SPACE] = { "inuse_space", "bytes" },
	};
	struct symbolizer *sym = symbolizer_new();
	struct stack_profile prof;
	if (!sym || stack_profile_init(&prof, sym, types, HEAP_PROF_NTYPES, HEAP_PROF_INUSE_SPACE)) {
		fprintf(stderr, "memmon heap: out of memory building the profile\n");
		symbolizer_free(sym);
		profile_files_discard(pf);
		return -1;
	}
	heap_report_capture(s, sym);
	prof.time_nanos = (int64_t)time(NULL) * 1000000000;
	prof.duration_nanos = (int64_t)(seconds * 1e9);
	const struct heap_account *a = &s->acct;
	for (size_t i = 0; i < ktable_count(&a->rows); i++) {
		const struct heap_stack_row *r = ktable_row(&a->rows, i);
		const struct heap_proc_acct *p = &a->procs[r->key.proc];
		/* an exec'd image's blocks are not in use: it is gone (the report's rule) */
		int64_t v[HEAP_PROF_NTYPES] = {
			[HEAP_PROF_ALLOC_OBJECTS] = whole(r->allocations),
			[HEAP_PROF_ALLOC_SPACE] = whole(r->allocated_bytes),
			[HEAP_PROF_INUSE_OBJECTS] = p->replaced ? 0 : whole(r->live_count),
			[HEAP_PROF_INUSE_SPACE] = p->replaced ? 0 : whole(r->live_bytes),
		};
		if (!v[0] && !v[1])
			continue;
		uint64_t ips[HEAP_MAX_DEPTH];
		uint32_t end;
		int n = heap_session_stack(s, r->key.stack, ips, HEAP_MAX_DEPTH, &end);
		/* symbolized under the slot's key (heap_report.h); labelled with the real pid */
		if (stack_profile_add(&prof, SYM_KEY(r->key.proc), false, ips, n, true, v) == 0)
			prof.samples[prof.nsamples - 1].pid = p->pid;
	}
	/* the folded stacks and the flame graph: where the heap goes, every site (in-use bytes
	 * would show only the leaks; pprof has all four) */
	int rc = profile_files_write(pf, &prof, HEAP_PROF_ALLOC_SPACE, title, "heap");
	stack_profile_free(&prof);
	symbolizer_free(sym);
	return rc;
}
