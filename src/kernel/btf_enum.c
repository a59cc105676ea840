#include "kernel/btf_enum.h"
#include <bpf/btf.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct btf *vmlinux;
static bool tried;

void btf_enum_name(const char *enum_name, long long value, const char *prefix, char *buf, size_t n)
{
	if (!tried) {
		tried = true;
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			vmlinux = NULL;
	}
	snprintf(buf, n, "%lld", value);
	if (!vmlinux)
		return;
	int id = btf__find_by_name_kind(vmlinux, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		return;
	const struct btf_type *t = btf__type_by_id(vmlinux, id);
	const struct btf_enum *e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		if (e[i].val != value)
			continue;
		const char *name = btf__name_by_offset(vmlinux, e[i].name_off);
		if (!name)
			return;
		size_t plen = prefix ? strlen(prefix) : 0;
		if (plen && !strncmp(name, prefix, plen))
			name += plen;
		size_t j;
		for (j = 0; name[j] && j + 1 < n; j++)
			buf[j] = tolower((unsigned char)name[j]);
		buf[j] = 0;
		return;
	}
}

void btf_enum_cleanup(void)
{
	btf__free(vmlinux);
	vmlinux = NULL;
	tried = false;
}
