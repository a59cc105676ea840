# memmon build. `make` builds build/memmon; `make test` runs all tests (see scripts/test.sh).
# Every src/*.c is a user-space unit; every src/bpf/*.bpf.c becomes a CO-RE object and a
# skeleton build/<name>.skel.h, so adding a command or a probe set needs no Makefile edit.

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

# CFLAGS may be given on the command line (optimisation, debug); what memmon needs to build
# lives in MEMMON_CFLAGS so it is never lost.
CFLAGS   ?= -O2 -g
MEMMON_CFLAGS := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 -std=gnu11 \
            -D_GNU_SOURCE -DMEMMON_VERSION='"$(VERSION)"' -I$(BUILD) -Isrc $(SANFLAGS)
# libstdc++ for __cxa_demangle (C++ names in stacks, src/demangle.c)
LDLIBS   += -lbpf -lelf -ldw -lz -ljson-c -lm -lstdc++
override LDFLAGS += $(SANFLAGS)

ARCH     := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
BPF_SRCS := $(wildcard src/bpf/*.bpf.c)
BPF_OBJS := $(patsubst src/bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS    := $(patsubst src/bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
SRCS     := $(wildcard src/*.c)
OBJS     := $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
WORKLOAD_SRCS := $(wildcard tests/workloads/*.c)
WORKLOAD_CXX_SRCS := $(wildcard tests/workloads/*.cc)
WORKLOADS := $(patsubst tests/workloads/%.c,$(BUILD)/workloads/%,$(WORKLOAD_SRCS)) \
             $(patsubst tests/workloads/%.cc,$(BUILD)/workloads/%,$(WORKLOAD_CXX_SRCS)) \
             $(patsubst tests/workloads/%.cc,$(BUILD)/workloads/%-static-libstdc++,$(WORKLOAD_CXX_SRCS))

.PHONY: all clean test unit workloads
all: $(BUILD)/memmon $(BUILD)/memmon-demo workloads

$(BUILD):
	mkdir -p $(BUILD) $(BUILD)/tests $(BUILD)/workloads

$(BUILD)/vmlinux.h: | $(BUILD)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/%.bpf.o: src/bpf/%.bpf.c $(BUILD)/vmlinux.h $(wildcard src/bpf/*.h) $(wildcard src/*_event.h) | $(BUILD)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Isrc -Isrc/bpf -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) $(SKELS) | $(BUILD)
	$(CC) $(CFLAGS) $(MEMMON_CFLAGS) -c $< -o $@

$(BUILD)/memmon: $(OBJS)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# The demo workload of the README: the classic fibonacci leak.
$(BUILD)/memmon-demo: demo/fibonacci_leak.c | $(BUILD)
	$(CC) -O0 -g -fno-omit-frame-pointer -pthread $< -o $@

# Workloads are built without optimisation and with frame pointers so that tests can name
# exact functions and lines.
$(BUILD)/workloads/%: tests/workloads/%.c | $(BUILD)
	$(CC) -O0 -g -fno-omit-frame-pointer -pthread -Wall $< -o $@ -lm

# C++ workloads, the same way; each also linked with -static-libstdc++ (operator new then
# lives in the executable).
$(BUILD)/workloads/%: tests/workloads/%.cc | $(BUILD)
	$(CXX) -O0 -g -fno-omit-frame-pointer -pthread -Wall $< -o $@ -lm
$(BUILD)/workloads/%-static-libstdc++: tests/workloads/%.cc | $(BUILD)
	$(CXX) -O0 -g -fno-omit-frame-pointer -pthread -Wall -static-libstdc++ $< -o $@ -lm

workloads: $(WORKLOADS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)
	$(CC) $(CFLAGS) $(MEMMON_CFLAGS) $< $(LIB_OBJS) -o $@ $(LDFLAGS) $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

test: all unit
	scripts/run-tests.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan

# libmemmon_guard.so: the guard-page allocator `memmon guard` preloads into programs. Its
# sources live in src/guard/ so they are not linked into memmon itself. Never built with
# sanitizers (it is preloaded into uninstrumented programs); frame pointers keep stacks
# through it walkable.
GUARD_SRCS := $(wildcard src/guard/*.c)
$(BUILD)/libmemmon_guard.so: $(GUARD_SRCS) $(wildcard src/guard/*.h) | $(BUILD)
	$(CC) -O2 -g -fPIC -shared -fvisibility=hidden -fno-omit-frame-pointer -Wall -Wextra -Wshadow -std=gnu11 \
		-D_GNU_SOURCE -Isrc/guard $(GUARD_SRCS) -o $@ -ldl -lpthread -lm
all: $(BUILD)/libmemmon_guard.so
