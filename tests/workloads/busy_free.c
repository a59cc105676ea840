/* malloc(16)/free forever: a flood of frees for tracers to keep up with. */
#include <stdlib.h>

void *volatile sink;

int main(void)
{
	for (;;) {
		sink = malloc(16);
		free(sink);
	}
}
