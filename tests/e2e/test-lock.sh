#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Locking: Ctrl-L clears the terminal's scrollback; idle lock from --lock-after and from the config file;
# SIGTERM and SIGHUP while unlocked lock and exit with the terminal restored.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

f=$(demo_file demo.carefile)

unlock_demo() {
	wait_for "$(msg 'Unlock the case file')"
	type_text "$DEMO_PASS"
	keys Enter
	wait_for "$(msg 'unlocked')"
}

# 1. scrollback: lines printed before carefile are in the history until the lock clears it
start_scrollback "$LOC" 80 24 "-f '$f' -u demo --lock-after 0"
unlock_demo
history | grep -qF SCROLL-CANARY || fail "test set-up: no scrollback before the lock"
keys C-l
wait_for "$(msg 'carefile is locked')"
if history | grep -qF SCROLL-CANARY; then
	fail "scrollback not cleared by the lock"
fi
# --lock-after 0: no idle lock while unlocked again
type_text "$DEMO_PASS"
keys Enter
wait_for "$(msg 'unlocked')"
sleep 3
screen | grep -qF "$(msg 'carefile is locked')" && fail "locked although --lock-after 0"
t kill-server

# 2. idle lock after --lock-after 2 seconds, and it does not lock while keys come in
CF_ARGS="-f '$f' -u demo --lock-after 2" start "$LOC" 80 24
unlock_demo
keys n
sleep 1.2
keys t
sleep 1.2
screen | grep -qF "$(msg 'carefile is locked')" && fail "locked although keys came in"
wait_for "$(msg 'carefile is locked')" 5
t kill-server

# 3. idle lock from the config file (no --lock-after)
mkdir -p "$XDG_CONFIG_HOME/carefile"
printf '# test\nlock_after = 1\n' > "$XDG_CONFIG_HOME/carefile/config"
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
unlock_demo
wait_for "$(msg 'carefile is locked')" 5
rm -f "$XDG_CONFIG_HOME/carefile/config"
t kill-server

# 4. SIGTERM and SIGHUP while unlocked: clean exit (status 21), terminal restored, file closed
for sig in TERM HUP; do
	CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
	unlock_demo
	pid=$(carefile_pid)
	[ -n "$pid" ] || fail "no carefile process"
	kill -"$sig" "$pid"
	wait_for "CAREFILE-EXITED 21"
	wait_gone "$(msg 'unlocked')"
	t kill-server
done
# the file is free again and unchanged in use: check opens it
printf '%s\n' "$DEMO_PASS" | "$CAREFILE_BIN" -f "$f" -u demo --passphrase-fd 0 check >/dev/null ||
	fail "case file not usable after the signals"
