#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Nothing from a roster or a file name reaches the terminal raw: escape sequences, C1 controls and
# bidi overrides in a header cell or a path print as placeholders (a tester's header cell retitled the
# window and cleared the screen through 'import roster --dry-run').
set -eu
work=$(mktemp -d "${TMPDIR:-/tmp}/cf-safe.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$CAREFILE_BIN" demo "$work/d.carefile" >/dev/null 2>&1 || fail "demo"
printf '学号,姓名,X\033]0;pwn\007\033[2JY\n' > "$work/r.csv"
printf 'Q9000001,测试甲,1\n' >> "$work/r.csv"
LC_ALL=C.UTF-8 "$CAREFILE_BIN" -f "$work/d.carefile" -u demo --passphrase-fd 3 import roster "$work/r.csv" \
	--dry-run >"$work/out" 2>&1 3<<<'demo-passphrase-2026' || fail "dry run exit $?"
grep -q "测试甲" "$work/out" || fail "the new student is not in the preview: $(cat "$work/out")"
if LC_ALL=C grep -q $'[\x1b\x07]' "$work/out"; then fail "ESC or BEL reached the output"; fi
grep -q $'X\xef\xbf\xbd' "$work/out" || fail "no placeholder for the escape in the header cell"
# a file name with ESC, and an empty file: the message shows the name with a placeholder
bad="$work/evil"$'\033'"[31mRED.csv"
: > "$bad"
rc=0
LC_ALL=C.UTF-8 "$CAREFILE_BIN" -f "$work/d.carefile" -u demo --passphrase-fd 3 import roster "$bad" --dry-run \
	>"$work/out2" 2>&1 3<<<'demo-passphrase-2026' || rc=$?
[ "$rc" -ne 0 ] || fail "an empty roster was accepted"
if LC_ALL=C grep -q $'\x1b' "$work/out2"; then fail "ESC from the file name reached stderr"; fi
grep -q "evil" "$work/out2" || fail "the file name is missing from the message: $(cat "$work/out2")"
echo "ok: header cells and file names print with placeholders"
