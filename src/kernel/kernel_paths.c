#include "kernel/kernel_paths.h"
#include "core/options.h"
#include <bpf/btf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Whether struct/union t has a member named member, looking inside its anonymous struct
 * and union members as CO-RE does (6.18's mm_struct keeps every field but one in an
 * anonymous struct). depth bounds a malformed BTF's cycle; t may be NULL (a bad type id). */
static bool btf_type_has_member(const struct btf *btf, const struct btf_type *t, const char *member,
				int depth)
{
	if (!t || depth > 8 || !(btf_is_struct(t) || btf_is_union(t)))
		return false;
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, m[i].name_off);
		if (name && !strcmp(name, member))
			return true;
		if ((!name || !*name) &&
		    btf_type_has_member(btf, btf__type_by_id(btf, btf__resolve_type(btf, m[i].type)), member,
					depth + 1))
			return true;
	}
	return false;
}

bool kernel_btf_has(const char *struct_name, const char *member)
{
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		return false;
	bool has = false;
	int id = btf__find_by_name_kind(btf, struct_name, BTF_KIND_STRUCT);
	if (id > 0 && !member)
		has = true;
	else if (id > 0)
		has = btf_type_has_member(btf, btf__type_by_id(btf, id), member, 0);
	btf__free(btf);
	return has;
}

bool kernel_btf_has_enum_value(const char *enum_name, const char *value_name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		return false;
	bool has = false;
	int id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t) && !has; i++)
			has = !strcmp(btf__name_by_offset(btf, e[i].name_off), value_name);
	}
	btf__free(btf);
	return has;
}

bool kernel_has_kprobes(void)
{
	if (getenv("MEMMON_NO_KPROBES"))
		return false; /* lets tests exercise the fallback where kprobes exist */
	/* the perf "kprobe" PMU libbpf attaches through exists only with CONFIG_KPROBES */
	return access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0;
}

void kernel_path(const char *cmd, const char *fmt, ...)
{
	if (!opts_verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "memmon %s: path: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void kernel_path_mapping_cache(const char *cmd)
{
	if (!opts_verbose)
		return;
	kernel_path(cmd, kernel_btf_has("mm_struct", "mm_lock_seq") ?
		    "mapping lookups: cached, checked against mm->mm_lock_seq (6.4+)" :
		    "mapping lookups: no mm->mm_lock_seq (before 6.4): a fault's or call's own mapping "
		    "by bpf_find_vma every time; user stack walks trust the code mappings they cached "
		    "or user space announced from /proc/PID/maps (one bpf_find_vma per program run)");
}
