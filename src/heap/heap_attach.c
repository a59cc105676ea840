#include "heap/heap_attach.h"
#include "core/loop.h"
#include "kernel/bpf_util.h"
#include "kernel/kernel_paths.h"
#include "leak/leak.h"
#include "leak/leak_collect.h"
#include "leak/leak_event.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STACK_CACHE 65536 /* (process, leak stack key) -> stack slot, direct-mapped */
#define THREADS 65536     /* a thread's last allocation, by tid, direct-mapped */
#define MAX_PROCS 1024    /* processes over a run (as heap_session.c's slots) */

struct attach {
	struct heap_session *s;
	void (*on_interval)(void *);
	void *ctx;
	pid_t pids[MAX_PROCS]; /* the -p pids, then those they forked */
	int slots[MAX_PROCS], npids;
	int hot; /* index of the last pid found */
	double added[MAX_PROCS]; /* when on_follow gave it a slot (0: a -p pid) */
	struct { struct stack_key key; uint32_t slot, used; } *stacks;
	struct { uint32_t tid, calls; struct heap_last_alloc block; } *last; /* by tid */
	const char *reason;
	double last_maps;
	double *start;
};

/* The process slot of a tgid: the -p pids have one from the start, the processes they
 * fork or that exec get theirs from on_follow; any other would get one at its first
 * event. */
static int find_pid(struct attach *a, pid_t tgid)
{
	if (a->hot < a->npids && a->pids[a->hot] == tgid)
		return a->hot; /* most events are the same process's as the last */
	for (int i = 0; i < a->npids; i++)
		if (a->pids[i] == tgid)
			return a->hot = i;
	return -1;
}

static int slot_of(struct attach *a, pid_t tgid)
{
	int i = find_pid(a, tgid);
	if (i >= 0)
		return a->slots[i];
	if (a->npids == MAX_PROCS)
		return -1;
	int slot = heap_session_add_proc(a->s, tgid);
	if (slot >= 0) {
		a->pids[a->npids] = tgid;
		a->slots[a->npids++] = slot;
	}
	return slot;
}

/* Followed as preload mode follows: a forked child is a process of its own (it starts
 * with its parent's mappings); an exec starts a new one for the same pid, and what the
 * image before it held is not counted as leaked. */
static void on_follow(void *ctx, pid_t tgid, pid_t parent, bool exec)
{
	struct attach *a = ctx;
	int i = find_pid(a, exec ? tgid : parent);
	if (i < 0)
		return;
	int old = a->slots[i];
	if (old < 0)
		return;
	if (exec) {
		pid_t ppid = a->s->acct.procs[old].ppid;
		heap_account_forget_proc(&a->s->acct, (uint32_t)old);
		int slot = heap_session_add_followed(a->s, tgid, ppid, false, -1);
		a->slots[i] = slot; /* -1 (no slot left): its events are not counted */
		a->added[i] = now_seconds();
		return;
	}
	if (find_pid(a, tgid) >= 0 || a->npids == MAX_PROCS)
		return;
	int slot = heap_session_add_followed(a->s, tgid, parent, true, old);
	if (slot >= 0) {
		a->pids[a->npids] = tgid;
		a->added[a->npids] = now_seconds();
		a->slots[a->npids++] = slot;
	}
}

static uint32_t stack_of(struct attach *a, const struct alloc_stream_event *e, const struct leak_maps *m)
{
	uint64_t h = (e->key.retaddr ^ (uint64_t)e->key.stackid * 0x9e3779b97f4a7c15ull ^ e->key.tgid) *
		     0xff51afd7ed558ccdull;
	size_t i = (size_t)(h >> 48) & (STACK_CACHE - 1);
	if (a->stacks[i].used && !memcmp(&a->stacks[i].key, &e->key, sizeof(e->key)))
		return a->stacks[i].slot;
	uint64_t ips[ALLOC_STACK_DEPTH + 1];
	uint32_t end;
	int n = leak_stack_ips(m, &e->key, ips, &end);
	if (n > HEAP_MAX_DEPTH)
		n = HEAP_MAX_DEPTH;
	uint32_t slot = heap_shm_stack_insert(a->s->h, ips, n, end);
	a->stacks[i].key = e->key;
	a->stacks[i].slot = slot;
	a->stacks[i].used = 1;
	return slot;
}

/* Temporary (heap/heap_account.h): a free stamped with the thread's call count of its last
 * allocation is the thread's next call after it (the probes count every call, frees too;
 * sampled, most calls send no event). */
static void on_event(void *ctx, const struct alloc_stream_event *e, const struct leak_maps *m)
{
	struct attach *a = ctx;
	int proc = slot_of(a, (pid_t)e->tgid);
	if (proc < 0)
		return;
	size_t t = e->tid & (THREADS - 1);
	if (e->kind == STREAM_EV_ALLOC) {
		a->last[t].block = heap_account_alloc(&a->s->acct, (uint32_t)proc, e->addr, e->size,
						      stack_of(a, e, m), e->ts_ns);
		a->last[t].tid = e->tid;
		a->last[t].calls = e->calls;
	} else if (e->kind == STREAM_EV_FREE) {
		bool next = a->last[t].tid == e->tid && a->last[t].calls == e->calls;
		heap_account_free_block(&a->s->acct, (uint32_t)proc, e->addr, next ? &a->last[t].block : NULL);
		if (a->last[t].tid == e->tid)
			a->last[t].block.row = 0;
	}
}

/* Libraries loaded since: the maps again about once a second, and at every tick for a
 * process followed in the last second (an exec'd image's loader is still mapping them;
 * a short-lived child's last copy is the one its frames resolve through). */
static void on_tick(void *ctx)
{
	struct attach *a = ctx;
	double t = now_seconds();
	bool all = t - a->last_maps >= 1.0;
	if (all)
		a->last_maps = t;
	for (int i = 0; i < a->npids; i++)
		if (a->slots[i] >= 0 && (all || t - a->added[i] < 1.0))
			heap_session_refresh_maps(a->s, (uint32_t)a->slots[i]);
}

/* Times (the peak's, the intervals', the run's) count from here, not from before the
 * probes were attached. */
static void on_start(void *ctx)
{
	struct attach *a = ctx;
	heap_session_start_ns(a->s);
	*a->start = now_seconds();
}

static void on_interval(void *ctx)
{
	struct attach *a = ctx;
	if (a->on_interval)
		a->on_interval(a->ctx);
}

static void on_end(void *ctx, const char *reason, uint64_t lost)
{
	struct attach *a = ctx;
	a->reason = reason;
	a->s->h->lost_events = lost;
	for (int i = 0; i < a->npids; i++) /* the last copy, if still there */
		if (a->slots[i] >= 0)
			heap_session_refresh_maps(a->s, (uint32_t)a->slots[i]);
}

int heap_attach_run(struct heap_session *s, const struct cli *cli, double interval,
		    void (*interval_fn)(void *), void *ctx, double *start, const char **reason)
{
	*reason = "error";
	if (!cli_check_user_pids(cli, "heap"))
		return EXIT_RUNTIME;
	if (bpf_preflight("heap") || bpf_require_find_vma("heap"))
		return EXIT_RUNTIME;
	kernel_path_mapping_cache("heap");
	struct attach a = { .s = s, .on_interval = interval_fn, .ctx = ctx, .start = start };
	a.stacks = calloc(STACK_CACHE, sizeof(*a.stacks));
	a.last = calloc(THREADS, sizeof(*a.last));
	if (!a.stacks || !a.last) {
		fprintf(stderr, "memmon heap: out of memory\n");
		free(a.stacks);
		free(a.last);
		return EXIT_RUNTIME;
	}
	heap_session_start_ns(s);
	for (int i = 0; i < cli->npids; i++)
		if (slot_of(&a, cli->pids[i]) < 0) {
			fprintf(stderr, "memmon heap: no process slot left for pid %d\n", cli->pids[i]);
			free(a.stacks);
			free(a.last);
			return EXIT_RUNTIME;
		}
	struct leak_stream stream = { .ctx = &a, .on_event = on_event, .on_start = on_start, .on_tick = on_tick,
				      .on_interval = on_interval, .on_end = on_end, .on_follow = on_follow };
	/* leak's defaults (cmd_leak.c), nothing filtered: every allocation is an event; more
	 * than max_allocs blocks outstanding at once are lost_events */
	struct leak_opts o = { .cli = *cli, .max_size = ~0ULL, .sample_rate = 1,
			       .max_allocs = 524288, .max_errors = 100, .ring_size = LEAK_RING_DEFAULT,
			       .stream = &stream, .cmd = "heap", .sample_bytes = s->acct.sample_bytes,
			       .follow = true };
	o.cli.interval = interval;
	struct profile_files none = { 0 };
	o.profiles = &none;
	int rc = leak_user_run(&o);
	*reason = a.reason ? a.reason : "error";
	free(a.stacks);
	free(a.last);
	return rc;
}
