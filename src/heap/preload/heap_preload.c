/* libmemmon_heap.so: preloaded by `memmon heap -- PROGRAM`, it wraps the allocator
 * functions (the set `memmon leak` probes, C++ operator new and delete included), calls
 * glibc's allocator through its __libc_* entry points (no dlsym bootstrap), and records
 * each allocation with its stack and each free into its thread's ring in the memory memmon
 * shares (heap/heap_shm.h). No lock and no system call on the fast path; the library's own
 * work never allocates through itself (in_lib: nested calls go straight to glibc).
 * With a sample rate (--sample-bytes) only allocations chosen by a Poisson process over
 * bytes are recorded: the decision is a counter decrement, a free looks its pointer up in
 * a small counting filter before the table of sampled blocks. */
#include "heap/preload/heap_lib.h"
#include <errno.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

#define TLS __thread __attribute__((tls_model("initial-exec")))
#define COLD __attribute__((noinline, cold))
#define EXPORT __attribute__((visibility("default")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct heap_lib heap_lib;

enum { INIT_NONE, INIT_RUNNING, INIT_READY, INIT_OFF };
static int init_state;
static uint64_t sample_rate; /* 0: exact */
static pthread_key_t exit_key;
static uint32_t threads_seen; /* of this process: numbers the sampling streams */

static TLS int in_lib;
static TLS struct heap_thread *self;
static TLS uint64_t last_ptr;   /* the thread's last allocation, until its next call (a free
				 * clears it; sampled mode: the last sampled one, if countdown
				 * is still cd_at_sample: no allocation since) */
static TLS int64_t cd_at_sample;
static TLS int64_t countdown;   /* sampled mode: bytes until the next sample */
static TLS uint64_t rng;        /* 0: not seeded yet */

/* Event times (event_time): rings of this process in use, and a count bumped whenever a
 * ring is claimed or given back; each thread's last look at the count, and its last rdtsc. */
static uint32_t rings_live;
static uint32_t rings_epoch;
static TLS uint32_t epoch_seen;
static TLS uint64_t time_floor;

uint64_t heap_tsc(void)
{
	return __rdtsc();
}

/* An event's time. It only orders the events of different threads (memmon merges the
 * rings by it), and rdtsc costs about 11 ns here (AMD EPYC), a third of what an event
 * costs. So while this process has one thread with a ring, its ring's order is the order
 * and the time is memmon's clock (shm clock_tsc, written each drain, about every ms).
 * Once a second thread has a ring, every event takes rdtsc. The switch back: the first
 * event after another thread gave its ring back takes rdtsc, so it (and, in ring order,
 * every later one) is merged after that thread's last events; later times are never
 * earlier than it (time_floor: a ring's times stay in order). The times of a one-thread
 * process are never later than the truth, so an event that caused one on another thread
 * is never merged after it. */
static inline uint64_t event_time(void)
{
	uint32_t epoch = __atomic_load_n(&rings_epoch, __ATOMIC_ACQUIRE);
	if (likely(epoch == epoch_seen) && likely(__atomic_load_n(&rings_live, __ATOMIC_RELAXED) <= 1)) {
		uint64_t c = __atomic_load_n(&heap_lib.shm->clock_tsc, __ATOMIC_RELAXED);
		return c > time_floor ? c : time_floor;
	}
	epoch_seen = epoch;
	return time_floor = __rdtsc();
}

static void rings_changed(int by)
{
	__atomic_fetch_add(&rings_live, (uint32_t)by, __ATOMIC_RELAXED);
	__atomic_fetch_add(&rings_epoch, 1, __ATOMIC_RELEASE);
}

/* The registers of the wrapper's caller at the call (the library keeps frame pointers):
 * its return address, its stack pointer (the wrapper's CFA) and its rbp. */
struct regs {
	uint64_t ip, sp, bp;
};
#define CALLER(r)                                                   \
	do {                                                        \
		uint64_t *fp_ = __builtin_frame_address(0);         \
		(r).ip = (uint64_t)__builtin_return_address(0);     \
		(r).sp = (uint64_t)(fp_ + 2);                       \
		(r).bp = fp_[0];                                    \
	} while (0)

/* ---- the sampled blocks: a table of pointers and a counting filter in front ---- */

#define SSET_SLOTS (1u << 16) /* 512 KiB, touched at start: no page faults later */
#define SSET_TOMB 1ull
#define FILTER_SLOTS 4096
static uint64_t *sset;       /* private memory: a forked child has its own copy */
static uint8_t *filter;      /* per hash bucket: sampled blocks live there (saturating) */
static uint32_t sset_used;   /* slots ever taken (tombstones included) */

static inline uint32_t ptr_hash(uint64_t p)
{
	return (uint32_t)((p >> 4) * 0x9e3779b97f4a7c15ull >> 40);
}

static bool sset_insert(uint64_t p)
{
	if (__atomic_load_n(&sset_used, __ATOMIC_RELAXED) > SSET_SLOTS / 4 * 3)
		return false;
	uint32_t h = ptr_hash(p);
	for (uint32_t i = 0; i < SSET_SLOTS; i++) {
		uint64_t *slot = &sset[(h + i) & (SSET_SLOTS - 1)];
		uint64_t v = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
		if ((v == 0 || v == SSET_TOMB) &&
		    __atomic_compare_exchange_n(slot, &v, p, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			if (v == 0)
				__atomic_fetch_add(&sset_used, 1, __ATOMIC_RELAXED);
			uint8_t *f = &filter[h & (FILTER_SLOTS - 1)];
			if (__atomic_load_n(f, __ATOMIC_RELAXED) != 255)
				__atomic_fetch_add(f, 1, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}

/* True if p was a sampled block (now forgotten). */
static bool sset_remove(uint64_t p)
{
	uint32_t h = ptr_hash(p);
	for (uint32_t i = 0; i < SSET_SLOTS; i++) {
		uint64_t *slot = &sset[(h + i) & (SSET_SLOTS - 1)];
		uint64_t v = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
		if (v == 0)
			return false;
		if (v == p && __atomic_compare_exchange_n(slot, &v, SSET_TOMB, false, __ATOMIC_ACQ_REL,
							  __ATOMIC_RELAXED)) {
			uint8_t *f = &filter[h & (FILTER_SLOTS - 1)];
			if (__atomic_load_n(f, __ATOMIC_RELAXED) != 255) /* saturated: stays */
				__atomic_fetch_sub(f, 1, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}

static inline bool maybe_sampled(uint64_t p)
{
	return filter[ptr_hash(p) & (FILTER_SLOTS - 1)] != 0;
}

/* ---- start-up ---- */

static long env_long(const char *name)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return -1;
	char *end;
	long v = strtol(s, &end, 10);
	return *end ? -1 : v;
}

static void *map_fd(long fd, int prot)
{
	struct stat st;
	if (fd < 0 || fstat((int)fd, &st) || st.st_size <= 0)
		return NULL;
	void *p = mmap(NULL, (size_t)st.st_size, prot, MAP_SHARED, (int)fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Takes a process slot: each process (started, forked, exec'd) is one in the report. */
static bool register_proc(bool forked)
{
	struct heap_shm_header *h = heap_lib.shm;
	uint32_t slot = __atomic_fetch_add(&h->procs_used, 1, __ATOMIC_RELAXED);
	if (slot >= h->nprocs)
		return false;
	struct heap_proc *p = heap_proc_at(h, slot);
	heap_lib.proc = slot;
	heap_lib.pid = getpid();
	p->pid = (uint32_t)heap_lib.pid;
	p->ppid = (uint32_t)getppid();
	p->forked = forked;
	heap_maps_reload();
	__atomic_store_n(&p->state, HEAP_PROC_LIVE, __ATOMIC_RELEASE);
	/* an image memmon built no tables for (exec'd): wait for them before it runs on */
	if (!forked && heap_lib.tables && heap_maps_missing_tables())
		heap_tables_request(true);
	return true;
}

static void thread_exit(void *arg);
static int find_self(struct dl_phdr_info *info, size_t size, void *data);
static void after_fork_child(void);

static bool setup(void)
{
	heap_lib.shm = map_fd(env_long("MEMMON_HEAP_FD"), PROT_READ | PROT_WRITE);
	if (!heap_lib.shm || heap_lib.shm->magic != HEAP_SHM_MAGIC ||
	    heap_lib.shm->version != HEAP_SHM_VERSION)
		return false;
	const struct unwind_shared_header *t = map_fd(env_long("MEMMON_HEAP_UNWIND_FD"), PROT_READ);
	heap_lib.tables = t && t->magic == UNWIND_SHARED_MAGIC ? t : NULL;
	sample_rate = heap_lib.shm->sample_bytes;
	if (sample_rate) {
		void *m = mmap(NULL, SSET_SLOTS * sizeof(uint64_t) + FILTER_SLOTS, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (m == MAP_FAILED)
			return false;
		sset = m;
		filter = (uint8_t *)(sset + SSET_SLOTS);
	}
	dl_iterate_phdr(find_self, NULL);
	if (pthread_key_create(&exit_key, thread_exit))
		return false;
	pthread_atfork(NULL, NULL, after_fork_child);
	return register_proc(false);
}

/* Runs once, from the first allocation or the constructor, whichever comes first; other
 * threads' allocations meanwhile are not recorded (there are none before main but
 * constructors' own). */
COLD static bool lib_init(void)
{
	int st = __atomic_load_n(&init_state, __ATOMIC_ACQUIRE);
	if (st == INIT_READY)
		return true;
	if (st != INIT_NONE || in_lib)
		return false;
	int expected = INIT_NONE;
	if (!__atomic_compare_exchange_n(&init_state, &expected, INIT_RUNNING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return false;
	in_lib++;
	bool ok = setup();
	in_lib--;
	__atomic_store_n(&init_state, ok ? INIT_READY : INIT_OFF, __ATOMIC_RELEASE);
	return ok;
}

__attribute__((constructor)) static void heap_constructor(void)
{
	lib_init();
}

/* ---- threads and rings ---- */

static void nap(long ns)
{
	struct timespec ts = { 0, ns };
	nanosleep(&ts, NULL);
}

#define GIVE_UP_NS 10000000000ull /* memmon is gone or stuck: drop events, counted */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

COLD static bool claim_ring(struct heap_thread *t)
{
	struct heap_shm_header *h = heap_lib.shm;
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	uint64_t start = 0;
	for (;;) {
		for (uint32_t k = 0; k < h->nrings; k++) {
			struct heap_ring *r = heap_ring_at(h, (tid + k) % h->nrings);
			uint32_t free_state = HEAP_RING_FREE;
			if (__atomic_load_n(&r->state, __ATOMIC_RELAXED) != HEAP_RING_FREE ||
			    !__atomic_compare_exchange_n(&r->state, &free_state, HEAP_RING_ACTIVE, false,
							 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
				continue;
			r->proc = heap_lib.proc;
			r->tid = tid;
			t->ring = r;
			t->ev = heap_ring_events(r);
			t->mask = h->ring_events - 1;
			t->head = r->head;
			t->tail_seen = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
			rings_changed(1);
			return true;
		}
		/* every ring is taken: memmon frees those of threads that exited */
		if (!start) {
			start = now_ns();
			__atomic_fetch_add(&h->rings_waited, 1, __ATOMIC_RELAXED);
		} else if (now_ns() - start > GIVE_UP_NS) {
			return false;
		}
		nap(1000000);
	}
}

COLD static struct heap_thread *thread_start(void)
{
	struct heap_thread *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	pthread_attr_t a;
	void *addr;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		if (pthread_attr_getstack(&a, &addr, &size) == 0) {
			t->stack_lo = (uint64_t)addr;
			t->stack_hi = (uint64_t)addr + size;
		}
		pthread_attr_destroy(&a);
	}
	self = t;
	pthread_setspecific(exit_key, t); /* thread_exit gives the ring back */
	return t;
}

/* A thread's exit (pthread key destructor): its ring goes back to memmon, which drains it
 * and frees it. An allocation in a later destructor starts over (and is given back in the
 * next round of destructors). */
static void thread_exit(void *arg)
{
	struct heap_thread *t = arg;
	if (t->ring) {
		__atomic_store_n(&t->ring->state, HEAP_RING_RETIRED, __ATOMIC_RELEASE);
		rings_changed(-1);
	}
	self = NULL;
	munmap(t, sizeof(*t));
}

/* A forked child: the rings it inherited are its parent's threads'; it takes a process
 * slot and rings of its own. */
static void after_fork_child(void)
{
	if (__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) != INIT_READY)
		return;
	in_lib++;
	if (self)
		self->ring = NULL;
	rings_live = 0;
	rings_changed(0);
	rng = 0;
	countdown = 0;
	threads_seen = 0;
	heap_maps_after_fork();
	if (!register_proc(true))
		__atomic_store_n(&init_state, INIT_OFF, __ATOMIC_RELEASE);
	in_lib--;
}

/* Waits for room in the ring (memmon drains it); false after GIVE_UP_NS. */
COLD static bool wait_room(struct heap_thread *t)
{
	struct heap_shm_header *h = heap_lib.shm;
	__atomic_fetch_add(&h->rings_waited, 1, __ATOMIC_RELAXED);
	uint64_t start = now_ns();
	/* memmon drains every millisecond: sleep rather than spin (system calls are costly) */
	for (int spin = 0;; spin++) {
		t->tail_seen = __atomic_load_n(&t->ring->tail, __ATOMIC_ACQUIRE);
		if (t->head - t->tail_seen <= t->mask)
			return true;
		if (spin < 100)
			__builtin_ia32_pause();
		else if (now_ns() - start > GIVE_UP_NS)
			return false;
		else
			nap(200000);
	}
}

/* The thread's state with a ring, or NULL (the event is lost, counted). */
static inline struct heap_thread *thread_ring(void)
{
	struct heap_thread *t = self;
	if (unlikely(!t) && !(t = thread_start()))
		goto lost;
	if (unlikely(!t->ring) && !claim_ring(t))
		goto lost;
	return t;
lost:
	__atomic_fetch_add(&heap_lib.shm->lost_events, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* The ring's next event to fill, or NULL (lost, counted). The fields are written in
 * place (a struct copied in would be read back at once: a stalled store forward), and the
 * line a few events on is fetched for writing now: memmon has read it last, from the
 * other core, and the miss would otherwise be taken in line. */
static inline struct heap_event *next_event(struct heap_thread *t)
{
	if (unlikely(t->head - t->tail_seen > t->mask) && !wait_room(t)) {
		__atomic_fetch_add(&heap_lib.shm->lost_events, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	__builtin_prefetch(&t->ev[(t->head + 8) & t->mask], 1);
	return &t->ev[t->head & t->mask];
}

static inline void publish(struct heap_thread *t)
{
	t->head++;
	__atomic_store_n(&t->ring->head, t->head, __ATOMIC_RELEASE);
}

/* ---- recording ---- */

/* Not cold: in exact mode this is every allocation's path (cold code is laid out and
 * optimized for size, its branches predicted not taken). */
__attribute__((noinline)) static void record_alloc(void *p, size_t size, const struct regs *r)
{
	in_lib++;
	struct heap_thread *t = thread_ring();
	if (t) {
		uint32_t stack;
		if (heap_lib.tables) {
			stack = heap_stack_from(t, r->ip, r->sp, r->bp);
		} else {
			uint64_t frame = r->ip;
			stack = heap_stack_id(&frame, 1, UWE_NO_TABLE);
		}
		struct heap_event *e = next_event(t);
		if (e) {
			e->tsc = event_time();
			e->ptr = (uint64_t)p;
			e->size = size;
			e->stack = stack;
			e->kind = HEAP_EV_ALLOC;
			e->flags = 0;
			publish(t);
		}
	}
	in_lib--;
}

/* tsc: the free's time, taken before the block was given back; 0: now */
static void record_free_at(void *p, uint64_t tsc, uint8_t flags)
{
	in_lib++;
	struct heap_thread *t = thread_ring();
	struct heap_event *e = t ? next_event(t) : NULL;
	if (e) {
		e->tsc = tsc ? tsc : event_time();
		e->ptr = (uint64_t)p;
		e->size = 0;
		e->stack = 0;
		e->kind = HEAP_EV_FREE;
		e->flags = flags;
		publish(t);
	}
	in_lib--;
}

/* xorshift64*, seeded per thread from the run's seed and the thread's number in its
 * process (a fixed seed gives the same draws run after run) */
static double uniform(void)
{
	uint64_t x = rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng = x;
	return (double)((x * 0x2545f4914f6cdd1dull) >> 11) * 0x1p-53;
}

static int64_t draw_gap(void)
{
	double u = uniform();
	return (int64_t)(-log1p(-u) * (double)sample_rate) + 1;
}

/* Sampled mode, countdown crossed zero: is this allocation sampled? */
COLD static bool sample_now(int64_t size)
{
	if (!rng) {
		uint64_t seed = heap_lib.shm->seed ? heap_lib.shm->seed : now_ns();
		uint32_t k = __atomic_fetch_add(&threads_seen, 1, __ATOMIC_RELAXED);
		uint64_t z = seed + 0x9e3779b97f4a7c15ull * (k + 1); /* splitmix64 */
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		rng = (z ^ (z >> 31)) | 1;
		countdown = draw_gap() - size;
		if (countdown > 0)
			return false;
	}
	countdown = draw_gap();
	return true;
}

/* After the allocator returned p for size bytes: record it if it is to be. decremented:
 * sampled mode's fast path already took size off the countdown. */
static inline bool want_alloc_dec(void *p, size_t size, bool decremented)
{
	if (unlikely(in_lib) || unlikely(!p)) {
		if (decremented && in_lib)
			countdown += (int64_t)size; /* our own allocations do not move the samples */
		return false;
	}
	if (sample_rate) {
		if (!decremented && likely((countdown -= (int64_t)size) > 0))
			return false;
		if (!sample_now((int64_t)size))
			return false;
		in_lib++;
		bool ok = sset_insert((uint64_t)p);
		in_lib--;
		if (!ok)
			__atomic_fetch_add(&heap_lib.shm->sample_full, 1, __ATOMIC_RELAXED);
		last_ptr = (uint64_t)p;
		cd_at_sample = countdown;
		return ok;
	}
	last_ptr = (uint64_t)p;
	return likely(init_state == INIT_READY) || lib_init();
}

static inline bool want_alloc(void *p, size_t size)
{
	return want_alloc_dec(p, size, false);
}

/* A free by the program: is it the thread's next call after an allocation? memmon then
 * compares the blocks (heaptrack's rule of temporary: HEAP_F_NEXT_CALL). */
static inline uint8_t freed_next(void)
{
	uint8_t flags = last_ptr && (!sample_rate || countdown == cd_at_sample) ? HEAP_F_NEXT_CALL : 0;
	last_ptr = 0;
	return flags;
}

/* Before the allocator frees p: record it if it is to be. */
static inline void on_free(void *p)
{
	if (unlikely(in_lib) || !p)
		return;
	uint8_t flags = freed_next();
	if (sample_rate) {
		if (likely(!maybe_sampled((uint64_t)p)) || !sset_remove((uint64_t)p))
			return;
	} else if (unlikely(init_state != INIT_READY)) {
		return;
	}
	record_free_at(p, 0, flags);
}

typedef void *(*new_fn)(size_t);
COLD static void *real_new(const char *name, size_t n)
{
	extern void *dlsym(void *, const char *);
	new_fn f = (new_fn)dlsym((void *)-1l /* RTLD_NEXT */, name);
	if (!f)
		abort();
	return f(n);
}

/* The registers of the program's frame that called into the library: up the frame
 * pointers past the library's own frames (a slow path may or may not have been reached
 * by a tail call). */
static uintptr_t self_start, self_end;

static int find_self(struct dl_phdr_info *info, size_t size, void *data)
{
	extern const char __ehdr_start;
	(void)size;
	(void)data;
	if (info->dlpi_addr != (uintptr_t)&__ehdr_start)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && info->dlpi_addr + ph->p_vaddr + ph->p_memsz > self_end)
			self_end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	self_start = info->dlpi_addr;
	return 1;
}

static __attribute__((always_inline)) inline void caller_regs(struct regs *r)
{
	uint64_t *fp = __builtin_frame_address(0);
	for (int i = 0; i < 4 && fp[1] >= self_start && fp[1] < self_end; i++)
		fp = (uint64_t *)fp[0];
	r->ip = fp[1];
	r->sp = (uint64_t)(fp + 2);
	r->bp = fp[0];
}

/* malloc, operator new and free keep sampled mode's fast path free of any frame: a
 * countdown (a filter lookup for free) and a jump to glibc. */
__attribute__((noinline)) static void *alloc_slow(size_t n, bool decremented, const char *new_name)
{
	void *p = __libc_malloc(n);
	if (!p && new_name)
		return *new_name ? real_new(new_name, n) : NULL;
	if (want_alloc_dec(p, n, decremented)) {
		struct regs r;
		caller_regs(&r);
		record_alloc(p, n, &r);
	}
	return p;
}

__attribute__((noinline)) static void free_slow(void *p)
{
	on_free(p);
	__libc_free(p);
}

#define FAST_ALLOC(n, new_name)                                         \
	do {                                                            \
		if (likely(sample_rate)) {                              \
			if (likely((countdown -= (int64_t)(n)) > 0))    \
				return __libc_malloc(n);                \
			return alloc_slow((n), true, (new_name));       \
		}                                                       \
		return alloc_slow((n), false, (new_name));              \
	} while (0)

#define FAST_FREE(p)                                                          \
	do {                                                                  \
		if (likely(sample_rate) && likely(!maybe_sampled((uint64_t)(p)))) { \
			if (likely((p) != NULL) && likely(!in_lib))           \
				last_ptr = 0; /* a call between: freed_next */ \
			__libc_free(p);                                       \
			return;                                               \
		}                                                             \
		free_slow(p);                                                 \
	} while (0)

/* ---- the wrappers ---- */

EXPORT void *malloc(size_t n)
{
	FAST_ALLOC(n, NULL);
}

EXPORT void free(void *p)
{
	FAST_FREE(p);
}

EXPORT void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);
	if (want_alloc(p, n * size)) {
		struct regs r;
		CALLER(r);
		record_alloc(p, n * size, &r);
	}
	return p;
}

/* A block that moves is a free and an allocation; one that stays, too (its size changed).
 * The free's time is taken before the call: another thread may get the address next. */
static void *do_realloc(void *old, size_t n, const struct regs *r)
{
	if (in_lib || !old || init_state != INIT_READY) {
		void *p = __libc_realloc(old, n);
		if (!old && want_alloc(p, n))
			record_alloc(p, n, r);
		return p;
	}
	uint64_t tsc = heap_tsc();
	bool tracked = !sample_rate || (maybe_sampled((uint64_t)old) && sset_remove((uint64_t)old));
	void *p = __libc_realloc(old, n);
	if (!p && n) { /* failed: old is still there */
		if (tracked && sample_rate)
			sset_insert((uint64_t)old);
		return p;
	}
	/* heaptrack's order: the free half first, a call of its own */
	uint8_t flags = freed_next();
	if (tracked)
		record_free_at(old, tsc, flags);
	if (p && want_alloc(p, n))
		record_alloc(p, n, r);
	return p;
}

EXPORT void *realloc(void *old, size_t n)
{
	struct regs r;
	CALLER(r);
	return do_realloc(old, n, &r);
}

EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	struct regs r;
	CALLER(r);
	return do_realloc(old, bytes, &r);
}

#define ALIGNED_WRAPPER(expr, size)                  \
	do {                                         \
		void *p_ = (expr);                   \
		if (want_alloc(p_, (size))) {        \
			struct regs r_;              \
			CALLER(r_);                  \
			record_alloc(p_, (size), &r_); \
		}                                    \
		return p_;                           \
	} while (0)

EXPORT void *memalign(size_t align, size_t n) { ALIGNED_WRAPPER(__libc_memalign(align, n), n); }
EXPORT void *aligned_alloc(size_t align, size_t n) { ALIGNED_WRAPPER(__libc_memalign(align, n), n); }
EXPORT void *valloc(size_t n) { ALIGNED_WRAPPER(__libc_valloc(n), n); }
EXPORT void *pvalloc(size_t n) { ALIGNED_WRAPPER(__libc_pvalloc(n), n); }

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	void *p = __libc_memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	if (want_alloc(p, n)) {
		struct regs r;
		CALLER(r);
		record_alloc(p, n, &r);
	}
	return 0;
}

/* C++: operator new and delete, so their callers are the frames (not libstdc++'s new).
 * A throwing new that finds no memory hands over to libstdc++'s own (new handler,
 * std::bad_alloc), whose malloc call is then the one recorded. */
#define NEW_WRAPPER(name, expr, size, nothrow)                  \
	do {                                                    \
		void *p_ = (expr);                              \
		if (!p_)                                        \
			return (nothrow) ? NULL : real_new(name, size); \
		if (want_alloc(p_, (size))) {                   \
			struct regs r_;                         \
			CALLER(r_);                             \
			record_alloc(p_, (size), &r_);          \
		}                                               \
		return p_;                                      \
	} while (0)

EXPORT void *_Znwm(size_t n) { FAST_ALLOC(n, "_Znwm"); }
EXPORT void *_Znam(size_t n) { FAST_ALLOC(n, "_Znam"); }
EXPORT void *_ZnwmRKSt9nothrow_t(size_t n, const void *nt)
{
	(void)nt;
	NEW_WRAPPER("", __libc_malloc(n), n, true);
}
EXPORT void *_ZnamRKSt9nothrow_t(size_t n, const void *nt)
{
	(void)nt;
	NEW_WRAPPER("", __libc_malloc(n), n, true);
}
EXPORT void *_ZnwmSt11align_val_t(size_t n, size_t al)
{
	void *p = __libc_memalign(al, n);
	if (!p) {
		typedef void *(*fn)(size_t, size_t);
		extern void *dlsym(void *, const char *);
		fn f = (fn)dlsym((void *)-1l, "_ZnwmSt11align_val_t");
		if (!f)
			abort();
		return f(n, al);
	}
	if (want_alloc(p, n)) {
		struct regs r;
		CALLER(r);
		record_alloc(p, n, &r);
	}
	return p;
}
EXPORT void *_ZnamSt11align_val_t(size_t n, size_t al)
{
	void *p = __libc_memalign(al, n);
	if (!p) {
		typedef void *(*fn)(size_t, size_t);
		extern void *dlsym(void *, const char *);
		fn f = (fn)dlsym((void *)-1l, "_ZnamSt11align_val_t");
		if (!f)
			abort();
		return f(n, al);
	}
	if (want_alloc(p, n)) {
		struct regs r;
		CALLER(r);
		record_alloc(p, n, &r);
	}
	return p;
}
EXPORT void *_ZnwmSt11align_val_tRKSt9nothrow_t(size_t n, size_t al, const void *nt)
{
	(void)nt;
	NEW_WRAPPER("", __libc_memalign(al, n), n, true);
}
EXPORT void *_ZnamSt11align_val_tRKSt9nothrow_t(size_t n, size_t al, const void *nt)
{
	(void)nt;
	NEW_WRAPPER("", __libc_memalign(al, n), n, true);
}

#define DELETE_WRAPPER(p) do { on_free(p); __libc_free(p); } while (0)
EXPORT void _ZdlPv(void *p) { FAST_FREE(p); }
EXPORT void _ZdaPv(void *p) { FAST_FREE(p); }
EXPORT void _ZdlPvm(void *p, size_t n) { (void)n; FAST_FREE(p); }
EXPORT void _ZdaPvm(void *p, size_t n) { (void)n; FAST_FREE(p); }
EXPORT void _ZdlPvRKSt9nothrow_t(void *p, const void *nt) { (void)nt; DELETE_WRAPPER(p); }
EXPORT void _ZdaPvRKSt9nothrow_t(void *p, const void *nt) { (void)nt; DELETE_WRAPPER(p); }
EXPORT void _ZdlPvSt11align_val_t(void *p, size_t al) { (void)al; DELETE_WRAPPER(p); }
EXPORT void _ZdaPvSt11align_val_t(void *p, size_t al) { (void)al; DELETE_WRAPPER(p); }
EXPORT void _ZdlPvmSt11align_val_t(void *p, size_t n, size_t al) { (void)n; (void)al; DELETE_WRAPPER(p); }
EXPORT void _ZdaPvmSt11align_val_t(void *p, size_t n, size_t al) { (void)n; (void)al; DELETE_WRAPPER(p); }
