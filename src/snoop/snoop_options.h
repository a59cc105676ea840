/* The option watch and the snoops share beyond core/options.h's: --buffer-size, the ring
 * buffer's size (a power of two of at least a page). */
#ifndef MEMMON_SNOOP_OPTIONS_H
#define MEMMON_SNOOP_OPTIONS_H
#include "core/options.h"

/* OPT_CALLBACK's function: dest is an unsigned long long. 0, or -1 when not a size. */
int snoop_buffer_size_option(const char *arg, void *dest);

#define OPT_SNOOP_BUFFER(dst, h) { .kind = OPTK_CALLBACK, .long_name = "buffer-size", .arg = "N", \
	.cb = snoop_buffer_size_option, .ctx = (dst), \
	.hint = "(a power of two, at least a page, at most 4G)", .help = (h) }

#endif
