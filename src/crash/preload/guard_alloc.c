/* The allocator half of libmemmon_guard: one allocation in N (MEMMON_GUARD_RATE) gets a
 * page of its own between inaccessible guard pages; everything else goes to glibc's
 * allocator untouched (through its __libc_* entry points, so no dlsym bootstrapping).
 * Freed guarded pages become inaccessible and go to the back of the free-slot queue, so a
 * slot is reused as late as possible and a use after free faults. */
#include "crash/preload/guard.h"
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

#define TLS __thread __attribute__((tls_model("initial-exec")))

struct guard_pool guard_pool;

enum { INIT_NONE, INIT_RUNNING, INIT_READY, INIT_OFF };
static int init_state;
static double log_keep; /* log(1 - 1/rate): draws the gaps between guarded allocations */
static bool sample_all, align_left;
static size_t right_align = 16; /* alignment of right-aligned blocks */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t *free_queue; /* ring of free slot indices, oldest-freed first */
static size_t queue_head, queue_len;
static unsigned long n_guarded, n_pool_full;
static uintptr_t self_start, self_end; /* this library's code: dropped from stacks */

static TLS int in_guard; /* our own code is running: nested allocations go to glibc */
static TLS uint64_t rng_state;
static TLS uint64_t countdown; /* eligible allocations until the next guarded one; 0: not drawn */

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return dflt;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	return *end ? dflt : v;
}

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

static void lock_pool(void) { pthread_mutex_lock(&pool_lock); }
static void unlock_pool(void) { pthread_mutex_unlock(&pool_lock); }
static void child_after_fork(void)
{
	pthread_mutex_unlock(&pool_lock);
	rng_state = countdown = 0; /* a stream of its own, not a copy of the parent's */
}

static bool setup_pool(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t nslots = env_ulong("MEMMON_GUARD_SLOTS", 512);
	unsigned long rate = env_ulong("MEMMON_GUARD_RATE", 5000);
	if (!nslots || !rate)
		return false;
	sample_all = rate == 1;
	log_keep = sample_all ? 0 : log1p(-1.0 / (double)rate);
	align_left = env_ulong("MEMMON_GUARD_LEFT", 0) != 0;
	right_align = env_ulong("MEMMON_GUARD_ALIGN", 16);
	if (!right_align || (right_align & (right_align - 1)) || right_align > page)
		right_align = 16;
	size_t region = (2 * nslots + 1) * page;
	void *base = mmap(NULL, region, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	size_t meta_bytes = nslots * (sizeof(struct slot_meta) + sizeof(size_t));
	void *meta = mmap(NULL, meta_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || meta == MAP_FAILED)
		return false;
	guard_pool.base = (uintptr_t)base;
	guard_pool.end = guard_pool.base + region;
	guard_pool.page = page;
	guard_pool.nslots = nslots;
	guard_pool.meta = meta;
	free_queue = (size_t *)(guard_pool.meta + nslots);
	for (size_t i = 0; i < nslots; i++)
		free_queue[i] = i;
	queue_len = nslots;
	return true;
}

/* Runs once, from the first allocation or the constructor, whichever comes first. */
/* The rare paths stay out of line: inlined, their register saves and stack frame would
 * sit in front of every malloc and free (measured: 31 instructions per malloc, 23 per
 * free in the wrapper alone, against a handful without them). */
#define COLD __attribute__((noinline, cold))

COLD static bool guard_init(void)
{
	int st = __atomic_load_n(&init_state, __ATOMIC_ACQUIRE);
	if (st == INIT_READY)
		return true;
	if (st != INIT_NONE || in_guard)
		return false;
	int expect = INIT_NONE;
	if (!__atomic_compare_exchange_n(&init_state, &expect, INIT_RUNNING, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return false; /* another thread initializes; use glibc meanwhile */
	in_guard = 1;
	bool ok = setup_pool();
	if (ok) {
		void *prime[4];
		backtrace(prime, 4); /* loads libgcc's unwinder now, not inside a fault handler */
		dl_iterate_phdr(find_self, NULL);
		pthread_atfork(lock_pool, unlock_pool, child_after_fork);
		guard_install_handler();
	}
	in_guard = 0;
	__atomic_store_n(&init_state, ok ? INIT_READY : INIT_OFF, __ATOMIC_RELEASE);
	return ok;
}

__attribute__((constructor)) static void guard_ctor(void)
{
	guard_init();
}

__attribute__((destructor)) static void guard_dtor(void)
{
	if (__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) == INIT_READY)
		guard_write_stats(n_guarded, n_pool_full);
}

static uint64_t next_random(void)
{
	if (!rng_state) { /* splitmix64 of time and thread id: a fresh stream per thread and run */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t z = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
			     ((uint64_t)gettid() << 16) ^ (uintptr_t)&rng_state;
		z += 0x9e3779b97f4a7c15ULL;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		rng_state = (z ^ (z >> 31)) | 1;
	}
	rng_state ^= rng_state << 13; /* xorshift64 */
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Gaps between guarded allocations are geometric with p = 1/rate, which is exactly
 * guarding each allocation independently with probability 1/rate, for the price of a
 * decrement per allocation instead of a random number. */
COLD static uint64_t draw_gap(void)
{
	double u = (double)((next_random() >> 11) + 1) * 0x1p-53; /* (0, 1] */
	double g = floor(log(u) / log_keep);
	return g < 0x1p62 ? (uint64_t)g + 1 : 1ULL << 62;
}

static inline bool should_guard(size_t size, size_t align)
{
	if (__builtin_expect(in_guard, 0))
		return false;
	if (__builtin_expect(__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) != INIT_READY, 0) &&
	    !guard_init())
		return false;
	if (size == 0 || size > guard_pool.page || align > guard_pool.page)
		return false;
	if (sample_all)
		return true;
	if (__builtin_expect(!countdown, 0))
		countdown = draw_gap();
	if (--countdown)
		return false;
	countdown = draw_gap();
	return true;
}

long guard_slot_of(uintptr_t addr)
{
	if (addr < guard_pool.base || addr >= guard_pool.end)
		return -1;
	size_t pageno = (addr - guard_pool.base) / guard_pool.page;
	return pageno % 2 ? (long)(pageno / 2) : -1;
}

uintptr_t guard_slot_start(size_t i)
{
	return guard_pool.base + (2 * i + 1) * guard_pool.page;
}

static int capture_stack(void **out)
{
	void *raw[GUARD_STACK_MAX + 8];
	int n = backtrace(raw, GUARD_STACK_MAX + 8), skip = 0;
	while (skip < n && (uintptr_t)raw[skip] >= self_start && (uintptr_t)raw[skip] < self_end)
		skip++;
	n -= skip;
	if (n > GUARD_STACK_MAX)
		n = GUARD_STACK_MAX;
	memcpy(out, raw + skip, n * sizeof(void *));
	return n;
}

/* Returns a guarded block, or NULL when the pool has no free slot. */
COLD static void *guarded_alloc(size_t size, size_t align)
{
	in_guard = 1;
	lock_pool();
	if (!queue_len) {
		n_pool_full++;
		unlock_pool();
		in_guard = 0;
		return NULL;
	}
	size_t i = free_queue[queue_head];
	queue_head = (queue_head + 1) % guard_pool.nslots;
	queue_len--;
	n_guarded++;
	struct slot_meta *m = &guard_pool.meta[i];
	m->state = SLOT_LIVE; /* claimed: no other thread can take it now */
	unlock_pool();

	uintptr_t start = guard_slot_start(i);
	mprotect((void *)start, guard_pool.page, PROT_READ | PROT_WRITE);
	/* Right-aligned so that an overflow past the alignment padding touches the guard.
	 * 16 by default: malloc promises it, and programs rely on it (a header followed by a
	 * flexible array has an odd size but needs the header's alignment); 1 catches every
	 * byte, for programs that allow it. */
	if (align < right_align)
		align = right_align;
	uintptr_t p = align_left ? start : (start + guard_pool.page - size) & ~(uintptr_t)(align - 1);
	m->ptr = p;
	m->size = size;
	m->alloc_tid = gettid();
	m->free_tid = 0;
	m->free_depth = 0;
	m->alloc_depth = capture_stack(m->alloc_stack);
	in_guard = 0;
	return (void *)p;
}

COLD static void guarded_free(void *ptr)
{
	long i = guard_slot_of((uintptr_t)ptr);
	in_guard = 1;
	void *stack[GUARD_STACK_MAX];
	int depth = capture_stack(stack);
	lock_pool();
	struct slot_meta *m = i >= 0 ? &guard_pool.meta[i] : NULL;
	if (!m || m->ptr != (uintptr_t)ptr || m->state != SLOT_LIVE) {
		unlock_pool();
		guard_report_bad_free(i, (uintptr_t)ptr, stack, depth); /* does not return */
	}
	m->state = SLOT_FREED;
	m->free_tid = gettid();
	m->free_depth = depth;
	memcpy(m->free_stack, stack, depth * sizeof(void *));
	mprotect((void *)guard_slot_start(i), guard_pool.page, PROT_NONE);
	free_queue[(queue_head + queue_len) % guard_pool.nslots] = (size_t)i;
	queue_len++;
	unlock_pool();
	in_guard = 0;
}

static inline bool in_pool(const void *p)
{
	return (uintptr_t)p >= guard_pool.base && (uintptr_t)p < guard_pool.end;
}

COLD static void *malloc_slow(size_t size)
{
	if (should_guard(size, 1)) {
		void *p = guarded_alloc(size, 1);
		if (p)
			return p;
	}
	return __libc_malloc(size);
}

GUARD_API void *malloc(size_t size)
{
	/* The common case first, in a few instructions: not the allocation the sampler picks.
	 * (The gap then counts every malloc, also ones too big to guard; should_guard() keeps
	 * the pick for the next eligible one.) Undrawn (0) and --all take the slow path. */
	if (__builtin_expect(countdown > 1, 1)) {
		countdown--;
		return __libc_malloc(size);
	}
	return malloc_slow(size);
}

GUARD_API void free(void *ptr)
{
	if (in_pool(ptr))
		guarded_free(ptr);
	else
		__libc_free(ptr);
}

GUARD_API void *calloc(size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	if (should_guard(total, 1)) {
		void *p = guarded_alloc(total, 1);
		if (p)
			return memset(p, 0, total);
	}
	return __libc_calloc(n, size);
}

GUARD_API void *realloc(void *ptr, size_t size)
{
	if (!in_pool(ptr))
		return ptr || !should_guard(size, 1) ? __libc_realloc(ptr, size) : malloc(size);
	long slot = guard_slot_of((uintptr_t)ptr);
	if (size == 0 || slot < 0 || guard_pool.meta[slot].ptr != (uintptr_t)ptr ||
	    guard_pool.meta[slot].state != SLOT_LIVE) {
		free(ptr); /* reports a double or invalid free */
		return NULL;
	}
	size_t old = guard_pool.meta[slot].size;
	void *p = malloc(size);
	if (p) {
		memcpy(p, ptr, old < size ? old : size);
		free(ptr);
	}
	return p;
}

static void *aligned(size_t align, size_t size)
{
	if (should_guard(size, align)) {
		void *p = guarded_alloc(size, align);
		if (p)
			return p;
	}
	return __libc_memalign(align, size);
}

GUARD_API void *memalign(size_t align, size_t size)
{
	return aligned(align, size);
}

GUARD_API void *aligned_alloc(size_t align, size_t size)
{
	return aligned(align, size);
}

GUARD_API int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = aligned(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

GUARD_API void *valloc(size_t size)
{
	return aligned((size_t)sysconf(_SC_PAGESIZE), size);
}

GUARD_API void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return aligned(page, (size + page - 1) & ~(page - 1));
}

GUARD_API void *reallocarray(void *ptr, size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, total);
}

GUARD_API size_t malloc_usable_size(void *ptr)
{
	static size_t (*real)(void *);
	if (in_pool(ptr)) {
		long slot = guard_slot_of((uintptr_t)ptr);
		return slot >= 0 && guard_pool.meta[slot].ptr == (uintptr_t)ptr ? guard_pool.meta[slot].size : 0;
	}
	if (!real)
		real = (size_t(*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
	return ptr && real ? real(ptr) : 0;
}
