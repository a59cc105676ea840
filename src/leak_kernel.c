#include "leak.h"
#include <stdio.h>
int leak_kernel_run(const struct leak_opts *o)
{
	fprintf(stderr, "memmon leak: --kernel not built yet\n");
	return EXIT_RUNTIME;
}
