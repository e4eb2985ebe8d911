#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The installed binary ignores the headless render switches: no environment variable makes it write a
# screen (of decrypted records) to a file. Only carefile-render, which is never installed, honours them.
set -eu
work=$(mktemp -d "${TMPDIR:-/tmp}/cf-hooks.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf 'q' > "$work/keys"
# the installed program: refuses (stdin is no terminal) and writes no dump
rc=0
CAREFILE_NO_CASEFILE=1 CAREFILE_HEADLESS=80x24 CAREFILE_KEYS="$work/keys" CAREFILE_DUMP="$work/dump.txt" \
	"$CAREFILE_BIN" </dev/null >"$work/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: carefile exited $rc, expected 2 (no terminal)"; exit 1; }
[ ! -e "$work/dump.txt" ] || { echo "FAIL: carefile wrote a screen dump"; exit 1; }
grep -q 'carefile' "$work/out" && ! grep -q 'Today' "$work/out" || { echo "FAIL: unexpected output"; cat "$work/out"; exit 1; }
# the test binary does render (so the check above can fail for the right reason)
CAREFILE_NO_CASEFILE=1 CAREFILE_HEADLESS=80x24 CAREFILE_KEYS="$work/keys" CAREFILE_DUMP="$work/dump.txt" \
	LC_ALL=C.UTF-8 "$CAREFILE_RENDER_BIN" </dev/null >/dev/null 2>&1 || true
grep -q 'carefile' "$work/dump.txt" || { echo "FAIL: carefile-render wrote no screen"; exit 1; }
echo "ok: only carefile-render honours the headless switches"
