/* The library's stack walker: the same rules as the kernel's (symbols/unwind.bpf.h), read
 * from the same tables (memmon builds them into a memfd the library maps read-only), with
 * the same outcomes (enum unwind_end). Per frame: the rule of the return address, from the
 * thread's cache of recent call sites or else looked up (the mapping in a snapshot of
 * /proc/self/maps, its file's page of rows, a binary search), then one or two reads of the
 * stack, which must lie within the thread's own stack. */
#include "heap/preload/heap_lib.h"
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct mapping {
	uint64_t start, end;
	int64_t bias; /* vaddr = addr + bias */
	uint32_t page_base, first_page, npages;
	uint32_t kind; /* 0: a file with a table; else enum unwind_end */
};

struct snapshot {
	uint32_t n, gen;
	uint32_t nfiles; /* tables' files when it was made */
	uint32_t pad;
	struct mapping m[];
};

static struct snapshot *snap; /* published with release order; old ones are never unmapped
			       * (another thread may still read one): reloads are rare */
static int snap_lock;
static uint32_t snap_gen;
uint32_t heap_snap_gen;
static uint64_t last_reload;

void heap_maps_after_fork(void)
{
	snap_lock = 0;
}

static uint64_t hex(const char **s)
{
	uint64_t v = 0;
	for (;; (*s)++) {
		char c = **s;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v << 4 | (uint64_t)d;
	}
}

static uint64_t dec(const char **s)
{
	uint64_t v = 0;
	while (**s >= '0' && **s <= '9')
		v = v * 10 + (uint64_t)(*(*s)++ - '0');
	return v;
}

static const struct unwind_file *table_of(uint64_t dev, uint64_t ino, uint32_t nfiles)
{
	const struct unwind_shared_header *h = heap_lib.tables;
	if (!h)
		return NULL;
	const struct unwind_shared_file *f = (const void *)((const char *)h + h->files_off);
	for (uint32_t i = 0; i < nfiles; i++)
		if (f[i].key.dev == dev && f[i].key.ino == ino)
			return &f[i].where;
	return NULL;
}

/* Reads /proc/self/maps into our process slot (a seqlock: memmon retries while odd). */
static uint32_t copy_maps(struct heap_proc *p)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	__atomic_store_n(&p->maps_seq, p->maps_seq + 1, __ATOMIC_RELEASE);
	uint32_t len = 0;
	ssize_t r;
	while (len < HEAP_MAPS_BYTES && (r = read(fd, p->maps + len, HEAP_MAPS_BYTES - len)) > 0)
		len += (uint32_t)r;
	close(fd);
	/* a cut line is dropped */
	while (len == HEAP_MAPS_BYTES && len && p->maps[len - 1] != '\n')
		len--;
	p->maps_len = len;
	__atomic_store_n(&p->maps_seq, p->maps_seq + 1, __ATOMIC_RELEASE);
	return len;
}

void heap_maps_reload(void)
{
	if (__atomic_exchange_n(&snap_lock, 1, __ATOMIC_ACQUIRE))
		return; /* another thread is at it: use the snapshot there is */
	struct heap_proc *p = heap_proc_at(heap_lib.shm, heap_lib.proc);
	uint32_t len = copy_maps(p);
	uint32_t nfiles = heap_lib.tables ? __atomic_load_n(&heap_lib.tables->nfiles, __ATOMIC_ACQUIRE) : 0;
	uint32_t lines = 0;
	for (uint32_t i = 0; i < len; i++)
		lines += p->maps[i] == '\n';
	size_t bytes = sizeof(struct snapshot) + (size_t)lines * sizeof(struct mapping);
	struct snapshot *s = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED) {
		__atomic_store_n(&snap_lock, 0, __ATOMIC_RELEASE);
		return;
	}
	const char *c = p->maps, *end = p->maps + len;
	while (c < end) {
		/* start-end perms offset major:minor inode path */
		const char *line_end = memchr(c, '\n', (size_t)(end - c));
		if (!line_end)
			break;
		uint64_t start = hex(&c);
		c++;
		uint64_t stop = hex(&c);
		c++;
		bool exec = c + 3 < line_end && c[2] == 'x';
		c += 5;
		uint64_t offset = hex(&c);
		c++;
		uint64_t major = hex(&c);
		c++;
		uint64_t minor = hex(&c);
		c++;
		uint64_t ino = dec(&c);
		if (exec) {
			struct mapping *m = &s->m[s->n++];
			m->start = start;
			m->end = stop;
			const struct unwind_file *f = ino ? table_of(major << 20 | minor, ino, nfiles) : NULL;
			if (!ino) {
				m->kind = UWE_ANON;
			} else if (!f) {
				m->kind = UWE_NO_TABLE;
			} else {
				m->bias = (int64_t)offset - (int64_t)start + f->vaddr_adjust;
				m->page_base = f->page_base;
				m->first_page = f->first_page;
				m->npages = f->npages;
			}
		}
		c = line_end + 1;
	}
	s->nfiles = nfiles;
	s->gen = ++snap_gen;
	__atomic_store_n(&snap, s, __ATOMIC_RELEASE);
	__atomic_store_n(&heap_snap_gen, s->gen, __ATOMIC_RELEASE);
	last_reload = heap_tsc();
	__atomic_store_n(&snap_lock, 0, __ATOMIC_RELEASE);
}

bool heap_maps_missing_tables(void)
{
	struct snapshot *s = __atomic_load_n(&snap, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; s && i < s->n; i++)
		if (s->m[i].kind == UWE_NO_TABLE)
			return true;
	return false;
}

static uint64_t last_request;

void heap_tables_request(bool wait)
{
	struct heap_proc *p = heap_proc_at(heap_lib.shm, heap_lib.proc);
	uint32_t want = __atomic_add_fetch(&p->tables_wanted, 1, __ATOMIC_ACQ_REL);
	last_request = heap_tsc();
	if (!wait)
		return;
	struct timespec ts = { 0, 1000000 };
	for (int i = 0; i < 2000 && (int32_t)(__atomic_load_n(&p->tables_done, __ATOMIC_ACQUIRE) - want) < 0; i++)
		nanosleep(&ts, NULL);
	heap_maps_reload();
}

static const struct mapping *find_mapping(const struct snapshot *s, uint64_t addr)
{
	uint32_t lo = 0, hi = s->n; /* /proc/self/maps is sorted */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (addr < s->m[mid].start)
			hi = mid;
		else if (addr >= s->m[mid].end)
			lo = mid + 1;
		else
			return &s->m[mid];
	}
	return NULL;
}

/* The rule of vaddr in a mapping with a table, as the kernel's unwind_rule_at finds it. */
static bool rule_at(const struct mapping *m, uint64_t vaddr, struct unwind_rule *out)
{
	const struct unwind_shared_header *h = heap_lib.tables;
	uint64_t page = vaddr >> UNWIND_PAGE_SHIFT;
	if (page < m->first_page || page - m->first_page >= m->npages)
		return false;
	const struct unwind_page *p = (const struct unwind_page *)((const char *)h + h->pages_off) +
				      m->page_base + (page - m->first_page);
	if (!p->count)
		return false;
	const uint32_t *rows = (const uint32_t *)((const char *)h + h->rows_off);
	uint32_t low = vaddr & (UNWIND_PAGE_SIZE - 1), lo = p->first, hi = p->first + p->count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (UNWIND_ROW_LOW(rows[mid]) <= low)
			lo = mid;
		else
			hi = mid;
	}
	*out = ((const struct unwind_rule *)((const char *)h + h->rules_off))[UNWIND_ROW_RULE(rows[lo])];
	return out->cfa != UW_NONE;
}

/* Reload at most every ~10 ms (of TSC at a few GHz): an address in no mapping may be
 * garbage, not a library loaded since. */
#define RELOAD_EVERY 30000000ull

/* The rule at lookup, or the enum unwind_end the walk meets there (returned; 0: rule). */
static uint32_t lookup_rule(struct heap_thread *t, uint64_t lookup, struct unwind_rule *rule)
{
	struct snapshot *s = __atomic_load_n(&snap, __ATOMIC_ACQUIRE);
	if (!s)
		return UWE_NO_MAPPING;
	struct rule_cache_entry *e = &t->cache[(lookup ^ lookup >> 10) & (RULE_CACHE - 1)];
	if (e->ip == lookup && e->gen == s->gen) {
		*rule = e->rule;
		return e->kind;
	}
	const struct mapping *m = find_mapping(s, lookup);
	bool stale = !m || (m->kind == UWE_NO_TABLE && heap_lib.tables &&
			    __atomic_load_n(&heap_lib.tables->nfiles, __ATOMIC_ACQUIRE) != s->nfiles);
	/* a file without a table (dlopen'd since): memmon is asked, at most every ~100 ms */
	if (m && m->kind == UWE_NO_TABLE && heap_lib.tables && !stale &&
	    heap_tsc() - last_request > 10 * RELOAD_EVERY)
		heap_tables_request(false);
	if (stale && heap_tsc() - last_reload > RELOAD_EVERY) {
		heap_maps_reload();
		s = __atomic_load_n(&snap, __ATOMIC_ACQUIRE);
		m = find_mapping(s, lookup);
	}
	uint32_t kind;
	if (!m)
		kind = UWE_NO_MAPPING;
	else if (m->kind)
		kind = m->kind;
	else
		kind = rule_at(m, (uint64_t)((int64_t)lookup + m->bias), rule) ? 0 : UWE_NO_CFI;
	if (m) { /* an address in no mapping is not cached: it may be mapped later */
		e->ip = lookup;
		e->gen = s->gen;
		e->kind = kind;
		if (!kind)
			e->rule = *rule;
	}
	return kind;
}

/* A word of the thread's stack, noted in the log (if any) with its offset from the
 * walk's first sp; a log that overflows says so (n past WALK_READS). */
static inline bool read_stack(const struct heap_thread *t, uint64_t addr, uint64_t *out,
			      struct walk_log *log)
{
	if (addr < t->stack_lo || addr + 8 > t->stack_hi || (addr & 7))
		return false;
	*out = *(const uint64_t *)addr;
	if (log) {
		if (log->n < WALK_READS) {
			log->off[log->n] = (uint32_t)(addr - log->sp0);
			log->val[log->n] = *out;
		}
		log->n++;
	}
	return true;
}

/* The walk is about to use bp: if it is still the caller's register, that is an input
 * of the walk too (logged as the pseudo-offset WALK_BP). */
static inline void use_bp(struct walk_log *log, bool bp_is_reg, uint64_t bp)
{
	if (!log || !bp_is_reg)
		return;
	if (log->n < WALK_READS) {
		log->off[log->n] = WALK_BP;
		log->val[log->n] = bp;
	}
	log->n++;
}

int heap_walk(struct heap_thread *t, uint64_t ip, uint64_t sp, uint64_t bp, uint64_t *frames,
	      int max, uint32_t *end, struct walk_log *log)
{
	int n = 0;
	bool exact = false; /* ip is a return address: its rule is the call's (ip - 1) */
	bool bp_is_reg = true; /* bp is still the caller's register, not read from the stack */
	if (log) {
		log->sp0 = sp;
		log->n = 0;
	}
	for (;;) {
		if (n >= max) {
			*end = UWE_DEPTH;
			return n;
		}
		frames[n++] = ip;
		uint64_t lookup = exact ? ip : ip - 1;
		struct unwind_rule r;
		uint32_t kind = lookup_rule(t, lookup, &r);
		if (kind) {
			*end = kind;
			return n;
		}
		uint64_t cfa, ra;
		exact = false;
		switch (r.cfa) {
		case UW_END:
			*end = UWE_COMPLETE;
			return n;
		case UW_CFA_RSP:
			cfa = sp + (int64_t)r.cfa_off;
			break;
		case UW_CFA_RBP:
			use_bp(log, bp_is_reg, bp);
			cfa = bp + (int64_t)r.cfa_off;
			break;
		case UW_CFA_RBP_DEREF:
			use_bp(log, bp_is_reg, bp);
			if (!read_stack(t, bp + (int64_t)r.cfa_off, &cfa, log)) {
				*end = UWE_READ_FAULT;
				return n;
			}
			break;
		case UW_PLT:
			cfa = sp + ((ip & 15) >= 11 ? 16 : 8);
			break;
		case UW_SIGNAL: {
			uint64_t nsp, nbp;
			if (!read_stack(t, sp + (int64_t)r.cfa_off, &nsp, log) ||
			    !read_stack(t, sp + (int64_t)r.cfa_off + 8, &ra, log) ||
			    !read_stack(t, sp + (int64_t)r.rbp_off, &nbp, log)) {
				*end = UWE_READ_FAULT;
				return n;
			}
			sp = nsp;
			bp = nbp;
			bp_is_reg = false;
			ip = ra;
			exact = true;
			continue;
		}
		default:
			*end = UWE_UNSUPPORTED;
			return n;
		}
		if (r.rbp_off) {
			if (!read_stack(t, cfa + (int64_t)r.rbp_off, &bp, log)) {
				*end = UWE_READ_FAULT;
				return n;
			}
			bp_is_reg = false;
		}
		if (!read_stack(t, cfa - 8, &ra, log)) {
			*end = UWE_READ_FAULT;
			return n;
		}
		if (!ra) {
			*end = UWE_COMPLETE;
			return n;
		}
		if (cfa <= sp && r.cfa != UW_CFA_RBP_DEREF) {
			*end = UWE_UNSUPPORTED;
			return n;
		}
		sp = cfa;
		ip = ra;
	}
}
