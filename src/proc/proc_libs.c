#include "proc/proc_libs.h"
#include "proc/regular_file.h"
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int proc_find_library(pid_t pid, const char *prefix, char *out, size_t n)
{
	char path[64], line[4352];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return errno == ENOENT ? -ESRCH : -errno;
	int err = -ENOENT;
	while (fgets(line, sizeof(line), fp)) {
		char *name = strchr(line, '/');
		if (!name)
			continue;
		name[strcspn(name, "\n")] = 0;
		const char *base = strrchr(name, '/') + 1;
		if (strncmp(base, prefix, strlen(prefix)) == 0) {
			snprintf(out, n, "%s", name);
			err = 0;
			break;
		}
	}
	fclose(fp);
	return err;
}

int resolve_program(const char *name, char *out, size_t n)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK))
			return -errno;
		snprintf(out, n, "%s", name);
		return 0;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		snprintf(out, n, "%.*s/%s", (int)len, path, name);
		if (access(out, X_OK) == 0)
			return 0;
		path += len + (path[len] == ':');
	}
	return -ENOENT;
}

enum program_kind program_elf_kind(const char *path)
{
	enum program_kind kind = ELF_NOT_ELF;
	int fd = regular_file_open(path, NULL);
	if (fd < 0)
		return ELF_NOT_ELF;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	size_t nph;
	if (elf && elf_kind(elf) == ELF_K_ELF && elf_getphdrnum(elf, &nph) == 0) {
		kind = ELF_STATIC;
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP)
				kind = ELF_DYNAMIC;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return kind;
}

void proc_comm(pid_t pid, char *out, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	FILE *fp = fopen(path, "re");
	if (!fp || !fgets(out, (int)n, fp))
		snprintf(out, n, "?");
	else
		out[strcspn(out, "\n")] = 0;
	if (fp)
		fclose(fp);
}
