#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C and SIGTERM end the TUI through its normal exit (terminal restored, status 21 "cancelled"), not a raw kill.
set -eu
. "$(dirname "$0")/lib.sh"

start C.UTF-8 80 24
wait_for "carefile | Today"
keys C-c
wait_for "CAREFILE-EXITED 21"
# endwin() left the alternate screen: the TUI is gone from the pane
wait_gone "carefile | Today"
t kill-session -t "$SESSION"

start C.UTF-8 80 24
wait_for "carefile | Today"
# the pane runs sh -c '...'; carefile is its child
shell=$(t display -p -t "$SESSION" '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shell" | tr -d ' ' | head -1)
[ -n "$pid" ] || fail "no carefile process under the pane"
kill -TERM "$pid"
wait_for "CAREFILE-EXITED 21"
wait_gone "carefile | Today"
