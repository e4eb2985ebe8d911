#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Case files that cannot be opened get their own full-screen message and exit code, and nothing is
# created or changed: in use by a second instance, not a case file, damaged, missing (-f: asked first).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

f=$(demo_file demo.carefile)

# in use: a second instance on the same file while the first runs
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
# its own tmux server: tmux 3.3a exits when a second session starts under window-size manual
t2() { tmux -u -L "$SOCK-2" -f /dev/null "$@"; }
trap 't2 kill-server >/dev/null 2>&1 || true; unlock_cleanup' EXIT INT TERM
t2 new-session -d -s second -x 80 -y 24 \
	"env -u LANGUAGE TERM=screen-256color LC_ALL=$LOC CAREFILE_LOCALEDIR='$CAREFILE_LOCALEDIR' '$CAREFILE_BIN' -f '$f' -u demo; echo CAREFILE-EXITED \$?; sleep 600"
second() { t2 capture-pane -p -t second; }
i=0
until second | grep -qF "$(msg 'The case file is in use by another carefile process.')"; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || { second >&2; fail "no 'in use' message in the second instance"; }
	sleep 0.05
done
t2 send-keys -t second q
i=0
until second | grep -qF "CAREFILE-EXITED 7"; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || { second >&2; fail "second instance did not exit with 7"; }
	sleep 0.05
done
t2 kill-server
# the first one still works
type_text "$DEMO_PASS"
keys Enter
wait_for "$(msg 'unlocked')"
t kill-server

# not a case file: message, exit 5, file unchanged
printf 'just some notes\n' > "$WORK/notes.txt"
sum=$(sha256sum "$WORK/notes.txt")
CF_ARGS="-f '$WORK/notes.txt' -u demo" start "$LOC" 80 24
wait_for "$(msg 'This file is not a carefile case file.')"
keys q
wait_for "CAREFILE-EXITED 5"
[ "$(sha256sum "$WORK/notes.txt")" = "$sum" ] || fail "notes.txt changed"
t kill-server

# damaged (truncated): message with the detail, exit 4
cp "$f" "$WORK/cut.carefile"
size=$(stat -c %s "$WORK/cut.carefile")
truncate -s $((size / 2)) "$WORK/cut.carefile"
CF_ARGS="-f '$WORK/cut.carefile' -u demo" start "$LOC" 80 24
wait_for "$(msg 'The case file is damaged or has been tampered with.')"
screen | grep -qF "$(msg 'Detail: %s' | cut -c1-2)" || fail "no detail line for a damaged file"
keys q
wait_for "CAREFILE-EXITED 4"
t kill-server

# missing with -f: asked first; n quits and creates nothing
CF_ARGS="-f '$WORK/new.carefile' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Create a new case file?')"
keys n
wait_for "CAREFILE-EXITED 0"
[ ! -e "$WORK/new.carefile" ] || fail "a file was created although the user said no"
