/* Built -O2 without frame pointers: unbounded recursion in descend() overflows the stack
 * (SIGSEGV on the guard page). The recursion does work after the call, so it is not turned
 * into a loop; each frame holds a 256-byte buffer. segv must name descend. */
#include <stdio.h>
#include <string.h>

static volatile int keep;

__attribute__((noinline)) int descend(int depth)
{
	char buf[256];
	memset(buf, depth, sizeof(buf));
	keep += buf[depth & 255];
	return descend(depth + 1) + buf[(depth * 7) & 255]; /* RECURSE_LINE */
}

int main(void)
{
	return descend(0);
}
