#!/usr/bin/env bash
# leak --flamegraph of leak_three, rendered by a real browser (headless Chromium): the
# screenshot is a drawn flame graph (not blank; leak_large's and leak_medium's frames as wide
# as their 200000 and 100000 bytes), the three sites are text in the SVG, and the script
# works: hover details, a search's share, a click's zoom.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v chromium >/dev/null || fail "chromium is needed: scripts/setup.sh"
export HOME=$TMPD # chromium's profile and caches
chrome() { timeout 90 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
	--user-data-dir="$TMPD/chrome" "$@" 2>>"$TMPD/chrome.log"; }
"$MEMMON" leak -i 0 --flamegraph "$TMPD/leak.svg" -- "$WORKLOADS/leak_three" >/dev/null 2>"$TMPD/err" ||
	{ cat "$TMPD/err"; fail "leak --flamegraph"; }
for f in leak_large leak_medium leak_small; do assert_contains "$TMPD/leak.svg" "data-n=\"$f\""; done
assert_contains "$TMPD/leak.svg" ">leak_large</text>"
assert_contains "$TMPD/leak.svg" ">leak_medium</text>"

# 1. The screenshot: many colours (text, frames), each site's frame drawn its width.
height=$(sed -n 's/.*<svg version="1.1" width="1200" height="\([0-9]*\)".*/\1/p' "$TMPD/leak.svg")
[ -n "$height" ] || fail "no SVG size"
chrome --window-size=1200,"$height" --screenshot="$TMPD/shot.png" "file://$TMPD/leak.svg" >/dev/null ||
	{ cat "$TMPD/chrome.log"; fail "chromium --screenshot"; }
[ -s "$TMPD/shot.png" ] || fail "empty screenshot"
fill() { sed -n "s/.*data-n=\"$1\".*fill=\"rgb(\([0-9,]*\))\".*/\1/p" "$TMPD/leak.svg"; }
large=$(fill leak_large) medium=$(fill leak_medium)
python3 "$(dirname "$0")/../lib_png_pixels.py" "$TMPD/shot.png" "$large" "$medium" >"$TMPD/px" || fail "reading the screenshot"
colours=$(awk '$1 == "colours" {print $2}' "$TMPD/px")
assert_ge "$colours" 100 "distinct colours in the screenshot (a blank page has 1)"
# frames are 16 px high and (1200 - 20) x their share wide, less their label's pixels
lp=$(awk -v c="$large" '$1 == c {print $2}' "$TMPD/px"); mp=$(awk -v c="$medium" '$1 == c {print $2}' "$TMPD/px")
assert_ge "$lp" $((761 * 16 * 7 / 10)) "leak_large's pixels"; assert_le "$lp" $((761 * 16)) "leak_large's pixels"
assert_ge "$mp" $((380 * 16 * 6 / 10)) "leak_medium's pixels"; assert_le "$mp" $((380 * 16)) "leak_medium's pixels"
[ -z "${FLAMEGRAPH_SHOT:-}" ] || cp "$TMPD/shot.png" "$FLAMEGRAPH_SHOT" # to look at it

# 2. The script, run by the browser: search "leak_(large|small)" holds 210000 of 310000
# bytes; hovering leak_medium shows its file:line and bytes; clicking it zooms it to the
# whole width and hides leak_large.
sed 's|</svg>|<script><![CDATA[\
var term = document.getElementById("term"); term.value = "leak_(large\|small)";\
term.dispatchEvent(new Event("input"));\
var g = frames.filter(function (f) { return f.getAttribute("data-n") == "leak_medium"; })[0];\
g.dispatchEvent(new MouseEvent("mouseover")); g.dispatchEvent(new MouseEvent("click"));\
]]></script></svg>|' "$TMPD/leak.svg" >"$TMPD/acted.svg"
chrome --dump-dom "file://$TMPD/acted.svg" >"$TMPD/dom" || { cat "$TMPD/chrome.log"; fail "chromium --dump-dom"; }
assert_contains "$TMPD/dom" '<text id="matched" x="910" y="50" text-anchor="end">matched 67.74%</text>'
line=$(grep -n "^__attribute__((noinline)) static void leak_medium" "$MEMMON_ROOT/tests/workloads/leak_three.c" | cut -d: -f1)
assert_contains "$TMPD/dom" ">leak_medium (tests/workloads/leak_three.c:$((line + 3))): 97.7 KiB, 32.26%</text>"
grep 'data-n="leak_medium"' "$TMPD/dom" | grep -q 'width="1179.50"' || fail "leak_medium not zoomed to the whole width"
grep 'data-n="leak_large"' "$TMPD/dom" | grep -q 'style="display: none;"' || fail "leak_large not hidden by the zoom"
grep 'data-n="leak_large"' "$TMPD/dom" | grep -q 'class="hit"' || fail "leak_large not highlighted by the search"
echo PASS
