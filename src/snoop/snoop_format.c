#include "core/json_out.h"
#include "kernel/syscall_decode.h"
#include "snoop/snoop_format.h"
#include <stdio.h>
#include <string.h>

enum arg_kind { A_NONE, A_ADDR, A_SIZE, A_INT, A_PROT, A_MMAPF, A_FD, A_OFF, A_MREMAPF,
		A_ADVICE, A_MLOCK2F, A_MLOCKALLF, A_KEY, A_SHMGETF, A_SHMATF, A_SHMCMD };

struct call_spec {
	const char *name;
	enum arg_kind ret; /* A_ADDR or A_INT */
	struct { const char *name; enum arg_kind kind; } args[6];
};

static const struct call_spec specs[SNOOP_SYS_COUNT] = {
	[SNOOP_SYS_BRK] = { "brk", A_ADDR, { { "addr", A_ADDR } } },
	[SNOOP_SYS_MMAP] = { "mmap", A_ADDR, { { "addr", A_ADDR }, { "length", A_SIZE },
		{ "prot", A_PROT }, { "flags", A_MMAPF }, { "fd", A_FD }, { "offset", A_OFF } } },
	[SNOOP_SYS_MUNMAP] = { "munmap", A_INT, { { "addr", A_ADDR }, { "length", A_SIZE } } },
	[SNOOP_SYS_MREMAP] = { "mremap", A_ADDR, { { "old_address", A_ADDR }, { "old_size", A_SIZE },
		{ "new_size", A_SIZE }, { "flags", A_MREMAPF }, { "new_address", A_ADDR } } },
	[SNOOP_SYS_MPROTECT] = { "mprotect", A_INT, { { "addr", A_ADDR }, { "length", A_SIZE },
		{ "prot", A_PROT } } },
	[SNOOP_SYS_MADVISE] = { "madvise", A_INT, { { "addr", A_ADDR }, { "length", A_SIZE },
		{ "advice", A_ADVICE } } },
	[SNOOP_SYS_MLOCK] = { "mlock", A_INT, { { "addr", A_ADDR }, { "length", A_SIZE } } },
	[SNOOP_SYS_MUNLOCK] = { "munlock", A_INT, { { "addr", A_ADDR }, { "length", A_SIZE } } },
	[SNOOP_SYS_MLOCK2] = { "mlock2", A_INT, { { "addr", A_ADDR }, { "length", A_SIZE },
		{ "flags", A_MLOCK2F } } },
	[SNOOP_SYS_MLOCKALL] = { "mlockall", A_INT, { { "flags", A_MLOCKALLF } } },
	[SNOOP_SYS_MUNLOCKALL] = { "munlockall", A_INT, { { NULL, A_NONE } } },
	[SNOOP_SYS_SHMGET] = { "shmget", A_INT, { { "key", A_KEY }, { "size", A_SIZE },
		{ "shmflg", A_SHMGETF } } },
	[SNOOP_SYS_SHMAT] = { "shmat", A_ADDR, { { "shmid", A_INT }, { "shmaddr", A_ADDR },
		{ "shmflg", A_SHMATF } } },
	[SNOOP_SYS_SHMDT] = { "shmdt", A_INT, { { "shmaddr", A_ADDR } } },
	[SNOOP_SYS_SHMCTL] = { "shmctl", A_INT, { { "shmid", A_INT }, { "cmd", A_SHMCMD },
		{ "buf", A_ADDR } } },
};

const char *snoop_sys_name(uint32_t sys)
{
	return sys < SNOOP_SYS_COUNT ? specs[sys].name : "?";
}

void snoop_event_path(const struct snoop_event *e, size_t size, char *buf, size_t n)
{
	buf[0] = '\0';
	const struct snoop_event_big *b = (const void *)e;
	if (e->kind == SNOOP_EV_FAULT && e->vm_kind == SNOOP_VM_SPECIAL && !e->has_file &&
	    size >= sizeof(*b)) { /* the kernel's name of the mapping, "[vdso]" */
		snprintf(buf, n, "%.*s", SNOOP_NAME_LEN, b->path[0]);
		return;
	}
	if (!e->has_file || size < sizeof(struct snoop_event_big))
		return;
	size_t len = 0;
	if (e->path_truncated)
		len += snprintf(buf, n, "...");
	unsigned depth = e->path_depth < SNOOP_PATH_PARTS ? e->path_depth : SNOOP_PATH_PARTS;
	for (int i = (int)depth - 1; i >= 0 && len < n; i--)
		len += snprintf(buf + len, n - len, "/%.*s", SNOOP_NAME_LEN, b->path[i]);
	if (!depth && len < n)
		snprintf(buf + len, n - len, "/");
}

/* Text of one argument. */
static void arg_text(enum arg_kind k, uint64_t v, const char *path, char *buf, size_t n)
{
	switch (k) {
	case A_ADDR:
		if (v)
			snprintf(buf, n, "0x%llx", (unsigned long long)v);
		else
			snprintf(buf, n, "NULL");
		break;
	case A_SIZE:
	case A_OFF: snprintf(buf, n, "%llu", (unsigned long long)v); break;
	case A_INT: snprintf(buf, n, "%d", (int)v); break;
	case A_FD:
		if (path && *path)
			snprintf(buf, n, "%d<%s>", (int)v, path);
		else
			snprintf(buf, n, "%d", (int)v);
		break;
	case A_PROT: decode_prot(v, buf, n); break;
	case A_MMAPF: decode_mmap_flags(v, buf, n); break;
	case A_MREMAPF: decode_mremap_flags(v, buf, n); break;
	case A_ADVICE: decode_madvise(v, buf, n); break;
	case A_MLOCK2F: decode_mlock2_flags(v, buf, n); break;
	case A_MLOCKALLF: decode_mlockall_flags(v, buf, n); break;
	case A_KEY: decode_ipc_key(v, buf, n); break;
	case A_SHMGETF: decode_shmget_flags(v, buf, n); break;
	case A_SHMATF: decode_shmat_flags(v, buf, n); break;
	case A_SHMCMD: decode_shmctl_cmd(v, buf, n); break;
	default: buf[0] = '\0';
	}
}

static void ret_text(const struct call_spec *s, int64_t ret, char *buf, size_t n)
{
	int err = decode_ret_errno(ret);
	char name[32];
	if (err)
		snprintf(buf, n, "-1 %s", decode_errno(err, name, sizeof(name)));
	else if (s->ret == A_ADDR)
		snprintf(buf, n, "0x%llx", (unsigned long long)ret);
	else
		snprintf(buf, n, "%lld", (long long)ret);
}

void snoop_syscall_text(const struct snoop_event *e, const char *path, char *buf, size_t n)
{
	if (e->sys >= SNOOP_SYS_COUNT) {
		snprintf(buf, n, "syscall %u", e->sys);
		return;
	}
	const struct call_spec *s = &specs[e->sys];
	size_t len = snprintf(buf, n, "%s(", s->name);
	for (int i = 0; i < 6 && s->args[i].name && len < n; i++) {
		char a[160];
		arg_text(s->args[i].kind, e->args[i], path, a, sizeof(a));
		len += snprintf(buf + len, n - len, "%s%s", i ? ", " : "", a);
	}
	char r[64];
	ret_text(s, e->ret, r, sizeof(r));
	if (len < n)
		snprintf(buf + len, n - len, ") = %s", r);
}

void snoop_syscall_json(struct json_object *o, const struct snoop_event *e, const char *path)
{
	if (e->sys >= SNOOP_SYS_COUNT)
		return;
	const struct call_spec *s = &specs[e->sys];
	json_add_str(o, "call", s->name);
	struct json_object *args = json_object_new_object();
	for (int i = 0; i < 6 && s->args[i].name; i++) {
		enum arg_kind k = s->args[i].kind;
		uint64_t v = e->args[i];
		char a[160];
		switch (k) {
		case A_ADDR:
			json_add_addr(args, s->args[i].name, v);
			break;
		case A_SIZE: case A_OFF:
			json_add_u64(args, s->args[i].name, v);
			break;
		case A_INT:
			json_add_int(args, s->args[i].name, (int)v);
			break;
		case A_FD:
			json_add_int(args, s->args[i].name, (int)v);
			json_add_str(args, "path", path && *path ? path : NULL);
			break;
		default:
			arg_text(k, v, path, a, sizeof(a));
			json_add_str(args, s->args[i].name, a);
		}
	}
	json_object_object_add(o, "args", args);
	int err = decode_ret_errno(e->ret);
	char name[32];
	if (err) {
		json_add_int(o, "ret", -1);
		json_add_str(o, "error", decode_errno(err, name, sizeof(name)));
	} else {
		if (s->ret == A_ADDR)
			json_add_addr(o, "ret", (uint64_t)e->ret);
		else
			json_add_int(o, "ret", e->ret);
		json_add_str(o, "error", NULL);
	}
}

void snoop_common_json(struct json_object *o, const struct snoop_event *e, double t)
{
	char comm[17];
	memcpy(comm, e->comm, 16);
	comm[16] = '\0';
	json_add_time(o, "time", e->ts_ns / 1e9);
	json_add_double(o, "elapsed_s", t);
	json_add_int(o, "pid", e->tgid);
	json_add_int(o, "tid", e->tid);
	json_add_str(o, "comm", comm);
}
