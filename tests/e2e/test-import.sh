#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 4's "Done when" from the TUI: a fresh demo case file, unlock, Students, i, the GBK sample roster,
# the preview (120 new, GBK), confirm, then / and two pinyin initials find a student of that file and
# Enter opens the detail. Also: a cancelled import and a refused binary file write nothing (the case
# file's SHA-256 is unchanged), and importing the same file again shows 0 new, 0 changed.
# usage: test-import.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
loc=$1
# The Students list opens the dialog with i; until its screen does, this flow cannot run.
if ! grep -q tui_screen_import "$(dirname "$0")/../../src/tui/screen-students.c"; then
	echo "the Students list has no key for the import dialog yet: skipping" >&2
	exit 77
fi
: "${SAMPLES_DIR:?SAMPLES_DIR must name the samples folder}"
roster="$SAMPLES_DIR/roster-excel-gbk.csv"
[ -r "$roster" ] || { echo "FAIL: no sample roster at $roster (SAMPLES_DIR)" >&2; exit 1; }
# 鲍英杰 (S20240102310031 in the GBK file): initials "by" find only this student among the file's 120 and
# the demo students (checked by hand: "1 of 520"), so Enter on the search opens them.
student=鲍英杰
number=S20240102310031
initials=by
case $loc in
zh_CN*)
	unlocked="| 未锁定" students="carefile | 学生" title="导入名单" new120="新增 120" binary="文件不是文本"
	cancelled="已取消导入" imported="已导入 120 名新学生" again="新增 0  变更 0" ;;
*)
	unlocked="| unlocked" students="carefile | Students" title="Import roster" new120="New: 120"
	binary="The file is not text" cancelled="Import cancelled" imported="Imported 120 new"
	again="New: 0  Changed: 0" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/cf-import.XXXXXX")
trap 'cleanup; rm -rf "$work"' EXIT INT TERM
export HOME="$work"
unset XDG_CONFIG_HOME
"$CAREFILE_BIN" demo "$work/demo.carefile" >/dev/null
CF_NO_CASEFILE=
CF_ARGS="-f '$work/demo.carefile' -u demo"

# unlock, then the Students list
open_students() {
	start "$loc" 80 24
	wait_for "demo.carefile"
	type_text "demo-passphrase-2026"
	keys Enter
	wait_for "$unlocked" 20
	keys s
	wait_for "$students"
}

# the path prompt of the import dialog, with path typed and Enter pressed
import_file() {
	keys i
	wait_for "$title"
	type_text "$1"
	keys Enter
}

# What an import would change: the records, and the audit log's writes and imports (an unlock, a
# lock and a view leave entries of their own, which are not what this test is about).
sha() {
	python3 - "$work/demo.carefile" <<'PY'
import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
h = hashlib.sha256()
for q in ("SELECT * FROM student ORDER BY id", "SELECT * FROM contact ORDER BY id",
          "SELECT seq, action, tbl, row_uuid, row_version, row_hash FROM audit WHERE action IN (1, 2, 7) ORDER BY seq"):
    for row in c.execute(q):
        h.update(repr(row).encode())
print(h.hexdigest())
PY
}

# A session that only unlocks and quits: the reference for "nothing written".
open_students
keys q
keys q
wait_for "CAREFILE-EXITED 0"
t kill-server >/dev/null 2>&1 || true
before=$(sha)

# Cancelled import: the preview shows, n cancels; a binary file gets the message; nothing is written.
open_students
import_file "$roster"
wait_for "$new120" 20
wait_for "GBK"
keys n
wait_for "$cancelled"
wait_gone "$title"
import_file "$CAREFILE_BIN"
wait_for "$binary"
keys Escape
wait_gone "$title"
keys q
keys q
wait_for "CAREFILE-EXITED 0"
t kill-server >/dev/null 2>&1 || true
[ "$(sha)" = "$before" ] || fail "a cancelled import or a refused file changed the case file"
[ ! -s "$work/demo.carefile-wal" ] || fail "a cancelled import left a write-ahead log"

# The import: preview, confirm, back on the list; / and two initials find the student, Enter opens them.
open_students
import_file "$roster"
wait_for "$new120" 20
keys y
wait_for "$imported" 30
keys Enter
wait_gone "$title"
wait_for "$students"
keys /
type_text "$initials"
wait_for "$student"
keys Enter
wait_for "$number"
screen | grep -qF -- "$student" || fail "the detail does not show $student"
alive

# The same file again: nothing new, nothing changed. (The list, not the detail, shows the search line.)
keys Escape
wait_for "/ $initials"
import_file "$roster"
wait_for "$again" 20
keys Escape
wait_gone "$title"
keys q
keys q
wait_for "CAREFILE-EXITED 0"
