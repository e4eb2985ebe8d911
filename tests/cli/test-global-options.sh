#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Global options work before and after the command (a new user typed
# "carefile -f F -u U init --passphrase-fd 3" and got a usage error), and a bad value is refused.
set -eu
work=$(mktemp -d "${TMPDIR:-/tmp}/cf-opts.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$CAREFILE_BIN" demo "$work/d.carefile" >/dev/null 2>&1 || fail "demo"
pass=demo-passphrase-2026
out=$(LC_ALL=C.UTF-8 "$CAREFILE_BIN" check -f "$work/d.carefile" -u demo --passphrase-fd 3 3<<EOF2
$pass
EOF2
) || fail "options after the command: exit $?"
echo "$out" | grep -q "^student: 400 rows, 400 authenticated" || fail "check output: $out"
rc=0
LC_ALL=C.UTF-8 "$CAREFILE_BIN" -f "$work/d.carefile" check -u demo --passphrase-fd 3 3<<EOF2 >/dev/null 2>&1 || rc=$?
wrong-passphrase
EOF2
[ "$rc" -eq 3 ] || fail "wrong passphrase after the command: exit $rc, expected 3"
rc=0
"$CAREFILE_BIN" -f "$work/d.carefile" check -u >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "-u without a value after the command: exit $rc, expected 2"
rc=0
"$CAREFILE_BIN" -f "$work/d.carefile" check --passphrase-fd abc >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "--passphrase-fd abc: exit $rc, expected 2"
echo "ok: global options before and after the command"
