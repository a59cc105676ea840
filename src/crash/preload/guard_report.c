/* The fault half of libmemmon_guard. The SIGSEGV handler only classifies the fault from
 * the pool's metadata and writes raw facts (addresses, sizes, stacks as raw return
 * addresses, /proc/self/maps) to a file in MEMMON_GUARD_DIR, using nothing but
 * async-signal-safe calls (and backtrace(), primed at init so it does not allocate).
 * memmon, which launched the program and waits for it, symbolizes and prints. Then the
 * previous action is restored and the handler returns: the instruction faults again and the
 * program gets the signal it would have got. */
#include "crash/preload/guard.h"
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static char report_dir[512];
static struct sigaction old_segv;

/* A small buffered writer built only on write(2). */
struct out {
	int fd;
	size_t len;
	char buf[2048];
};

static void out_flush(struct out *o)
{
	size_t done = 0;
	while (done < o->len) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	o->len = 0;
}

static void out_str(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (o->len == sizeof(o->buf))
			out_flush(o);
		o->buf[o->len++] = *s;
	}
}

static void fmt_u(char *buf, unsigned long v, unsigned base)
{
	char tmp[32];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	int j = 0;
	if (base == 16) {
		buf[j++] = '0';
		buf[j++] = 'x';
	}
	while (n)
		buf[j++] = tmp[--n];
	buf[j] = 0;
}

static void out_dec(struct out *o, long v)
{
	char b[32];
	if (v < 0) {
		out_str(o, "-");
		v = -v;
	}
	fmt_u(b, (unsigned long)v, 10);
	out_str(o, b);
}

static void out_hex(struct out *o, uintptr_t v)
{
	char b[32];
	fmt_u(b, v, 16);
	out_str(o, b);
}

static void out_kv(struct out *o, const char *key, long v)
{
	out_str(o, key);
	out_str(o, " ");
	out_dec(o, v);
	out_str(o, "\n");
}

static void out_stack(struct out *o, const char *key, void *const *ips, int n)
{
	out_str(o, key);
	for (int i = 0; i < n; i++) {
		out_str(o, " ");
		out_hex(o, (uintptr_t)ips[i]);
	}
	out_str(o, "\n");
}

/* Opens DIR/NAME.PID.TID for writing. */
static int open_out(const char *name)
{
	char path[sizeof(report_dir) + 96], num[32];
	if (!report_dir[0])
		return -1;
	strcpy(path, report_dir);
	strcat(path, "/");
	strcat(path, name);
	strcat(path, ".");
	fmt_u(num, (unsigned long)getpid(), 10);
	strcat(path, num);
	strcat(path, ".");
	fmt_u(num, (unsigned long)gettid(), 10);
	strcat(path, num);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600); /* in memmon's private mkdtemp dir */
}

static void out_maps(struct out *o)
{
	out_str(o, "maps\n");
	out_flush(o);
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n;
	while ((n = read(fd, o->buf, sizeof(o->buf))) > 0) {
		o->len = (size_t)n;
		out_flush(o);
	}
	close(fd);
}

static void out_block(struct out *o, const struct slot_meta *m, bool with_free)
{
	out_str(o, "block ");
	out_hex(o, m->ptr);
	out_str(o, " ");
	out_dec(o, (long)m->size);
	out_str(o, "\n");
	out_kv(o, "alloc_tid", m->alloc_tid);
	out_stack(o, "alloc_stack", m->alloc_stack, m->alloc_depth);
	if (with_free && m->state == SLOT_FREED) {
		out_kv(o, "free_tid", m->free_tid);
		out_stack(o, "free_stack", m->free_stack, m->free_depth);
	}
}

/* Which block a pool address belongs to and how: a freed block's page, or a guard page
 * next to a block (the nearest live one wins, else the nearest freed one). */
static const struct slot_meta *classify(uintptr_t addr, const char **kind)
{
	long s = guard_slot_of(addr);
	if (s >= 0) {
		const struct slot_meta *m = &guard_pool.meta[s];
		*kind = m->state == SLOT_FREED ? "heap-use-after-free" : "wild-access";
		return m->state == SLOT_EMPTY ? NULL : m;
	}
	size_t gap = (addr - guard_pool.base) / guard_pool.page / 2; /* guard between gap-1, gap */
	const struct slot_meta *left = gap > 0 ? &guard_pool.meta[gap - 1] : NULL;
	const struct slot_meta *right = gap < guard_pool.nslots ? &guard_pool.meta[gap] : NULL;
	if (left && left->state == SLOT_EMPTY)
		left = NULL;
	if (right && right->state == SLOT_EMPTY)
		right = NULL;
	if (left && right && left->state != right->state)
		*(left->state == SLOT_LIVE ? &right : &left) = NULL;
	if (left && right) {
		uintptr_t dl = addr - (left->ptr + left->size), dr = right->ptr - addr;
		*(dl <= dr ? &right : &left) = NULL;
	}
	*kind = left ? "heap-buffer-overflow" : right ? "heap-buffer-underflow" : "wild-access";
	return left ? left : right;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	ucontext_t *uc = ucv;
	/* si_code > 0: raised by the kernel for a fault, not sent with kill() */
	if (si->si_code > 0 && addr >= guard_pool.base && addr < guard_pool.end) {
		const char *kind;
		const struct slot_meta *m = classify(addr, &kind);
		void *raw[GUARD_STACK_MAX + 16];
		int n = backtrace(raw, GUARD_STACK_MAX + 16), first = 0;
#if defined(__x86_64__)
		uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
		bool write_access = uc->uc_mcontext.gregs[REG_ERR] & 2;
		while (first < n && (uintptr_t)raw[first] != ip)
			first++;
		if (first == n) { /* unwinder lost the signal frame: at least the faulting IP */
			raw[0] = (void *)ip;
			first = 0;
			n = 1;
		}
		const char *access = write_access ? "write" : "read";
#else
		const char *access = "unknown";
		first = n > 2 ? 2 : 0;
#endif
		struct out o = { .fd = open_out("report") };
		if (o.fd >= 0) {
			out_str(&o, "kind ");
			out_str(&o, kind);
			out_str(&o, "\n");
			out_kv(&o, "pid", getpid());
			out_kv(&o, "tid", gettid());
			out_str(&o, "access ");
			out_str(&o, access);
			out_str(&o, "\naddr ");
			out_hex(&o, addr);
			out_str(&o, "\n");
			out_stack(&o, "fault_stack", raw + first,
				  n - first > GUARD_STACK_MAX ? GUARD_STACK_MAX : n - first);
			if (m)
				out_block(&o, m, true);
			out_maps(&o);
			close(o.fd);
		}
	}
	(void)uc;
	/* Not ours, or reported: the previous action handles the repeated fault. */
	sigaction(sig, &old_segv, NULL);
}

void guard_install_handler(void)
{
	const char *dir = getenv("MEMMON_GUARD_DIR");
	if (dir && strlen(dir) < sizeof(report_dir))
		strcpy(report_dir, dir);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
}

void guard_report_bad_free(long slot, uintptr_t ptr, void *const *stack, int depth)
{
	struct out o = { .fd = open_out("report") };
	if (o.fd >= 0) {
		const struct slot_meta *m = slot >= 0 ? &guard_pool.meta[slot] : NULL;
		bool dbl = m && m->state == SLOT_FREED && m->ptr == ptr;
		out_str(&o, dbl ? "kind double-free\n" : "kind invalid-free\n");
		out_kv(&o, "pid", getpid());
		out_kv(&o, "tid", gettid());
		out_str(&o, "addr ");
		out_hex(&o, ptr);
		out_str(&o, "\n");
		out_stack(&o, "fault_stack", stack, depth);
		if (m && m->state != SLOT_EMPTY)
			out_block(&o, m, true);
		out_maps(&o);
		close(o.fd);
	}
	signal(SIGABRT, SIG_DFL);
	abort();
}

void guard_write_stats(unsigned long guarded, unsigned long pool_full)
{
	struct out o = { .fd = open_out("stats") };
	if (o.fd < 0)
		return;
	out_kv(&o, "guarded", (long)guarded);
	out_kv(&o, "pool_full", (long)pool_full);
	out_flush(&o);
	close(o.fd);
}
