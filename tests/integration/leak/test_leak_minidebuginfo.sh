#!/usr/bin/env bash
# A stripped library whose only symbols for static functions are in .gnu_debugdata
# (MiniDebugInfo, as Fedora ships system libraries) still resolves by name; with that
# section removed, the frame prints as module+offset, never as a bare address.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v xz >/dev/null || fail "xz missing (scripts/setup.sh installs xz-utils)"
L="$MEMMON_ROOT/tests/workloads/lib"
cd "$TMPD"
gcc -shared -fPIC -O0 -fno-omit-frame-pointer "$L/mdi_lib.c" -o libmdi.so
gcc -O0 -fno-omit-frame-pointer "$L/mdi_main.c" -o mdi_main -L. -lmdi -Wl,-rpath,"$TMPD"
# the function symbols that are not exported go into the compressed mini symbol table
nm -D libmdi.so --format=posix --defined-only | awk '{print $1}' | sort >dynsyms
nm libmdi.so --format=posix --defined-only | awk '$2 ~ /^[Tt]$/ {print $1}' | sort >funcsyms
comm -13 dynsyms funcsyms >keep
grep -qx hidden_leaker keep || fail "hidden_leaker not among the static functions"
objcopy --only-keep-debug libmdi.so full.debug
objcopy -S --remove-section .gdb_index --remove-section .comment --keep-symbols=keep full.debug mini
xz -f mini
cp libmdi.so libmdi.full.so
strip --strip-all libmdi.so
cp libmdi.so libmdi.bare.so
objcopy --add-section .gnu_debugdata=mini.xz libmdi.so
nm libmdi.so 2>&1 | grep -q hidden_leaker && fail "library was not stripped"

"$MEMMON" leak --json -- ./mdi_main >out.json 2>err || fail "leak failed: $(cat err)"
assert_eq "$(jq -r 'select(.type=="leak_stack" and .bytes==5439) | [.count, .frames[0].symbol, .frames[1].symbol, .frames[2].symbol] | @tsv' out.json)" \
	"$(printf '7\thidden_leaker\tmdi_entry\tmain')" "minidebuginfo frames"

cp libmdi.bare.so libmdi.so
"$MEMMON" leak --json -- ./mdi_main >bare.json 2>err || fail "leak failed: $(cat err)"
assert_eq "$(jq -r 'select(.type=="leak_stack" and .bytes==5439) | [(.frames[0].symbol // "null"), (.frames[0].module | split("/") | last), (.frames[0].module_offset > 0), .frames[1].symbol] | @tsv' bare.json)" \
	"$(printf 'null\tlibmdi.so\ttrue\tmdi_entry')" "no symbols: module+offset"
"$MEMMON" leak -- ./mdi_main >bare.txt 2>&1
grep -A1 "^5439 bytes in 7 allocations" bare.txt | tail -1 >first
grep -Eq '^    libmdi\.so\+0x[0-9a-f]+$' first || { cat bare.txt; fail "text frame is not module+offset: $(cat first)"; }
echo ok
