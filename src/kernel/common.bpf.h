/* Pieces every memmon BPF object shares. */
#ifndef MEMMON_COMMON_BPF_H
#define MEMMON_COMMON_BPF_H

/* Reservations that failed because the ring buffer was full; user space prints it. */
__u64 memmon_lost_events = 0;

static __always_inline void *reserve_or_count(void *rb, __u64 size)
{
	void *e = bpf_ringbuf_reserve(rb, size, 0);
	if (!e)
		__sync_fetch_and_add(&memmon_lost_events, 1);
	return e;
}

#endif
