#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Colours by role on a colour terminal; with NO_COLOR set, no colour at all and the monochrome attributes instead.
set -eu
. "$(dirname "$0")/lib.sh"

start C.UTF-8 80 24
wait_for "carefile | Today"
# header: white on blue (SGR 44 background)
t capture-pane -e -p -t "$SESSION" | head -1 | grep -q "$(printf '\033')\[44m" \
	|| fail "header is not drawn in colour"
quit_ok
t kill-session -t "$SESSION"

CF_NO_COLOR=1 start C.UTF-8 80 24
wait_for "carefile | Today"
cap=$(t capture-pane -e -p -t "$SESSION")
# header in reverse video
printf '%s\n' "$cap" | head -1 | grep -q "$(printf '\033')\[7m" || fail "header not in reverse video without colour"
# no foreground or background colour anywhere (39/49, the default colours, are allowed)
if printf '%s\n' "$cap" | grep -qE "$(printf '\033')\[([34][0-7]|[34]8;5;[0-9]+)m"; then
	fail "colour codes on screen with NO_COLOR set"
fi
quit_ok
