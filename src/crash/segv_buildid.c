#include "crash/segv_buildid.h"
#include "proc/regular_file.h"
#include <dirent.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUILD_ID_MAX 20

struct buildid_file {
	unsigned char id[BUILD_ID_MAX];
	int len;
	char *path;
};

struct buildid_index {
	struct buildid_file *files;
	int n, cap;
	bool scanned;
};

/* Where shared libraries live on Debian and most distributions. */
static const char *const lib_dirs[] = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
					"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
					"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib" };

struct buildid_index *buildid_index_new(void)
{
	return calloc(1, sizeof(struct buildid_index));
}

void buildid_index_free(struct buildid_index *ix)
{
	if (!ix)
		return;
	for (int i = 0; i < ix->n; i++)
		free(ix->files[i].path);
	free(ix->files);
	free(ix);
}

static int read_build_id(const char *path, unsigned char *id)
{
	int fd = regular_file_open(path, NULL); /* the crashed program's path: anyone's */
	if (fd < 0)
		return -1;
	int len = -1;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *bits;
	if (elf) {
		ssize_t n = dwelf_elf_gnu_build_id(elf, &bits);
		if (n > 0 && n <= BUILD_ID_MAX) {
			memcpy(id, bits, n);
			len = (int)n;
		}
		elf_end(elf);
	}
	close(fd);
	return len;
}

static void add_file(struct buildid_index *ix, const char *path)
{
	unsigned char id[BUILD_ID_MAX];
	int len = read_build_id(path, id);
	if (len <= 0)
		return;
	if (ix->n == ix->cap) {
		int cap = ix->cap ? ix->cap * 2 : 256;
		struct buildid_file *nf = realloc(ix->files, sizeof(*nf) * cap);
		if (!nf)
			return;
		ix->files = nf;
		ix->cap = cap;
	}
	struct buildid_file *f = &ix->files[ix->n];
	memcpy(f->id, id, len);
	f->len = len;
	f->path = strdup(path);
	if (f->path)
		ix->n++;
}

/* Reads the build-ids of every shared object in the library directories, once. */
static void scan_libs(struct buildid_index *ix)
{
	ix->scanned = true;
	elf_version(EV_CURRENT);
	for (size_t i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++) {
		DIR *dir = opendir(lib_dirs[i]);
		struct dirent *de;
		while (dir && (de = readdir(dir))) {
			if (!strstr(de->d_name, ".so"))
				continue;
			char path[PATH_MAX];
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s", lib_dirs[i], de->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				add_file(ix, path);
		}
		if (dir)
			closedir(dir);
	}
}

static bool same_id(const unsigned char *kernel_id, const unsigned char *id, int len)
{
	/* the kernel pads build-ids shorter than 20 bytes with zeros */
	if (memcmp(kernel_id, id, len) != 0)
		return false;
	for (int i = len; i < BUILD_ID_MAX; i++)
		if (kernel_id[i])
			return false;
	return true;
}

static const char *find_path(struct buildid_index *ix, const unsigned char *id)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < ix->n; i++)
			if (same_id(id, ix->files[i].id, ix->files[i].len))
				return ix->files[i].path;
		if (ix->scanned)
			break;
		scan_libs(ix);
	}
	return NULL;
}

int segv_join_path(const struct segv_deliver_event *d, char *out, size_t n)
{
	size_t len = 0;
	if (!d->npath || d->npath > SEGV_PATH_DEPTH)
		return -1;
	for (int i = (int)d->npath - 1; i >= 0; i--) {
		const char *c = d->path[i];
		size_t cl = strnlen(c, SEGV_NAME_LEN);
		if (!cl || memchr(c, '/', cl) || len + 1 + cl >= n)
			return -1;
		out[len++] = '/';
		memcpy(out + len, c, cl);
		len += cl;
	}
	out[len] = 0;
	return 0;
}

int segv_buildid_stack(struct buildid_index *ix, struct symbolizer *sym,
		       const struct segv_deliver_event *d, pid_t fake_pid, uint64_t *ips)
{
	int n = d->nframes > SEGV_STACK_DEPTH ? SEGV_STACK_DEPTH : d->nframes > 0 ? d->nframes : 0;
	char exe[PATH_MAX];
	unsigned char exe_id[BUILD_ID_MAX];
	int exe_len = segv_join_path(d, exe, sizeof(exe)) == 0 ? read_build_id(exe, exe_id) : -1;
	const char *paths[SEGV_STACK_DEPTH];
	int npaths = 0;
	char *maps = NULL;
	size_t maps_len = 0;
	FILE *mf = open_memstream(&maps, &maps_len);
	if (!mf)
		return 0;
	/* each distinct file gets 1 TiB of made-up address space at offset 0 */
	const uint64_t base = 0x100000000000ULL, span = 0x10000000000ULL;
	for (int i = 0; i < n; i++) {
		const struct segv_build_id *f = &d->frames[i];
		ips[i] = f->offset_or_ip;
		if (f->status != 1)
			continue;
		const char *path = exe_len > 0 && same_id(f->build_id, exe_id, exe_len) ? exe
										  : find_path(ix, f->build_id);
		if (!path)
			continue;
		int k = 0;
		while (k < npaths && strcmp(paths[k], path))
			k++;
		if (k == npaths) {
			paths[npaths++] = path;
			fprintf(mf, "%" PRIx64 "-%" PRIx64 " r-xp 00000000 00:00 0 %s\n", base + k * span,
				base + (k + 1) * span, path);
		}
		ips[i] = base + k * span + f->offset_or_ip;
	}
	fclose(mf);
	/* the exe path is stack memory: the symbolizer copies what it keeps */
	FILE *rf = fmemopen(maps, maps_len, "r");
	if (rf) {
		symbolizer_capture_maps(sym, fake_pid, rf);
		fclose(rf);
	}
	free(maps);
	return n;
}
