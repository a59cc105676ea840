#include "core/json_out.h"
#include "crash/segv_print.h"
#include "symbols/stack_ends.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *sig_name(int sig)
{
	return sig == 7 ? "SIGBUS" : sig == 11 ? "SIGSEGV" : "signal";
}

const char *segv_recursing_function(struct symbolizer *sym, const struct segv_stack *st, int *count)
{
	const char *best = NULL;
	int n = st->n, best_n = 0;
	const char *names[SEGV_STACK_DEPTH];
	struct sym_frame fr[SYM_MAX_INLINE];
	for (int i = 0; i < n && i < SEGV_STACK_DEPTH; i++) {
		int k = symbolize_user(sym, st->pid, st->ips[i], i > 0, fr, SYM_MAX_INLINE);
		names[i] = fr[k - 1].symbol; /* the containing function, not an inlined one */
	}
	for (int i = 0; i < n; i++) {
		int c = 0;
		for (int j = 0; names[i] && j < n; j++)
			c += names[j] && !strcmp(names[i], names[j]);
		if (c > best_n) {
			best_n = c;
			best = names[i];
		}
	}
	*count = best_n;
	return best_n >= 3 ? best : NULL;
}

/* Frames, with runs of one repeated return address (recursion) folded into one line. */
static void print_stack(struct symbolizer *sym, const struct segv_event *e, const struct segv_stack *st)
{
	int n = st->n;
	struct sym_frame fr[SYM_MAX_INLINE];
	char buf[1024];
	for (int i = 0; i < n;) {
		int run = 1;
		while (i + run < n && st->ips[i + run] == st->ips[i])
			run++;
		int k = symbolize_user(sym, st->pid, st->ips[i], i > 0, fr, SYM_MAX_INLINE);
		for (int j = 0; j < k; j++) {
			fr[j].addr = st->raw[i];
			sym_frame_format(&fr[j], buf, sizeof(buf));
			if (run > 1 && j == k - 1)
				printf("    %s  (x%d)\n", buf, run);
			else
				printf("    %s\n", buf);
		}
		i += run;
	}
	if (e->nframes >= SEGV_STACK_DEPTH)
		printf("    ... (deeper frames not captured: at most %d)\n", SEGV_STACK_DEPTH);
	else if (e->nframes < 0)
		printf("    (user stack not captured: error %d)\n", e->nframes);
	else if (e->stack_end && e->stack_end != UWE_COMPLETE)
		printf("    [stack ends: %s]\n", unwind_end_name(e->stack_end));
}

/* stack_json, but showing the captured addresses */
static struct json_object *stack_array(struct symbolizer *sym, const struct segv_stack *st)
{
	struct json_object *arr = json_object_new_array();
	struct sym_frame fr[SYM_MAX_INLINE];
	for (int i = 0; i < st->n; i++) {
		int k = symbolize_user(sym, st->pid, st->ips[i], i > 0, fr, SYM_MAX_INLINE);
		for (int j = 0; j < k; j++) {
			fr[j].addr = st->raw[i];
			json_object_array_add(arr, sym_frame_json(&fr[j]));
		}
	}
	return arr;
}

/* The mapped file's full path ("..." first when cut short), or its name alone. */
static const char *mapping_file(const struct segv_event *e, char *buf, size_t n)
{
	if (!e->at.file_backed)
		return NULL;
	unsigned depth = e->at_path_depth < SEGV_MAP_PATH_DEPTH ? e->at_path_depth : SEGV_MAP_PATH_DEPTH;
	if (!depth)
		return e->at.file;
	size_t len = snprintf(buf, n, "%s", e->at_path_truncated ? "..." : "");
	for (int i = (int)depth - 1; i >= 0 && len < n; i--)
		len += snprintf(buf + len, n - len, "/%.*s", SEGV_NAME_LEN, e->at_path[i]);
	return buf;
}

static struct json_object *vma_json(const struct segv_event *e)
{
	const struct segv_vma *v = &e->at;
	char path[SEGV_MAP_PATH_DEPTH * (SEGV_NAME_LEN + 1) + 8];
	if (!v->found)
		return NULL;
	char perms[5];
	segv_perms(v, perms);
	struct json_object *o = json_object_new_object();
	json_add_addr(o, "start", v->start);
	json_add_addr(o, "end", v->end);
	json_add_str(o, "perms", perms);
	json_add_str(o, "file", mapping_file(e, path, sizeof(path)));
	return o;
}

static void print_json(struct symbolizer *sym, const struct segv_event *e, const struct segv_stack *st,
		       const struct segv_class *c, const char *words)
{
	struct json_object *o = json_record("segv_crash");
	json_add_str(o, "signal", sig_name(e->sig));
	json_add_str(o, "code", segv_code_name(e->sig, e->code));
	json_add_int(o, "pid", e->pid);
	json_add_int(o, "tid", e->tid);
	json_add_str(o, "comm", e->comm);
	json_add_int(o, "sender_pid", e->sender_pid);
	json_add_str(o, "what", segv_what_name(c->what));
	json_add_str(o, "description", words);
	if (e->from_fault) {
		json_add_addr(o, "addr", e->addr);
		json_add_addr(o, "ip", e->ip);
		json_add_addr(o, "sp", e->sp);
		json_add_str(o, "access", c->access);
		json_object_object_add(o, "mapping", vma_json(e));
		if (c->what == SEGV_WHAT_STACK_OVERFLOW) {
			int count;
			const char *fn = segv_recursing_function(sym, st, &count);
			json_add_addr(o, "stack_top", c->stack_top);
			json_add_u64(o, "stack_bytes", c->stack_bytes);
			json_add_bool(o, "main_thread_stack", c->main_stack);
			json_add_str(o, "recursing_function", fn);
			json_add_int(o, "recursing_frames", fn ? count : 0);
		}
		json_add_int(o, "frames_captured", st->n);
		json_add_str(o, "stack_end", e->stack_end ? unwind_end_key(e->stack_end) : "frame_pointers");
		json_object_object_add(o, "stack", stack_array(sym, st));
	}
	json_emit(o, stdout);
}

static void print_text(struct symbolizer *sym, const struct segv_event *e, const struct segv_stack *st,
		       const struct segv_class *c, const char *words)
{
	char ts[16];
	time_t now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	printf("%s %s (%s) pid %u (%s) thread %u: %s\n", ts, sig_name(e->sig),
	       segv_code_name(e->sig, e->code), e->pid, e->comm, e->tid, words);
	if (!e->from_fault) {
		fflush(stdout);
		return;
	}
	printf("  address 0x%" PRIx64 "  ip 0x%" PRIx64 "  sp 0x%" PRIx64 "\n", (uint64_t)e->addr,
	       (uint64_t)e->ip, (uint64_t)e->sp);
	if (c->what == SEGV_WHAT_STACK_OVERFLOW) {
		int count;
		const char *fn = segv_recursing_function(sym, st, &count);
		printf("  stack depth %" PRIu64 " bytes (%.1f MiB) at the overflow", c->stack_bytes,
		       c->stack_bytes / 1048576.0);
		if (fn)
			printf("; recursing function: %s (%d of %d frames captured)", fn, count, st->n);
		printf("\n");
	}
	printf("  user stack:\n");
	print_stack(sym, e, st);
	fflush(stdout);
}

void segv_print(struct symbolizer *sym, const struct segv_event *e, const struct segv_stack *st,
		bool json)
{
	struct segv_class c;
	char words[320];
	segv_classify(e, &c);
	segv_describe(e, &c, words, sizeof(words));
	if (json)
		print_json(sym, e, st, &c, words);
	else
		print_text(sym, e, st, &c, words);
}
