#include "snapshot/sys_zram.h"
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	const struct zram_dev *x = a, *y = b;
	size_t lx = strlen(x->name), ly = strlen(y->name); /* zram2 before zram10 */
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->name, y->name);
}

void sys_zram_read(struct sys_zram *z)
{
	z->ndevs = z->skipped = 0;
	DIR *d = opendir("/sys/block");
	z->err = d ? 0 : -errno;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && z->ndevs < SYS_ZRAM_MAX) {
		if (strncmp(e->d_name, "zram", 4) || strlen(e->d_name) >= sizeof(z->devs[0].name))
			continue;
		if (zram_read(e->d_name, &z->devs[z->ndevs]))
			z->skipped++;
		else
			z->ndevs++;
	}
	closedir(d);
	qsort(z->devs, (size_t)z->ndevs, sizeof(z->devs[0]), by_name);
}
