#include "heap/heap_account.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The block table's memory: zeroed pages from mmap, huge pages where the kernel gives
 * them (transparent huge pages in madvise mode too): every lookup lands on a random slot
 * of a table of tens of megabytes, and with 4 KiB pages each would also miss the TLB. */
#define HUGE_PAGE (2u << 20)
static size_t block_array_bytes(uint64_t cap)
{
	return ((size_t)cap * sizeof(struct heap_block) + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}

static struct heap_block *block_array_alloc(uint64_t cap)
{
	size_t bytes = block_array_bytes(cap);
	char *m = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	/* aligned to a huge page; the rest given back */
	size_t lead = (HUGE_PAGE - ((uintptr_t)m & (HUGE_PAGE - 1))) & (HUGE_PAGE - 1);
	if (lead)
		munmap(m, lead);
	munmap(m + lead + bytes, HUGE_PAGE - lead);
	madvise(m + lead, bytes, MADV_HUGEPAGE);
	return (struct heap_block *)(m + lead);
}

static void block_array_free(struct heap_block *b, uint64_t cap)
{
	if (b)
		munmap(b, block_array_bytes(cap));
}

void heap_account_init(struct heap_account *a, uint64_t sample_bytes)
{
	memset(a, 0, sizeof(*a));
	a->sample_bytes = sample_bytes;
	KTABLE_INIT(&a->rows, struct heap_stack_row, key);
}

void heap_account_free(struct heap_account *a)
{
	ktable_free(&a->rows);
	free(a->procs);
	block_array_free(a->blocks, a->cap);
	memset(a, 0, sizeof(*a));
}

struct heap_proc_acct *heap_account_proc(struct heap_account *a, uint32_t slot)
{
	if (slot >= a->nprocs) {
		uint32_t n = slot + 8;
		struct heap_proc_acct *p = realloc(a->procs, n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + a->nprocs, 0, (n - a->nprocs) * sizeof(*p));
		for (uint32_t i = a->nprocs; i < n; i++)
			p[i].slot = i;
		a->procs = p;
		a->nprocs = n;
	}
	return &a->procs[slot];
}

/* Blocks: open addressing by process and address, linear probing, deletion by shifting
 * back (no tombstones, so a long run's table does not fill with them). */
#define block_key heap_block_key
#define slot_of heap_block_slot

static struct heap_block *block_find(struct heap_account *a, uint64_t key)
{
	if (!a->cap)
		return NULL;
	for (uint64_t i = slot_of(a, key);; i = (i + 1) & (a->cap - 1)) {
		if (a->blocks[i].key == key)
			return &a->blocks[i];
		if (!a->blocks[i].key)
			return NULL;
	}
}

static bool blocks_grow(struct heap_account *a)
{
	uint64_t old_cap = a->cap, cap = old_cap ? old_cap * 2 : 1u << 16;
	struct heap_block *old = a->blocks, *nb = block_array_alloc(cap);
	if (!nb)
		return false;
	a->blocks = nb;
	a->cap = cap;
	for (uint64_t i = 0; i < old_cap; i++) {
		if (!old[i].key)
			continue;
		uint64_t j = slot_of(a, old[i].key);
		while (nb[j].key)
			j = (j + 1) & (cap - 1);
		nb[j] = old[i];
	}
	block_array_free(old, old_cap);
	return true;
}

static void block_delete(struct heap_account *a, struct heap_block *b)
{
	uint64_t i = (uint64_t)(b - a->blocks), mask = a->cap - 1;
	for (uint64_t j = (i + 1) & mask; a->blocks[j].key; j = (j + 1) & mask) {
		uint64_t home = slot_of(a, a->blocks[j].key);
		/* j's entry may move to i if its home is not in (i, j] cyclically */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			a->blocks[i] = a->blocks[j];
			i = j;
		}
	}
	a->blocks[i].key = 0;
	a->nblocks--;
}

/* Before a row's live bytes change: keep what it held at the last peak. */
static void save_peak(struct heap_stack_row *r, const struct heap_proc_acct *p)
{
	if (r->peak_epoch != p->peak_epoch) {
		r->peak_saved = r->live_bytes;
		r->peak_epoch = p->peak_epoch;
	}
}

double heap_row_peak(const struct heap_account *a, const struct heap_stack_row *r)
{
	const struct heap_proc_acct *p = &a->procs[r->key.proc];
	return r->peak_epoch == p->peak_epoch ? r->peak_saved : r->live_bytes;
}

static void release(struct heap_account *a, struct heap_block *b, bool temporary)
{
	struct heap_stack_row *r = ktable_row(&a->rows, b->row);
	struct heap_proc_acct *p = &a->procs[r->key.proc];
	save_peak(r, p);
	r->live_bytes -= b->bytes;
	r->live_count -= b->count;
	p->live_bytes -= b->bytes;
	p->live_count -= b->count;
	if (temporary) {
		r->temporary += b->count;
		p->temporary += b->count;
	}
	block_delete(a, b);
}

static struct heap_stack_row *row_of(struct heap_account *a, uint32_t proc, uint32_t stack)
{
	uint64_t key = (uint64_t)proc << 32 | stack;
	size_t c = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 52);
	if (a->row_cache[c].key == key + 1)
		return ktable_row(&a->rows, a->row_cache[c].row);
	struct heap_stack_key k = { proc, stack };
	struct heap_stack_row *r = ktable_get(&a->rows, &k, NULL);
	if (r) {
		a->row_cache[c].key = key + 1;
		a->row_cache[c].row = (uint32_t)(((unsigned char *)r - a->rows.rows) / a->rows.row_size);
	}
	return r;
}

struct heap_last_alloc heap_account_alloc(struct heap_account *a, uint32_t proc, uint64_t ptr,
					  uint64_t size, uint32_t stack, uint64_t tsc)
{
	struct heap_last_alloc none = { 0, 0 };
	struct heap_proc_acct *p = heap_account_proc(a, proc);
	if (!p)
		return none;
	a->events++;
	uint64_t key = block_key(proc, ptr);
	struct heap_block *old = block_find(a, key);
	if (old) /* its free was not seen (freed by a path not wrapped): it is gone */
		release(a, old, false);
	if ((a->nblocks + 1) * 2 > a->cap && !blocks_grow(a))
		return none;
	double bytes = (double)size, count = 1;
	if (a->sample_bytes && size) {
		/* P(sampled) = 1 - exp(-size / rate): each sample stands for 1/P of itself */
		double prob = -expm1(-(double)size / (double)a->sample_bytes);
		bytes = (double)size / prob;
		count = 1 / prob;
	} else if (a->sample_bytes) {
		count = 0;
	}
	struct heap_stack_row *r = row_of(a, proc, stack);
	if (!r)
		return none;
	save_peak(r, p);
	r->allocations += count;
	r->allocated_bytes += bytes;
	r->live_bytes += bytes;
	r->live_count += count;
	p->allocations += count;
	p->allocated_bytes += bytes;
	p->live_bytes += bytes;
	p->live_count += count;
	if (p->live_bytes > p->peak_bytes) {
		p->peak_bytes = p->live_bytes;
		p->peak_tsc = tsc;
		p->peak_epoch++; /* every row's value now is its value at the peak */
	}
	uint64_t i = slot_of(a, key);
	while (a->blocks[i].key)
		i = (i + 1) & (a->cap - 1);
	uint32_t row = (uint32_t)(((unsigned char *)r - a->rows.rows) / a->rows.row_size);
	a->blocks[i] = (struct heap_block){ .key = key, .row = row, .bytes = bytes, .count = count };
	a->nblocks++;
	return (struct heap_last_alloc){ row + 1, bytes };
}

void heap_account_free_block(struct heap_account *a, uint32_t proc, uint64_t ptr,
			     const struct heap_last_alloc *after)
{
	struct heap_proc_acct *p = heap_account_proc(a, proc);
	if (!p)
		return;
	a->events++;
	struct heap_block *b = block_find(a, block_key(proc, ptr));
	if (!b) {
		p->unknown_frees++;
		return;
	}
	release(a, b, after && after->row == b->row + 1 && after->bytes == b->bytes);
}

void heap_account_forget_proc(struct heap_account *a, uint32_t proc)
{
	struct heap_proc_acct *p = heap_account_proc(a, proc);
	if (!p || p->replaced)
		return;
	p->replaced = true;
	for (uint64_t i = 0; i < a->cap;) {
		struct heap_block *b = &a->blocks[i];
		struct heap_stack_row *r = b->key ? ktable_row(&a->rows, b->row) : NULL;
		if (r && r->key.proc == proc)
			release(a, b, false); /* the slot now holds another entry: look again */
		else
			i++;
	}
}

double heap_account_live(const struct heap_account *a)
{
	double sum = 0;
	for (uint32_t i = 0; i < a->nprocs; i++)
		sum += a->procs[i].replaced ? 0 : a->procs[i].live_bytes;
	return sum;
}
