#include "heap/heap_session.h"
#include "symbols/unwind_tables.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define RINGS HEAP_RINGS
#define RING_EVENTS (1u << 15) /* 1 MiB a ring */
#define STACKS (1u << 17)
#define FRAMES (1u << 23)      /* 64 MiB of frames at most; the memfd is sparse */
#define PROCS 1024     /* processes over a run (shell scripts fork many); slots are not reused */
/* Events are taken up to a little before the drain began. An event's own causes (the
 * allocation a free on another thread undoes) were published before its time was taken,
 * so all of them are seen; the margin covers rdtsc's reordering. Longer would make full
 * rings wait: a ring fills in a few milliseconds. */
#define HOLD_MS 0.05
/* events ahead whose block slots are fetched (heap_account_prefetch) */
#define PREFETCH_AHEAD 8

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t page_up(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

int heap_session_open(struct heap_session *s, uint64_t sample_bytes, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	size_t ring_bytes = sizeof(struct heap_ring) + (size_t)RING_EVENTS * sizeof(struct heap_event);
	size_t rings_off = 4096, stacks_off = rings_off + page_up((size_t)RINGS * ring_bytes);
	size_t frames_off = stacks_off + page_up((size_t)STACKS * sizeof(struct heap_stack_slot));
	size_t procs_off = frames_off + page_up((size_t)FRAMES * sizeof(uint64_t));
	s->size = procs_off + page_up((size_t)PROCS * sizeof(struct heap_proc));
	s->fd = memfd_create("memmon-heap", 0); /* inherited: the library maps it */
	if (s->fd < 0)
		return -errno;
	if (ftruncate(s->fd, (off_t)s->size)) {
		int err = errno;
		close(s->fd);
		return -err;
	}
	s->base = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->base == MAP_FAILED) {
		int err = errno;
		close(s->fd);
		return -err;
	}
	struct heap_shm_header *h = s->h = s->base;
	h->magic = HEAP_SHM_MAGIC;
	h->version = HEAP_SHM_VERSION;
	h->size = s->size;
	h->sample_bytes = sample_bytes;
	h->seed = seed;
	h->nrings = RINGS;
	h->ring_events = RING_EVENTS;
	h->nstacks = STACKS;
	h->nframes = FRAMES;
	h->nprocs = PROCS;
	h->rings_off = rings_off;
	h->ring_bytes = ring_bytes;
	h->stacks_off = stacks_off;
	h->frames_off = frames_off;
	h->procs_off = procs_off;
	heap_account_init(&s->acct, sample_bytes);
	s->tsc0 = __rdtsc();
	h->clock_tsc = s->tsc0;
	s->mono0 = mono();
	s->tsc_hz = 1e9; /* until measured */
	return 0;
}

void heap_session_close(struct heap_session *s)
{
	if (s->base)
		munmap(s->base, s->size);
	if (s->fd >= 0)
		close(s->fd);
	heap_account_free(&s->acct);
	s->base = NULL;
	s->fd = -1;
}

void heap_session_start(struct heap_session *s)
{
	s->tsc0 = __rdtsc();
	s->mono0 = mono();
}

static void scan_procs(struct heap_session *s, bool final);

void heap_session_start_ns(struct heap_session *s)
{
	s->mono0 = mono();
	s->tsc0 = (uint64_t)(s->mono0 * 1e9);
	s->tsc_hz = 1e9;
	s->ns_clock = true;
}

void heap_session_refresh_maps(struct heap_session *s, uint32_t slot)
{
	struct heap_proc *sp = heap_proc_at(s->base, slot);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%u/maps", sp->pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	/* read whole first: a process gone meanwhile leaves its last copy */
	static char buf[HEAP_MAPS_BYTES];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (!n)
		return;
	__atomic_store_n(&sp->maps_seq, sp->maps_seq + 1, __ATOMIC_RELEASE);
	memcpy(sp->maps, buf, n);
	sp->maps_len = (uint32_t)n;
	__atomic_store_n(&sp->maps_seq, sp->maps_seq + 1, __ATOMIC_RELEASE);
}

static int add_proc(struct heap_session *s, pid_t pid, pid_t ppid, bool forked, int from)
{
	uint32_t slot = s->h->procs_used;
	if (slot >= s->h->nprocs)
		return -1;
	struct heap_proc *sp = heap_proc_at(s->base, slot);
	sp->pid = (uint32_t)pid;
	sp->ppid = (uint32_t)ppid;
	sp->forked = forked;
	if (from >= 0) { /* a fork's mappings are its parent's, if it is gone already */
		const struct heap_proc *fp = heap_proc_at(s->base, (uint32_t)from);
		memcpy(sp->maps, fp->maps, fp->maps_len);
		sp->maps_len = fp->maps_len;
	}
	heap_session_refresh_maps(s, slot);
	s->h->procs_used = slot + 1;
	__atomic_store_n(&sp->state, HEAP_PROC_LIVE, __ATOMIC_RELEASE);
	scan_procs(s, false);
	if (s->procs_seen != slot + 1)
		return -1;
	return (int)slot;
}

int heap_session_add_proc(struct heap_session *s, pid_t pid)
{
	int slot = add_proc(s, pid, 0, false, -1);
	if (slot >= 0)
		s->acct.procs[slot].attached = true;
	return slot;
}

int heap_session_add_followed(struct heap_session *s, pid_t pid, pid_t ppid, bool forked, int from)
{
	return add_proc(s, pid, ppid, forked, forked ? from : -1);
}

double heap_session_seconds(const struct heap_session *s, uint64_t tsc)
{
	return tsc > s->tsc0 ? (double)(tsc - s->tsc0) / s->tsc_hz : 0;
}

/* Is the process of a slot gone (exited, a zombie) or its image replaced (exec)? */
static bool proc_dead(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *paren = strrchr(buf, ')');
	return !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
}

/* New process slots; a slot whose pid started another image (exec: a newer, not forked
 * slot of the same pid) is replaced, its blocks forgotten. */
static void scan_procs(struct heap_session *s, bool final)
{
	uint32_t used = __atomic_load_n(&s->h->procs_used, __ATOMIC_ACQUIRE);
	if (used > s->h->nprocs)
		used = s->h->nprocs;
	for (uint32_t i = s->procs_seen; i < used; i++) {
		struct heap_proc *sp = heap_proc_at(s->base, i);
		if (__atomic_load_n(&sp->state, __ATOMIC_ACQUIRE) != HEAP_PROC_LIVE)
			break; /* not set up yet: next time */
		struct heap_proc_acct *p = heap_account_proc(&s->acct, i);
		if (!p)
			break;
		p->pid = (pid_t)sp->pid;
		p->ppid = (pid_t)sp->ppid;
		p->forked = sp->forked;
		s->procs_seen = i + 1;
	}
	/* a process that runs code without a table (an exec'd image, a dlopen'd library)
	 * asks for the tables of its mappings; an exec'd image waits for them at start */
	for (uint32_t i = 0; i < s->procs_seen && s->tables; i++) {
		struct heap_proc *sp = heap_proc_at(s->base, i);
		uint32_t wanted = __atomic_load_n(&sp->tables_wanted, __ATOMIC_ACQUIRE);
		if (wanted == sp->tables_done)
			continue;
		unwind_tables_add_pid(s->tables, (pid_t)sp->pid);
		__atomic_store_n(&sp->tables_done, wanted, __ATOMIC_RELEASE);
	}
	/* /proc is read at most every 50 ms: drains come every millisecond */
	double t = mono();
	if (!final && t - s->procs_checked < 0.05)
		return;
	s->procs_checked = t;
	for (uint32_t i = 0; i < s->procs_seen; i++) {
		struct heap_proc_acct *p = &s->acct.procs[i];
		if (!p->dead && (final || proc_dead(p->pid)))
			p->dead = true;
	}
}

static bool proc_replaced(const struct heap_session *s, uint32_t slot)
{
	const struct heap_proc_acct *p = &s->acct.procs[slot];
	for (uint32_t j = slot + 1; j < s->procs_seen; j++)
		if (s->acct.procs[j].pid == p->pid && !s->acct.procs[j].forked)
			return true;
	return false;
}

struct cursor {
	struct heap_ring *r;
	struct heap_event *ev;
	uint64_t tail, head;
	struct heap_last_alloc *last; /* of the ring's thread */
};

static void apply(struct heap_session *s, uint32_t proc, const struct heap_event *e,
		  struct heap_last_alloc *last)
{
	if (e->kind == HEAP_EV_ALLOC) {
		*last = heap_account_alloc(&s->acct, proc, e->ptr, e->size, e->stack, e->tsc);
	} else if (e->kind == HEAP_EV_FREE) {
		heap_account_free_block(&s->acct, proc, e->ptr, e->flags & HEAP_F_NEXT_CALL ? last : NULL);
		last->row = 0;
	}
}

uint64_t heap_session_drain(struct heap_session *s, bool final)
{
	struct heap_shm_header *h = s->h;
	uint64_t now_tsc = __rdtsc();
	double t = mono();
	if (t - s->mono0 > 0.01 && !s->ns_clock)
		s->tsc_hz = (double)(now_tsc - s->tsc0) / (t - s->mono0);
	uint64_t held = now_tsc - (uint64_t)(s->tsc_hz * HOLD_MS / 1000.0);
	uint64_t cut = final ? UINT64_MAX : held;
	/* the clock of single-threaded processes: before any later drain's cut, so their
	 * events are never held back */
	if (held > h->clock_tsc)
		__atomic_store_n(&h->clock_tsc, held, __ATOMIC_RELAXED);
	scan_procs(s, final);
	struct cursor cur[RINGS];
	uint32_t n = 0;
	uint32_t mask = h->ring_events - 1;
	for (uint32_t i = 0; i < h->nrings; i++) {
		struct heap_ring *r = heap_ring_at(s->base, i);
		uint32_t state = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
		if (state == HEAP_RING_FREE)
			continue;
		uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		cur[n++] = (struct cursor){ r, heap_ring_events(r), r->tail, head, &s->ring_last[i] };
	}
	uint64_t taken = 0;
	for (;;) {
		/* the ring whose next event is the oldest */
		int best = -1;
		uint64_t best_tsc = cut;
		for (uint32_t i = 0; i < n; i++) {
			struct cursor *c = &cur[i];
			if (c->tail == c->head)
				continue;
			uint64_t tsc = c->ev[c->tail & mask].tsc;
			if (tsc < best_tsc || (final && best < 0)) {
				best = (int)i;
				best_tsc = tsc;
			}
		}
		if (best < 0)
			break;
		struct cursor *c = &cur[best];
		if (c->head - c->tail > PREFETCH_AHEAD)
			heap_account_prefetch(&s->acct, c->r->proc, c->ev[(c->tail + PREFETCH_AHEAD) & mask].ptr);
		apply(s, c->r->proc, &c->ev[c->tail & mask], c->last);
		c->tail++;
		taken++;
		if ((c->tail & 1023) == 0) /* room for the producer */
			__atomic_store_n(&c->r->tail, c->tail, __ATOMIC_RELEASE);
	}
	for (uint32_t i = 0; i < n; i++) {
		struct cursor *c = &cur[i];
		__atomic_store_n(&c->r->tail, c->tail, __ATOMIC_RELEASE);
		uint32_t state = __atomic_load_n(&c->r->state, __ATOMIC_ACQUIRE);
		uint32_t proc = c->r->proc;
		bool gone = state == HEAP_RING_RETIRED ||
			    (proc < s->procs_seen && (s->acct.procs[proc].dead || proc_replaced(s, proc)));
		/* a thread that retired published everything first; a dead process's last
		 * events are all there too: free the ring once they are read */
		if (gone && __atomic_load_n(&c->r->head, __ATOMIC_ACQUIRE) == c->tail) {
			c->r->head = 0;
			c->r->tail = 0;
			c->last->row = 0;
			__atomic_store_n(&c->r->state, HEAP_RING_FREE, __ATOMIC_RELEASE);
		}
	}
	/* an exec'd image's blocks are not leaks: forgotten once its events are in */
	for (uint32_t i = 0; i < s->procs_seen; i++)
		if (!s->acct.procs[i].replaced && proc_replaced(s, i))
			heap_account_forget_proc(&s->acct, i);
	return taken;
}

int heap_session_stack(const struct heap_session *s, uint32_t slot, uint64_t *ips, int max,
		       uint32_t *end)
{
	*end = 0;
	if (!slot || slot >= s->h->nstacks)
		return 0;
	const struct heap_stack_slot *st = &heap_stack_slots(s->base)[slot];
	if (!__atomic_load_n(&st->ready, __ATOMIC_ACQUIRE))
		return 0;
	*end = st->end;
	int n = st->n < max ? st->n : max;
	if ((uint64_t)st->first + (uint64_t)n > s->h->nframes)
		return 0;
	memcpy(ips, heap_frames(s->base) + st->first, (size_t)n * sizeof(uint64_t));
	return n;
}

char *heap_session_maps(const struct heap_session *s, uint32_t slot, size_t *len)
{
	struct heap_proc *p = heap_proc_at(s->base, slot);
	char *buf = malloc(HEAP_MAPS_BYTES);
	if (!buf)
		return NULL;
	for (int tries = 0; tries < 100; tries++) {
		uint32_t seq = __atomic_load_n(&p->maps_seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			usleep(1000);
			continue;
		}
		uint32_t n = p->maps_len < HEAP_MAPS_BYTES ? p->maps_len : HEAP_MAPS_BYTES;
		memcpy(buf, p->maps, n);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&p->maps_seq, __ATOMIC_ACQUIRE) == seq) {
			*len = n;
			return buf;
		}
	}
	*len = 0;
	return buf;
}
