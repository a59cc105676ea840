#include "output/build_id.h"
#include "proc/regular_file.h"
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void to_hex(const unsigned char *b, size_t len, char *hex, size_t n)
{
	hex[0] = 0;
	for (size_t i = 0; i < len && 2 * i + 2 < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
}

int build_id_from_notes(const unsigned char *notes, size_t len, char *hex, size_t n)
{
	size_t off = 0;
	while (off + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr h;
		memcpy(&h, notes + off, sizeof(h));
		size_t name_at = off + sizeof(h);
		size_t desc_at = name_at + ((h.n_namesz + 3) & ~3u);
		size_t next = desc_at + ((h.n_descsz + 3) & ~3u);
		if (desc_at > len || next > len || next <= off)
			break;
		if (h.n_type == NT_GNU_BUILD_ID && h.n_namesz == 4 &&
		    !memcmp(notes + name_at, "GNU", 4)) {
			to_hex(notes + desc_at, h.n_descsz, hex, n);
			return 0;
		}
		off = next;
	}
	return -1;
}

int build_id_of_kernel(char *hex, size_t n)
{
	unsigned char buf[4096];
	hex[0] = 0;
	int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, buf, sizeof(buf));
	close(fd);
	if (len <= 0)
		return -1;
	build_id_from_notes(buf, (size_t)len, hex, n);
	return 0;
}

int build_id_of_file(const char *path, char *hex, size_t n)
{
	hex[0] = 0;
	/* a traced process's file, at a path others may change: never blocking, regular only */
	int fd = regular_file_open(path, NULL);
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e) {
		close(fd);
		return -1;
	}
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	while ((scn = elf_nextscn(e, scn)) && !hex[0]) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		GElf_Nhdr nh;
		size_t off = 0, name_at, desc_at;
		while (d && (off = gelf_getnote(d, off, &nh, &name_at, &desc_at)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + name_at, "GNU", 4)) {
				to_hex((unsigned char *)d->d_buf + desc_at, nh.n_descsz, hex, n);
				break;
			}
		}
	}
	elf_end(e);
	close(fd);
	return 0;
}
