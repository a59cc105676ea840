/* Ring-buffer reading shared by every command. The BPF side counts reservations that
 * failed (see kernel/common.bpf.h); the reader exposes that count so every report prints it.
 * One poll handles at most a budget of events, so a producer that never pauses cannot keep
 * the caller from its timers and signals. */
#ifndef MEMMON_EVENTS_H
#define MEMMON_EVENTS_H
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>

#define EVENTS_POLL_BUDGET 4096    /* events per events_poll() */
#define EVENTS_DRAIN_BUDGET 262144 /* events per events_drain() */

struct event_reader {
	struct ring_buffer *rb;
	volatile unsigned long long *lost; /* the BPF object's memmon_lost_events, in its .bss */
	ring_buffer_sample_fn fn;
	void *ctx;
	long budget;
	bool budget_hit;
};

/* 0 or -errno. lost may be NULL. The reader must stay at the same address while open. */
int events_open(struct event_reader *r, int map_fd, ring_buffer_sample_fn fn, void *ctx,
		volatile unsigned long long *lost);
/* Returns number of events consumed or -errno (-EINTR is not an error). */
int events_poll(struct event_reader *r, int timeout_ms);
/* Consumes what is there now, up to EVENTS_DRAIN_BUDGET events. */
int events_drain(struct event_reader *r);
uint64_t events_lost(const struct event_reader *r);
void events_close(struct event_reader *r);

#endif
