/* -o/--output FILE, which every command takes (opts_parse adds it to each table): the
 * report (text or JSON Lines) goes to FILE instead of memmon's stdout. Only memmon's
 * stdout stream is switched, not file descriptor 1, so a launched program keeps writing
 * to the terminal (or wherever memmon's stdout went) and the two never mix. The file is
 * made by core/out_file.c (0600 unless --output-mode 0644, no symlink followed, another
 * user's file refused) and appears under its name when the command ends. */
#ifndef MEMMON_REPORT_OUT_H
#define MEMMON_REPORT_OUT_H
#include <stdbool.h>
#include <sys/types.h>

/* Opens FILE and points stdout at it. 0, or -1 with the message printed. Once per run. */
int report_out_open(const char *path, mode_t mode, const char *cmd);
/* Where the report goes, for messages ("report written to FILE"); NULL: stdout. */
const char *report_out_path(void);
/* At the end of the command: commits the file (rc EXIT_USAGE: removes it, nothing was
 * reported) and gives stdout back. Returns rc, or EXIT_RUNTIME if the file could not be
 * written. Does nothing without -o. */
int report_out_close(const char *cmd, int rc);

#endif
