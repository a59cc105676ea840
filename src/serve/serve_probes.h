/* The BPF half of `memmon serve`: the oom probe set (pressure/oom.bpf.c) counting kills by
 * victim, and the reclaim probe set (pressure/reclaim.bpf.c) summing direct and memcg
 * reclaim stall time for the whole system. Both optional: without BPF the server still
 * answers, from /proc alone, and says so once on stderr and in memmon_serve_tracer_up. */
#ifndef MEMMON_SERVE_PROBES_H
#define MEMMON_SERVE_PROBES_H
#include "core/events.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Distinct (comm, memcg) label sets of the kill counter; later victims go to "other". */
#define SERVE_OOM_SERIES 64

struct serve_oom_series {
	char comm[16];
	char memcg[256];
	uint64_t kills;
};

/* Direct reclaim (a task reclaiming for its own allocation) and memcg reclaim (a task
 * reclaiming for its cgroup's limit): episodes and time since the server started. */
struct serve_reclaim {
	uint64_t direct_ns, direct_count, memcg_ns, memcg_count;
};

struct serve_probes {
	void *oom, *reclaim; /* skeletons; NULL when not running */
	struct event_reader er;
	pthread_mutex_t lock; /* series: written by the event loop, read by scrapes */
	struct serve_oom_series series[SERVE_OOM_SERIES + 1]; /* the last: "other" */
	int nseries;
	uint64_t lost_events;
};

/* Starts what BPF allows; prints on stderr what could not start and why. Never fails. */
void serve_probes_start(struct serve_probes *p);
bool serve_probes_oom_up(const struct serve_probes *p);
bool serve_probes_reclaim_up(const struct serve_probes *p);
/* The event reader for the run loop (NULL without the oom probes). */
struct event_reader *serve_probes_events(struct serve_probes *p);
/* A copy of the kill series (under the lock). Returns how many. */
int serve_probes_oom_series(struct serve_probes *p, struct serve_oom_series *out, int max);
/* The reclaim sums now. 0, or -1 without the reclaim probes. */
int serve_probes_reclaim(const struct serve_probes *p, struct serve_reclaim *out);
void serve_probes_stop(struct serve_probes *p);

#endif
