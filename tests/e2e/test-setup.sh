#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# First run: no -f and no case file at the default path: the guided create refuses a weak passphrase
# with its reason, accepts a strong one, shows the recovery key once and wants its last group back,
# then shows Today; the file exists with mode 0600. A mistyped group is reported.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

default="$XDG_DATA_HOME/carefile/casefile.carefile"
CF_ARGS="-u counselor1" start "$LOC" 80 24
wait_for "$(msg 'Create a new case file')"
screen | grep -qF "$default" || fail "default path not shown"

# weak: refused, with the reason, and nothing created
type_text "password1"
keys Tab
type_text "password1"
keys Enter
wait_for "$(msg 'This passphrase is refused: %s.' | cut -c1-6)"
[ ! -e "$default" ] || fail "a file was created with a weak passphrase"
screen | grep -qF "$(msg 'Strength %d of 4: %s.' | cut -c1-6)" || fail "no strength feedback"

# strong, but the second one differs
keys C-u
type_text "Velvet-ocean-tiger-47-lamp"
keys Tab
type_text "Velvet-ocean-tiger-47-lanp"
keys Enter
wait_for "$(msg 'The two passphrases differ. Type it again.')"
type_text "Velvet-ocean-tiger-47-lamp"
keys Enter
# calibration takes a few seconds on a slow machine
wait_for "$(msg 'Recovery key')" 60
[ -f "$default" ] || fail "no case file at $default"
mode=$(stat -c %a "$default")
[ "$mode" = 600 ] || fail "case file mode is $mode, not 600"

# the key: 13 groups of 5, shown on three lines; type a wrong group first
line=$(screen | grep -oE '[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$' | tail -1 || true)
[ -n "$line" ] || fail "recovery key not shown"
last=${line##*-}
type_text "ZZZZZ"
keys Enter
wait_for "$(msg 'That is not the last group. Check what you wrote down and type it again.')"
type_text "$last"
keys Enter
wait_for "carefile | $(msg 'Today')"
screen | grep -qF "$last" && fail "recovery key still on the screen"
head=$(screen | head -1)
echo "$head" | grep -qF "counselor1" || fail "user not in the header: $head"
echo "$head" | grep -qF "casefile.carefile" || fail "file not in the header: $head"
keys q
wait_for "CAREFILE-EXITED 0"
t kill-server

# the next start finds it and asks to unlock; the passphrase works
CF_ARGS="-u counselor1" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "Velvet-ocean-tiger-47-lamp"
keys Enter
wait_for "$(msg 'unlocked')"
