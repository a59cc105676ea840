/* C++ names in stacks: the demangling cache, and the symbolizer giving demangled names
 * with the raw one beside them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "symbols/demangle.h"
#include "symbols/symbolize.h"

static void test_demangle_names(void **state)
{
	(void)state;
	struct demangler *d = demangler_new();
	assert_non_null(d);
	assert_string_equal(demangle(d, "_ZN5Cache4fillEi"), "Cache::fill(int)");
	assert_string_equal(demangle(d, "_Znwm"), "operator new(unsigned long)");
	assert_string_equal(demangle(d, "_ZnamSt11align_val_tRKSt9nothrow_t"),
			    "operator new[](unsigned long, std::align_val_t, std::nothrow_t const&)");
	assert_string_equal(demangle(d, "_ZN12_GLOBAL__N_14pool8allocateEm"),
			    "(anonymous namespace)::pool::allocate(unsigned long)");
	assert_string_equal(demangle(d, "_ZN3Foo3barEi.cold"), "Foo::bar(int) [clone .cold]");
	/* not mangled, or not valid: the name itself, the same pointer */
	const char *c_names[] = { "malloc", "i", "f", "_GLOBAL__sub_I_main", "_Zfoo", "_Z", "" };
	for (size_t i = 0; i < sizeof(c_names) / sizeof(c_names[0]); i++)
		assert_ptr_equal(demangle(d, c_names[i]), c_names[i]);
	assert_null(demangle(d, NULL));
	const char *nw = "_Znwm";
	assert_ptr_equal(demangle(NULL, nw), nw); /* no cache: names pass through */
	demangler_free(d);
	demangler_free(NULL);
}

/* The cache answers by the name's text (the same name comes from different string tables)
 * and keeps its answers valid while it grows. */
static void test_demangle_cache(void **state)
{
	(void)state;
	struct demangler *d = demangler_new();
	char a[] = "_ZN5Cache4growEi", b[] = "_ZN5Cache4growEi";
	const char *first = demangle(d, a);
	assert_string_equal(first, "Cache::grow(int)");
	assert_ptr_equal(demangle(d, b), first);
	char id[32], name[64];
	for (int i = 0; i < 5000; i++) { /* many rehashes */
		snprintf(id, sizeof(id), "f%d", i);
		snprintf(name, sizeof(name), "_Z%zu%sv", strlen(id), id);
		demangle(d, name);
	}
	assert_ptr_equal(demangle(d, a), first);
	assert_string_equal(first, "Cache::grow(int)");
	assert_string_equal(demangle(d, "_Z5f4321v"), "f4321()");
	demangler_free(d);
}

/* End to end: a libstdc++ function in this very process resolves to its demangled name,
 * with the raw name kept in "mangled"; a C function has no mangled form. */
static void test_symbolizer_demangles(void **state)
{
	(void)state;
	void *fn = dlsym(RTLD_DEFAULT, "_ZSt15get_new_handlerv");
	if (!fn)
		skip();
	struct symbolizer *s = symbolizer_new();
	struct sym_frame fr[SYM_MAX_INLINE];
	int n = symbolize_user(s, getpid(), (uint64_t)(uintptr_t)fn, false, fr, SYM_MAX_INLINE);
	assert_int_equal(n, 1);
	assert_string_equal(fr[0].symbol, "std::get_new_handler()");
	assert_string_equal(fr[0].mangled, "_ZSt15get_new_handlerv");
	assert_int_equal(fr[0].offset, 0);
	char buf[256];
	sym_frame_format(&fr[0], buf, sizeof(buf));
	assert_non_null(strstr(buf, "std::get_new_handler()+0x0"));
	struct json_object *j = sym_frame_json(&fr[0]);
	assert_string_equal(json_object_get_string(json_object_object_get(j, "symbol")),
			    "std::get_new_handler()");
	assert_string_equal(json_object_get_string(json_object_object_get(j, "mangled")),
			    "_ZSt15get_new_handlerv");
	json_object_put(j);

	n = symbolize_user(s, getpid(), (uint64_t)(uintptr_t)&test_demangle_names, false, fr,
			   SYM_MAX_INLINE);
	assert_string_equal(fr[n - 1].symbol, "test_demangle_names");
	assert_null(fr[n - 1].mangled);
	j = sym_frame_json(&fr[n - 1]);
	struct json_object *m = NULL;
	assert_true(json_object_object_get_ex(j, "mangled", &m)); /* present, null */
	assert_null(m);
	json_object_put(j);
	symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demangle_names),
		cmocka_unit_test(test_demangle_cache),
		cmocka_unit_test(test_symbolizer_demangles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
