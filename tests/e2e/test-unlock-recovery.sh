#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Unlock with the recovery key (Ctrl-R): a mistyped group is reported by its number before any key
# derivation, the right key opens the case file (header says so), and locking a recovery session quits.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

f="$WORK/init.carefile"
key=$(printf 'Velvet-ocean-tiger-47-lamp\n' | "$CAREFILE_BIN" -f "$f" -u admin1 --passphrase-fd 0 init 2>/dev/null) ||
	fail "carefile init"
echo "$key" | grep -qE '^([0-9A-Z]{5}-){12}[0-9A-Z]{5}$' || fail "init printed no recovery key"
# group 3 mistyped: its first character changed (a check character catches any single change)
g3=$(echo "$key" | cut -d- -f3)
first=$(echo "$g3" | cut -c1)
[ "$first" = 0 ] && repl=1 || repl=0
bad=$(echo "$key" | awk -F- -v g="$repl$(echo "$g3" | cut -c2-)" 'BEGIN { OFS = "-" } { $3 = g; print }')

CF_ARGS="-f '$f'" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
keys C-r
wait_for "$(msg 'Recovery key:')"
type_text "$bad"
keys Enter
wait_for "$(msg 'Group %zu of the recovery key is mistyped or missing.' | sed 's/%zu/3/')"
# clear the field
i=0
while [ "$i" -lt 80 ]; do keys BSpace; i=$((i + 1)); done
# lower case and spaces instead of dashes are accepted
type_text "$(echo "$key" | tr 'A-Z-' 'a-z ')"
keys Enter
wait_for "carefile | $(msg 'Today')"
screen | head -1 | grep -qF "$(msg 'recovery key')" || fail "header does not name the recovery key"
# a recovery session has no passphrase to unlock with again: locking ends it
keys C-l
wait_for "CAREFILE-EXITED 0"
