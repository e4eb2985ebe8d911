#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check detects plaintext columns changed behind carefile's back: a student's status (to an invalid
# value, or 0 <-> 1) and a contact moved to another student; each: exit 4, table and row id named.
set -u
BIN=${CAREFILE_BIN:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-tamper-XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME="$T/xdg"
unset LANGUAGE
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
sql() { # sql FILE STATEMENT: through the sqlite3 shell, else Python's sqlite3
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$1" "$2"
	else
		python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print("\n".join(str(r[0]) for r in c.execute(sys.argv[2]))); c.commit()' "$1" "$2"
	fi
}
if ! command -v sqlite3 >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP neither sqlite3 nor python3"
	exit 77
fi

printf 'demo-passphrase-2026\n' >"$T/demo.pw"
"$BIN" demo "$T/demo.carefile" >/dev/null || { echo "demo failed"; exit 1; }
chk() { "$BIN" -f "$1" -u demo --passphrase-fd 3 check 3<"$T/demo.pw" >"$T/out" 2>"$T/err" </dev/null; }

chk "$T/demo.carefile"
rc=$?
if [ "$rc" -eq 0 ]; then ok "untouched demo file passes check"; else bad "untouched demo: exit $rc"; fi

# tamper NAME TABLE ROW-SQL STATEMENT: on a copy; check must exit 4 and name TABLE row ROW
tamper() {
	name=$1 table=$2 row=$3 stmt=$4
	cp "$T/demo.carefile" "$T/t.carefile"
	sql "$T/t.carefile" "$stmt" >/dev/null
	chk "$T/t.carefile"
	rc=$?
	if [ "$rc" -eq 4 ]; then ok "$name: check exits 4"; else bad "$name: check exit $rc, want 4"; fi
	if grep -q "^FAILED: $table row $row:" "$T/out"; then ok "$name: names $table row $row"; else bad "$name: no 'FAILED: $table row $row'"; sed 's/^/# /' "$T/out" | tail -3; fi
}

tamper "status 99" student 5 "update student set status=99 where id=5"
s=$(sql "$T/demo.carefile" "select id from student where status=0 order by id limit 1")
tamper "status 0 -> 1" student "$s" "update student set status=1 where id=$s"
s=$(sql "$T/demo.carefile" "select id from student where status=1 order by id limit 1")
tamper "status 1 -> 0" student "$s" "update student set status=0 where id=$s"
c=$(sql "$T/demo.carefile" "select min(id) from contact")
tamper "contact moved to another student" contact "$c" \
	"update contact set student_id=(select min(id) from student where id<>contact.student_id) where id=$c"

echo "1..$n"
[ "$fails" -eq 0 ]
