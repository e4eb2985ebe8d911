#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Least privilege (issue 8, item 5): hotline1 of the demo file holds only the hotline key. Its Students
# screen says "no permission" (translated, on one line at 80x24) instead of an empty list or an error,
# shows no student and offers no search, add, filter, import or privacy key; those keys only repeat the
# message and open nothing. Navigation keeps working, and so does lock and unlock.
# usage: test-students-hotline.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

DENIED='No permission: your role cannot see student records.'
HOT_PASS=hotline-passphrase-2026
denied=$(msg "$DENIED")
case $LOC in
C.*) ;;
*) [ "$denied" != "$DENIED" ] || fail "the no-permission message is not translated for $LOC" ;;
esac

# hint: the bottom line of the screen
hint() {
	screen | tail -1
}

f=$(demo_file demo.carefile)
CF_ARGS="-f '$f' -u hotline1" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "$HOT_PASS"
keys Enter
wait_for "carefile | $(msg 'Today')"
keys s
wait_for "carefile | $(msg 'Students')"
# the whole message on one line of the 80x24 screen
wait_for "$denied"
screen | grep -qF "$(msg 'Student no.')" && fail "the list's columns are shown to a role without student records"
screen | grep -qF "$(msg '%zu of %zu' | sed 's/%zu.*//')0" && fail "a student count is shown"
# no name of the demo file (董天 is the first of the list for a counselor)
screen | grep -qF "董天" && fail "a student's name is shown"
screen | grep -qF "$(msg 'Your role does not allow this')" && fail "a bare error instead of the screen's message"
wait_for "$(msg 'The other screens work as usual: press t for Today or h for Hotline.')"
# the hint line offers none of the Students keys, only help, back and the other screens
for label in Search Add Filter Import Privacy; do
	hint | grep -qF " $(msg "$label")" && fail "the hint line offers $label: $(hint)"
done
hint | grep -qF "$(msg 'Today')" || fail "no navigation in the hint line: $(hint)"

# the action keys open nothing: no form, no import dialog, no search prompt
keys +
sleep 0.3
screen | grep -qF "$(msg 'Add a student')" && fail "the add form opened"
keys i
sleep 0.3
screen | grep -qF "carefile | $(msg 'Import roster')" && fail "the import dialog opened"
keys f
sleep 0.3
screen | grep -qF "$(msg 'School')" && fail "the filter dialog opened"
keys /
type_text "zz" # no navigation letters: the keys fall through to the frame
sleep 0.3
screen | grep -qF "/ zz" && fail "a search prompt opened"
keys Enter
sleep 0.3
screen | grep -qF "$(msg 'Profile')" && fail "Enter opened a student"
screen | grep -qF "carefile | $(msg 'Students')" || fail "left the Students screen"
# the status line repeats the reason (two copies: the screen's and the status line's)
[ "$(screen | grep -cF "$denied")" -eq 2 ] || fail "the action keys do not say why"
alive

# the help overlay lists no Students keys either
keys '?'
wait_for "$(msg 'Everywhere')"
screen | grep -qF "$(msg 'Add a student')" && fail "help offers adding a student"
screen | grep -qF "$(msg 'Import a class roster (CSV from Excel or the registry system), with a preview')" &&
	fail "help offers the import"
keys Escape
wait_gone "$(msg 'Everywhere')"

# navigation keeps working: Today, Hotline, and back to Students
keys t
wait_for "carefile | $(msg 'Today')"
keys h
wait_for "carefile | $(msg 'Hotline')"
keys s
wait_for "$denied"

# lock and unlock come back to the same message, not to an error
keys C-l
wait_for "$(msg 'carefile is locked')"
type_text "$HOT_PASS"
keys Enter
wait_for "$denied"
screen | grep -qF "carefile | $(msg 'Students')" || fail "not back on Students after the unlock"

keys q
wait_for "carefile | $(msg 'Today')"
quit_ok
