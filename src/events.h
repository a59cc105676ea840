/* Ring-buffer reading shared by every command. The BPF side counts reservations that
 * failed (see bpf/common.bpf.h); the reader exposes that count so every report prints it. */
#ifndef MEMMON_EVENTS_H
#define MEMMON_EVENTS_H
#include <bpf/libbpf.h>
#include <stdint.h>

struct event_reader {
	struct ring_buffer *rb;
	volatile unsigned long long *lost; /* the BPF object's memmon_lost_events, in its .bss */
};

/* 0 or -errno. lost may be NULL. */
int events_open(struct event_reader *r, int map_fd, ring_buffer_sample_fn fn, void *ctx,
		volatile unsigned long long *lost);
/* Returns number of events consumed or -errno (-EINTR is not an error). */
int events_poll(struct event_reader *r, int timeout_ms);
int events_drain(struct event_reader *r);
uint64_t events_lost(const struct event_reader *r);
void events_close(struct event_reader *r);

#endif
