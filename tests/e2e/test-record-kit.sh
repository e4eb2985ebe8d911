#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The kit's record forms on a demo case file: a third guardian (every guardian is editable), a contact
# entry edited from the detail (Tab selects it, Enter opens it), and a form locked with unsaved text:
# nothing of it on the lock screen, all of it back after the unlock.
# usage: test-record-kit.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

f=$(demo_file demo.carefile)
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
type_text "$DEMO_PASS"
keys Enter
wait_for "carefile | $(msg 'Today')"
keys s
wait_for "$(msg 'Student no.')"
# 萧昊 (xiao hao, a fictional demo student with two guardians)
keys /
type_text "xh"
wait_for "萧昊"
keys Enter
wait_for "$(msg 'Profile')"

# a third guardian: the form offers one more empty guardian below the last one filled
keys e
wait_for "$(msg 'Edit student: %s' | sed 's/%s//')萧昊"
i=0
while [ $i -lt 16 ]; do keys Down; i=$((i + 1)); done
wait_for "$(msg 'Guardian %d' | sed 's/%d/3/')"
type_text "祖母甲"
keys Down
type_text "祖母"
keys Down
type_text "139 0013 9001"
keys C-o
wait_for "$(msg 'Student saved.')"
# in the detail, with the phone in its canonical form
wait_for "祖母甲"
wait_for "13900139001"

# the contact entry: Tab selects it, Enter opens it with its text, the edit shows in the detail
keys Tab
wait_for "> 2026-06-10"
keys Enter
wait_for "$(msg 'Edit home-school contact: %s' | sed 's/%s//')萧昊"
wait_for "电话回访：学生周末作息已有改善。"
keys Down Down Down End
type_text "E2E改"
keys C-o
wait_for "$(msg 'Contact entry saved.')"
wait_for "电话回访：学生周末作息已有改善。E2E改"

# a form locked with unsaved text: sealed while locked, back after the unlock
keys c
wait_for "$(msg 'New home-school contact: %s' | sed 's/%s//')萧昊"
keys Down Down Down
type_text "锁屏前未保存的草稿"
keys C-l
wait_for "$(msg 'carefile is locked')"
screen | grep -qF "锁屏前未保存的草稿" && fail "unsaved text on the lock screen"
screen | grep -qF "萧昊" && fail "the student's name on the lock screen"
type_text "$DEMO_PASS"
keys Enter
wait_for "锁屏前未保存的草稿"
wait_for "$(msg 'New home-school contact: %s' | sed 's/%s//')萧昊"
keys Escape
wait_for "$(msg 'Discard changes?')"
keys y
wait_for "$(msg 'Home-school contacts')"
screen | grep -qF "锁屏前未保存的草稿" && fail "a discarded draft was saved"
keys q
wait_for "$(msg 'Student no.')"
keys q
wait_for "carefile | $(msg 'Today')"
quit_ok
