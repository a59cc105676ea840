/* libFuzzer harness for the guard report and stats parsers (src/crash/guard_parse.c).
 * Built by `make fuzz-build`, run by `make fuzz` (tests/fuzz/run.sh). The unit test
 * tests/unit/crash/test_guard_parse.c runs a mutation loop in every test run. */
// fuzz-sources: src/crash/guard_parse.c
#include "crash/guard_parse.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guard_report r;
	if (guard_report_parse((const char *)data, size, &r) == 0) {
		/* what callers rely on */
		if (r.fault.n > GUARD_REPORT_STACK || r.alloc.n > GUARD_REPORT_STACK ||
		    r.free.n > GUARD_REPORT_STACK || !r.pid || !r.tid || !memchr(r.kind, 0, sizeof(r.kind)))
			__builtin_trap();
		if (r.maps && (r.maps < (const char *)data || r.maps + r.maps_len != (const char *)data + size))
			__builtin_trap();
	}
	unsigned long g, f;
	guard_stats_parse((const char *)data, size, &g, &f);
	return 0;
}
