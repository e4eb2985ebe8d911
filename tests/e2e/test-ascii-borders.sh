#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ascii_borders = on in the config file: boxes drawn with + - | (line characters are East Asian
# Ambiguous and take two cells in many zh_CN terminals); off (default): line characters.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"

f=$(demo_file demo.carefile)
mkdir -p "$XDG_CONFIG_HOME/carefile"
printf 'ascii_borders = on\n' > "$XDG_CONFIG_HOME/carefile/config"
CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
wait_for "$(msg 'Unlock the case file')"
screen | grep -q -- "+-" || fail "no ASCII corner with ascii_borders = on"
screen | grep -q "┌" && fail "line characters drawn with ascii_borders = on"
alive
