#include "symbols/stack_trim.h"
#include "symbols/symbolize.h"

/* x86-64 user space ends below 2^47; the first page is never mapped. */
#define USER_ADDR_LIMIT 0x800000000000ULL

int stack_trim_user(struct symbolizer *s, pid_t pid, const uint64_t *ips, int n)
{
	if (n <= 1)
		return n;
	bool known = symbolizer_knows_pid(s, pid);
	for (int i = 1; i < n; i++) {
		if (ips[i] < 4096 || ips[i] >= USER_ADDR_LIMIT)
			return i;
		if (known && !symbolizer_maps_addr(s, pid, ips[i])) {
			/* maybe mapped since the last capture (dlopen): look once more */
			symbolizer_capture_pid(s, pid);
			if (!symbolizer_maps_addr(s, pid, ips[i]))
				return i;
		}
	}
	return n;
}
