#include "proc/proc_file.h"
#include "proc/proc_vmstat.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const struct {
	const char *key;
	size_t offset;
} keys[] = {
#define K(f) { #f, offsetof(struct vmstat, f) }
	K(pgfault), K(pgmajfault), K(pswpin), K(pswpout), K(pgpgin), K(pgpgout),
	K(pgscan_kswapd), K(pgscan_direct), K(pgsteal_kswapd), K(pgsteal_direct),
	K(compact_stall), K(compact_fail), K(compact_success), K(oom_kill),
#undef K
};

int vmstat_parse(const char *text, size_t len, struct vmstat *out)
{
	bool has_pgfault = false;
	memset(out, 0, sizeof(*out));
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p) {
			const char *sp = memchr(p, ' ', (size_t)(eol - p));
			if (!sp || sp == p || sp + 1 >= eol)
				return -EINVAL;
			uint64_t v = 0;
			for (const char *d = sp + 1; d < eol; d++) {
				if (*d < '0' || *d > '9' || v > (UINT64_MAX - 9) / 10)
					return -EINVAL;
				v = v * 10 + (uint64_t)(*d - '0');
			}
			size_t klen = (size_t)(sp - p);
			if (klen > 11 && memcmp(p, "allocstall_", 11) == 0)
				out->allocstall += v;
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				if (strlen(keys[i].key) == klen && memcmp(keys[i].key, p, klen) == 0) {
					*(uint64_t *)((char *)out + keys[i].offset) = v;
					has_pgfault |= i == 0;
					break;
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	return has_pgfault ? 0 : -EINVAL;
}

int vmstat_read(struct vmstat *out)
{
	struct text_buf buf = { 0 };
	int r = proc_read_file("/proc/vmstat", &buf);
	if (!r)
		r = vmstat_parse(buf.data, buf.len, out);
	text_buf_free(&buf);
	return r;
}
