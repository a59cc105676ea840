/* The stack store every probe set shares. A STACK_TRACE map picks a bucket by a 32-bit
 * hash and loses a stack whose bucket another stack holds (-EEXIST), and preallocates
 * every bucket; here each distinct stack is kept once in a hash map keyed by a 63-bit
 * hash of its frames (two of 65536 stacks share one with probability ~1e-10), allocated as
 * stacks appear. A known stack costs the walk, the hash and (unless this CPU saw it
 * lately) one lookup.
 *
 * Define STACK_STORE_DEPTH (frames kept) and STACK_STORE_ENTRIES (distinct stacks at most)
 * before including. The map is `stacks`; user space reads it with stack_store_read(). */
#ifndef MEMMON_STACK_STORE_BPF_H
#define MEMMON_STACK_STORE_BPF_H
#include "symbols/stack_event.h"

#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EBUSY
#define EBUSY 16
#endif
#ifndef EEXIST
#define EEXIST 17
#endif

_Static_assert(STACK_STORE_DEPTH <= STACK_STORE_MAX_DEPTH, "the reader's buffer is smaller");
_Static_assert(STACK_STORE_DEPTH % 2 == 0, "stack_hash reads frames in pairs");

/* struct stack_store_value with this object's depth. */
struct stack_frames {
	__u32 nr;
	__u32 end; /* user stacks: why the walk ended (enum unwind_end); 0 for kernel stacks */
	__u64 ips[STACK_STORE_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* memory for the stacks seen, not the cap */
	__uint(max_entries, STACK_STORE_ENTRIES);
	__type(key, __s64);
	__type(value, struct stack_frames);
} stacks SEC(".maps");

/* The walk lands here, not on the 512-byte BPF stack. busy guards against a program
 * preempted mid-capture (uprobe programs are preemptible) and another on the same CPU
 * overwriting its frames. recent: ids + 1 this CPU found or stored lately, by low bits;
 * stacks are never removed, so a hit needs no map lookup (hot stacks repeat). */
#define STACK_RECENT 16
struct stack_scratch {
	struct stack_frames f;
	__u64 busy;
	__s64 recent[STACK_RECENT];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_scratch);
} stack_scratch SEC(".maps");

/* Two frames per step, each through its own multiply (the two run in parallel), then an
 * xorshift: half the steps of a frame-at-a-time hash. Frames past nr are zero, so an odd
 * count reads a defined zero. murmur3's finaliser at the end. */
static __always_inline __u64 stack_hash(const struct stack_frames *f, __u32 nr, __u64 seed)
{
	__u64 h = seed;
	for (int i = 0; i < STACK_STORE_DEPTH; i += 2) {
		if (i >= nr)
			break;
		h = ((h ^ f->ips[i]) * 0x9E3779B97F4A7C15ULL) ^ (f->ips[i + 1] * 0xC2B2AE3D27D4EB4FULL);
		h ^= h >> 29;
	}
	h ^= nr;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ULL;
	h ^= h >> 33;
	return h;
}

/* Stores the nr frames in s (the scratch, held) if new; returns their id or why not.
 * end: why a user walk ended (enum unwind_end), 0 for kernel stacks; kept with the stack. */
static __always_inline __s64 stack_store_commit(struct stack_scratch *s, __u32 nr, __u64 seed,
						__u32 end)
{
	__s64 id = stack_hash(&s->f, nr, seed) >> 1;
	__s64 *recent = &s->recent[id & (STACK_RECENT - 1)];
	if (*recent == id + 1)
		return id;
	struct stack_frames *known = bpf_map_lookup_elem(&stacks, &id);
	if (known) {
		/* Comparing the frames would double the cost; the length is free. */
		if (known->nr != nr)
			return -EEXIST;
		*recent = id + 1;
		return id;
	}
	s->f.nr = nr;
	s->f.end = end;
	/* Another CPU may store it first: fine. */
	long err = bpf_map_update_elem(&stacks, &id, &s->f, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return err;
	*recent = id + 1;
	return id;
}

#define STACK_SEED_USER 0x75736572ULL   /* user and kernel stacks in one store never share an id */
#define STACK_SEED_KERNEL 0x6b65726eULL

/* The id of the current stack (flags as for bpf_get_stack: BPF_F_USER_STACK, frames to
 * skip), storing it if new. Negative when not captured: -EFAULT for no frames (as
 * bpf_get_stackid), -E2BIG when the store is full, -EBUSY when this CPU's scratch is in
 * use, -EEXIST for a detected hash collision (a stored stack of another length). */
static __always_inline __s64 stack_store_get(void *ctx, __u64 flags)
{
	__u32 zero = 0;
	struct stack_scratch *s = bpf_map_lookup_elem(&stack_scratch, &zero);
	if (!s)
		return -ENOMEM;
	if (__sync_lock_test_and_set(&s->busy, 1))
		return -EBUSY;
	__s64 id;
	long len = bpf_get_stack(ctx, s->f.ips, sizeof(s->f.ips), flags);
	if (len <= 0)
		id = len ? len : -EFAULT;
	else
		id = stack_store_commit(s, len / sizeof(__u64),
					flags & BPF_F_USER_STACK ? STACK_SEED_USER : STACK_SEED_KERNEL, 0);
	s->busy = 0;
	return id;
}

#ifdef STACK_STORE_USER
#include "symbols/unwind.bpf.h"

/* The id of the current task's user stack, walked by call frame information from the
 * registers ip, sp, bp (symbols/unwind.bpf.h), the first skip frames left out. Errors as
 * stack_store_get, but never -EFAULT: why the walk ended is stored with the stack, which
 * may then have no frame. */
static __always_inline __s64 stack_store_get_user(__u64 ip, __u64 sp, __u64 bp, __u32 skip)
{
	__u32 zero = 0;
	struct stack_scratch *s = bpf_map_lookup_elem(&stack_scratch, &zero);
	if (!s)
		return -ENOMEM;
	if (__sync_lock_test_and_set(&s->busy, 1))
		return -EBUSY;
	__u32 end = 0;
	__u32 nr = unwind_user_walk(STACK_STORE_DEPTH, ip, sp, bp, skip, &end);
	/* The walk wrote frames 0..nr-1; the hash reads frames in pairs, so an odd count
	 * reads one more: make it zero. (Frames past nr are never read.) A walk that ended
	 * within the skipped frames is stored too, empty: why it ended is worth keeping. */
	if (nr < STACK_STORE_DEPTH)
		s->f.ips[nr] = 0;
	__s64 id = stack_store_commit(s, nr, STACK_SEED_USER, end);
	s->busy = 0;
	return id;
}

/* The same from a pt_regs of user code (a uprobe's context, bpf_task_pt_regs). */
static __always_inline __s64 stack_store_get_user_regs(struct pt_regs *regs, __u32 skip)
{
	return stack_store_get_user(PT_REGS_IP(regs), PT_REGS_SP(regs), PT_REGS_FP(regs), skip);
}

/* Set before load (--stack-walk fp): walk user stacks by frame pointers instead, as
 * bpf_get_stack does (for comparison; the stacks then carry no end reason). */
const volatile bool stack_walk_fp = false;

/* The user stack of the program's ctx, whose user registers are regs. */
static __always_inline __s64 stack_store_get_user_ctx(void *ctx, struct pt_regs *regs, __u32 skip)
{
	if (stack_walk_fp)
		return stack_store_get(ctx, BPF_F_USER_STACK | (skip & BPF_F_SKIP_FIELD_MASK));
	return stack_store_get_user_regs(regs, skip);
}
#endif

#endif
