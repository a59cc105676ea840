#include "proc/proc_numbers.h"
#include "snapshot/sys_knobs.h"
#include <stdio.h>

static void knob(const char *name, struct sys_knob *k)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	k->err = number_read(path, &k->value);
}

void sys_knobs_read(struct sys_knobs *k)
{
	knob("overcommit_memory", &k->overcommit_memory);
	knob("overcommit_ratio", &k->overcommit_ratio);
	knob("overcommit_kbytes", &k->overcommit_kbytes);
	knob("swappiness", &k->swappiness);
	knob("watermark_scale_factor", &k->watermark_scale_factor);
	knob("min_free_kbytes", &k->min_free_kbytes);
	k->nswaps = swaps_read(k->swaps, SWAPS_MAX);
}
