#include "proc/proc_file.h"
#include "proc/proc_keyval.h"
#include "proc/proc_ksm.h"
#include "proc/proc_numbers.h"
#include <errno.h>
#include <stdio.h>

static int64_t sys_value(const char *name)
{
	char path[96];
	int64_t v;
	snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", name);
	return number_read(path, &v) ? KSM_NONE : v;
}

int ksm_read_system(struct ksm_system *out)
{
	int64_t run;
	int r = number_read("/sys/kernel/mm/ksm/run", &run);
	if (r)
		return r;
	out->run = run;
	out->pages_shared = sys_value("pages_shared");
	out->pages_sharing = sys_value("pages_sharing");
	out->pages_unshared = sys_value("pages_unshared");
	out->pages_volatile = sys_value("pages_volatile");
	out->full_scans = sys_value("full_scans");
	out->ksm_zero_pages = sys_value("ksm_zero_pages");
	out->general_profit = sys_value("general_profit");
	return 0;
}

static int64_t key(const struct text_buf *b, const char *k)
{
	int64_t v;
	return keyval_find(b->data, b->len, k, &v) ? KSM_NONE : v;
}

int ksm_read_process(pid_t pid, struct ksm_process *out)
{
	char path[64];
	struct text_buf buf = { 0 };
	snprintf(path, sizeof(path), "/proc/%d/ksm_stat", pid);
	int r = proc_read_file(path, &buf);
	if (!r) {
		out->merging_pages = key(&buf, "ksm_merging_pages");
		out->rmap_items = key(&buf, "ksm_rmap_items");
		out->zero_pages = key(&buf, "ksm_zero_pages");
		out->profit = key(&buf, "ksm_process_profit");
		text_buf_free(&buf);
		return out->merging_pages == KSM_NONE ? -EINVAL : 0;
	}
	text_buf_free(&buf);
	int64_t v;
	snprintf(path, sizeof(path), "/proc/%d/ksm_merging_pages", pid);
	if ((r = number_read(path, &v)))
		return r;
	*out = (struct ksm_process){ v, KSM_NONE, KSM_NONE, KSM_NONE };
	return 0;
}
