/* Folded stacks (Brendan Gregg's stackcollapse format): one line per distinct stack, its
 * frames root first joined by ';', then a space and the value: "main;leak_pages 409600".
 * Inlined calls are frames of their own; samples whose frames read alike are summed. */
#ifndef MEMMON_FOLDED_WRITE_H
#define MEMMON_FOLDED_WRITE_H
#include "output/stack_profile.h"
#include <stdio.h>

/* The value of sample type value_index. 0, or -1 (errno set). */
int folded_write(const struct stack_profile *p, FILE *out, int value_index);
/* The folded text of sample i (no value) into buf; false if it did not fit. */
bool folded_stack(const struct stack_profile *p, size_t i, char *buf, size_t n);

#endif
