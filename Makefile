# memmon build. `make` builds build/memmon; `make test` runs all tests (see scripts/test.sh);
# `make fuzz` builds and runs every libFuzzer harness of tests/fuzz.
#
# The tree (docs/DESIGN.md): src/main.c and src/commands.def (the command table) over one
# folder per command family and the shared layers (core, kernel, symbols, proc). Every
# src/DIR/*.c is a user-space unit of libmemmon.a; every src/DIR/NAME.bpf.c becomes a CO-RE
# object and the skeleton build/DIR/NAME.skel.h (included as "DIR/NAME.skel.h"), so adding
# a command, a file or a probe set needs no Makefile edit.

CC       ?= gcc
CXX      ?= g++
CLANG    ?= clang
BPFTOOL  ?= bpftool
BUILD    ?= build
VERSION  := 0.1.0

SAN      ?=
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
# WERROR=1 (scripts/test.sh) turns every warning into an error.
WERROR   ?=
ifeq ($(WERROR),1)
WERRFLAGS := -Werror
endif

# CFLAGS may be given on the command line (optimisation, debug); what memmon needs to build
# lives in MEMMON_CFLAGS so it is never lost. -MMD -MP: each object depends on the headers it
# really includes (build/**/*.d).
CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 -Wmissing-prototypes \
            -Wstrict-prototypes -Wold-style-definition
MEMMON_CFLAGS := $(WARNINGS) $(WERRFLAGS) -std=gnu11 -D_GNU_SOURCE -DMEMMON_VERSION='"$(VERSION)"' \
            -I$(BUILD) -Isrc -MMD -MP $(SANFLAGS)
# libstdc++ for __cxa_demangle (C++ names in stacks, src/symbols/demangle.c)
LDLIBS   += -lbpf -lelf -ldw -lz -ljson-c -lm -lstdc++ -lprotobuf-c -lmicrohttpd -lpthread
override LDFLAGS += $(SANFLAGS)

ARCH     := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
BPF_SRCS := $(wildcard src/*/*.bpf.c)
BPF_OBJS := $(patsubst src/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS    := $(patsubst src/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
# src/crash/preload/ is the LD_PRELOAD library, built apart (one level deeper, so not here).
SRCS     := src/main.c $(filter-out %.bpf.c,$(wildcard src/*/*.c))
OBJS     := $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))
# src/DIR/NAME.proto (pprof's profile.proto) -> build/DIR/NAME.pb-c.{c,h} by protoc-c
PROTOS   := $(wildcard src/*/*.proto)
PROTO_HS := $(patsubst src/%.proto,$(BUILD)/%.pb-c.h,$(PROTOS))
LIB_OBJS += $(patsubst src/%.proto,$(BUILD)/%.pb-c.o,$(PROTOS))
LIB      := $(BUILD)/libmemmon.a

UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(addprefix $(BUILD)/tests/,$(notdir $(UNIT_SRCS:.c=)))
WORKLOAD_SRCS := $(wildcard tests/workloads/*.c)
# tests/workloads/o2/: built as distributions build code, -O2 without frame pointers
O2_WORKLOADS := $(patsubst tests/workloads/o2/%.c,$(BUILD)/workloads/o2/%,$(wildcard tests/workloads/o2/*.c)) \
                $(patsubst tests/workloads/o2/%.cc,$(BUILD)/workloads/o2/%,$(wildcard tests/workloads/o2/*.cc))
WORKLOAD_CXX_SRCS := $(wildcard tests/workloads/*.cc)
WORKLOADS := $(patsubst tests/workloads/%.c,$(BUILD)/workloads/%,$(WORKLOAD_SRCS)) \
             $(patsubst tests/workloads/%.cc,$(BUILD)/workloads/%,$(WORKLOAD_CXX_SRCS)) \
             $(patsubst tests/workloads/%.cc,$(BUILD)/workloads/%-static-libstdc++,$(WORKLOAD_CXX_SRCS)) \
             $(O2_WORKLOADS)

.PHONY: all clean test unit workloads fuzz fuzz-build
all: $(BUILD)/memmon $(BUILD)/memmon-demo $(BUILD)/libmemmon_guard.so workloads

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/%.bpf.o: src/%.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Isrc -MMD -MP -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# Skeletons come first (order only): which object includes which is in its .d file.
$(BUILD)/%.o: src/%.c | $(SKELS) $(PROTO_HS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(MEMMON_CFLAGS) -c $< -o $@

$(BUILD)/%.pb-c.c $(BUILD)/%.pb-c.h: src/%.proto
	@mkdir -p $(@D)
	protoc-c --proto_path=src --c_out=$(BUILD) $<
# generated code: compiled without memmon's warnings
$(BUILD)/%.pb-c.o: $(BUILD)/%.pb-c.c
	$(CC) $(CFLAGS) -std=gnu11 -I$(BUILD) $(SANFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/memmon: $(BUILD)/main.o $(LIB)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# The demo workload of the README: the classic fibonacci leak.
$(BUILD)/memmon-demo: demo/fibonacci_leak.c
	@mkdir -p $(@D)
	$(CC) -O0 -g -fno-omit-frame-pointer -pthread $< -o $@

# Workloads are built without optimisation and with frame pointers so that tests can name
# exact functions and lines.
$(BUILD)/workloads/%: tests/workloads/%.c
	@mkdir -p $(@D)
	$(CC) -O0 -g -fno-omit-frame-pointer -pthread -Wall $< -o $@ -lm

# C++ workloads, the same way; each also linked with -static-libstdc++ (operator new then
# lives in the executable).
$(BUILD)/workloads/%: tests/workloads/%.cc
	@mkdir -p $(@D)
	$(CXX) -O0 -g -fno-omit-frame-pointer -pthread -Wall $< -o $@ -lm
$(BUILD)/workloads/%-static-libstdc++: tests/workloads/%.cc
	@mkdir -p $(@D)
	$(CXX) -O0 -g -fno-omit-frame-pointer -pthread -Wall -static-libstdc++ $< -o $@ -lm

# The same programs as users' code is built: -O2 and no frame pointers (gcc's default at
# -O2 on x86-64), with debug info for file:line.
$(BUILD)/workloads/o2/%: tests/workloads/o2/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -fomit-frame-pointer -pthread -Wall $< -o $@ -lm
$(BUILD)/workloads/o2/%: tests/workloads/o2/%.cc
	@mkdir -p $(@D)
	$(CXX) -O2 -g -fomit-frame-pointer -pthread -Wall $< -o $@ -lm

workloads: $(WORKLOADS)

# A unit test links libmemmon.a: only the objects it uses come in. test_X.c may have an
# assembly fixture beside it, test_X_fixture.S, linked in (code with exact call frame rules).
define unit_rule
$(BUILD)/tests/$(notdir $(1:.c=)): $(1) $(wildcard $(1:.c=_fixture.S)) $(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(MEMMON_CFLAGS) -Itests/unit $$< $(wildcard $(1:.c=_fixture.S)) $(LIB) -o $$@ $$(LDFLAGS) $$(LDLIBS) -lcmocka
endef
$(foreach t,$(UNIT_SRCS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)

test: all unit
	scripts/run-tests.sh $(BUILD)

# Every libFuzzer harness tests/fuzz/fuzz_*.c, built with clang against the sources it names
# in its "// fuzz-sources:" line; `make fuzz` runs each for FUZZ_SECONDS (tests/fuzz/run.sh).
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 30
$(BUILD)/fuzz/%: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_GNU_SOURCE -Isrc -MMD -MP $< $(shell sed -n 's|^// fuzz-sources: *||p' $<) -o $@
fuzz-build: $(FUZZ_BINS)
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)

clean:
	rm -rf $(BUILD) build-asan

# libmemmon_guard.so: the guard-page allocator `memmon guard` preloads into programs. Its
# sources live in src/crash/preload/ so they are not linked into memmon itself. Never built
# with sanitizers (it is preloaded into uninstrumented programs); frame pointers keep stacks
# through it walkable.
GUARD_SRCS := $(wildcard src/crash/preload/*.c)
$(BUILD)/libmemmon_guard.so: $(GUARD_SRCS) $(wildcard src/crash/preload/*.h)
	@mkdir -p $(@D)
	$(CC) -O2 -g -fPIC -shared -fvisibility=hidden -fno-omit-frame-pointer -Wall -Wextra -Wshadow \
		$(WERRFLAGS) -std=gnu11 -D_GNU_SOURCE -Isrc $(GUARD_SRCS) -o $@ -ldl -lpthread -lm

-include $(OBJS:.o=.d) $(BPF_OBJS:.o=.d) $(wildcard $(BUILD)/tests/*.d) $(wildcard $(BUILD)/fuzz/*.d)

# libmemmon_heap.so: the allocator wrappers `memmon heap -- PROGRAM` preloads (src/heap/preload/,
# built apart like the guard's). Frame pointers: the wrappers find their caller's frame by them.
# -fno-plt: glibc's __libc_malloc and __libc_free are called through the GOT, not a PLT stub
# (one jump less on every call, sampled mode's whole fast path).
HEAP_LIB_SRCS := $(wildcard src/heap/preload/*.c)
$(BUILD)/libmemmon_heap.so: $(HEAP_LIB_SRCS) $(wildcard src/heap/preload/*.h) src/heap/heap_shm.h
	@mkdir -p $(@D)
	$(CC) -O2 -g -fPIC -shared -fvisibility=hidden -fno-omit-frame-pointer -fno-plt -Wall -Wextra -Wshadow \
		$(WERRFLAGS) -std=gnu11 -D_GNU_SOURCE -Isrc $(HEAP_LIB_SRCS) -o $@ -ldl -lpthread -lm
all: $(BUILD)/libmemmon_heap.so
