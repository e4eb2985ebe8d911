# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers of the case-file tests (test-unlock*.sh, test-lock*.sh, test-setup*.sh), on top of lib.sh.
# usage: . lib.sh; . unlock-lib.sh LOCALE

LOC=${1:-C.UTF-8}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cf-unlock.XXXXXX")
unlock_cleanup() {
	cleanup
	rm -rf "$WORK"
}
trap unlock_cleanup EXIT INT TERM
# No configuration or case file of the person running the tests.
export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data"
export CF_NO_CASEFILE=

# msg MSGID: the text as the program shows it in LOC (the test catalogue).
msg() {
	env -u LANGUAGE LC_ALL="$LOC" TEXTDOMAINDIR="$CAREFILE_LOCALEDIR" gettext -d carefile -- "$1"
}

# demo_file NAME: a demo case file in WORK (fast KDF); prints its path.
demo_file() {
	"$CAREFILE_BIN" demo "$WORK/$1" >/dev/null 2>&1 || fail "carefile demo $1"
	echo "$WORK/$1"
}

# carefile_pid: the program running in the pane (child of the pane's shell).
carefile_pid() {
	shell=$(t display -p -t "$SESSION" '#{pane_pid}')
	ps -o pid= --ppid "$shell" | tr -d ' ' | head -1
}

# history: the whole pane including its scrollback.
history() {
	t capture-pane -p -S - -t "$SESSION"
}

DEMO_PASS=demo-passphrase-2026

# start_scrollback LOCALE COLS ROWS ARGS: as lib.sh's start, but 60 marker lines
# (SCROLL-CANARY-N) are printed first, so the pane has a scrollback to clear.
start_scrollback() {
	loc=$1 cols=$2 rows=$3 args=$4
	t new-session -d -s "$SESSION" -x "$cols" -y "$rows" \
		"for i in \$(seq 1 60); do echo SCROLL-CANARY-\$i; done; env -u LANGUAGE TERM=screen-256color LC_ALL=$loc CAREFILE_LOCALEDIR='$CAREFILE_LOCALEDIR' '$CAREFILE_BIN' $args; echo CAREFILE-EXITED \$?; sleep 600" ||
		fail "tmux new-session"
	t set -g status off
	t set -g history-limit 2000
}
