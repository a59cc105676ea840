/* The kernel-side user stack unwinder: walks a user stack by call frame information
 * compiled into tables (symbols/unwind_event.h, loaded by symbols/unwind_tables.c), so
 * stacks are right through code built without frame pointers (-O2 distributions). Frame
 * pointers are used where the code has them: CFI then says CFA = rbp + 16.
 *
 * Per frame: the mapping of the address (a per-CPU cache of the process's code mappings,
 * checked against mm_lock_seq; bpf_find_vma on a miss), the file's page of rows, a binary
 * search among them, the rule, one or two reads of the user stack. A walk never invents a
 * frame: where it cannot go on it stops and says why (enum unwind_end). bpf_loop keeps
 * the verifier's work at one step however deep the walk.
 *
 * symbols/stack_store.bpf.h includes it when STACK_STORE_USER is defined (the frames go
 * into its scratch) and gives stack_store_get_user(). */
#ifndef MEMMON_UNWIND_BPF_H
#define MEMMON_UNWIND_BPF_H
#include "kernel/mm_seq.bpf.h"
#include "symbols/unwind_event.h"

#ifndef UNWIND_ROWS
#define UNWIND_ROWS (2u << 20) /* 8 MiB: user space may resize before load */
#endif
#ifndef UNWIND_PAGES
#define UNWIND_PAGES 65536 /* 4 GiB of code in 64 KiB pages */
#endif
#ifndef UNWIND_FILES
#define UNWIND_FILES 8192
#endif
#define UNWIND_CACHE 16        /* code mappings stacks run through, cached per CPU */
#define UNWIND_SEARCH_STEPS 17 /* log2 of the most rows a 64 KiB page can have, + 1 */
#define UNWIND_VM_EXEC 0x00000004UL

/* Rows, two to an element: an array's elements are 8 bytes apart, so in user space's mmap
 * the rows are one contiguous __u32 array (row i in element i / 2, half i % 2). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, UNWIND_ROWS / 2);
	__type(key, __u32);
	__type(value, __u64);
} unwind_rows SEC(".maps");

static __always_inline bool unwind_row(__u32 i, __u32 *row)
{
	__u32 k = i >> 1;
	__u64 *pair = bpf_map_lookup_elem(&unwind_rows, &k);
	if (!pair)
		return false;
	*row = i & 1 ? (__u32)(*pair >> 32) : (__u32)*pair;
	return true;
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, UNWIND_PAGES);
	__type(key, __u32);
	__type(value, struct unwind_page);
} unwind_pages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, UNWIND_MAX_RULES);
	__type(key, __u32);
	__type(value, struct unwind_rule);
} unwind_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, UNWIND_FILES);
	__type(key, struct unwind_file_key);
	__type(value, struct unwind_file);
} unwind_files SEC(".maps");

/* Files met without a table, for user space to build (it deletes what it handled). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct unwind_file_key);
	__type(value, struct unwind_missing);
} unwind_missing SEC(".maps");

/* Bumped by user space with each file it gives a table: cached lookups that found none
 * are then out of date. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unwind_generation SEC(".maps");

/* Walks ended, by enum unwind_end (user space prints them). */
__u64 unwind_ends[UWE_COUNT] = {};
_Static_assert(UWE_COUNT <= 16, "unwind_ends is indexed by e & 15");
__u64 unwind_frames = 0;
/* Frames whose mapping came from a stale cache entry: the lookup could not take the mm
 * lock (another thread was changing the mappings). */
__u64 unwind_stale_lookups = 0;

/* Behind each CPU's cache, one for all CPUs (a process moved to another CPU finds its
 * mappings there), by process and 64 KiB block of addresses: the mapping last found in
 * the block. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64); /* tgid << 32 | block */
	__type(value, struct unwind_mapping);
} unwind_vmas SEC(".maps");

struct unwind_scratch {
	/* the walk */
	__u64 pc, sp, bp;
	__u32 n, skip, max;
	__u32 end;        /* enum unwind_end once the walk is over */
	__u32 exact_pc;   /* pc is not a return address: frame 0, or the frame a signal interrupted */
	__u32 stale_slot; /* unwind_mapping_of's: kept in memory, see there */
	/* the cache, of every process this CPU walked lately (so processes taking turns do
	 * not empty it): an entry is fresh while its process's mappings have not changed
	 * since it was looked up (seq), else stale (see unwind_mapping_of) */
	__u64 mm, birth, generation; /* of the walk */
	__u32 tgid;
	__u32 parent_tgid; /* a forked child that has not exec'd: its parent's */
	__u32 seq, next;
	__u32 seq_known; /* the kernel has mm_lock_seq and no writer holds it now */
	__u32 seq_exists; /* the kernel has mm_lock_seq (6.4+) */
	struct unwind_mapping cache[UNWIND_CACHE];
	struct unwind_mapping note; /* unwind_note_mapping's, off the BPF stack */
	__u64 note_key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct unwind_scratch);
} unwind_scratch SEC(".maps");

static long unwind_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct unwind_mapping *m = data;
	m->start = BPF_CORE_READ(vma, vm_start);
	m->end = BPF_CORE_READ(vma, vm_end);
	if (!(BPF_CORE_READ(vma, vm_flags) & UNWIND_VM_EXEC)) {
		m->kind = UWE_NO_MAPPING; /* a return address is in code */
		return 0;
	}
	struct file *f = BPF_CORE_READ(vma, vm_file);
	if (!f) {
		m->kind = UWE_ANON;
		return 0;
	}
	struct unwind_file_key k = { .dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev),
				     .ino = BPF_CORE_READ(f, f_inode, i_ino) };
	struct unwind_file *uf = bpf_map_lookup_elem(&unwind_files, &k);
	if (!uf) {
		m->kind = UWE_NO_TABLE;
		struct unwind_missing miss = { .tgid = BPF_CORE_READ(task, tgid), .start = m->start,
					       .end = m->end };
		bpf_map_update_elem(&unwind_missing, &k, &miss, BPF_NOEXIST);
		return 0;
	}
	__u64 pgoff = BPF_CORE_READ(vma, vm_pgoff);
	m->bias = (__s64)(pgoff << 12) - (__s64)m->start + uf->vaddr_adjust;
	m->page_base = uf->page_base;
	m->first_page = uf->first_page;
	m->npages = uf->npages;
	m->kind = 0;
	return 0;
}

/* The mapping of addr in the current process, into *out: a fresh cache entry, else
 * bpf_find_vma (which refreshes the cache), else, when that cannot take the mm lock
 * because another thread is changing the mappings, a stale entry. A stale entry is
 * trusted there because the addresses looked up are the pc and return addresses of live
 * frames, found by call frame information: code the thread is running or will return
 * into, which is still mapped where it was, so the mapping that covered it still does
 * (short of a library unloaded and another loaded at the same address in between). False
 * when nothing is known.
 *
 * Kernels without mm_lock_seq (before 6.4) can never call an entry fresh, and a program
 * run with interrupts off gets one bpf_find_vma: the next fails with -EBUSY while the
 * first's mmap unlock work is pending (and a fault probe spends that one on the faulting
 * address). There a stale entry, or one user space announced, is trusted without looking
 * (for the reason above), so the lookup is kept for a mapping nothing knows; when that
 * lookup is busy too, the process is put in unwind_missing (key dev 0, ino tgid) and user
 * space announces all its code mappings at its next poll. */
static __always_inline bool unwind_fresh(const struct unwind_scratch *u, const struct unwind_mapping *m)
{
	return u->seq_known && m->seq == u->seq && m->generation == (__u32)u->generation;
}

/* Before 6.4, an entry good enough without a lookup: a file with a table (tables are
 * never taken back), or anything else found since the last table was added. */
static __always_inline bool unwind_trusted_unchecked(const struct unwind_scratch *u,
						     const struct unwind_mapping *m)
{
	return !u->seq_exists && (m->kind == 0 || m->generation == (__u32)u->generation);
}

static __always_inline bool unwind_mapping_of(struct unwind_scratch *u, __u64 addr,
					      struct unwind_mapping *out)
{
	/* The stale entry's slot goes through memory: a register holding it would be a
	 * different constant on each of the loop's 17 exits, and the verifier would check
	 * the rest of the lookup (bpf_find_vma's callback included) once for each. */
	u->stale_slot = UNWIND_CACHE;
	for (int i = 0; i < UNWIND_CACHE; i++) {
		struct unwind_mapping *m = &u->cache[i];
		if (m->start <= addr && addr < m->end && m->mm == u->mm && m->birth == u->birth) {
			if (unwind_fresh(u, m) || unwind_trusted_unchecked(u, m)) {
				*out = *m;
				return true;
			}
			u->stale_slot = i;
			break;
		}
	}
	__u64 key = (__u64)u->tgid << 32 | (__u32)(addr >> UNWIND_BLOCK_SHIFT);
	struct unwind_mapping *g = bpf_map_lookup_elem(&unwind_vmas, &key);
	if (g && !(g->start <= addr && addr < g->end &&
		   ((g->mm == u->mm && g->birth == u->birth) || g->generation == UNWIND_GENERATION_USER)))
		g = NULL;
	/* A child forked with a copy of its parent's mappings, which has not exec'd since:
	 * the parent's entries are as good as stale ones of its own. */
	if (!g && u->parent_tgid) {
		__u64 pkey = (__u64)u->parent_tgid << 32 | (__u32)(addr >> UNWIND_BLOCK_SHIFT);
		g = bpf_map_lookup_elem(&unwind_vmas, &pkey);
		if (g && !(g->start <= addr && addr < g->end))
			g = NULL;
	}
	__u32 stale = *(volatile __u32 *)&u->stale_slot;
	__u32 slot = stale < UNWIND_CACHE ? stale : u->next++;
	if (g && ((g->mm == u->mm && g->birth == u->birth && unwind_fresh(u, g)) ||
		  unwind_trusted_unchecked(u, g))) {
		*out = *g;
		u->cache[slot & (UNWIND_CACHE - 1)] = *out;
		return true;
	}
	__builtin_memset(out, 0, sizeof(*out));
	struct task_struct *task = bpf_get_current_task_btf();
	long err = bpf_find_vma(task, addr, unwind_vma_cb, out, 0);
	if (err || !out->end) {
		if (stale < UNWIND_CACHE)
			*out = u->cache[stale & (UNWIND_CACHE - 1)];
		else if (g)
			*out = *g;
		else {
			if (err && err != -2 /* -ENOENT: no mapping there */) {
				struct unwind_file_key k = { .dev = 0, .ino = u->tgid };
				struct unwind_missing miss = { .tgid = u->tgid };
				bpf_map_update_elem(&unwind_missing, &k, &miss, BPF_NOEXIST);
			}
			return false;
		}
		__sync_fetch_and_add(&unwind_stale_lookups, 1);
		return true;
	}
	out->seq = u->seq;
	out->generation = (__u32)u->generation;
	out->mm = u->mm;
	out->birth = u->birth;
	u->cache[slot & (UNWIND_CACHE - 1)] = *out;
	bpf_map_update_elem(&unwind_vmas, &key, out, BPF_ANY);
	return true;
}

/* Starts a walk: new tables empty the cache; the mappings' sequence number says which of
 * the process's entries are fresh. */
static __always_inline void unwind_begin(struct unwind_scratch *u)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u64 birth = task->group_leader->start_time;
	__u32 seq = 0;
	__u32 zero = 0;
	__u64 *gen = bpf_map_lookup_elem(&unwind_generation, &zero);
	__u64 generation = gen ? *gen : 0;
	u->seq_known = mm && mm_mappings_seq(mm, &seq);
	u->seq_exists = mm_has_mappings_seq();
	if (u->generation != generation) {
		__builtin_memset(u->cache, 0, sizeof(u->cache));
		u->generation = generation;
	}
	u->mm = (__u64)mm;
	u->birth = birth;
	u->tgid = task->tgid;
	struct task_struct *leader = task->group_leader;
	u->parent_tgid = leader->self_exec_id == leader->parent_exec_id ? leader->real_parent->tgid : 0;
	u->seq = seq;
}

static long unwind_note_block(__u32 i, void *ctx)
{
	__u32 zero = 0;
	struct unwind_scratch *u = bpf_map_lookup_elem(&unwind_scratch, &zero);
	if (!u)
		return 1;
	__u64 key = u->note_key + i;
	bpf_map_update_elem(&unwind_vmas, &key, &u->note, BPF_ANY);
	return 0;
}

/* A code mapping of the current process that the probe looked up itself (a fault in
 * executable file memory, by bpf_find_vma): given to the walker, which before 6.4 cannot
 * make that lookup again in the same program run, nor check a cached one (see
 * unwind_mapping_of). Into this CPU's cache and every 64 KiB block of the mapping in
 * unwind_vmas, for walks on other CPUs. pgoff in bytes, dev as the kernel's s_dev. Kernels
 * with mm_lock_seq look mappings up themselves: nothing to do there. */
static __always_inline void unwind_note_mapping(__u64 start, __u64 end, __u64 pgoff, __u64 dev,
						__u64 ino)
{
	if (mm_has_mappings_seq() || end <= start)
		return;
	__u32 zero = 0;
	struct unwind_scratch *u = bpf_map_lookup_elem(&unwind_scratch, &zero);
	if (!u)
		return;
	struct unwind_file_key k = { .dev = dev, .ino = ino };
	struct unwind_file *uf = bpf_map_lookup_elem(&unwind_files, &k);
	if (!uf)
		return; /* no table yet: the walk's lookup says so and asks for one */
	unwind_begin(u);
	struct unwind_mapping *m = &u->note;
	m->mm = u->mm;
	m->birth = u->birth;
	m->start = start;
	m->end = end;
	m->bias = (__s64)pgoff - (__s64)start + uf->vaddr_adjust;
	m->page_base = uf->page_base;
	m->first_page = uf->first_page;
	m->npages = uf->npages;
	m->kind = 0;
	m->seq = u->seq;
	m->generation = (__u32)u->generation;
	u->cache[u->next++ & (UNWIND_CACHE - 1)] = *m;
	__u64 first = start >> UNWIND_BLOCK_SHIFT, last = (end - 1) >> UNWIND_BLOCK_SHIFT;
	u->note_key = (__u64)u->tgid << 32 | (__u32)first;
	bpf_loop(last - first < 1024 ? (__u32)(last - first + 1) : 1024, unwind_note_block, NULL, 0);
}

/* The row of a page's rows [first, first + count) that covers the address whose low 16
 * bits are low (the last row starting at or below it); -1 when a row cannot be read. A
 * global function, so the verifier checks it once on its own: inlined, its 17 halvings
 * multiplied the states of every path of the walk that reaches it (past the verifier's
 * million instructions on 6.18.44). */
__attribute__((noinline)) long unwind_search_rows(__u32 first, __u32 count, __u32 low)
{
	__u32 lo = first, hi = first + count;
	for (int k = 0; k < UNWIND_SEARCH_STEPS; k++) {
		if (hi - lo <= 1)
			break;
		__u32 mid = lo + (hi - lo) / 2, row;
		if (!unwind_row(mid, &row))
			return -1;
		if (UNWIND_ROW_LOW(row) <= low)
			lo = mid;
		else
			hi = mid;
	}
	__u32 row;
	if (!unwind_row(lo, &row))
		return -1;
	return row;
}

/* The rule at vaddr in a mapping with a table; NULL where there is none. */
static __always_inline struct unwind_rule *unwind_rule_at(const struct unwind_mapping *m, __u64 vaddr)
{
	__u64 page = vaddr >> UNWIND_PAGE_SHIFT;
	if (page < m->first_page || page - m->first_page >= m->npages)
		return NULL;
	__u32 pi = m->page_base + (__u32)(page - m->first_page);
	struct unwind_page *p = bpf_map_lookup_elem(&unwind_pages, &pi);
	if (!p || !p->count)
		return NULL;
	long row = unwind_search_rows(p->first, p->count, vaddr & (UNWIND_PAGE_SIZE - 1));
	if (row < 0)
		return NULL;
	__u32 ri = UNWIND_ROW_RULE((__u32)row);
	return bpf_map_lookup_elem(&unwind_rules, &ri);
}

static __always_inline bool unwind_read(__u64 *out, __u64 addr)
{
	return bpf_probe_read_user(out, sizeof(*out), (const void *)addr) == 0;
}

/* One frame: record pc, then find the caller's pc, sp and bp. 1 ends the walk. The frames
 * go into the stack store's scratch (symbols/stack_store.bpf.h), held by the caller. */
static long unwind_step(__u32 i, void *ctx)
{
	__u32 zero = 0;
	struct unwind_scratch *u = bpf_map_lookup_elem(&unwind_scratch, &zero);
	struct stack_scratch *s = bpf_map_lookup_elem(&stack_scratch, &zero);
	if (!u || !s)
		return 1;
	__u32 n = u->n;
	if (u->skip) {
		u->skip--;
	} else {
		if (n >= u->max || n >= STACK_STORE_DEPTH) {
			u->end = UWE_DEPTH;
			return 1;
		}
		s->f.ips[n] = u->pc;
		u->n = n + 1;
	}
	/* A return address is the instruction after a call: its rule is the call's. */
	__u64 lookup = u->exact_pc ? u->pc : u->pc - 1;
	struct unwind_mapping mapping, *m = &mapping;
	if (!unwind_mapping_of(u, lookup, m)) {
		u->end = UWE_LOOKUP_BUSY;
		return 1;
	}
	if (m->kind) {
		u->end = m->kind;
		return 1;
	}
	struct unwind_rule *r = unwind_rule_at(m, lookup + m->bias);
	if (!r || r->cfa == UW_NONE) {
		u->end = UWE_NO_CFI;
		return 1;
	}
	__u64 cfa, ra;
	u->exact_pc = 0;
	switch (r->cfa) {
	case UW_END:
		u->end = UWE_COMPLETE;
		return 1;
	case UW_CFA_RSP:
		cfa = u->sp + r->cfa_off;
		break;
	case UW_CFA_RBP:
		cfa = u->bp + r->cfa_off;
		break;
	case UW_CFA_RBP_DEREF:
		if (!unwind_read(&cfa, u->bp + r->cfa_off)) {
			u->end = UWE_READ_FAULT;
			return 1;
		}
		break;
	case UW_PLT:
		cfa = u->sp + ((u->pc & 15) >= 11 ? 16 : 8);
		break;
	case UW_SIGNAL: {
		/* The interrupted context: its pc is exact, not a return address. */
		__u64 sp, bp;
		if (!unwind_read(&sp, u->sp + r->cfa_off) || !unwind_read(&ra, u->sp + r->cfa_off + 8) ||
		    !unwind_read(&bp, u->sp + r->rbp_off)) {
			u->end = UWE_READ_FAULT;
			return 1;
		}
		u->sp = sp;
		u->bp = bp;
		u->pc = ra;
		u->exact_pc = 1;
		return 0;
	}
	default:
		u->end = UWE_UNSUPPORTED;
		return 1;
	}
	if (r->rbp_off && !unwind_read(&u->bp, cfa + r->rbp_off)) {
		u->end = UWE_READ_FAULT;
		return 1;
	}
	if (!unwind_read(&ra, cfa - 8)) {
		u->end = UWE_READ_FAULT;
		return 1;
	}
	if (!ra) { /* some outermost frames end the chain with a zero return address */
		u->end = UWE_COMPLETE;
		return 1;
	}
	if (cfa <= u->sp && r->cfa != UW_CFA_RBP_DEREF) {
		/* the stack grows down: a caller's frame is above; anything else is not a frame */
		u->end = UWE_UNSUPPORTED;
		return 1;
	}
	u->sp = cfa;
	u->pc = ra;
	return 0;
}

/* Walks the current task's user stack from (ip, sp, bp) into the stack store's scratch
 * frames (innermost first, the first skip frames left out, at most max). Returns the frame
 * count; *end says why it ended. */
static __always_inline __u32 unwind_user_walk(__u32 max, __u64 ip, __u64 sp, __u64 bp, __u32 skip,
					      __u32 *end)
{
	__u32 zero = 0;
	struct unwind_scratch *u = bpf_map_lookup_elem(&unwind_scratch, &zero);
	if (!u) {
		*end = UWE_LOOKUP_BUSY;
		return 0;
	}
	unwind_begin(u);
	u->pc = ip;
	u->sp = sp;
	u->bp = bp;
	u->n = 0;
	u->skip = skip;
	u->max = max;
	u->end = 0;
	u->exact_pc = 1;
	bpf_loop(STACK_STORE_DEPTH + skip + 1, unwind_step, NULL, 0);
	if (!u->end)
		u->end = UWE_DEPTH;
	__u32 e = u->end;
	if (e < UWE_COUNT) {
		/* 6.1's verifier loses e's bound when clang spills it across the check (a 32-bit
		 * spill it does not track): bound it again in the register that indexes */
		__u32 i = e;
		barrier_var(i);
		__sync_fetch_and_add(&unwind_ends[i & 15], 1);
	}
	__sync_fetch_and_add(&unwind_frames, u->n);
	*end = e;
	return u->n;
}

/* The current task's user registers: a probe's own when it stopped user code (uprobes,
 * a fault taken in user mode), else those saved at its entry into the kernel. */
static __always_inline struct pt_regs *unwind_task_user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

#endif
