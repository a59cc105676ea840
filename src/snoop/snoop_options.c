#include "snoop/snoop_options.h"
#include <unistd.h>

int snoop_buffer_size_option(const char *arg, void *dest)
{
	unsigned long long size;
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	if (cli_parse_size(arg, &size) || size < page || size > (1ULL << 32) || (size & (size - 1)))
		return -1;
	*(unsigned long long *)dest = size;
	return 0;
}
