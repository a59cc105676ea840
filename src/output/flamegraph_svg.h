/* A self-contained interactive SVG flame graph of a stack profile, drawn by memmon: the
 * root at the bottom, each frame as wide as its share of the value (the report's numbers);
 * hovering a frame shows its function, file:line, value and share, a click zooms into it,
 * the search box highlights the frames whose names match. No external script or font. */
#ifndef MEMMON_FLAMEGRAPH_SVG_H
#define MEMMON_FLAMEGRAPH_SVG_H
#include "output/stack_profile.h"
#include <stdio.h>

/* Widths from sample type value_index. 0, or -1 (errno set). */
int flamegraph_svg_write(const struct stack_profile *p, FILE *out, int value_index,
			 const char *title);

#endif
