#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The rollback witness in the interface: the demo file put back to an older copy, after the account
# saw a newer one on this PC, asks after the passphrase (restored from a backup, or rolled back?) and
# writes nothing; Enter once more opens it; any other key takes the question back.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"
export XDG_STATE_HOME="$WORK/state"

f=$(demo_file demo.carefile)
printf '%s\n' "$DEMO_PASS" >"$WORK/demo.pw"
printf 'Tulip-Ocean-Ladder-94-quietly\n' >"$WORK/new.pw"
"$CAREFILE_BIN" -f "$f" -u demo --passphrase-fd 3 check 3<"$WORK/demo.pw" >/dev/null || fail "check"
cp "$f" "$WORK/backup.carefile"
"$CAREFILE_BIN" -f "$f" -u demo --passphrase-fd 3 user add later --role counselor --new-passphrase-fd 4 \
	3<"$WORK/demo.pw" 4<"$WORK/new.pw" >/dev/null 2>&1 || fail "user add"
cp "$WORK/backup.carefile" "$f"
sum=$(sha256sum <"$f")
case "$LOC" in
zh_CN*) part="被回退了" ;;
*) part="rolled back?" ;;
esac

CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "$DEMO_PASS"
keys Enter
wait_for "$part"
[ "$(sha256sum <"$f")" = "$sum" ] || fail "the older file was written before the user answered"
# another key takes the question back (and the passphrase with it)
keys Right
wait_gone "$part"
type_text "$DEMO_PASS"
keys Enter
wait_for "$part"
keys Enter
wait_for "carefile | $(msg 'Today')"
alive
t kill-server >/dev/null 2>&1 || true

# the answer was remembered as the state seen: the same file opens at once
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "$DEMO_PASS"
keys Enter
wait_for "carefile | $(msg 'Today')"
screen | grep -qF "$part" && fail "asked again"
exit 0
