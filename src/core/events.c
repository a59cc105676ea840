#include "core/events.h"
#include <errno.h>

/* Counts events against the budget; a negative return makes libbpf stop consuming (the
 * event itself has been handled). */
static int budgeted(void *ctx, void *data, size_t size)
{
	struct event_reader *r = ctx;
	int err = r->fn(r->ctx, data, size);
	if (err)
		return err;
	if (--r->budget <= 0) {
		r->budget_hit = true;
		return -EAGAIN;
	}
	return 0;
}

int events_open(struct event_reader *r, int map_fd, ring_buffer_sample_fn fn, void *ctx,
		volatile unsigned long long *lost)
{
	r->lost = lost;
	r->fn = fn;
	r->ctx = ctx;
	r->rb = ring_buffer__new(map_fd, budgeted, r, NULL);
	return r->rb ? 0 : -errno;
}

static int with_budget(struct event_reader *r, long budget, int (*op)(struct event_reader *, int),
		       int timeout_ms)
{
	if (!r->rb)
		return 0;
	r->budget = budget;
	r->budget_hit = false;
	int n = op(r, timeout_ms);
	if (r->budget_hit) {
		r->budget_hit = false;
		return (int)(budget - r->budget);
	}
	return n == -EINTR ? 0 : n;
}

static int do_poll(struct event_reader *r, int timeout_ms)
{
	return ring_buffer__poll(r->rb, timeout_ms);
}

static int do_consume(struct event_reader *r, int unused)
{
	return ring_buffer__consume(r->rb);
}

int events_poll(struct event_reader *r, int timeout_ms)
{
	return with_budget(r, EVENTS_POLL_BUDGET, do_poll, timeout_ms);
}

int events_drain(struct event_reader *r)
{
	return with_budget(r, EVENTS_DRAIN_BUDGET, do_consume, 0);
}

uint64_t events_lost(const struct event_reader *r)
{
	return r->lost ? *r->lost : 0;
}

void events_close(struct event_reader *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
}
