/* The symbolizer every command shares (elfutils libdwfl).
 * User addresses resolve through the process's modules, captured from /proc/PID/maps while
 * the process lives and kept afterwards, so stacks of exited processes still resolve.
 * Each file is opened offline once (DWARF, separate debuginfo by build-id, .gnu_debugdata);
 * kernel addresses resolve through /proc/kallsyms. Unresolved frames keep module+offset. */
#ifndef MEMMON_SYMBOLIZE_H
#define MEMMON_SYMBOLIZE_H
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct symbolizer;

struct sym_frame {
	uint64_t addr;          /* the address as captured */
	const char *module;     /* path or [kernel]/[module]; NULL if no mapping known */
	uint64_t module_offset; /* address relative to the module's ELF vaddrs */
	const char *symbol;     /* function (for inlined frames: the inlined function), C++
				 * names demangled */
	const char *mangled;    /* the raw name when symbol is a demangled C++ name, else NULL */
	uint64_t offset;        /* addr - symbol start; 0 for inlined frames */
	const char *file;       /* source file or NULL */
	int line;               /* 0 if unknown */
	bool inlined;           /* this frame was inlined into the next one */
};

#define SYM_MAX_INLINE 8

struct symbolizer *symbolizer_new(void);
void symbolizer_free(struct symbolizer *s);

/* Reads /proc/PID/maps and remembers new file mappings. Returns 0 or -errno
 * (-ESRCH when the process is gone: what was captured before stays usable). */
int symbolizer_capture_pid(struct symbolizer *s, pid_t pid);
/* Adds one file mapping of pid learned elsewhere (e.g. from a BPF probe that saw the
 * process fault in its code), for processes gone before /proc/PID/maps could be read.
 * pgoff in bytes. Returns 0 or -ENOMEM. */
int symbolizer_add_mapping(struct symbolizer *s, pid_t pid, uint64_t start, uint64_t end,
			   uint64_t pgoff, const char *path);
/* Same from text in /proc/PID/maps format (e.g. a copy a process wrote of its own maps
 * before dying). Returns 0. */
int symbolizer_capture_maps(struct symbolizer *s, pid_t pid, FILE *maps);
/* True if file mappings of pid were captured (an exiting process's maps read empty). */
bool symbolizer_knows_pid(struct symbolizer *s, pid_t pid);
/* True if addr lies in a file mapping captured for pid (no counting, no re-capture). */
bool symbolizer_maps_addr(struct symbolizer *s, pid_t pid, uint64_t addr);
/* Gives `to` the modules known for `from` (a forked child starts with its parent's
 * mappings). Returns 0 or -ENOMEM. */
int symbolizer_copy_pid(struct symbolizer *s, pid_t from, pid_t to);
/* Forgets a pid's modules (e.g. after exec replaced its image). */
void symbolizer_forget_pid(struct symbolizer *s, pid_t pid);

/* Resolves addr into up to max frames, innermost inlined frame first, the containing
 * function last. return_addr: addr is a return address, so source lines are looked up at
 * addr-1 (the call instruction). Strings stay owned by the symbolizer. Returns >= 1. */
int symbolize_user(struct symbolizer *s, pid_t pid, uint64_t addr, bool return_addr,
		   struct sym_frame *out, int max);
int symbolize_kernel(struct symbolizer *s, uint64_t addr, bool return_addr,
		     struct sym_frame *out, int max);

/* Counts of frames resolved to a symbol vs left as module+offset or bare address. */
struct sym_stats {
	uint64_t frames, unresolved;
};
struct sym_stats symbolizer_stats(const struct symbolizer *s);

/* "func+0x1a (file.c:12) [module]" or "module+0x1234" or "0x7f..." */
void sym_frame_format(const struct sym_frame *f, char *buf, size_t n);
/* {"addr","symbol","mangled","offset","file","line","module","module_offset","inlined"} */
struct json_object *sym_frame_json(const struct sym_frame *f);

/* Whole stacks: ips[0] is the innermost frame. user stacks need pid; kernel ones pid=0.
 * all_return_addrs: every ip is a return address (true for memmon's allocator stacks). */
void stack_print(struct symbolizer *s, FILE *out, pid_t pid, bool kernel, const uint64_t *ips,
		 int n, bool all_return_addrs, const char *indent);
struct json_object *stack_json(struct symbolizer *s, pid_t pid, bool kernel, const uint64_t *ips,
			       int n, bool all_return_addrs);

#endif
