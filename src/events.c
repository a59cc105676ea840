#include "events.h"
#include <errno.h>

int events_open(struct event_reader *r, int map_fd, ring_buffer_sample_fn fn, void *ctx,
		volatile unsigned long long *lost)
{
	r->lost = lost;
	r->rb = ring_buffer__new(map_fd, fn, ctx, NULL);
	return r->rb ? 0 : -errno;
}

int events_poll(struct event_reader *r, int timeout_ms)
{
	if (!r->rb)
		return 0;
	int n = ring_buffer__poll(r->rb, timeout_ms);
	return n == -EINTR ? 0 : n;
}

int events_drain(struct event_reader *r)
{
	return r->rb ? ring_buffer__consume(r->rb) : 0;
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
