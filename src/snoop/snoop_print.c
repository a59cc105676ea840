#include "core/json_out.h"
#include "kernel/fault_class.h"
#include "kernel/syscall_decode.h"
#include "snoop/snoop_format.h"
#include "snoop/snoop_print.h"
#include <inttypes.h>
#include <string.h>

void snoop_printer_init(struct snoop_printer *p, const char *cmd, bool json)
{
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->json = json;
	p->out = stdout;
}

/* {"type":"COMMAND_what"} */
static struct json_object *record(const struct snoop_printer *p, const char *what)
{
	char type[64];
	snprintf(type, sizeof(type), "%s_%s", p->cmd, what);
	return json_record(type);
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

/* The mapping as /proc/PID/maps names it: the file, [heap], [stack], the kernel's name of a
 * special mapping ([vdso], [vvar]), or [anon]; NULL when there is none. */
static const char *mapping_name(const struct snoop_line *l)
{
	const struct snoop_event *e = l->e;
	if (!e->has_vma)
		return NULL;
	if (e->has_file || (e->vm_kind == SNOOP_VM_SPECIAL && l->path[0]))
		return l->path;
	return e->vm_kind == SNOOP_VM_HEAP ? "[heap]" : e->vm_kind == SNOOP_VM_STACK ? "[stack]" : "[anon]";
}

static void print_fault(struct snoop_printer *p, const struct snoop_line *l, const char *prefix)
{
	const struct snoop_event *e = l->e;
	struct fault_facts f = {
		.has_vma = e->has_vma, .vma_lookup_failed = e->vma_lookup_failed,
		.vm_flags = e->vm_flags, .has_file = e->has_file, .pte = (int)e->pte_state,
		.pte_write = e->pte_write, .error_code = e->error_code,
	};
	enum fault_class c = fault_classify(&f);
	const char *sym = l->symbol;
	char prot[64];
	decode_prot(e->vm_flags & 7, prot, sizeof(prot));
	uint64_t file_off = e->has_vma ? e->vm_pgoff * 4096 + (e->addr - e->vm_start) : 0;
	if (p->json) {
		struct json_object *o = record(p, "fault");
		snoop_common_json(o, e, l->t);
		json_add_str(o, "class", fault_class_name(c));
		char acc[2] = { fault_access(e->error_code), 0 };
		json_add_str(o, "access", acc);
		json_add_str(o, "mode", fault_mode(e->error_code));
		json_add_addr(o, "addr", e->addr);
		json_add_addr(o, "ip", e->ip);
		json_add_str(o, "symbol", *sym ? sym : NULL);
		json_add_u64(o, "error_code", e->error_code);
		json_add_str(o, "pte", pte_name(e->pte_state));
		if (e->has_vma) {
			json_add_addr(o, "vm_start", e->vm_start);
			json_add_addr(o, "vm_end", e->vm_end);
			json_add_str(o, "vm_prot", prot);
			json_add_bool(o, "vm_shared", !!(e->vm_flags & FAULT_VM_SHARED));
		}
		json_add_str(o, "mapping", mapping_name(l));
		json_add_str(o, "file", e->has_file ? l->path : NULL);
		if (e->has_file)
			json_add_u64(o, "file_offset", file_off);
		json_emit(o, p->out);
		return;
	}
	char where[SNOOP_PATH_PARTS * (SNOOP_NAME_LEN + 1) + 64];
	if (e->has_file)
		snprintf(where, sizeof(where), "%s+0x%" PRIx64, l->path, file_off);
	else if (e->has_vma && strcmp(mapping_name(l), "[anon]"))
		snprintf(where, sizeof(where), "%s %s", mapping_name(l), prot);
	else if (e->has_vma)
		snprintf(where, sizeof(where), "[anon %s]", prot);
	else
		snprintf(where, sizeof(where), "[no mapping]");
	fprintf(p->out, "%s fault %-7s %c %-6s 0x%" PRIx64 " %s ip 0x%" PRIx64 "%s%s\n", prefix,
		fault_class_name(c), fault_access(e->error_code), fault_mode(e->error_code),
		(uint64_t)e->addr, where, (uint64_t)e->ip, *sym ? " " : "", sym);
}

void snoop_print_line(struct snoop_printer *p, const struct snoop_line *l)
{
	const struct snoop_event *e = l->e;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%10.6f %7u/%-7u %-15s", l->t, e->tgid, e->tid, l->comm);
	p->printed++;
	struct json_object *o = NULL;
	switch (e->kind) {
	case SNOOP_EV_SYSCALL:
		if (p->json) {
			o = record(p, "syscall");
			snoop_common_json(o, e, l->t);
			snoop_syscall_json(o, e, l->path);
		} else {
			char line[1024];
			snoop_syscall_text(e, l->path, line, sizeof(line));
			fprintf(p->out, "%s %s\n", prefix, line);
		}
		break;
	case SNOOP_EV_FAULT:
		print_fault(p, l, prefix);
		break;
	case SNOOP_EV_EXEC:
		if (p->json) {
			o = record(p, "exec");
			snoop_common_json(o, e, l->t);
			json_add_str(o, "file", l->path);
		} else {
			fprintf(p->out, "%s exec %s\n", prefix, l->path);
		}
		break;
	case SNOOP_EV_FORK:
		if (p->json) {
			o = record(p, "fork");
			snoop_common_json(o, e, l->t);
			json_add_int(o, "child_pid", (int64_t)e->args[0]);
		} else {
			fprintf(p->out, "%s fork child %" PRIu64 "\n", prefix, (uint64_t)e->args[0]);
		}
		break;
	case SNOOP_EV_EXIT: {
		int status = (int)e->ret;
		int sig = status & 0x7f, code = (status >> 8) & 0xff;
		if (p->json) {
			o = record(p, "exit");
			snoop_common_json(o, e, l->t);
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
}

void snoop_print_lost(struct snoop_printer *p, uint64_t lost, bool final)
{
	if (p->json) {
		struct json_object *o = record(p, "lost");
		json_add_u64(o, "events", lost);
		json_add_bool(o, "final", final);
		json_emit(o, p->out);
	} else {
		fprintf(stderr, "memmon %s: %" PRIu64 " events lost (ring buffer full%s)\n", p->cmd, lost,
			lost ? ": raise --buffer-size" : "");
	}
}
