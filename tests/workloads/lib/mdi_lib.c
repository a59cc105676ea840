/* A shared library for the MiniDebugInfo test: built, stripped, and given only a
 * .gnu_debugdata section by the test, so its static function has no symbol but there. */
#include <stdlib.h>

void *volatile mdi_sink;

__attribute__((noinline)) static void hidden_leaker(int n)
{
	for (int i = 0; i < n; i++)
		mdi_sink = malloc(777);
}

void mdi_entry(int n)
{
	hidden_leaker(n);
}
