#include "core/loop.h"
#include "kernel/fault_class.h"
#include "snoop/snoop_format.h"
#include "snoop/snoop_log.h"
#include "symbols/code_map.h"
#include <errno.h>
#include <string.h>

int snoop_log_init(struct snoop_log *l, const char *cmd, bool json, bool symbols)
{
	memset(l, 0, sizeof(*l));
	snoop_printer_init(&l->pr, cmd, json);
	l->t0 = now_seconds();
	if (symbols && !(l->sym = symbolizer_new()))
		return -ENOMEM;
	return 0;
}

void snoop_log_free(struct snoop_log *l)
{
	symbolizer_free(l->sym);
	l->sym = NULL;
}

/* "func+0x1a (file.c:12) [module]" of the faulting instruction, cached per (pid, ip);
 * the process's maps are (re)read when the address is not in a known module. */
static const char *ip_symbol(struct snoop_log *l, uint32_t tgid, uint64_t ip, bool kernel)
{
	if (!l->sym)
		return "";
	unsigned slot = (unsigned)((ip >> 2) ^ (ip >> 14) ^ tgid) % SNOOP_IP_CACHE;
	if (l->cache[slot].tgid == tgid && l->cache[slot].ip == ip)
		return l->cache[slot].text;
	struct sym_frame fr[SYM_MAX_INLINE];
	if (kernel) {
		symbolize_kernel(l->sym, ip, false, fr, SYM_MAX_INLINE);
	} else {
		symbolize_user(l->sym, tgid, ip, false, fr, SYM_MAX_INLINE);
		if (!fr[0].module && symbolizer_capture_pid(l->sym, tgid) == 0)
			symbolize_user(l->sym, tgid, ip, false, fr, SYM_MAX_INLINE);
	}
	l->cache[slot].tgid = tgid;
	l->cache[slot].ip = ip;
	/* The innermost frame names the line that faulted (an inlined one if any). */
	sym_frame_format(&fr[0], l->cache[slot].text, sizeof(l->cache[slot].text));
	return l->cache[slot].text;
}

/* After exec the pid's addresses mean other code. */
static void forget_cached(struct snoop_log *l, uint32_t tgid)
{
	for (int i = 0; i < SNOOP_IP_CACHE; i++)
		if (l->cache[i].tgid == tgid)
			l->cache[i].ip = 0, l->cache[i].tgid = 0;
}

/* What the event says about the process's code mappings, learnt while it lived: a fork
 * starts with the parent's, an exec with none (its code follows as code_map events), a
 * fault in an executable file mapping names that mapping. */
static void learn_mappings(struct snoop_log *l, const struct snoop_event *e, const char *path)
{
	if (!l->sym)
		return;
	if (e->kind == SNOOP_EV_FORK) {
		symbolizer_copy_pid(l->sym, (pid_t)e->tgid, (pid_t)e->args[0]);
	} else if (e->kind == SNOOP_EV_EXEC) {
		symbolizer_forget_pid(l->sym, (pid_t)e->tgid);
		forget_cached(l, e->tgid);
	} else if (e->kind == SNOOP_EV_FAULT && e->has_vma && e->has_file &&
		   (e->vm_flags & FAULT_VM_EXEC) && path[0] == '/') {
		symbolizer_add_mapping(l->sym, (pid_t)e->tgid, e->vm_start, e->vm_end,
				       e->vm_pgoff * 4096, path);
	}
}

int snoop_log_event(void *ctx, void *data, size_t size)
{
	struct snoop_log *l = ctx;
	const struct snoop_event *e = data;
	if (code_map_take(l->sym, data, size))
		return 0;
	if (size < sizeof(*e))
		return 0;
	char comm[17];
	memcpy(comm, e->comm, 16);
	comm[16] = '\0';
	char path[SNOOP_PATH_PARTS * (SNOOP_NAME_LEN + 1) + 8];
	snoop_event_path(e, size, path, sizeof(path));
	struct snoop_line line = { .e = e, .t = e->ts_ns / 1e9 - l->t0, .comm = comm,
				   .path = path, .symbol = "" };
	learn_mappings(l, e, path);
	if (e->kind == SNOOP_EV_FAULT)
		line.symbol = ip_symbol(l, e->tgid, e->ip, !(e->error_code & PF_USER));
	snoop_print_line(&l->pr, &line);
	return 0;
}
