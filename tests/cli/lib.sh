# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by tests/cli/test-*.sh, after `set -u` and CF_TEST=<short name>: a private temporary
# directory $T (removed at exit), C.UTF-8 messages, the TAP counters and ok/bad, and sql FILE STATEMENT
# (an insider's raw access, through the sqlite3 shell or else Python's sqlite3).
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-${CF_TEST:-test}-XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME="$T/xdg"
unset LANGUAGE
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
sql() {
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$1" "$2"
	else
		python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print("\n".join(str(r[0]) for r in c.execute(sys.argv[2]))); c.commit()' "$1" "$2"
	fi
}
