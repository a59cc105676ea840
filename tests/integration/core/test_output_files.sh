#!/usr/bin/env bash
# Every file memmon writes (trend --svg, pageowner OUTPUT, pages --dump) is made as a new
# 0600 file and renamed over its target: an ordinary user's symlink in /tmp is replaced, not
# followed (root's file behind it stays as it was), a predictable temporary name cannot be
# planted, another user's file is not replaced, and a path that cannot be written fails
# before tracing starts, not after the whole run.
source "$(dirname "$0")/../lib.sh"
require_bpf
make_ordinary_user
PUB=/tmp/memmon-out.$$ # world-writable and sticky, like /tmp
mkdir -m 1777 "$PUB"
on_exit "rm -rf $PUB"
echo precious >"$TMPD/victim" # root's file, which the user may not write
chmod 644 "$TMPD/victim"
chmod 711 "$TMPD" # the user can name the victim in a symlink, not list or write here
victim_intact() { assert_eq "$(cat "$TMPD/victim")" precious "root's file behind $1"; }

# A small page_owner dump for pageowner.
printf 'Page allocated via order 0, mask 0x100cca(GFP_X), pid 1, tgid 1 (init), ts 5 ns\n PFN 4096 type Movable Block 8 type Movable Flags 0x0()\n post_alloc_hook+0x1a/0x80\n\n' \
	| sed 's/^ PFN/PFN/' >"$TMPD/dump.txt"

# 1. A planted symlink is refused (named), never followed, and stays a symlink.
as_user ln -s "$TMPD/victim" "$PUB/link.svg"
timeout 20 "$MEMMON" trend -p $$ -i 0.2 -d 1 --svg "$PUB/link.svg" >/dev/null 2>"$TMPD/e1"
assert_eq $? 1 "trend --svg through a symlink"
assert_contains "$TMPD/e1" "cannot write $PUB/link.svg: it is a symbolic link"
victim_intact "trend's symlink"
[ -L "$PUB/link.svg" ] || fail "the user's symlink was replaced"

as_user ln -s "$TMPD/victim" "$PUB/link.txt"
"$MEMMON" pageowner "$TMPD/dump.txt" "$PUB/link.txt" >/dev/null 2>"$TMPD/e2"
assert_eq $? 1 "pageowner OUTPUT through a symlink"
assert_contains "$TMPD/e2" "it is a symbolic link"
victim_intact "pageowner's symlink"

as_user ln -s "$TMPD/victim" "$PUB/link.dump"
timeout 20 "$MEMMON" pages -d 1 --dump "$PUB/link.dump" >/dev/null 2>"$TMPD/e3"
assert_eq $? 1 "pages --dump through a symlink"
assert_contains "$TMPD/e3" "it is a symbolic link"
victim_intact "pages' symlink"

# 2. The dump's temporary file cannot be planted: its name is not predictable from the
# pid (it used to be FILE.tmp.PID, opened following symlinks).
"$MEMMON" pages -d 2 --dump "$PUB/real.dump" >/dev/null 2>"$TMPD/e4" & m=$!
on_exit "kill $m 2>/dev/null"
as_user ln -s "$TMPD/victim" "$PUB/real.dump.tmp.$m"
# page cache kept while it traces, so the dump has blocks even on an idle machine
for i in 1 2 3 4 5 6; do head -c 4M /dev/zero >"$TMPD/fill$i"; sleep 0.4; done
wait $m; assert_eq $? 0 "pages --dump beside a planted temporary name"
victim_intact "the planted temporary name"
[ -f "$PUB/real.dump" ] && [ ! -L "$PUB/real.dump" ] || fail "no dump written"
assert_contains "$PUB/real.dump" "Page allocated via order"

# 3. What memmon writes is 0600 and root's (the dump holds frame numbers and kernel
# addresses; the kernel's own page_owner file is 0400).
assert_eq "$(stat -c '%a %U' "$PUB/real.dump")" "600 root" "mode of the dump"
"$MEMMON" pageowner "$TMPD/dump.txt" "$PUB/out.txt" >/dev/null || fail "pageowner OUTPUT"
assert_eq "$(stat -c '%a %U' "$PUB/out.txt")" "600 root" "mode of pageowner's output"
assert_contains "$PUB/out.txt" "post_alloc_hook"
timeout 20 "$MEMMON" trend -p $$ -i 0.2 -d 1.2 --svg "$PUB/t.svg" >/dev/null || fail "trend --svg"
assert_eq "$(stat -c '%a %U' "$PUB/t.svg")" "600 root" "mode of the SVG"
assert_contains "$PUB/t.svg" "<svg"
# root's own file is replaced (a new file: the old inode is not written through)
old_ino=$(stat -c %i "$PUB/t.svg")
timeout 20 "$MEMMON" trend -p $$ -i 0.2 -d 1.2 --svg "$PUB/t.svg" >/dev/null || fail "trend --svg again"
[ "$(stat -c %i "$PUB/t.svg")" != "$old_ino" ] || fail "the SVG was rewritten in place"

# 4. Another user's file is left alone.
as_user sh -c "echo theirs >$PUB/theirs.svg"
timeout 20 "$MEMMON" trend -p $$ -i 0.2 -d 1 --svg "$PUB/theirs.svg" >/dev/null 2>"$TMPD/e5"
assert_eq $? 1 "trend --svg over another user's file"
assert_contains "$TMPD/e5" "belongs to another user"
assert_eq "$(cat "$PUB/theirs.svg")" theirs "the other user's file"

# 5. No temporary file is left behind, in any of these cases.
assert_eq "$(ls -A "$PUB" | grep -c '^\.')" 0 "temporary files left in $PUB"

# 6. Unwritable paths fail at once, before the run (-d 30 would pass the timeout).
NODIR=/nonexistent-memmon.$$ # (some machines have a /nonexistent)
for args in "pages -d 30 --dump $NODIR/x" "trend -p $$ -d 30 --svg /proc/x.svg" \
	    "trend -p $$ -d 30 --svg $NODIR/x.svg"; do
	start=$(date +%s)
	timeout 20 "$MEMMON" $args >/dev/null 2>"$TMPD/e6"
	assert_eq $? 1 "memmon $args"
	assert_contains "$TMPD/e6" "cannot write"
	assert_le $(($(date +%s) - start)) 5 "seconds before memmon $args failed"
done
"$MEMMON" pageowner "$TMPD/dump.txt" /proc/x.txt >/dev/null 2>"$TMPD/e7"
assert_eq $? 1 "pageowner OUTPUT in /proc"
echo "ok: output files"
