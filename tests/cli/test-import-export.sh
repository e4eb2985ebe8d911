#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# import roster / export students through the real binary: exact counts for every sample, idempotent
# re-import, one changed field named, dry run and malformed files leave the case file's SHA-256 unchanged,
# row errors skipped with exit 10, canaries absent from every file next to the case file, export mode
# 0600 + BOM + formula neutralising, and the export round trip into a fresh case file, field by field.
set -u
BIN=${CAREFILE_BIN:?}
S=${SAMPLES_DIR:?}
CF_TEST=import
. "$(dirname "$0")/lib.sh"
check() {
	d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; sed 's/^/# out: /' "$T/out" | tail -5; fi
}
expect() {
	want=$1; d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $got)"; else bad "$d: exit $got, want $want"; sed 's/^/# /' "$T/err" | head -5; fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
summary() { grep -c "^Rows read: $1, new: $2, changed: $3, unchanged: $4, rows with errors: $5\$" "$T/out" >/dev/null; }

printf 'demo-passphrase-2026\n' >"$T/demo.pw"
printf 'correct horse battery staple 77\n' >"$T/alice.pw"
# demo files: the KDF at the floor keeps each unlock quick; their 400 students have numbers D...,
# never the S... numbers of the samples, so the counts below are those of an empty file
mkdir "$T/cf"
"$BIN" demo "$T/demo.carefile" >/dev/null || { echo "demo failed"; exit 1; }
fresh() { cp "$T/demo.carefile" "$T/cf/$1"; echo "$T/cf/$1"; }
imp() { # imp FILE ARGS... (passphrase on fd 3)
	f=$1; shift
	"$BIN" -f "$f" -u demo --passphrase-fd 3 import roster "$@" 3<"$T/demo.pw"
}

# ---- every sample, exact counts ----
F=$(fresh utf8.carefile)
expect 0 "import roster-utf8.csv --yes" imp "$F" "$S/roster-utf8.csv" --yes
check "576 new, 0 errors" summary 576 576 0 0 0
check "the preview lists each new student" sh -c "[ \$(grep -c '^New: ' '$T/out') -eq 576 ]"
expect 0 "the same file again" imp "$F" "$S/roster-utf8.csv" --yes
check "second import: 0 new, 0 changed, 576 unchanged" summary 576 0 0 576 0
F=$(fresh gbk.carefile)
expect 0 "import roster-excel-gbk.csv --yes" imp "$F" "$S/roster-excel-gbk.csv" --yes
check "GBK: 120 new, 0 errors" summary 120 120 0 0 0
F=$(fresh bom.carefile)
expect 0 "import roster-excel-utf8bom.csv --yes" imp "$F" "$S/roster-excel-utf8bom.csv" --yes
check "UTF-8 with BOM: 120 new, 0 errors" summary 120 120 0 0 0
expect 0 "check after the imports" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"
check "check authenticates 520 students" grep -q '^student: 520 rows, 520 authenticated' "$T/out"
check "check counts the demo's contacts" grep -Eq '^contact: [1-9][0-9]* rows, [1-9][0-9]* authenticated, 0 ' "$T/out"

# ---- one changed field ----
F=$T/cf/utf8.carefile
sed '2s/,四年级,1班,/,四年级,3班,/' "$S/roster-utf8.csv" >"$T/changed.csv"
check "the changed copy differs in one line" sh -c "[ \$(diff '$S/roster-utf8.csv' '$T/changed.csv' | grep -c '^>') -eq 1 ]"
s=$(sha "$F")
expect 0 "dry run of the changed roster" imp "$F" "$T/changed.csv" --dry-run
check "dry run: exactly 1 changed" summary 576 0 1 575 0
check "dry run: the field and both values are named" grep -q '^    Class: "1班" -> "3班"$' "$T/out"
check "dry run says nothing was written" grep -q '^Dry run: nothing was written' "$T/out"
check "dry run: case file SHA-256 unchanged" [ "$(sha "$F")" = "$s" ]
expect 2 "without --yes and without a terminal: refused" imp "$F" "$T/changed.csv"
check "refusal explains --yes" grep -q -- '--yes' "$T/err"
check "refusal: case file SHA-256 unchanged" [ "$(sha "$F")" = "$s" ]
expect 0 "apply the changed roster" imp "$F" "$T/changed.csv" --yes
check "applied: 1 changed" summary 576 0 1 575 0
expect 0 "the changed roster again" imp "$F" "$T/changed.csv" --dry-run
check "nothing left to change" summary 576 0 0 576 0

# ---- confirmation on a terminal (script(1) gives the command a pseudo-terminal) ----
if command -v script >/dev/null; then
	F=$(fresh confirm.carefile)
	s=$(sha "$F")
	printf 'n\n' | script -qec "'$BIN' -f '$F' -u demo --passphrase-fd 3 import roster '$S/roster-excel-gbk.csv' 3<'$T/demo.pw'" /dev/null >"$T/out" 2>&1
	got=$?
	check "terminal, answer n: exit 21 (cancelled) (exit $got)" [ "$got" -eq 21 ]
	check "terminal: the question names the counts" grep -q 'Import 120 new and 0 changed students? \[y/N\]' "$T/out"
	check "answer n: case file SHA-256 unchanged" [ "$(sha "$F")" = "$s" ]
	printf 'y\n' | script -qec "'$BIN' -f '$F' -u demo --passphrase-fd 3 import roster '$S/roster-excel-gbk.csv' 3<'$T/demo.pw'" /dev/null >"$T/out" 2>&1
	got=$?
	check "terminal, answer y: exit 0 (exit $got)" [ "$got" -eq 0 ]
	check "answer y: 120 imported" grep -q 'new: 120, changed: 0' "$T/out"
else
	echo "# script(1) missing: confirmation on a terminal not tested"
fi

# ---- files that are not rosters: message, exit code, nothing written ----
F=$(fresh bad.carefile)
s=$(sha "$F")
: >"$T/empty.csv"
printf 'PK\003\004\000\000\000binary\000\001\002\377\376' >"$T/binary.csv"
{ head -n 5 "$S/roster-utf8.csv"; printf 'S20249999990001,"未闭合,女,2014-01-01\n'; } >"$T/truncated.csv"
{ head -n 20 "$S/roster-utf8.csv"; printf 'S20249999990002,\377\376坏,女,2014-01-01,汉族,a,b,c,d,e,13800138000,x\n'; tail -n 20 "$S/roster-utf8.csv"; } >"$T/invalid.csv"
for c in "empty 11" "binary 11" "truncated 11" "invalid 17"; do
	set -- $c
	expect "$2" "$1 file refused" imp "$F" "$T/$1.csv" --yes
	check "$1 file: a message on stderr" [ -s "$T/err" ]
	check "$1 file: says nothing was imported" grep -q 'nothing was imported' "$T/err"
	check "$1 file: case file SHA-256 unchanged" [ "$(sha "$F")" = "$s" ]
	cp "$T/err" "$T/err-$1"
done
check "truncated file: the line where the open record starts" grep -q 'line 6' "$T/err-truncated"
check "invalid file: the byte offset" grep -q 'byte [0-9]' "$T/err-invalid"
expect 8 "a missing file" imp "$F" "$T/no-such.csv" --yes
check "missing file: case file unchanged" [ "$(sha "$F")" = "$s" ]

# ---- row errors: skipped and listed, the rest imported, exit 10 ----
F=$(fresh rows.carefile)
{ head -n 4 "$S/roster-utf8.csv"; printf 'S20249999990003,,女,2014-01-01,汉族,滨江实验小学,四年级,1班,王某,父亲,13800138000,示例市\n'; \
  printf 'S20249999990004,错号,女,2014-01-01,汉族,滨江实验小学,四年级,1班,王某,父亲,1.38001E+10,示例市\n'; } >"$T/rows.csv"
expect 0 "dry run with row errors exits 0" imp "$F" "$T/rows.csv" --dry-run
expect 10 "--yes with row errors: exit 10" imp "$F" "$T/rows.csv" --yes
check "rows with errors counted, the rest imported" summary 5 3 0 0 2
check "row error with row number and column" grep -q '^Error:   row 5 (line 5), column "姓名": ' "$T/out"
check "scientific-notation phone reported" grep -q '^Error:   row 6 (line 6), column "监护人电话": ' "$T/out"
check "skipped rows are said" grep -q 'skipped' "$T/out"

# ---- canary: nothing of an imported row is readable in any file next to the case file ----
mkdir "$T/canary" "$T/canary-src"
F="$T/canary/c.carefile"
cp "$T/demo.carefile" "$F"
printf '学号,姓名,性别,监护人姓名,监护人电话,家庭住址,备注\nCNRY77001,金丝雀测试甲,女,金丝雀家长乙,13912345678,CanaryStreet-9931,canary-remark-5150\n' >"$T/canary-src/c.csv"
expect 0 "import the canary roster" imp "$F" "$T/canary-src/c.csv" --yes
check "canary imported" summary 1 1 0 0 0
for w in CNRY77001 金丝雀测试甲 金丝雀家长乙 13912345678 CanaryStreet-9931 canary-remark-5150; do
	check "canary '$w' absent from the case file and its side files" sh -c "! grep -rqaF '$w' '$T/canary'"
done
check "canary not in stderr" sh -c "! grep -qF 金丝雀 '$T/err'"

# ---- export ----
I="$T/cf/fresh-a.carefile"
expect 0 "init a fresh case file" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 init 3<'$T/alice.pw'"
expect 0 "import roster-utf8.csv into it" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 import roster '$S/roster-utf8.csv' --yes 3<'$T/alice.pw'"
check "fresh file: 576 new" summary 576 576 0 0 0
expect 0 "export students" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 export students --out '$T/a.csv' 3<'$T/alice.pw'"
check "export says how many" grep -q '^Exported 576 students' "$T/out"
check "export has mode 0600" [ "$(stat -c %a "$T/a.csv")" = 600 ]
check "export starts with the UTF-8 BOM" [ "$(head -c 3 "$T/a.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
check "export: header + 576 rows" [ "$(wc -l <"$T/a.csv")" -eq 577 ]
s=$(sha "$T/a.csv")
expect 14 "export refuses to overwrite" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 export students --out '$T/a.csv' 3<'$T/alice.pw'"
check "the existing export is unchanged" [ "$(sha "$T/a.csv")" = "$s" ]
ln -s "$T/target-of-link" "$T/link.csv"
expect 14 "export refuses a symlink" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 export students --out '$T/link.csv' 3<'$T/alice.pw'"
check "nothing written through the symlink" [ ! -e "$T/target-of-link" ]
expect 3 "export needs the passphrase" sh -c "printf 'not it at all 1234\n' | '$BIN' -f '$I' -u alice --passphrase-fd 0 export students --out '$T/never.csv'"
check "wrong passphrase: no export file" [ ! -e "$T/never.csv" ]
expect 2 "export without --out" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 export students 3<'$T/alice.pw'"

# ---- the hotline role holds no student keys (issue 8, item 5): refused before any passphrase, nothing written ----
H=$(fresh hotline.carefile)
printf 'hotline-passphrase-2026\n' >"$T/hot.pw"
s=$(sha "$H")
mkdir "$T/hl-out"
# no --passphrase-fd and no terminal: a passphrase prompt would be exit 2, so exit 9 says it came first
expect 9 "hotline1: export students refused with the permission code" "$BIN" -f "$H" -u hotline1 export students --out "$T/hl-out/h.csv"
check "hotline1 export: the message names the command and the roles that may" \
	grep -q '^carefile: export students: Your role does not allow this (student records need the counselor or supervisor role); nothing was read or written$' "$T/err"
check "hotline1 export: no passphrase was asked" sh -c "! grep -qi 'passphrase for' '$T/err'"
check "hotline1 export: no file, no temporary file" [ -z "$(ls -A "$T/hl-out")" ]
expect 9 "hotline1 with the right passphrase: export still refused" sh -c "'$BIN' -f '$H' -u hotline1 --passphrase-fd 3 export students --out '$T/hl-out/h.csv' 3<'$T/hot.pw'"
check "hotline1 export with passphrase: no file, no temporary file" [ -z "$(ls -A "$T/hl-out")" ]
expect 9 "hotline1: import roster --yes refused with the permission code" "$BIN" -f "$H" -u hotline1 import roster "$S/roster-excel-gbk.csv" --yes
check "hotline1 import: the message names the command" grep -q '^carefile: import roster: Your role does not allow this' "$T/err"
check "hotline1 import: no preview of the roster was printed" [ ! -s "$T/out" ]
expect 9 "hotline1: import roster --dry-run refused too" sh -c "'$BIN' -f '$H' -u hotline1 --passphrase-fd 3 import roster '$S/roster-excel-gbk.csv' --dry-run 3<'$T/hot.pw'"
expect 9 "hotline1: refused before the roster is read (a missing roster is not the first problem)" "$BIN" -f "$H" -u hotline1 import roster "$T/no-such.csv" --yes
check "hotline1: the case file's SHA-256 is unchanged" [ "$(sha "$H")" = "$s" ]
check "hotline1: nothing written next to the case file" sh -c "[ ! -e '$H-wal' ] && [ ! -e '$H-journal' ]"
expect 9 "hotline1 refused in Chinese too" env LC_ALL=zh_CN.UTF-8 "$BIN" -f "$H" -u hotline1 export students --out "$T/hl-out/h.csv"
check "the refusal is translated" grep -q '学生档案' "$T/err"
check "hotline1 (zh_CN): no file" [ -z "$(ls -A "$T/hl-out")" ]
expect 3 "an unknown user is not told apart from a wrong passphrase" sh -c "'$BIN' -f '$H' -u nobody --passphrase-fd 3 export students --out '$T/hl-out/n.csv' 3<'$T/hot.pw'"
check "unknown user: no file" [ -z "$(ls -A "$T/hl-out")" ]
expect 0 "the demo counselor still exports the same file" sh -c "'$BIN' -f '$H' -u demo --passphrase-fd 3 export students --out '$T/hl-out/d.csv' 3<'$T/demo.pw'"
check "counselor export: 400 students" [ "$(wc -l <"$T/hl-out/d.csv")" -eq 401 ]
expect 0 "the admin grants hotline1 the counselor role" sh -c "'$BIN' -f '$H' -u demo --passphrase-fd 3 user grant hotline1 --role counselor 3<'$T/demo.pw'"
expect 0 "with the role granted, hotline1 exports (the grant is merged at its unlock)" sh -c "'$BIN' -f '$H' -u hotline1 --passphrase-fd 3 export students --out '$T/hl-out/g.csv' 3<'$T/hot.pw'"
check "granted export: 400 students" [ "$(wc -l <"$T/hl-out/g.csv")" -eq 401 ]

# round trip: into another fresh file, then exported again: the same bytes (every field of every student)
J="$T/cf/fresh-b.carefile"
expect 0 "init a second fresh case file" sh -c "'$BIN' -f '$J' -u alice --passphrase-fd 3 init 3<'$T/alice.pw'"
expect 0 "import the export" sh -c "'$BIN' -f '$J' -u alice --passphrase-fd 3 import roster '$T/a.csv' --yes 3<'$T/alice.pw'"
check "round trip: 576 new, 0 errors" summary 576 576 0 0 0
expect 0 "export the second file" sh -c "'$BIN' -f '$J' -u alice --passphrase-fd 3 export students --out '$T/b.csv' 3<'$T/alice.pw'"
check "round trip: both exports identical, field by field" cmp -s "$T/a.csv" "$T/b.csv"
expect 0 "the export into the first file again" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 import roster '$T/a.csv' --dry-run 3<'$T/alice.pw'"
check "the export re-imports with 0 new, 0 changed" summary 576 0 0 576 0

# formula neutralising: cells that a spreadsheet would run are written with a leading apostrophe
F=$(fresh formula.carefile)
printf '学号,姓名,家庭住址,备注\nF0001,公式甲,=HYPERLINK("http://x"),+1+2\nF0002,公式乙,@SUM(A1),-3\n' >"$T/formula.csv"
expect 0 "import formula-like cells" imp "$F" "$T/formula.csv" --yes
expect 0 "export them" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 export students --out '$T/f.csv' 3<'$T/demo.pw'"
check "=... neutralised" grep -q "\"'=HYPERLINK(\"\"http://x\"\")\"" "$T/f.csv"
check "+... neutralised" grep -q ",'+1+2" "$T/f.csv"
check "@... neutralised" grep -q ",'@SUM(A1)," "$T/f.csv"
check "-... neutralised" grep -q ",'-3" "$T/f.csv"
check "no cell starts with a bare =, +, @" sh -c "! grep -Eq '(^|,)[=+@]' '$T/f.csv'"
expect 0 "re-import of the neutralised export" imp "$F" "$T/f.csv" --dry-run
check "neutralising undone on import: nothing changed" sh -c "grep -q 'new: 0, changed: 0' '$T/out'"

echo "1..$n"
[ "$fails" -eq 0 ]
