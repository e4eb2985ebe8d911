#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check detects plaintext columns changed behind carefile's back: a student's status (to an invalid
# value, or 0 <-> 1) and a contact moved to another student; each: exit 4, table and row id named.
# A schema altered outside carefile (a planted trigger) is refused before anything runs; with a
# damaged student, export says what it left out (exit 4) and import refuses to plan (exit 4).
set -u
BIN=${CAREFILE_BIN:?}
CF_TEST=tamper
. "$(dirname "$0")/lib.sh"
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

# row ids are random: the fifth student as written
five=$(sql "$T/demo.carefile" "select id from student order by created, id limit 1 offset 4")
tamper "status 99" student "$five" "update student set status=99 where id=$five"
s=$(sql "$T/demo.carefile" "select id from student where status=0 order by id limit 1")
tamper "status 0 -> 1" student "$s" "update student set status=1 where id=$s"
s=$(sql "$T/demo.carefile" "select id from student where status=1 order by id limit 1")
tamper "status 1 -> 0" student "$s" "update student set status=0 where id=$s"
c=$(sql "$T/demo.carefile" "select min(id) from contact")
tamper "contact moved to another student" contact "$c" \
	"update contact set student_id=(select min(id) from student where id<>contact.student_id) where id=$c"

# a trigger that would undo an edit inside carefile's own transaction: refused at open, file unchanged
cp "$T/demo.carefile" "$T/trig.carefile"
sql "$T/trig.carefile" "CREATE TRIGGER revert AFTER UPDATE OF data ON student BEGIN UPDATE student SET data=old.data WHERE id=new.id; END;" >/dev/null
before=$(sha256sum <"$T/trig.carefile")
chk "$T/trig.carefile"
rc=$?
if [ "$rc" -eq 4 ]; then ok "planted trigger: exit 4"; else bad "planted trigger: exit $rc, want 4"; fi
if grep -q "altered outside carefile" "$T/err"; then ok "planted trigger: says the file was altered"; else bad "planted trigger: message"; sed 's/^/# /' "$T/err"; fi
if [ "$(sha256sum <"$T/trig.carefile")" = "$before" ]; then ok "planted trigger: file unchanged"; else bad "planted trigger: file changed"; fi

# a damaged student: export writes the others and says so; import will not guess
cp "$T/demo.carefile" "$T/dmg.carefile"
sql "$T/dmg.carefile" "update student set status=99 where id=$five" >/dev/null
"$BIN" -f "$T/dmg.carefile" -u demo --passphrase-fd 3 export students --out "$T/x.csv" 3<"$T/demo.pw" >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -eq 4 ]; then ok "export with a damaged student: exit 4"; else bad "export damaged: exit $rc, want 4"; fi
if grep -q "1 student record could not be read and is not in the export" "$T/err"; then ok "export says what it left out"; else bad "export: no warning"; sed 's/^/# /' "$T/err"; fi
rows=$(($(wc -l <"$T/x.csv") - 1))
if [ "$rows" -eq 399 ]; then ok "export holds the 399 readable students"; else bad "export rows $rows, want 399"; fi
"$BIN" -f "$T/demo.carefile" -u demo --passphrase-fd 3 export students --out "$T/all.csv" 3<"$T/demo.pw" >/dev/null 2>&1 </dev/null
before=$(sha256sum <"$T/dmg.carefile")
"$BIN" -f "$T/dmg.carefile" -u demo --passphrase-fd 3 import roster "$T/all.csv" --yes 3<"$T/demo.pw" >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -eq 4 ]; then ok "import with a damaged student: exit 4"; else bad "import damaged: exit $rc, want 4"; fi
if grep -q "cannot tell which students are already in the case file" "$T/err"; then ok "import says why"; else bad "import: message"; sed 's/^/# /' "$T/err"; fi
if [ "$(sha256sum <"$T/dmg.carefile")" = "$before" ]; then ok "import wrote nothing"; else bad "import changed the file"; fi

echo "1..$n"
[ "$fails" -eq 0 ]
