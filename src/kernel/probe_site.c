#include "kernel/probe_site.h"
#include "proc/regular_file.h"
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <unistd.h>

/* push %reg (50-57) or push %r8-15 (41 50-57): emulated by the x86 uprobe code. */
static size_t push_len(const uint8_t *c, size_t len)
{
	if (len >= 1 && c[0] >= 0x50 && c[0] <= 0x57)
		return 1;
	if (len >= 2 && c[0] == 0x41 && c[1] >= 0x50 && c[1] <= 0x57)
		return 2;
	return 0;
}

void probe_site_decode(const uint8_t *code, size_t len, bool skip_null_check,
		       struct probe_site *out)
{
	size_t at = 0;
	out->sp_delta = 0;
	if (len >= 4 && code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa)
		at = 4; /* endbr64: a no-op marker; step over it */
	if (skip_null_check && len >= at + 5 && code[at] == 0x48 && code[at + 1] == 0x85 &&
	    code[at + 2] == 0xff) {
		size_t j = at + 3, jl = 0; /* test %rdi,%rdi ; je <out> */
		if (len >= j + 2 && code[j] == 0x74)
			jl = 2;
		else if (len >= j + 6 && code[j] == 0x0f && code[j + 1] == 0x84)
			jl = 6;
		if (jl && push_len(code + j + jl, len - j - jl)) {
			out->probe_offset = out->func_offset + j + jl;
			out->emulated = true;
			return;
		}
	}
	if (at && push_len(code + at, len - at)) {
		out->probe_offset = out->func_offset + at;
		out->emulated = true;
		return;
	}
	out->probe_offset = out->func_offset;
	out->emulated = push_len(code, len) > 0;
}

static int find_symbol(Elf *elf, const char *name, GElf_Addr *value, GElf_Xword *size)
{
	Elf_Scn *scn = NULL;
	int found = -ENOENT;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t i = 0; data && i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    !sym.st_value || sym.st_shndx == SHN_UNDEF)
				continue;
			const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!s || strcmp(s, name))
				continue;
			*value = sym.st_value;
			*size = sym.st_size;
			return 0;
		}
	}
	return found;
}

int probe_site_find(const char *path, const char *name, bool skip_null_check,
		    struct probe_site *out)
{
	memset(out, 0, sizeof(*out));
	elf_version(EV_CURRENT);
	int fd = regular_file_open(path, NULL); /* a mapped path: no FIFO, no device */
	if (fd < 0)
		return fd;
	int err = -EINVAL;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Addr value;
	GElf_Xword size;
	size_t nph;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nph))
		goto out;
	err = find_symbol(elf, name, &value, &size);
	if (err)
		goto out;
	err = -ENOENT;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (value < ph.p_vaddr || value >= ph.p_vaddr + ph.p_filesz)
			continue;
		out->func_offset = value - ph.p_vaddr + ph.p_offset;
		out->func_size = size;
		uint8_t code[16];
		ssize_t got = pread(fd, code, sizeof(code), (off_t)out->func_offset);
		probe_site_decode(code, got > 0 ? (size_t)got : 0, skip_null_check, out);
		err = 0;
		break;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}
