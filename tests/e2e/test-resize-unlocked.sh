#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regression: with a case file unlocked (so the idle lock's poll() waits for input), a resize alone
# - no key pressed - relays the screen out: compact layout, too-small message, full layout again.
# It used to wait for the next key press because poll() swallowed curses' SIGWINCH.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

f=$(demo_file demo.carefile)
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "$DEMO_PASS"
keys Enter
wait_for "carefile | $(msg 'Today')"
keys s
wait_for "carefile | $(msg 'Students')"
wait_for "$(msg 'Help')"
resize 40 12
wait_for "$(msg 'Terminal too small')"
resize 80 24
wait_for "carefile | $(msg 'Students')"
wait_gone "$(msg 'Terminal too small')"
resize 60 18
# without a key press, within 5 s: the hint line moves up to row 18 (tmux alone would cut rows 19-24
# off and leave the old list there) and the header fits 60 columns
i=0
until screen | tail -1 | grep -qF "$(msg 'Help')"; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || fail "the screen was not laid out again for 60x18 without a key press"
	sleep 0.05
done
[ "$(screen | head -1 | wc -L)" -le 60 ] || fail "header wider than 60 columns after the resize"
alive
