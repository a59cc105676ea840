/* The shared memory between memmon heap and its preload library (libmemmon_heap.so): one
 * memfd, inherited by the traced program (its number in MEMMON_HEAP_FD) and mapped by both.
 *
 * Each thread of the program writes its allocator events into a ring of its own (claimed
 * from the pool when it first allocates, given back when it exits): one producer, one
 * consumer (memmon), no lock. A full ring makes the producer wait for memmon, so no event
 * is ever dropped; the waits are counted. Stacks are stored once, in a table every thread
 * inserts into with compare-and-swap (slot 0 means "no stack"). Each process that loads
 * the library (the program, a forked child, an exec'd program) takes a process slot with
 * a copy of its /proc/self/maps, so its stacks resolve after it is gone.
 * Plain C types only: both sides include it. */
#ifndef MEMMON_HEAP_SHM_H
#define MEMMON_HEAP_SHM_H
#include <stdbool.h>
#include <stdint.h>

#define HEAP_SHM_MAGIC 0x50414548u /* "HEAP" */
#define HEAP_SHM_VERSION 2
#define HEAP_MAX_DEPTH 64
#define HEAP_MAPS_BYTES (256u << 10)

enum heap_event_kind {
	HEAP_EV_ALLOC = 1, /* ptr, size, stack */
	HEAP_EV_FREE,      /* ptr; flags HEAP_F_NEXT_CALL */
};
/* the thread's next call after an allocation it recorded: temporary if the block has that
 * allocation's stack and size (heap/heap_account.h) */
#define HEAP_F_NEXT_CALL 1u

struct heap_event {
	uint64_t tsc;  /* rdtsc: orders the events of all threads (a process with one thread:
			* memmon's last clock_tsc, its ring order is the order) */
	uint64_t ptr;
	uint64_t size;
	uint32_t stack; /* slot in the stack table; 0: none */
	uint8_t kind;
	uint8_t flags;
	uint16_t pad;
};

enum heap_ring_state { HEAP_RING_FREE = 0, HEAP_RING_ACTIVE, HEAP_RING_RETIRED };

struct heap_ring {
	uint32_t state; /* enum heap_ring_state; FREE -> ACTIVE by the library (CAS),
			 * ACTIVE -> RETIRED by it at thread exit, -> FREE by memmon once drained */
	uint32_t proc;  /* process slot of its thread */
	uint32_t tid;
	uint32_t pad[13];
	uint64_t head;  /* events written (the producer's) */
	uint64_t pad2[7];
	uint64_t tail;  /* events consumed (memmon's) */
	uint64_t pad3[7];
	/* then ring_events struct heap_event */
};

struct heap_stack_slot {
	uint64_t hash;   /* 0: empty; claimed by CAS */
	uint32_t first;  /* index of its first frame in the frames array */
	uint16_t n;      /* frames */
	uint8_t end;     /* enum unwind_end of its walk */
	uint8_t ready;   /* frames written (release) */
};

enum heap_proc_state { HEAP_PROC_FREE = 0, HEAP_PROC_LIVE };

struct heap_proc {
	uint32_t state;    /* claimed by CAS */
	uint32_t pid, ppid;
	uint32_t forked;   /* 1: a fork of ppid's process; 0: started or exec'd */
	uint32_t maps_len; /* bytes of maps (rewritten by the library: read with maps_seq) */
	uint32_t maps_seq; /* odd while the library rewrites maps */
	uint32_t tables_wanted; /* bumped by the library: code of ours has no unwind table */
	uint32_t tables_done;   /* memmon: set to tables_wanted once it built them */
	uint32_t pad[8];
	char maps[HEAP_MAPS_BYTES];
};

struct heap_shm_header {
	uint32_t magic, version;
	uint64_t size;
	uint64_t sample_bytes; /* 0: every allocation (exact); else the mean bytes between samples */
	uint64_t seed;         /* of the sampling draws; 0: from the clock */
	uint32_t nrings, ring_events; /* ring_events: a power of two */
	uint32_t nstacks;             /* slots, a power of two */
	uint32_t nframes;
	uint32_t nprocs;
	uint32_t pad;
	uint64_t rings_off, ring_bytes, stacks_off, frames_off, procs_off;
	/* written by the library */
	uint32_t frames_used;
	uint32_t procs_used; /* slots taken; beyond nprocs: processes left untraced */
	uint64_t stacks_full;   /* stacks not stored (table or frames full): events got stack 0 */
	uint64_t rings_waited;  /* times a thread waited for a ring (pool or ring full) */
	uint64_t sample_full;   /* sampled allocations not sampled: the library's table was full */
	uint64_t lost_events;   /* events dropped: a thread waited 10 s for memmon in vain */
	/* written by memmon at each drain (about every millisecond): its rdtsc then. The time
	 * of the events of a process with one thread (heap_preload.c event_time). On a line of
	 * its own: the library reads it on every event. */
	uint64_t clock_tsc __attribute__((aligned(64)));
};

static inline struct heap_ring *heap_ring_at(void *base, uint32_t i)
{
	struct heap_shm_header *h = base;
	return (struct heap_ring *)((char *)base + h->rings_off + (uint64_t)i * h->ring_bytes);
}

static inline struct heap_event *heap_ring_events(struct heap_ring *r)
{
	return (struct heap_event *)(r + 1);
}

static inline struct heap_stack_slot *heap_stack_slots(void *base)
{
	return (struct heap_stack_slot *)((char *)base + ((struct heap_shm_header *)base)->stacks_off);
}

static inline uint64_t *heap_frames(void *base)
{
	return (uint64_t *)((char *)base + ((struct heap_shm_header *)base)->frames_off);
}

static inline struct heap_proc *heap_proc_at(void *base, uint32_t i)
{
	return (struct heap_proc *)((char *)base + ((struct heap_shm_header *)base)->procs_off) + i;
}

/* The stack table: open addressing by a 64-bit hash of the frames, a slot claimed by
 * compare-and-swap, its frames appended to the frames array and marked ready; readers take
 * slots by the number an event carries. Two threads meeting a new stack at once: one
 * claims, both use the slot. The library inserts its walks; memmon heap -p the stacks of
 * leak's probes. Returns the slot, 0 (no stack) when the table is full. */
static inline uint64_t heap_shm_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static inline uint32_t heap_shm_stack_insert(struct heap_shm_header *h, const uint64_t *frames, int n,
					     uint32_t end)
{
	uint64_t hash = heap_shm_mix((uint64_t)n, end);
	for (int i = 0; i < n; i++)
		hash = heap_shm_mix(hash, frames[i]);
	hash |= 1; /* never 0 (empty) */
	struct heap_stack_slot *slots = heap_stack_slots(h);
	uint32_t mask = h->nstacks - 1;
	uint32_t i = (uint32_t)(hash >> 32) & mask;
	for (uint32_t probes = 0; probes < h->nstacks; probes++, i = (i + 1) & mask) {
		if (i == 0)
			continue; /* slot 0 is "no stack" */
		struct heap_stack_slot *s = &slots[i];
		uint64_t seen = __atomic_load_n(&s->hash, __ATOMIC_ACQUIRE);
		if (seen == hash)
			return i;
		if (seen)
			continue;
		uint64_t expected = 0;
		if (!__atomic_compare_exchange_n(&s->hash, &expected, hash, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			if (expected == hash)
				return i;
			continue;
		}
		uint32_t first = __atomic_fetch_add(&h->frames_used, (uint32_t)n, __ATOMIC_RELAXED);
		if ((uint64_t)first + (uint64_t)n > h->nframes) {
			/* no room for the frames: the slot stays, empty, with the walk's end */
			s->n = 0;
			s->end = (uint8_t)end;
			__atomic_fetch_add(&h->stacks_full, 1, __ATOMIC_RELAXED);
		} else {
			uint64_t *f = heap_frames(h) + first;
			for (int k = 0; k < n; k++)
				f[k] = frames[k];
			s->first = first;
			s->n = (uint16_t)n;
			s->end = (uint8_t)end;
		}
		__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
		return i;
	}
	__atomic_fetch_add(&h->stacks_full, 1, __ATOMIC_RELAXED);
	return 0;
}

#endif
