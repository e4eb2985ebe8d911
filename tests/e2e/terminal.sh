#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Clear, translated messages (and exit status 2) when standard input is not a terminal or TERM is unknown.
# usage: terminal.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
loc=$1
case $loc in
zh_CN*) notty="标准输入不是终端" unknown="未知的终端类型 'no-such-term'" ;;
*) notty="standard input is not a terminal" unknown="unknown terminal type 'no-such-term'" ;;
esac

# Not a terminal: no curses at all, a message on stderr.
err=$(echo | env -u LANGUAGE LC_ALL="$loc" CAREFILE_LOCALEDIR="$CAREFILE_LOCALEDIR" "$CAREFILE_BIN" 2>&1 >/dev/null) && rc=0 || rc=$?
[ "$rc" -eq 2 ] || fail "exit status $rc for stdin not a terminal"
case $err in
*"$notty"*) ;;
*) fail "no message for stdin not a terminal: $err" ;;
esac

# An unknown TERM on a real terminal (a tmux pane).
t new-session -d -s "$SESSION" -x 100 -y 10 \
	"env -u LANGUAGE TERM=no-such-term LC_ALL=$loc CAREFILE_LOCALEDIR='$CAREFILE_LOCALEDIR' '$CAREFILE_BIN'; echo CAREFILE-EXITED \$?; sleep 600" \
	|| fail "tmux new-session"
wait_for "CAREFILE-EXITED 2"
# The message may wrap: compare with line breaks removed.
t capture-pane -p -J -t "$SESSION" | tr -d '\n' | grep -qF -- "$unknown" || fail "no message for an unknown TERM"
