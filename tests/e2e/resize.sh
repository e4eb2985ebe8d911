#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Resize the running TUI 80x24 -> 40x12 -> 80x24 (and through the compact layout): the expected screen each time, no crash.
# usage: resize.sh LOCALE
set -eu
. "$(dirname "$0")/lib.sh"
loc=$1
case $loc in
zh_CN*) header="carefile | 今天" small="终端窗口太小" hint="? 帮助" ;;
*) header="carefile | Today" small="Terminal too small" hint="? Help" ;;
esac

start "$loc" 80 24
wait_for "$header"
wait_for "$hint"
resize 40 12
wait_for "$small"
wait_for "60x18"
wait_gone "$header"
alive
resize 80 24
wait_for "$header"
wait_for "$hint"
wait_gone "$small"
alive
# compact layout, then too small by one row, then back
resize 60 18
wait_for "$header"
resize 60 17
wait_for "$small"
resize 80 24
wait_for "$header"
# keys still work after the resizes: Students and back
keys s
case $loc in
zh_CN*) wait_for "carefile | 学生" ;;
*) wait_for "carefile | Students" ;;
esac
keys q
wait_for "$header"
alive
quit_ok
