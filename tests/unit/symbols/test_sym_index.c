/* symbols/sym_index.c answers as libdwfl's dwfl_module_addrinfo does, on every Nth address of
 * the code of real files: this test binary (a full .symtab, locals, _init without a size),
 * the loader (symbols from its separate debug file when installed, padding between
 * sections), libc and libstdc++ (aliases: weak and global names of one function). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "symbols/sym_index.h"

static char *debuginfo_path = "/usr/lib/debug";
static const Dwfl_Callbacks callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.find_elf = dwfl_build_id_find_elf,
	.debuginfo_path = &debuginfo_path,
};

/* Compares the two on every stride-th address of the file's executable segments; returns
 * how many were compared. */
static long compare_file(const char *path, long stride)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		print_message("  %s: not here, left out\n", path);
		return 0;
	}
	Dwfl *dwfl = dwfl_begin(&callbacks);
	dwfl_report_begin(dwfl);
	Dwfl_Module *mod = dwfl_report_offline(dwfl, path, path, fd);
	dwfl_report_end(dwfl, NULL, NULL);
	assert_non_null(mod);
	GElf_Addr bias = 0;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	assert_non_null(elf);
	struct sym_index *x = sym_index_build(mod);
	assert_non_null(x);
	size_t nph = 0;
	assert_int_equal(elf_getphdrnum(elf, &nph), 0);
	long compared = 0, named = 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		for (uint64_t v = ph.p_vaddr; v < ph.p_vaddr + ph.p_memsz; v += (uint64_t)stride) {
			GElf_Off want_off = 0;
			GElf_Sym sym;
			const char *want = dwfl_module_addrinfo(mod, v + bias, &want_off, &sym, NULL,
								NULL, NULL);
			uint64_t got_off = 0;
			const char *got = sym_index_find(x, v + bias, &got_off);
			if ((want == NULL) != (got == NULL) || (want && strcmp(want, got)) ||
			    (want && want_off != got_off))
				fail_msg("%s+%#lx: libdwfl says %s+%#lx, the index %s+%#lx", path,
					 (unsigned long)v, want ? want : "(none)",
					 (unsigned long)want_off, got ? got : "(none)",
					 (unsigned long)got_off);
			compared++;
			named += want != NULL;
		}
	}
	assert_true(named > 0);
	sym_index_free(x);
	dwfl_end(dwfl);
	return compared;
}

static void test_this_binary(void **state)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = 0;
	assert_true(compare_file(self, 2) > 1000);
}

static void test_loader(void **state)
{
	assert_true(compare_file("/lib64/ld-linux-x86-64.so.2", 5) > 10000);
}

static void test_libraries(void **state)
{
	assert_true(compare_file("/lib/x86_64-linux-gnu/libc.so.6", 211) > 5000);
	compare_file("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", 211);
	compare_file("/usr/bin/perl", 211);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_this_binary),
		cmocka_unit_test(test_loader),
		cmocka_unit_test(test_libraries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
