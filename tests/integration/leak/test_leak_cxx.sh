#!/usr/bin/env bash
# memmon leak on a C++ program: operator new and new[] are allocators of their own, so the
# first frame is the method that called new (demangled, at its line), not operator new.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS
SRC="$MEMMON_ROOT/tests/workloads"
line_of() { grep -n "$2" "$SRC/$1" | head -1 | cut -d: -f1; }
fill=$(line_of leak_cxx.cc FILL_LINE)
grow=$(line_of leak_cxx.cc GROW_LINE)
align=$(line_of leak_cxx.cc ALIGN_LINE)
spare=$(line_of leak_cxx.cc SPARE_LINE)
spare_call=$(line_of leak_cxx.cc SPARE_CALL_LINE)

# The workload's own leak stacks (first frame in the executable; not Cache::variants(),
# checked apart, nor, with -static-libstdc++, libstdc++'s own pool), as
# "symbol allocator bytes count line caller caller_line", sorted.
own_stacks() {
	jq -r --arg exe "$1" 'select(.type=="leak_stack" and (.frames[0].module | endswith("/" + $exe))
			and .frames[0].symbol != "Cache::variants()"
			and (.frames[0].symbol | startswith("_GLOBAL__sub_I_eh_alloc") | not))
		| [.frames[0].symbol, .allocator, .bytes, .count, .frames[0].line, .frames[1].symbol, .frames[1].line] | @tsv' "$2" | sort
}
expect() {
	printf '%s\n' "Cache::align(int)	operator new	1280	10	$align	main	$1" \
		"Cache::fill(int)	operator new	1440	30	$fill	main	$2" \
		"Cache::grow(int)	operator new[]	2000	20	$grow	main	$3" \
		"Cache::spare_one()	operator new	240	5	$spare	Cache::spare(int)	$spare_call" | sort
}
main_line() { grep -nF "$1" "$SRC/leak_cxx.cc" | head -1 | cut -d: -f1; }
expect $(main_line 'c.align(10)') $(main_line 'c.fill(30)') $(main_line 'c.grow(20)') >"$TMPD/expect"

# One block from each operator new variant (plain, nothrow, aligned, aligned nothrow; new
# then new[]), one per line: "line offset, operator, size, count".
variants_line=$(line_of leak_cxx.cc VARIANTS_LINE)
printf '%s\n' "0	operator new	48	1" "1	operator new	48	1" "2	operator new	128	1" \
	"3	operator new	128	1" "4	operator new[]	12	1" "5	operator new[]	16	1" \
	"6	operator new[]	256	1" "7	operator new[]	384	1" >"$TMPD/vexpect"
variants() {
	jq -r --argjson base "$variants_line" 'select(.type=="leak_stack" and .frames[0].symbol=="Cache::variants()")
		| [.frames[0].line - $base, .allocator, .bytes, .count] | @tsv' "$1" | sort -n
}

# Nothing else of the program's own is outstanding: what remains is libc's stdout buffer
# and libstdc++'s emergency exception pool, allocated by the libraries themselves.
others_are_libraries() {
	jq -r --arg exe "$1" 'select(.type=="leak_stack" and (.frames[0].module | endswith("/" + $exe) | not))
		| .frames[0].module' "$2" | sort -u >"$TMPD/others"
	while read -r m; do
		case "$m" in */libc.so.6 | */libstdc++.so.6*) ;; *) fail "unexpected leak stack in $m" ;; esac
	done <"$TMPD/others"
}

# 1. Launched: exact stacks, allocator names, demangled methods at their lines; every
#    delete variant matched its new; the bad_alloc the program throws and catches still works.
"$MEMMON" leak --json --top 50 -- "$W/leak_cxx" >"$TMPD/json" 2>"$TMPD/err" || fail "leak exited $?: $(cat "$TMPD/err")"
own_stacks leak_cxx "$TMPD/json" >"$TMPD/got"
diff "$TMPD/expect" "$TMPD/got" || fail "C++ leak stacks differ (expected < > got)"
variants "$TMPD/json" | diff "$TMPD/vexpect" - || fail "operator new variants differ (expected < > got)"
others_are_libraries leak_cxx "$TMPD/json"
assert_contains "$TMPD/err" "caught 3 bad_alloc"
assert_eq "$(jq -r 'select(.type=="leak_summary") | [.errors,.lost_events,.internal_frees] | @tsv' "$TMPD/json")" \
	"$(printf '0\t0\t0')" "no false errors from delete"
# the raw name is kept beside the demangled one; the inlined frame is qualified too
assert_eq "$(jq -r 'select(.type=="leak_stack") | .frames[0] | select(.symbol=="Cache::fill(int)") | .mangled' "$TMPD/json")" \
	"_ZN5Cache4fillEi" "mangled name"
assert_eq "$(jq -r 'select(.type=="leak_stack") | .frames[0] | select(.line=='"$spare"') | [.inlined,.mangled] | @tsv' "$TMPD/json")" \
	"$(printf 'true\t_ZN5Cache9spare_oneEv')" "inlined frame"
assert_eq "$(jq -r 'select(.type=="leak_stack") | .frames[] | select(.symbol=="main") | .mangled' "$TMPD/json" | sort -u)" \
	"null" "C names have no mangled form"

# 2. Text report: the allocator and the demangled first frame.
"$MEMMON" leak --top 50 -- "$W/leak_cxx" >"$TMPD/text" 2>"$TMPD/terr" || fail "text run failed"
assert_contains "$TMPD/terr" "; operator new in /"
grep -A1 "^1440 bytes in 30 allocations via operator new," "$TMPD/text" | tail -1 >"$TMPD/first"
assert_contains "$TMPD/first" "Cache::fill(int)+0x"
assert_contains "$TMPD/first" "leak_cxx.cc:$fill"
assert_contains "$TMPD/text" "2000 bytes in 20 allocations via operator new[],"

# 3. The perf-event uprobe fallback carries the same cookies.
MEMMON_NO_UPROBE_MULTI=1 "$MEMMON" leak --json --top 50 -- "$W/leak_cxx" >"$TMPD/perf" 2>/dev/null || fail "perf-uprobe run failed"
own_stacks leak_cxx "$TMPD/perf" | diff "$TMPD/expect" - ||
	fail "perf-uprobe fallback stacks differ"
variants "$TMPD/perf" | diff "$TMPD/vexpect" - || fail "perf-uprobe fallback variants differ"

# 4. Attach with -p to a running C++ process (libstdc++ found in its maps).
"$W/leak_cxx" wait >/dev/null &
pid=$!
on_exit "kill $pid 2>/dev/null"
"$MEMMON" leak --json --top 50 -p "$pid" >"$TMPD/pjson" 2>"$TMPD/perr" & L=$!
wait_tracing "$TMPD/perr" $L
kill -USR1 "$pid"
wait $L || fail "-p run failed: $(cat "$TMPD/perr")"
own_stacks leak_cxx "$TMPD/pjson" | diff "$TMPD/expect" - ||
	fail "-p stacks differ"
variants "$TMPD/pjson" | diff "$TMPD/vexpect" - || fail "-p variants differ"

# 5. libstdc++ linked statically: operator new is probed in the executable itself.
"$MEMMON" leak --json --top 50 -- "$W/leak_cxx-static-libstdc++" >"$TMPD/static" 2>/dev/null || fail "static run failed"
own_stacks leak_cxx-static-libstdc++ "$TMPD/static" | diff "$TMPD/expect" - ||
	fail "-static-libstdc++ stacks differ"
variants "$TMPD/static" | diff "$TMPD/vexpect" - || fail "-static-libstdc++ variants differ"

# 6. A double delete is one double free, freed again and first freed at the program's
#    lines (delete jumps to free), allocated by operator new.
"$MEMMON" leak --json -- "$W/leak_cxx" double-delete >"$TMPD/dd" 2>/dev/null
dl=$(grep -n 'delete e; // the bug' "$SRC/leak_cxx.cc" | cut -d: -f1)
assert_eq "$(jq -r 'select(.type=="leak_error") | [.error,.size,.free_stack[0].line,.first_free_stack[0].line,.alloc_stack[0].line] | @tsv' "$TMPD/dd")" \
	"$(printf 'double_free\t48\t%s\t%s\t%s' "$dl" "$((dl - 1))" "$((dl - 3))")" "double delete"

# 7. A free made inside libstdc++ (std::string::reserve freeing a buffer already freed) is
#    the program's double free, not the library's own business.
"$MEMMON" leak --json -- "$W/leak_cxx" string-double-free >"$TMPD/sd" 2>/dev/null
assert_eq "$(jq -r 'select(.type=="leak_error") | [.error,.size,(.free_stack[0].symbol | startswith("std::__cxx11::basic_string<char")),.first_free_stack[0].symbol] | @tsv' "$TMPD/sd")" \
	"$(printf 'double_free\t201\ttrue\tmain')" "double free inside libstdc++"
echo ok
