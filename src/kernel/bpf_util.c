#include "core/cli.h"
#include "kernel/bpf_util.h"
#include "kernel/kernel_paths.h"
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf is chatty; its details matter only when debugging memmon itself. */
	if (level == LIBBPF_DEBUG || !getenv("MEMMON_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int bpf_preflight(const char *cmd)
{
	libbpf_set_print(libbpf_print);
	if (geteuid() != 0) {
		fprintf(stderr, "memmon %s: needs CAP_BPF and CAP_PERFMON: run as root\n", cmd);
		return EXIT_RUNTIME;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		fprintf(stderr, "memmon %s: no kernel BTF at /sys/kernel/btf/vmlinux: "
				"needs a kernel built with CONFIG_DEBUG_INFO_BTF (Linux 5.8 or later, "
				"as Debian 11+ ships)\n", cmd);
		return EXIT_RUNTIME;
	}
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	    (major < 5 || (major == 5 && minor < 8))) {
		fprintf(stderr, "memmon %s: needs Linux 5.8 or later (BPF ring buffer, CAP_BPF); "
				"this kernel is %s\n", cmd, u.release);
		return EXIT_RUNTIME;
	}
	return 0;
}

int bpf_require_find_vma(const char *cmd)
{
	if (kernel_btf_has_enum_value("bpf_func_id", "BPF_FUNC_find_vma"))
		return 0;
	fprintf(stderr, "memmon %s: this kernel lacks the bpf_find_vma helper (Linux 5.17 or "
			"later), which finds the mapping of a faulting or returning address\n", cmd);
	return EXIT_RUNTIME;
}

int bpf_ensure_bpffs(const char *cmd)
{
	struct statfs st;
	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL) != 0) {
		fprintf(stderr, "memmon %s: cannot mount bpffs at /sys/fs/bpf: %s "
				"(mount -t bpf bpf /sys/fs/bpf)\n", cmd, strerror(errno));
		return -1;
	}
	return 0;
}

#define BPF_STATS_LOG 4096 /* level 4 prints a few lines of statistics, nothing else */

void bpf_load_stats_prepare(struct bpf_object *obj)
{
	if (!getenv("MEMMON_BPF_STATS"))
		return;
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__autoload(p))
			continue;
		char *buf = calloc(1, BPF_STATS_LOG);
		if (!buf || bpf_program__set_log_buf(p, buf, BPF_STATS_LOG)) {
			free(buf);
			continue;
		}
		bpf_program__set_log_level(p, 4 /* BPF_LOG_STATS */);
	}
}

void bpf_load_stats_print(const char *cmd, struct bpf_object *obj)
{
	if (!getenv("MEMMON_BPF_STATS"))
		return;
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) {
		size_t size = 0;
		char *buf = (char *)bpf_program__log_buf(p, &size);
		if (!buf)
			continue;
		const char *line = strstr(buf, "processed ");
		if (line && bpf_program__fd(p) >= 0)
			fprintf(stderr, "memmon %s: verifier: %s %.*s\n", cmd, bpf_program__name(p),
				(int)strcspn(line, "\n"), line);
		bpf_program__set_log_buf(p, NULL, 0);
		free(buf);
	}
}

int bpf_fail(const char *cmd, const char *what, int err)
{
	if (err < 0)
		err = -err;
	fprintf(stderr, "memmon %s: %s failed: %s", cmd, what, strerror(err));
	if (err == E2BIG && strstr(what, "loading"))
		fprintf(stderr, " (this kernel's verifier gave up on a program as too complex: "
				"please report it with the kernel's version, uname -r; MEMMON_DEBUG=1 "
				"shows the verifier's log)");
	else if ((err == EPERM || err == EACCES) && geteuid() == 0)
		fprintf(stderr, " (the kernel's verifier or a security policy refused it: "
				"MEMMON_DEBUG=1 shows the verifier's log)");
	else if (err == EPERM || err == EACCES)
		fprintf(stderr, " (needs CAP_BPF and CAP_PERFMON: run as root)");
	fprintf(stderr, "\n");
	return EXIT_RUNTIME;
}
