#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The rollback witness through the real binary (trust issue, item 4): a case file put back to an older
# copy is refused with exit 23 after the passphrase, unchanged, until --accept-rollback; the witness
# is private and holds nothing about a student; another account on the PC, or another PC, is not stopped.
set -u
BIN=${CAREFILE_BIN:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-rollback-XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME="$T/xdg" XDG_STATE_HOME="$T/state"
unset LANGUAGE
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; sed 's/^/# /' "$T/out" "$T/err"; fi; }
expect() {
	want=$1; d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $got)"; else bad "$d: exit $got, want $want"; sed 's/^/# /' "$T/out" "$T/err"; fi
}
printf 'demo-passphrase-2026\n' >"$T/demo.pw"
printf 'hotline-passphrase-2026\n' >"$T/hot.pw"
printf 'Tulip-Ocean-Ladder-94-quietly\n' >"$T/new.pw"
F="$T/f.carefile"
"$BIN" demo "$F" >/dev/null || { echo "demo failed"; exit 1; }
as() { u=$1; pw=$2; shift 2; "$BIN" -f "$F" -u "$u" --passphrase-fd 3 "$@" 3<"$pw"; }

expect 0 "demo checks the file" as demo "$T/demo.pw" check
cp "$F" "$T/backup.carefile"
expect 0 "demo adds a user (a write)" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user add later --role counselor --new-passphrase-fd 4 3<'$T/demo.pw' 4<'$T/new.pw'"
check "the witness is mode 0600" [ "$(stat -c %a "$XDG_STATE_HOME/carefile/witness")" = 600 ]
check "its directory is mode 0700" [ "$(stat -c %a "$XDG_STATE_HOME/carefile")" = 700 ]
check "it names the account and the file, three counters and the audit head, nothing else" sh -c "[ \$(wc -l <'$XDG_STATE_HOME/carefile/witness') -eq 1 ] && grep -Eq '^w1 [0-9a-f]{32} [0-9a-f]+ [0-9]+ [0-9]+ [0-9]+ [0-9a-f]{64}\$' '$XDG_STATE_HOME/carefile/witness'"

cp "$T/backup.carefile" "$F"
s=$(sha256sum <"$F")
expect 23 "the older copy put back: refused" as demo "$T/demo.pw" check
check "the message asks whether it was restored or rolled back" grep -q 'restored from a backup, or rolled back' "$T/err"
check "and names the way on" grep -q -- '--accept-rollback' "$T/err"
check "nothing was written" [ "$(sha256sum <"$F")" = "$s" ]
check "no passphrase or student name on stderr" sh -c "! grep -q 'demo-passphrase' '$T/err'"
expect 23 "refused again: the answer is not remembered" as demo "$T/demo.pw" check
expect 0 "hotline1 never saw the newer file on this PC: not stopped" as hotline1 "$T/hot.pw" check
expect 0 "another PC (another state directory) is not stopped" \
	env XDG_STATE_HOME="$T/other-pc" "$BIN" -f "$F" -u demo --passphrase-fd 3 check 3<"$T/demo.pw"
cp "$T/backup.carefile" "$F"
expect 0 "--accept-rollback opens it" "$BIN" -f "$F" -u demo --passphrase-fd 3 --accept-rollback check 3<"$T/demo.pw"
check "check passed" grep -q '^Check passed' "$T/out"
expect 0 "from now on it is the state seen" as demo "$T/demo.pw" check

cp "$T/backup.carefile" "$F"
expect 0 "accepted once more" "$BIN" -f "$F" -u demo --passphrase-fd 3 --accept-rollback check 3<"$T/demo.pw"
expect 0 "a write after the acceptance" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user add later2 --role counselor --new-passphrase-fd 4 3<'$T/demo.pw' 4<'$T/new.pw'"
cp "$T/backup.carefile" "$F"
expect 23 "zh_CN: refused" env LC_ALL=zh_CN.UTF-8 "$BIN" -f "$F" -u demo --passphrase-fd 3 check 3<"$T/demo.pw"
check "zh_CN: the message is in Chinese" grep -q '备份' "$T/err"

echo "1..$n"
[ "$fails" -eq 0 ]
