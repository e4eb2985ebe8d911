# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the tmux end-to-end tests: a private tmux server per
# test, keys in with send-keys, the screen out with capture-pane, polled
# with a deadline rather than fixed sleeps.
# Needs: CAREFILE_BIN (the binary), CAREFILE_LOCALEDIR (translations).

if ! command -v tmux >/dev/null 2>&1; then
	echo "tmux is not installed: skipping" >&2
	exit 77
fi
: "${CAREFILE_BIN:?CAREFILE_BIN must name the carefile binary}"

unset TMUX
export LC_ALL=C.UTF-8
# Under the sanitizer build: ignore the one known leak inside ncurses (see lsan.supp).
LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
SOCK="cf-test-$$"
SESSION=cf

# No configuration file: options are set on the running server (tmux 3.3a
# sometimes fails to start with window-size set from a file).
t() {
	tmux -u -L "$SOCK" -f /dev/null "$@"
}

cleanup() {
	t kill-server >/dev/null 2>&1 || true
	# a server that died while starting leaves its socket behind
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	echo "--- screen ---" >&2
	screen >&2 || true
	echo "--------------" >&2
	exit 1
}

# start LOCALE COLS ROWS: runs the binary in a detached session; a marker line shows when it exits.
# CF_NO_COLOR is passed to the program as NO_COLOR. CF_ARGS (shell words, quoted
# by the caller) go on the command line. Without a case file (CAREFILE_NO_CASEFILE=1,
# unless CF_NO_CASEFILE is set to empty) the frame runs on its own.
start() {
	loc=$1 cols=$2 rows=$3
	# The program waits for a go file so the window has its final size and
	# options before the first draw.
	go=$(mktemp -u "${TMPDIR:-/tmp}/cf-go.XXXXXX")
	# A fresh tmux server now and then exits while starting: try again.
	tries=0
	until t new-session -d -s "$SESSION" -x "$cols" -y "$rows" \
		"while [ ! -e '$go' ]; do sleep 0.05; done; rm -f '$go'; env -u LANGUAGE TERM=screen-256color LC_ALL=$loc NO_COLOR='${CF_NO_COLOR:-}' CAREFILE_NO_CASEFILE='${CF_NO_CASEFILE-1}' CAREFILE_LOCALEDIR='$CAREFILE_LOCALEDIR' '$CAREFILE_BIN' ${CF_ARGS:-}; echo CAREFILE-EXITED \$?; sleep 600"; do
		tries=$((tries + 1))
		[ "$tries" -lt 5 ] || fail "tmux new-session"
		sleep 0.2
	done
	t set -g status off
	t set -g window-size manual
	t resize-window -t "$SESSION" -x "$cols" -y "$rows"
	size=$(t display -p -t "$SESSION" '#{pane_width}x#{pane_height}')
	[ "$size" = "${cols}x${rows}" ] || fail "pane is $size, not ${cols}x${rows}"
	: > "$go"
}

screen() {
	t capture-pane -p -t "$SESSION"
}

# wait_for TEXT [SECONDS]: polls the screen until TEXT (a fixed string) shows.
wait_for() {
	text=$1 limit=${2:-10}
	i=0
	while [ "$i" -lt $((limit * 20)) ]; do
		if screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "'$text' did not appear within ${limit}s"
}

# wait_gone TEXT [SECONDS]: polls until TEXT is no longer on the screen.
wait_gone() {
	text=$1 limit=${2:-10}
	i=0
	while [ "$i" -lt $((limit * 20)) ]; do
		if ! screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "'$text' still on the screen after ${limit}s"
}

alive() {
	if screen | grep -q CAREFILE-EXITED; then
		fail "carefile exited"
	fi
}

keys() {
	t send-keys -t "$SESSION" "$@"
}

# Types text literally (UTF-8), as a terminal delivers typed or pasted text.
type_text() {
	t send-keys -t "$SESSION" -l -- "$1"
}

resize() {
	t resize-window -t "$SESSION" -x "$1" -y "$2" || fail "resize-window $1x$2"
}

# Exits the program with q and checks it ended with status 0.
quit_ok() {
	keys q
	wait_for "CAREFILE-EXITED 0"
}
