#!/usr/bin/env bash
# What walking user stacks costs, by frame pointers and by call frame information, at a
# 15-frame stack, side by side in one run: the same workload (bench/deep_stack.c) built
# with frame pointers and -O2 without (as distributions build), untraced and under memmon
# leak (ns per malloc/free pair) or memmon faults (ns per fault):
#   fp   --stack-walk fp on the frame-pointer build (what eBPF tools walk today)
#   cfi  the default walk, on the frame-pointer build and on the -O2 build
# The figure that matters: the cost CFI adds over the frame-pointer walk, as a ratio of
# the traced costs (cfi on -O2) / (fp on the frame-pointer build); target <= 1.30.
# usage: bench/stack_walk.sh leak|faults   (root; from bench/leak.sh and bench/faults.sh)
set -uo pipefail
WHAT=${1:?leak or faults}
cd "$(dirname "$0")/.."
REPS=${REPS:-5}
[ -x build/memmon ] || make -s build/memmon
mkdir -p build/bench
gcc -O2 -g -fno-omit-frame-pointer bench/deep_stack.c -o build/bench/deep_stack_fp
gcc -O2 -g -fomit-frame-pointer bench/deep_stack.c -o build/bench/deep_stack_o2
if [ "$WHAT" = leak ]; then args=(pairs "${N:-200000}"); unit="pair"; else args=(faults "${N:-8192}" "${ROUNDS:-10}"); unit="fault"; fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() { "$@" 2>&1 | grep -E '^[0-9.]+$' | head -1; }
declare -A res
for _ in $(seq "$REPS"); do
	res[base_fp]+="$(run build/bench/deep_stack_fp "${args[@]}") "
	res[base_o2]+="$(run build/bench/deep_stack_o2 "${args[@]}") "
	res[fp_fp]+="$(run build/memmon "$WHAT" --json --stack-walk fp -- build/bench/deep_stack_fp "${args[@]}") "
	res[cfi_fp]+="$(run build/memmon "$WHAT" --json -- build/bench/deep_stack_fp "${args[@]}") "
	res[cfi_o2]+="$(run build/memmon "$WHAT" --json -- build/bench/deep_stack_o2 "${args[@]}") "
done
for k in base_fp base_o2 fp_fp cfi_fp cfi_o2; do
	eval "$k=$(tr ' ' '\n' <<<"${res[$k]}" | grep . | median)"
done
echo "memmon $WHAT, 15-frame stacks, median of $REPS runs, ns per $unit ($(lscpu | sed -n 's/^Model name: *//p')):"
printf '  untraced:                 fp build %8.1f   -O2 build %8.1f\n' "$base_fp" "$base_o2"
printf '  --stack-walk fp, fp build %8.1f   (frames: the frame-pointer walk)\n' "$fp_fp"
printf '  cfi, fp build             %8.1f\n' "$cfi_fp"
printf '  cfi, -O2 build            %8.1f\n' "$cfi_o2"
awk -v a="$cfi_o2" -v b="$fp_fp" -v c="$cfi_fp" 'BEGIN { printf "  ratio cfi(-O2) / fp(fp build): %.2f (target <= 1.30); cfi / fp on the same fp build: %.2f\n", a / b, c / b }'
