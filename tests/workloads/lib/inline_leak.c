/* Built -O2 by test_leak_review: two levels of inlining into outer(). */
#include <stdlib.h>

void *keep[64];

static inline void *inner(int n)
{
	return malloc(n); /* INNER_LINE */
}

static inline void *middle(int n)
{
	return inner(n * 2); /* MIDDLE_LINE */
}

__attribute__((noinline)) void outer(int i)
{
	keep[i] = middle(i + 100); /* OUTER_LINE */
}

int main(void)
{
	for (int i = 0; i < 50; i++)
		outer(i % 64);
	return keep[3] == NULL;
}
