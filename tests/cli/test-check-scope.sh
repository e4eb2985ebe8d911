#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check says what it covered: "Check passed." only when every row was read; a user whose roles leave
# rows unread (hotline1 in the demo file) gets the count checked and the count not checked, exit 0.
set -u
BIN=${CAREFILE_BIN:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-scope-XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME="$T/xdg" XDG_CONFIG_HOME="$T/cfg"
unset LANGUAGE
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; sed 's/^/# /' "$T/out"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
"$BIN" demo "$T/d.carefile" >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
# chk USER [ENV...]: check as USER, output in $T/out, exit code in $rc
chk() {
	u=$1; shift
	rc=0
	printf '%s-passphrase-2026\n' "$( [ "$u" = demo ] && echo demo || echo hotline)" >"$T/pw"
	env "$@" "$BIN" -f "$T/d.carefile" -u "$u" --passphrase-fd 3 check 3<"$T/pw" >"$T/out" 2>&1 </dev/null || rc=$?
}
# the per-table lines: "TABLE: N rows, A authenticated, S not readable with your roles"
sum() { awk -v f="$1" '/ rows, .* authenticated, .* not readable/ { gsub(",", ""); s += $f } END { print s + 0 }' "$T/out"; }

chk demo
check "demo (reads everything): exit 0" [ "$rc" -eq 0 ]
check "demo: says Check passed." grep -qx 'Check passed\.' "$T/out"
check "demo: nothing reported as not checked" sh -c "! grep -q 'not checked' '$T/out'"
check "demo: no rows were skipped" [ "$(sum 6)" -eq 0 ]

chk hotline1
check "hotline1: exit 0 (nothing failed)" [ "$rc" -eq 0 ]
skipped=$(sum 6)
readable=$(sum 4)
check "hotline1: some rows are not readable with its roles" [ "$skipped" -gt 0 ]
check "hotline1: no plain Check passed." sh -c "! grep -qx 'Check passed\.' '$T/out'"
check "hotline1: says how many rows were checked and how many were not" \
	grep -qx "Check passed for the $readable rows\? your roles can read\. $skipped rows\? w[ae][sr]e\? not checked\." "$T/out"

chk hotline1 LC_ALL=zh_CN.UTF-8
check "hotline1 in Chinese: exit 0" [ "$rc" -eq 0 ]
check "hotline1 in Chinese: the not-checked count, translated" grep -q "$skipped 行未检查" "$T/out"
check "hotline1 in Chinese: no plain 检查通过。line" sh -c "! grep -qx '检查通过。' '$T/out'"

echo "1..$n"
[ "$fails" -eq 0 ]
