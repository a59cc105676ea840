#include "proc/proc_file.h"
#include "snapshot/sys_read.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sys_read_zones(struct buddy_zone *zones, int max)
{
	struct text_buf buf = { 0 };
	int r = proc_read_file("/proc/buddyinfo", &buf);
	int n = r ? r : buddyinfo_parse(buf.data, buf.len, zones, max);
	text_buf_free(&buf);
	return n;
}

int sys_screen_init(struct sys_screen *s, long max_slabs, uint64_t page_size)
{
	memset(s, 0, sizeof(*s));
	s->max_slabs = max_slabs;
	s->page_size = page_size;
	if (max_slabs > 0 && !(s->slabs = calloc((size_t)max_slabs, sizeof(*s->slabs))))
		return -ENOMEM;
	return 0;
}

/* Keeps the max largest caches, largest first (insertion into a short sorted list). */
static void keep_largest(const struct slab_cache *c, void *ctx)
{
	struct sys_screen *s = ctx;
	uint64_t kb = slab_cache_kb(c, s->page_size);
	if (s->nslabs == s->max_slabs && kb <= slab_cache_kb(&s->slabs[s->nslabs - 1], s->page_size))
		return;
	long i = s->nslabs < s->max_slabs ? s->nslabs++ : s->max_slabs - 1;
	while (i > 0 && slab_cache_kb(&s->slabs[i - 1], s->page_size) < kb) {
		s->slabs[i] = s->slabs[i - 1];
		i--;
	}
	s->slabs[i] = *c;
}

static int read_slabs(struct sys_screen *s)
{
	struct text_buf buf = { 0 };
	s->nslabs = 0;
	int r = proc_read_file("/proc/slabinfo", &buf);
	if (!r)
		r = slabinfo_parse(buf.data, buf.len, keep_largest, s);
	text_buf_free(&buf);
	return r < 0 ? r : 0;
}

void sys_read_zones_and_slabs(struct sys_screen *s)
{
	s->nzones = sys_read_zones(s->zones, BUDDY_MAX_ZONES);
	s->slabs_err = s->max_slabs > 0 ? read_slabs(s) : 0;
	sys_knobs_read(&s->knobs);
	sys_ksm_read(&s->ksm);
	sys_zram_read(&s->zram);
}

void sys_screen_free(struct sys_screen *s)
{
	free(s->slabs);
	s->slabs = NULL;
	sys_ksm_free(&s->ksm);
}
