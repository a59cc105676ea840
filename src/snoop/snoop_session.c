#include "core/cli.h"
#include "kernel/bpf_util.h"
#include "kernel/kernel_paths.h"
#include "snoop/snoop_session.h"
#include "snoop/watch_pin.h"
#include "snoop/watch_list.h"
#include "symbols/ksyms.h"
#include "snoop/snoop.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* x86-64 with 4-level paging: the direct map starts at a fixed address unless KASLR
 * randomizes it, in which case the kernel variable page_offset_base holds it. */
static void setup_page_walk(struct snoop_bpf *skel)
{
#if defined(__x86_64__)
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool la57 = false;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5) && strstr(line, " la57")) {
			la57 = true;
			break;
		}
	if (f)
		fclose(f);
	if (la57) /* 5-level paging: not walked, faults fall back to the error code */
		return;
	skel->rodata->page_offset = 0xffff888000000000ULL;
	struct ksyms *k = ksyms_load("/proc/kallsyms");
	if (k) {
		skel->rodata->page_offset_base_addr = ksyms_addr(k, "page_offset_base");
		ksyms_free(k);
	}
#else
	(void)skel;
#endif
}

int snoop_session_open(struct snoop_session *s, const struct snoop_session_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->watch_fd = -1;
	s->pin.lock_fd = -1;
	int rc = bpf_preflight(o->cmd);
	if (!rc)
		rc = bpf_require_find_vma(o->cmd);
	if (rc)
		return rc;
	kernel_path_mapping_cache(o->cmd);
	s->skel = snoop_bpf__open();
	if (!s->skel)
		return bpf_fail(o->cmd, "opening the BPF object", errno);
	struct snoop_bpf *k = s->skel;
	struct task_filter_config *tf = &k->rodata->task_filter;
	trace_target_configure(o->target, tf);
	/* watch-pids fills the watch list of a watch started without pids; children join it
	 * only with --follow, a launched program's too */
	tf->by_pid |= o->watch_list;
	tf->follow_children = o->follow;
	k->rodata->sys_mask = o->sys_mask;
	k->rodata->want_brk_stack = o->brk_stack;
	k->rodata->lifecycle = o->lifecycle;
	k->rodata->want_code_maps = o->code_maps;
	if (o->faults)
		setup_page_walk(k);
	uint64_t size = o->buffer_size ? o->buffer_size : SNOOP_BUFFER_DEFAULT;
	bpf_map__set_max_entries(k->maps.events, size);
	k->rodata->wakeup_bytes = size / 4;
	bpf_program__set_autoload(k->progs.snoop_sys_enter, o->sys_mask != 0);
	bpf_program__set_autoload(k->progs.snoop_sys_exit, o->sys_mask != 0);
	bpf_program__set_autoload(k->progs.snoop_fault_user, o->faults);
	bpf_program__set_autoload(k->progs.snoop_fault_kernel, o->faults);
	bpf_program__set_autoload(k->progs.snoop_exec, true); /* also starts launched programs */
	bpf_program__set_autoload(k->progs.snoop_fork, o->lifecycle || o->follow);
	bpf_program__set_autoload(k->progs.snoop_exit, o->lifecycle);
	if (!o->brk_stack)
		unwind_tables_unused(k->obj);
	if (o->pin_path) {
		if (bpf_ensure_bpffs(o->cmd))
			goto fail;
		snprintf(s->pin_path, sizeof(s->pin_path), "%s", o->pin_path);
		if (watch_pin_claim(&s->pin, s->pin_path, o->cmd))
			goto fail;
		/* An existing pin is reused: the watch list is shared, like the module's file. */
		s->reused_pin = access(s->pin_path, F_OK) == 0;
		bpf_map__set_pin_path(k->maps.pid_filter, s->pin_path);
	}
	bpf_load_stats_prepare(k->obj);
	rc = snoop_bpf__load(k);
	bpf_load_stats_print(o->cmd, k->obj);
	if (rc) {
		if (s->reused_pin)
			fprintf(stderr, "memmon %s: %s exists but is not a memmon watch list "
					"(remove it or use --map)\n", o->cmd, s->pin_path);
		bpf_fail(o->cmd, "loading the BPF programs", rc);
		goto fail;
	}
	s->pinned_by_us = o->pin_path && !s->reused_pin;
	if (o->brk_stack && !(s->unwind = unwind_tables_open(k->obj))) {
		bpf_fail(o->cmd, "mapping the unwind tables", -errno);
		goto fail;
	}
	s->watch_fd = bpf_map__fd(k->maps.pid_filter); /* from here the pin is ours */
	if ((rc = trace_target_fill(o->target, s->watch_fd))) {
		bpf_fail(o->cmd, "filling the process filter", rc);
		goto fail;
	}
	if ((rc = snoop_bpf__attach(k))) {
		bpf_fail(o->cmd, "attaching the tracepoints", rc);
		goto fail;
	}
	unwind_tables_add_targets(s->unwind, o->target->cli);
	if ((rc = events_open(&s->events, bpf_map__fd(k->maps.events), o->on_event, o->ctx,
			      &k->bss->memmon_lost_events))) {
		bpf_fail(o->cmd, "opening the ring buffer", rc);
		goto fail;
	}
	return 0;
fail:
	snoop_session_close(s);
	return EXIT_RUNTIME;
}

int snoop_session_watch_count(struct snoop_session *s)
{
	static uint32_t pids[WATCH_LIST_MAX];
	return watch_list_read(s->watch_fd, pids, WATCH_LIST_MAX, false);
}

bool snoop_pid_alive(pid_t pid)
{
	char buf[512];
	const char *rp = proc_stat_fields(pid, buf, sizeof(buf)); /* " S ...": the state */
	return rp && rp[0] == ' ' && rp[1] != 'Z' && rp[1] != 'X' && rp[1] != '\0';
}

int snoop_session_prune(struct snoop_session *s)
{
	static uint32_t keys[WATCH_LIST_MAX];
	int n = watch_list_read(s->watch_fd, keys, WATCH_LIST_MAX, true), removed = 0;
	for (int i = 0; i < n; i++)
		if (!snoop_pid_alive((pid_t)keys[i]) && bpf_map_delete_elem(s->watch_fd, &keys[i]) == 0)
			removed++;
	return removed;
}

uint64_t snoop_session_lost(const struct snoop_session *s)
{
	return events_lost(&s->events);
}

void snoop_session_close(struct snoop_session *s)
{
	unwind_tables_close(s->unwind);
	s->unwind = NULL;
	events_close(&s->events);
	watch_pin_release(&s->pin, s->watch_fd >= 0, s->pinned_by_us);
	snoop_bpf__destroy(s->skel);
	s->skel = NULL;
}
