#!/usr/bin/env bash
# Builds the libFuzzer target of the page_owner parser and runs it.
# usage: tests/fuzz/run.sh [SECONDS]   (default 30)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-30}
OUT=$(mktemp -d /tmp/memmon-fuzz-pageowner.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -I"$ROOT/src" "$ROOT/tests/fuzz/fuzz_pageowner.c" \
	"$ROOT/src/pageowner_parse.c" "$ROOT/src/pageowner_fold.c" "$ROOT/src/pageowner_opts.c" \
	-o "$OUT/fuzz_pageowner"
mkdir -p "$OUT/corpus"
cp "$ROOT"/tests/fuzz/corpus/* "$OUT/corpus/"
# -dict would help little: the corpus carries the keywords.
"$OUT/fuzz_pageowner" -max_total_time="$SECS" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
	-print_final_stats=1 "$OUT/corpus" 2>&1 | tail -15
