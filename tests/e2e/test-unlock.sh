#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Unlock and lock with the demo case file: wrong passphrase stays locked, the right one shows Today with
# the user, Ctrl-L shows the lock screen with the note text off the screen and out of the scrollback,
# unlocking brings the same note back.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

f=$(demo_file demo.carefile)
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
screen | grep -qF "demo.carefile" || fail "case file name not in the header"

# wrong passphrase: message, still locked, passphrase field emptied
type_text "not-the-passphrase"
keys Enter
wait_for "$(msg 'Wrong passphrase or no such user.')"
screen | grep -qF "$(msg 'locked')" || fail "header does not say locked"
screen | grep -qF '******' && fail "passphrase field not cleared after a wrong passphrase"

# the right one: Today, user and lock state in the header
type_text "$DEMO_PASS"
keys Enter
wait_for "carefile | $(msg 'Today')"
head=$(screen | head -1)
echo "$head" | grep -qF "demo.carefile" || fail "no file name in the header: $head"
echo "$head" | grep -qF "demo |" || echo "$head" | grep -qF ": demo" || fail "no user in the header: $head"
echo "$head" | grep -qF "$(msg 'unlocked')" || fail "header does not say unlocked: $head"

# a scratch note (Sessions, n), then lock
keys n
keys n
type_text "NOTE-CANARY-4711 笔记"
wait_for "NOTE-CANARY-4711"
keys C-l
wait_for "$(msg 'carefile is locked')"
screen | grep -qF "NOTE-CANARY" && fail "note text on the lock screen"
history | grep -qF "NOTE-CANARY" && fail "note text in the scrollback after the lock"
screen | grep -qF "$(msg 'Sessions')" && fail "the lock screen shows which screen was open"

# another user cannot unlock this session
keys Up
keys BSpace BSpace BSpace BSpace
type_text "hotline1"
keys Enter
type_text "hotline-passphrase-2026"
keys Enter
wait_for "$(msg 'Only %s can unlock now. To work as another user, quit (Esc twice) and start carefile again.' | cut -c1-4)"
screen | grep -qF "hotline1" || fail "typed user name lost"
screen | grep -qF "NOTE-CANARY" && fail "another user's try showed the note"
# back to demo
keys Up
for _ in 1 2 3 4 5 6 7 8; do keys BSpace; done
type_text "demo"
keys Tab
type_text "$DEMO_PASS"
keys Enter
wait_for "NOTE-CANARY-4711 笔记"
screen | grep -qF "$(msg 'unlocked')" || fail "not unlocked again"

# leave: close the note, quit
keys Escape
wait_gone "NOTE-CANARY"
keys q
wait_for "carefile | $(msg 'Today')"
keys q
wait_for "CAREFILE-EXITED 0"
