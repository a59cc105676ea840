#include "core/json_out.h"
#include "core/loop.h"
#include "kernel/fault_class.h"
#include "kernel/syscall_decode.h"
#include "snoop/snoop_format.h"
#include "snoop/snoop_print.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int snoop_printer_init(struct snoop_printer *p, bool json, const char *comm, bool symbols)
{
	memset(p, 0, sizeof(*p));
	p->json = json;
	p->comm = comm;
	p->t0 = now_seconds();
	p->out = stdout;
	if (symbols && !(p->sym = symbolizer_new()))
		return -ENOMEM;
	return 0;
}

void snoop_printer_free(struct snoop_printer *p)
{
	symbolizer_free(p->sym);
	p->sym = NULL;
}

/* "func+0x1a (file.c:12) [module]" of the faulting instruction, cached per (pid, ip);
 * the process's maps are (re)read when the address is not in a known module. */
static const char *ip_symbol(struct snoop_printer *p, uint32_t tgid, uint64_t ip, bool kernel)
{
	if (!p->sym)
		return "";
	unsigned slot = (unsigned)((ip >> 2) ^ (ip >> 14) ^ tgid) % SNOOP_IP_CACHE;
	if (p->cache[slot].tgid == tgid && p->cache[slot].ip == ip)
		return p->cache[slot].text;
	struct sym_frame fr[SYM_MAX_INLINE];
	int n;
	if (kernel) {
		n = symbolize_kernel(p->sym, ip, false, fr, SYM_MAX_INLINE);
	} else {
		n = symbolize_user(p->sym, tgid, ip, false, fr, SYM_MAX_INLINE);
		if (!fr[0].module && symbolizer_capture_pid(p->sym, tgid) == 0)
			n = symbolize_user(p->sym, tgid, ip, false, fr, SYM_MAX_INLINE);
	}
	p->cache[slot].tgid = tgid;
	p->cache[slot].ip = ip;
	/* The innermost frame names the line that faulted (an inlined one if any). */
	sym_frame_format(&fr[0], p->cache[slot].text, sizeof(p->cache[slot].text));
	(void)n;
	return p->cache[slot].text;
}

static const char *pte_name(uint32_t s)
{
	switch (s) {
	case PTE_NONE: return "none";
	case PTE_PRESENT: return "present";
	case PTE_SWAP: return "swap";
	default: return "unknown";
	}
}

static void print_fault(struct snoop_printer *p, const struct snoop_event *e, const char *path,
			double t, const char *prefix)
{
	struct fault_facts f = {
		.has_vma = e->has_vma, .vma_lookup_failed = e->vma_lookup_failed,
		.vm_flags = e->vm_flags, .has_file = e->has_file, .pte = (int)e->pte_state,
		.pte_write = e->pte_write, .error_code = e->error_code,
	};
	enum fault_class c = fault_classify(&f);
	bool kernel_ip = !(e->error_code & PF_USER);
	const char *sym = ip_symbol(p, e->tgid, e->ip, kernel_ip);
	char prot[64];
	decode_prot(e->vm_flags & 7, prot, sizeof(prot));
	uint64_t file_off = e->has_vma ? e->vm_pgoff * 4096 + (e->addr - e->vm_start) : 0;
	if (p->json) {
		struct json_object *o = json_record("fault");
		snoop_common_json(o, e, t);
		json_add_str(o, "class", fault_class_name(c));
		char acc[2] = { fault_access(e->error_code), 0 };
		json_add_str(o, "access", acc);
		json_add_str(o, "mode", fault_mode(e->error_code));
		json_add_u64(o, "addr", e->addr);
		json_add_u64(o, "ip", e->ip);
		json_add_str(o, "symbol", *sym ? sym : NULL);
		json_add_u64(o, "error_code", e->error_code);
		json_add_str(o, "pte", pte_name(e->pte_state));
		if (e->has_vma) {
			json_add_u64(o, "vm_start", e->vm_start);
			json_add_u64(o, "vm_end", e->vm_end);
			json_add_str(o, "vm_prot", prot);
			json_add_bool(o, "vm_shared", !!(e->vm_flags & FAULT_VM_SHARED));
		}
		json_add_str(o, "file", e->has_file ? path : NULL);
		if (e->has_file)
			json_add_u64(o, "file_offset", file_off);
		json_emit(o, p->out);
		return;
	}
	char where[SNOOP_PATH_PARTS * (SNOOP_NAME_LEN + 1) + 64];
	if (e->has_file)
		snprintf(where, sizeof(where), "%s+0x%" PRIx64, path, file_off);
	else if (e->has_vma)
		snprintf(where, sizeof(where), "[anon %s]", prot);
	else
		snprintf(where, sizeof(where), "[no mapping]");
	fprintf(p->out, "%s fault %-7s %c %-6s 0x%" PRIx64 " %s ip 0x%" PRIx64 "%s%s\n", prefix,
		fault_class_name(c), fault_access(e->error_code), fault_mode(e->error_code),
		(uint64_t)e->addr, where, (uint64_t)e->ip, *sym ? " " : "", sym);
}

int snoop_print_event(void *ctx, void *data, size_t size)
{
	struct snoop_printer *p = ctx;
	const struct snoop_event *e = data;
	if (size < sizeof(*e))
		return 0;
	char comm[17];
	memcpy(comm, e->comm, 16);
	comm[16] = '\0';
	if (p->comm && strcmp(p->comm, comm))
		return 0;
	double t = e->ts_ns / 1e9 - p->t0;
	char path[SNOOP_PATH_PARTS * (SNOOP_NAME_LEN + 1) + 8];
	snoop_event_path(e, size, path, sizeof(path));
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%10.6f %7u/%-7u %-15s", t, e->tgid, e->tid, comm);
	p->printed++;
	struct json_object *o = NULL;
	switch (e->kind) {
	case SNOOP_EV_SYSCALL:
		if (p->json) {
			o = json_record("syscall");
			snoop_common_json(o, e, t);
			snoop_syscall_json(o, e, path);
		} else {
			char line[1024];
			snoop_syscall_text(e, path, line, sizeof(line));
			fprintf(p->out, "%s %s\n", prefix, line);
		}
		break;
	case SNOOP_EV_FAULT:
		print_fault(p, e, path, t, prefix);
		break;
	case SNOOP_EV_EXEC:
		if (p->sym) /* a new image: forget the old modules, learn the new ones */
			symbolizer_forget_pid(p->sym, e->tgid);
		if (p->json) {
			o = json_record("exec");
			snoop_common_json(o, e, t);
			json_add_str(o, "file", path);
		} else {
			fprintf(p->out, "%s exec %s\n", prefix, path);
		}
		break;
	case SNOOP_EV_FORK:
		if (p->json) {
			o = json_record("fork");
			snoop_common_json(o, e, t);
			json_add_int(o, "child_pid", (int64_t)e->args[0]);
		} else {
			fprintf(p->out, "%s fork child %" PRIu64 "\n", prefix, (uint64_t)e->args[0]);
		}
		break;
	case SNOOP_EV_EXIT: {
		int status = (int)e->ret;
		int sig = status & 0x7f, code = (status >> 8) & 0xff;
		if (p->json) {
			o = json_record("exit");
			snoop_common_json(o, e, t);
			json_add_int(o, "exit_code", sig ? -1 : code);
			json_add_int(o, "signal", sig);
		} else if (sig) {
			fprintf(p->out, "%s exit killed by signal %d\n", prefix, sig);
		} else {
			fprintf(p->out, "%s exit %d\n", prefix, code);
		}
		break;
	}
	default:
		p->printed--;
		break;
	}
	if (o)
		json_emit(o, p->out);
	else if (!p->json)
		fflush(p->out);
	return 0;
}

void snoop_print_lost(struct snoop_printer *p, const char *cmd, uint64_t lost, bool final)
{
	if (p->json) {
		struct json_object *o = json_record("lost");
		json_add_u64(o, "events", lost);
		json_add_bool(o, "final", final);
		json_emit(o, p->out);
	} else {
		fprintf(stderr, "memmon %s: %" PRIu64 " events lost (ring buffer full%s)\n", cmd, lost,
			lost ? ": raise --buffer-size" : "");
	}
}
