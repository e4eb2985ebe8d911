#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Type Chinese into the multi-line editor and read it back intact; paste 2,000 characters and lose none.
# usage: editor.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
loc=$1
sentence="今天和学生谈了考试焦虑，约定下周三再谈。"
case $loc in
zh_CN*) title="草稿记录（不保存）" count20="20 个字符" count2021="2021 个字符" sessions="carefile | 咨询记录" ;;
*) title="Scratch note (not saved)" count20="20 characters" count2021="2021 characters" sessions="carefile | Sessions" ;;
esac

start "$loc" 80 24
wait_for "carefile |"
keys n
wait_for "$sessions"
keys n
wait_for "$title"
type_text "$sentence"
wait_for "$count20"
screen | grep -qF -- "│ $sentence" || fail "typed text not read back intact"
# Backspace deletes a whole Chinese character; both DEL (127) and Ctrl-H work
keys BSpace
wait_for "19 "
screen | grep -qF -- "│ 今天和学生谈了考试焦虑，约定下周三再谈 " || fail "Backspace did not delete one whole character"
keys C-h
wait_for "18 "
type_text "谈。"
wait_for "$count20"
screen | grep -qF -- "│ $sentence" || fail "text not intact after delete and retype"
# A paste: 100 copies of a 20-character line typed at once, as a terminal delivers a paste.
keys Enter
paste=""
i=0
while [ $i -lt 100 ]; do
	paste="$paste$sentence"
	i=$((i + 1))
done
type_text "$paste"
# 20 + newline + 2000 = 2021 characters: nothing dropped
wait_for "$count2021" 20
alive
keys Escape
wait_gone "$title"
wait_for "$sessions"
# q leaves Sessions for Today; q on Today quits
keys q
wait_gone "$sessions"
quit_ok
