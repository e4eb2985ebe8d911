#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Students screen on a demo case file: pinyin initials narrow the list and Enter opens the student;
# a new student with an impossible date gets the message under the field and nothing typed is lost, the
# fixed one is saved and found by two keystrokes; a contact entry shows in the detail; privacy mode
# shows no name; privacy_mode = on in the configuration file starts with initials.
# usage: test-students.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

# count N M: the list's count line ("N of M") as the program writes it in LOC.
count() {
	# shellcheck disable=SC2059 # the format is the translation
	printf "$(msg '%zu of %zu' | sed 's/%zu/%d/g')" "$1" "$2"
}

unlock_to_students() {
	wait_for "$(msg 'Unlock the case file')"
	type_text "$DEMO_PASS"
	keys Enter
	wait_for "carefile | $(msg 'Today')"
	keys s
	wait_for "$(msg 'Student no.')"
}

f=$(demo_file demo.carefile)
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
unlock_to_students
# the default list hides archived students: the count line says how many of all
wait_for "$(count 387 400)"
names_before=$(screen | sed -n '6,20p' | awk '{print $1}')
echo "$names_before" | grep -qF "董天" || fail "the first names of the list were not read: $names_before"

# pinyin initials: 李彤铭 (li tong ming, a fictional demo student) by "ltm"
keys /
type_text "ltm"
wait_for "$(count 1 400)"
wait_for "李彤铭"
keys Enter
wait_for "$(msg 'Profile')"
wait_for "D301010005"
keys q
wait_for "$(msg 'Student no.')"
keys Escape
wait_for "$(count 387 400)"

# add a student: an impossible date is refused next to the field, nothing typed is lost
keys +
wait_for "$(msg 'Add a student')"
type_text "E2E-0001"
keys Down
type_text "白文轩"
keys Down
keys 2
keys Down
type_text "2014-02-30"
keys Down Down
type_text "示例实验小学"
keys C-o
wait_for "$(msg 'Not a real date: write it as YYYY-MM-DD, e.g. 2014-07-18.')"
screen | grep -qF "白文轩" || fail "the name was lost after the validation error"
screen | grep -qF "示例实验小学" || fail "the school was lost after the validation error"
screen | grep -qF "E2E-0001" || fail "the student number was lost after the validation error"
# the focus is on the date: fix it and save
keys BSpace BSpace
type_text "28"
keys C-o
wait_for "$(msg 'Student saved.')"
wait_gone "$(msg 'Add a student')"
# found by two keystrokes of its pinyin initials (bai wen xuan)
keys /
type_text "bw"
wait_for "$(count 1 401)"
wait_for "白文轩"
screen | grep -qF "E2E-0001" || fail "the new student's number is not in the list"
keys Enter
wait_for "2014-02-28"

# a contact entry: shows in the detail's contact log
keys c
wait_for "$(msg 'Summary')"
keys Down Down Down Down Down Down
type_text "E2E 电话沟通：约定下周面谈"
keys C-o
wait_for "$(msg 'Contact entry saved.')"
keys End
wait_for "E2E 电话沟通：约定下周面谈"
wait_for "$(msg 'Home-school contacts')"

# lock: the student leaves the screen; unlocking comes back to the same detail, loaded again
keys C-l
wait_for "$(msg 'carefile is locked')"
screen | grep -qF "白文轩" && fail "student name on the lock screen"
screen | grep -qF "E2E 电话沟通" && fail "contact summary on the lock screen"
type_text "$DEMO_PASS"
keys Enter
wait_for "E2E 电话沟通：约定下周面谈"
wait_for "白文轩"

# edit: the class changes in the detail
keys e
wait_for "$(msg 'Edit student: %s' | sed 's/%s//')白文轩"
keys Down Down Down Down Down Down Down
type_text "3班"
keys C-o
wait_for "$(msg 'Student saved.')"
keys Home
wait_for "3班"

# archive: asks first, then the student leaves the default list
keys d
wait_for "$(msg 'Archive the student?')"
keys 1
wait_for "$(msg 'Student archived.')"
wait_for "$(msg 'Archived: hidden from the default list (d brings the student back).')"
keys q
wait_for "$(count 0 401)"

# the same number again is refused by the back end (an archived student keeps it), next to the field
keys +
wait_for "$(msg 'Add a student')"
type_text "E2E-0001"
keys Down
type_text "白文轩二"
keys C-o
wait_for "$(msg 'Another student already has this student number.')"
keys Escape
wait_for "$(msg 'Discard changes?')"
keys y
wait_gone "$(msg 'Add a student')"

# privacy mode: no name of the list is on the screen, initials are
keys Escape
wait_for "$(count 387 401)"
keys x
wait_for "$(msg ' (privacy mode: initials only)')"
wait_for "D.T."
snap=$(screen)
for n in $names_before 李彤铭 白文轩; do
	case $n in
	*[A-Za-z0-9.]*) continue ;; # not a name column cell
	esac
	echo "$snap" | grep -qF -- "$n" && fail "name $n visible in privacy mode"
done
# it stays on when the list is left and opened again
keys t
wait_for "carefile | $(msg 'Today')"
keys s
wait_for "$(msg ' (privacy mode: initials only)')"
screen | grep -qF "董天" && fail "name visible after coming back in privacy mode"
keys x
wait_for "董天"
keys q
wait_for "carefile | $(msg 'Today')"
quit_ok
t kill-server >/dev/null 2>&1 || true

# privacy_mode = on in the configuration file: the list starts with initials
mkdir -p "$XDG_CONFIG_HOME/carefile"
printf 'privacy_mode = on\n' > "$XDG_CONFIG_HOME/carefile/config"
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
unlock_to_students
wait_for "$(msg ' (privacy mode: initials only)')"
wait_for "D.T."
screen | grep -qF "董天" && fail "name visible with privacy_mode = on"
keys q
wait_for "carefile | $(msg 'Today')"
quit_ok

# the audit log has each opening of a student's record, every unlock and the lock at quit (or by Ctrl-L); its chain holds
audit_count() {
	python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM audit WHERE action = ?", (int(sys.argv[2]),)).fetchone()[0])' "$f" "$1"
}
[ "$(audit_count 6)" -ge 1 ] || fail "no view of a student in the audit log"
[ "$(audit_count 4)" -ge 2 ] || fail "unlocks missing from the audit log: $(audit_count 4)"
[ "$(audit_count 5)" -eq "$(audit_count 4)" ] || fail "each unlock ends in a lock: $(audit_count 4) unlocks, $(audit_count 5) locks"
"$CAREFILE_BIN" -f "$f" audit verify >/dev/null || fail "audit verify after the sessions"
