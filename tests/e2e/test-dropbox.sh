#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The drop box (issue 8, item 5) as its users meet it: hotline1 of the demo file (hotline key only) raises
# an alert for the counselors from its Hotline screen; the form keeps what was typed through a lock
# (sealed under the hotline key); the saved alert is in the file sealed for counselors, not as text;
# hotline1 cannot open it (its Crisis alerts screen says so); demo (counselor) reads it on Crisis alerts.
# usage: test-dropbox.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

HOT_PASS=hotline-passphrase-2026
REASON="DROPCANARY-caller-says-tonight-7c2e"
f=$(demo_file demo.carefile)
case $LOC in
C.*) ;;
*) [ "$(msg 'Raise an alert for the counselors')" != 'Raise an alert for the counselors' ] ||
	fail "the form's title is not translated for $LOC" ;;
esac

CF_ARGS="-f '$f' -u hotline1" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "$HOT_PASS"
keys Enter
wait_for "carefile | $(msg 'Today')"
keys h
wait_for "carefile | $(msg 'Hotline')"
keys Enter
wait_for "$(msg 'Raise an alert for the counselors')"
# level (High by default), date (today), then time, caller, school, class, callback, reason
keys Tab Tab
type_text "21:40"
keys Tab
type_text "Xiaoyu"
keys Tab Tab Tab Tab
type_text "$REASON"
# a lock in the middle: the typing is sealed, wiped, and given back after the unlock
keys C-l
wait_for "$(msg 'carefile is locked')"
screen | grep -qF "$REASON" && fail "the form's text is on the lock screen"
type_text "$HOT_PASS"
keys Enter
wait_for "$REASON"
keys F2
wait_for "$(msg 'Alert handed to the counselors, sealed for them only.')"
wait_for "carefile | $(msg 'Hotline')"
# the hotline's own alerts screen opens nothing of it
keys a
wait_for "$(msg 'Your role cannot read crisis alerts.')"
screen | grep -qF "$REASON" && fail "the hotline user reads the alert back"
# the same message after a lock and unlock (the screen loads again), not an empty page
keys C-l
wait_for "$(msg 'carefile is locked')"
type_text "$HOT_PASS"
keys Enter
wait_for "$(msg 'Your role cannot read crisis alerts.')"
keys t
wait_for "carefile | $(msg 'Today')"
quit_ok
grep -qaF "$REASON" "$f" && fail "the alert's text is in the file in plaintext"
grep -qaF "Xiaoyu" "$f" && fail "the caller's name is in the file in plaintext"
t kill-server >/dev/null 2>&1 || true

CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "$DEMO_PASS"
keys Enter
wait_for "carefile | $(msg 'Today')"
keys a
wait_for "$(msg 'From the hotline')"
wait_for "$REASON"
wait_for "Xiaoyu"
wait_for "21:40  $(msg 'High (orange)')"
alive
keys t
wait_for "carefile | $(msg 'Today')"
quit_ok
"$CAREFILE_BIN" -f "$f" -u demo --passphrase-fd 3 check 3<<EOP >/dev/null || fail "check after the drop"
$DEMO_PASS
EOP
exit 0
