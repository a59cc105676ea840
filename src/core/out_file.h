/* Every file memmon writes goes through here (pages --dump, trend --svg, pageowner OUTPUT).
 * memmon runs as root and users name places ordinary users can reach (/tmp), so:
 * - the data goes to a new temporary file in the target's directory, made the way mkstemp
 *   makes one (a random name, O_CREAT|O_EXCL|O_NOFOLLOW) relative to the directory opened
 *   once, mode 0600 unless the caller asks otherwise;
 * - it is renamed over the target when complete: rename replaces a directory entry, so a
 *   symlink planted at the target is replaced, never followed, and readers never see half
 *   a file;
 * - an existing target that is a symlink, not a regular file, or another user's file is
 *   refused, at open (before any tracing starts) and again at commit. */
#ifndef MEMMON_OUT_FILE_H
#define MEMMON_OUT_FILE_H
#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

struct out_file {
	FILE *fp;               /* write here between open and commit */
	int dirfd;              /* the target's directory, opened once */
	const char *path;       /* as the user gave it, for messages */
	char base[NAME_MAX + 1];
	char tmp[NAME_MAX + 1]; /* the temporary file's name in dirfd */
};

#define OUT_FILE_MODE 0600

/* Creates the temporary file for path (mode 0 means OUT_FILE_MODE). Returns 0, or -1 after
 * printing "memmon CMD: cannot write PATH: why". */
int out_file_open(struct out_file *of, const char *path, mode_t mode, const char *cmd);
/* Flushes, syncs and renames the file over its target. 0, or -1 (message printed, the
 * temporary file removed). Either way the out_file is closed. */
int out_file_commit(struct out_file *of, const char *cmd);
/* Closes and removes the temporary file (a run that failed). Safe after commit or on a
 * zeroed out_file. */
void out_file_discard(struct out_file *of);

#endif
