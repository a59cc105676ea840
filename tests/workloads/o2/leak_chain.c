/* Built -O2 without frame pointers, as distributions build: leaks through glibc, which has
 * none either. main -> load_config -> parse_section -> intern_key -> copy_name -> strdup
 * leaks 100 copies of "section.key" (12 bytes each); main -> open_logs -> open_one ->
 * fopen leaks 10 FILE objects (never closed). Each function is kept out of line and does
 * work after its call, so no call becomes a tail jump and every frame is real. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int keep;

__attribute__((noinline)) char *copy_name(const char *s)
{
	char *p = strdup(s); /* STRDUP_LINE */
	keep += p[0];
	return p;
}

__attribute__((noinline)) char *intern_key(const char *s)
{
	char *p = copy_name(s); /* INTERN_LINE */
	keep += p[1];
	return p;
}

__attribute__((noinline)) char *parse_section(const char *s)
{
	char *p = intern_key(s); /* PARSE_LINE */
	keep += p[2];
	return p;
}

__attribute__((noinline)) void load_config(int n)
{
	for (int i = 0; i < n; i++)
		keep += parse_section("section.key")[3]; /* LOAD_LINE */
}

__attribute__((noinline)) FILE *open_one(const char *path)
{
	FILE *f = fopen(path, "r"); /* FOPEN_LINE */
	keep += f != NULL;
	return f;
}

__attribute__((noinline)) void open_logs(int n)
{
	for (int i = 0; i < n; i++)
		keep += open_one("/proc/self/status") != NULL; /* OPEN_LOGS_LINE */
}

int main(void)
{
	load_config(100); /* MAIN_CONFIG_LINE */
	open_logs(10);    /* MAIN_LOGS_LINE */
	return keep == 12345;
}
