#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Drives the real binary: init, user, check, demo; exit codes of the man page; fail closed
# (SHA-256 of the file unchanged, no file created, no -wal/-shm left); two instances; the v1 fixture.
set -u
BIN=${CAREFILE_BIN:?}
FIXTURE=${1:?usage: test-cli.sh FIXTURE}
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing (tools/deps installs it)"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-cli-XXXXXX")
HOLDER=
cleanup() {
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME="$T/xdg"
unset LANGUAGE
fails=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COND...
	d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
# expect CODE DESCRIPTION CMD... (stdin and extra fds given by the caller through a wrapper)
expect() {
	want=$1; d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $got)"; else bad "$d: exit $got, want $want"; sed 's/^/# /' "$T/err"; fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
mode() { stat -c %a "$1"; }

printf 'demo-passphrase-2026\n' >"$T/demo.pw"
printf 'hotline-passphrase-2026\n' >"$T/hot.pw"
printf 'correct horse battery staple 77\n' >"$T/alice.pw"
printf 'Tulip-Ocean-Ladder-94-quietly\n' >"$T/new.pw"
printf 'wrong passphrase entirely 55\n' >"$T/wrong.pw"

# ---- demo ----
D="$T/demo.carefile"
expect 0 "demo creates a case file" "$BIN" demo "$D"
check "demo file has mode 0600" [ "$(mode "$D")" = 600 ]
s=$(sha "$D")
expect 14 "demo refuses to overwrite" "$BIN" demo "$D"
check "demo left the existing file unchanged" [ "$(sha "$D")" = "$s" ]
expect 0 "README command (a): demo user opens the demo file" sh -c "'$BIN' -f '$D' -u demo --passphrase-fd 3 user list 3<'$T/demo.pw'"
check "user list shows demo with its roles" grep -q '^demo  *admin,counselor,supervisor' "$T/out"
check "user list shows hotline1" grep -q '^hotline1  *hotline' "$T/out"
expect 0 "demo without FILE uses XDG_DATA_HOME" "$BIN" demo
check "default demo path" [ -f "$XDG_DATA_HOME/carefile/demo.carefile" ]
check "data directory has mode 0700" [ "$(mode "$XDG_DATA_HOME/carefile")" = 700 ]

# ---- init ----
I="$T/init.carefile"
expect 12 "init refuses a weak passphrase" sh -c "printf 'password\n' | '$BIN' -f '$I' -u alice --passphrase-fd 0 init"
check "weak passphrase: reason shown" grep -qi 'short' "$T/err"
check "weak passphrase: no file created" [ ! -e "$I" ]
expect 0 "init creates a case file" sh -c "'$BIN' -f '$I' -u alice --passphrase-fd 3 init 3<'$T/alice.pw'"
check "init prints the recovery key (13 groups) on stdout, nothing else" \
	sh -c "[ \$(wc -l <'$T/out') -eq 1 ] && grep -Eq '^([0-9A-Z]{5}-){12}[0-9A-Z]{5}$' '$T/out'"
cp "$T/out" "$T/recovery"
check "init: mode 0600" [ "$(mode "$I")" = 600 ]
check "the recovery key is not in the case file" sh -c "! grep -qF \"\$(cat '$T/recovery')\" '$I'"
s=$(sha "$I")
expect 14 "init refuses to overwrite a case file" sh -c "'$BIN' -f '$I' -u bob --passphrase-fd 3 init 3<'$T/alice.pw'"
check "init left it unchanged" [ "$(sha "$I")" = "$s" ]
: >"$T/empty-target"
expect 14 "init refuses to overwrite even an empty file" sh -c "'$BIN' -f '$T/empty-target' -u bob --passphrase-fd 3 init 3<'$T/alice.pw'"
check "the empty file stays empty" [ ! -s "$T/empty-target" ]

# ---- users ----
AL="-f $I -u alice --passphrase-fd 3"
expect 0 "add a counselor" sh -c "'$BIN' $AL user add bob --role counselor --new-passphrase-fd 4 3<'$T/alice.pw' 4<'$T/new.pw'"
expect 14 "add an existing name" sh -c "'$BIN' $AL user add bob --role counselor --new-passphrase-fd 4 3<'$T/alice.pw' 4<'$T/new.pw'"
expect 2 "unknown role is a usage error" sh -c "'$BIN' $AL user add carol --role root --new-passphrase-fd 4 3<'$T/alice.pw' 4<'$T/new.pw'"
expect 12 "add refuses a weak passphrase" sh -c "printf 'abc123\n' | '$BIN' $AL user add carol --role hotline --new-passphrase-fd 0 3<'$T/alice.pw'"
expect 9 "a counselor cannot add users" sh -c "'$BIN' -f '$I' -u bob --passphrase-fd 3 user add carol --role hotline --new-passphrase-fd 4 3<'$T/new.pw' 4<'$T/new.pw'"
expect 0 "grant hotline to bob" sh -c "'$BIN' $AL user grant bob --role hotline 3<'$T/alice.pw'"
expect 0 "bob unlocks (grant merged)" sh -c "'$BIN' -f '$I' -u bob --passphrase-fd 3 user list 3<'$T/new.pw'"
check "bob has both roles" grep -q '^bob  *counselor,hotline' "$T/out"
expect 0 "bob changes his passphrase (old, then new on the same fd)" \
	sh -c "cat '$T/new.pw' '$T/alice.pw' | '$BIN' -f '$I' -u bob --passphrase-fd 0 user passwd"
expect 3 "bob's old passphrase no longer works" sh -c "'$BIN' -f '$I' -u bob --passphrase-fd 3 check 3<'$T/new.pw'"
expect 0 "bob's new passphrase works" sh -c "'$BIN' -f '$I' -u bob --passphrase-fd 3 check 3<'$T/alice.pw'"
expect 16 "a mistyped recovery key is reported before any derivation" \
	sh -c "sed 's/^...../00000/' '$T/recovery' | '$BIN' -f '$I' --recovery-key-fd 0 user passwd bob --new-passphrase-fd 4 4<'$T/new.pw'"
check "the mistyped group is named" grep -q 'group 1' "$T/err"
expect 0 "recovery key resets bob's passphrase" \
	sh -c "'$BIN' -f '$I' --recovery-key-fd 3 user passwd bob --new-passphrase-fd 4 3<'$T/recovery' 4<'$T/new.pw'"
expect 0 "bob opens with the reset passphrase" sh -c "'$BIN' -f '$I' -u bob --passphrase-fd 3 check 3<'$T/new.pw'"
expect 11 "alice cannot remove herself" sh -c "'$BIN' $AL user remove alice 3<'$T/alice.pw'"
expect 0 "alice removes bob" sh -c "'$BIN' $AL user remove bob 3<'$T/alice.pw'"
expect 3 "bob is gone" sh -c "'$BIN' -f '$I' -u bob --passphrase-fd 3 check 3<'$T/new.pw'"
expect 15 "removing an unknown user" sh -c "'$BIN' $AL user remove nobody 3<'$T/alice.pw'"
expect 9 "hotline1 (no admin) cannot add users" sh -c "'$BIN' -f '$D' -u hotline1 --passphrase-fd 3 user add x --role hotline --new-passphrase-fd 4 3<'$T/hot.pw' 4<'$T/new.pw'"
expect 2 "user without a subcommand" "$BIN" -f "$D" -u demo user

# ---- fail closed: each bad file its own message, bytes unchanged, nothing created ----
msgs="$T/messages"
: >"$msgs"
failclosed() { # failclosed CODE DESCRIPTION FILE
	code=$1; d=$2; f=$3
	before=$(sha "$f")
	expect "$code" "$d" sh -c "'$BIN' -f '$f' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"
	check "$d: SHA-256 unchanged" [ "$(sha "$f")" = "$before" ]
	check "$d: no -wal or -shm left" sh -c "[ ! -e '$f-wal' ] && [ ! -e '$f-shm' ]"
	cat "$T/err" >>"$msgs"
}
cp "$D" "$T/wrongpw.carefile"
before=$(sha "$T/wrongpw.carefile")
expect 3 "wrong passphrase" sh -c "'$BIN' -f '$T/wrongpw.carefile' -u demo --passphrase-fd 3 check 3<'$T/wrong.pw'"
check "wrong passphrase: SHA-256 unchanged" [ "$(sha "$T/wrongpw.carefile")" = "$before" ]
expect 3 "no such user" sh -c "'$BIN' -f '$T/wrongpw.carefile' -u mallory --passphrase-fd 3 check 3<'$T/demo.pw'"

E="$T/empty.carefile"; : >"$E"
failclosed 5 "empty file" "$E"
R="$T/random.carefile"; head -c 8192 /dev/urandom >"$R"
failclosed 5 "random bytes" "$R"
O="$T/other.sqlite"; sqlite3 "$O" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
failclosed 5 "another application's SQLite file" "$O"
TR="$T/truncated.carefile"; head -c 8192 "$D" >"$TR"
failclosed 4 "truncated file" "$TR"
NW="$T/newer.carefile"; cp "$D" "$NW"; sqlite3 "$NW" "PRAGMA user_version = 99;"
failclosed 6 "newer format" "$NW"
HD="$T/header.carefile"; cp "$D" "$HD"; sqlite3 "$HD" "UPDATE meta SET created = created + 1;"
failclosed 4 "damaged header (checksum)" "$HD"
MC="$T/mac.carefile"; cp "$D" "$MC"; sqlite3 "$MC" "UPDATE user SET roles = 15 WHERE name = 'hotline1';"
failclosed 4 "tampered user row (header MAC)" "$MC"
KS="$T/keyslot.carefile"; cp "$D" "$KS"
hex=$(sqlite3 "$KS" "SELECT hex(slot) FROM keyslot WHERE user_id = (SELECT id FROM user WHERE name = 'demo');")
c=$(printf %s "$hex" | cut -c201)
if [ "$c" = 0 ]; then r=1; else r=0; fi
sqlite3 "$KS" "UPDATE keyslot SET slot = x'$(printf %s "$hex" | sed "s/./$r/201")' WHERE user_id = (SELECT id FROM user WHERE name = 'demo');"
failclosed 4 "tampered keyslot" "$KS"
sed "s/^/# /" "$msgs"
check "every kind of bad file has its own message" [ "$(sort -u "$msgs" | wc -l)" -ge 6 ]
M="$T/missing.carefile"
expect 15 "missing file" sh -c "'$BIN' -f '$M' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"
check "missing file: nothing created" sh -c "[ ! -e '$M' ] && [ ! -e '$M-wal' ]"
expect 5 "a directory" sh -c "'$BIN' -f '$T' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"

# ---- two instances ----
mkfifo "$T/hold"
"$BIN" -f "$D" -u demo --passphrase-fd 3 user passwd --new-passphrase-fd 4 3<"$T/demo.pw" 4<>"$T/hold" 2>/dev/null &
HOLDER=$!
i=0
while [ ! -e "$D-wal" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
s=$(sha "$D")
start=$(date +%s)
expect 7 "a second instance gets 'in use'" sh -c "'$BIN' -f '$D' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"
check "within the busy timeout" [ $(( $(date +%s) - start )) -le 5 ]
check "in use: SHA-256 unchanged" [ "$(sha "$D")" = "$s" ]
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null; HOLDER=
expect 0 "free again after the first instance ends" sh -c "'$BIN' -f '$D' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"

# ---- the committed format-1 fixture: every later version must open it ----
F="$T/fixture.carefile"
cp "$FIXTURE" "$F"; chmod 600 "$F"
expect 0 "fixture: check as demo" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"
check "fixture: 3 student rows authenticated" grep -q '^student: 3 rows, 3 authenticated, 0 ' "$T/out"
check "fixture: hotline1's old slot holds identity and hotline" [ "$(sqlite3 "$F" "SELECT compartments FROM keyslot WHERE user_id = (SELECT id FROM user WHERE name = 'hotline1')")" = 5 ]
expect 0 "fixture: check as hotline1" sh -c "'$BIN' -f '$F' -u hotline1 --passphrase-fd 3 check 3<'$T/hot.pw'"
check "fixture: hotline1 no longer reads the identity rows (hotline role: hotline only)" grep -q '^student: 3 rows, 0 authenticated, 3 not readable with your roles' "$T/out"
check "fixture: hotline1's slot re-sealed with the hotline key only" [ "$(sqlite3 "$F" "SELECT compartments FROM keyslot WHERE user_id = (SELECT id FROM user WHERE name = 'hotline1')")" = 4 ]
expect 0 "fixture: user list" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user list 3<'$T/demo.pw'"
check "fixture: users demo and hotline1" sh -c "grep -q '^demo  *admin,counselor,supervisor' '$T/out' && grep -q '^hotline1  *hotline ' '$T/out' && [ \$(wc -l <'$T/out') -eq 3 ]"
printf 'ZQ6R4-YTW45-XZ3ZX-9R6DJ-PE07T-BHMMG-DEGJ0-68CNW-M7NGD-5G2Y1-G0B2G-YNVE3-DJY0F\n' >"$T/fixture.rk"
expect 0 "fixture: the documented recovery key resets hotline1" \
	sh -c "'$BIN' -f '$F' --recovery-key-fd 3 user passwd hotline1 --new-passphrase-fd 4 3<'$T/fixture.rk' 4<'$T/new.pw'"
expect 0 "fixture: hotline1 with the new passphrase" sh -c "'$BIN' -f '$F' -u hotline1 --passphrase-fd 3 check 3<'$T/new.pw'"
TF="$T/tampered-record.carefile"; cp "$FIXTURE" "$TF"
hex=$(sqlite3 "$TF" "SELECT hex(data) FROM student WHERE id = 2;")
c=$(printf %s "$hex" | cut -c90)
if [ "$c" = 0 ]; then r=1; else r=0; fi
sqlite3 "$TF" "UPDATE student SET data = x'$(printf %s "$hex" | sed "s/./$r/90")' WHERE id = 2;"
expect 4 "check finds a tampered record" sh -c "'$BIN' -f '$TF' -u demo --passphrase-fd 3 check 3<'$T/demo.pw'"
check "check names the table and row, nothing else" grep -q '^FAILED: student row 2: ' "$T/out"
check "check still counts the good rows" grep -q '^student: 3 rows, 2 authenticated' "$T/out"

# ---- disabled accounts (trust issue item 7: the disabled column was never enforced) ----
DD="$T/disable.carefile"; "$BIN" demo "$DD" >/dev/null 2>&1
printf 'hotline-passphrase-2026\n' >"$T/hl.pw"
expect 0 "admin disables hotline1" sh -c "'$BIN' -f '$DD' -u demo --passphrase-fd 3 user disable hotline1 3<'$T/demo.pw'"
expect 0 "user list after disable" sh -c "'$BIN' -f '$DD' -u demo --passphrase-fd 3 user list 3<'$T/demo.pw'"
check "user list marks the account disabled" grep -q '^hotline1 .*(disabled)' "$T/out"
expect 22 "a disabled account's right passphrase unlocks nothing" sh -c "'$BIN' -f '$DD' -u hotline1 --passphrase-fd 3 check 3<'$T/hl.pw'"
expect 3 "a wrong passphrase of a disabled account is only wrong" sh -c "echo wrong-passphrase-xyz | '$BIN' -f '$DD' -u hotline1 --passphrase-fd 0 check"
expect 11 "an admin cannot disable their own account" sh -c "'$BIN' -f '$DD' -u demo --passphrase-fd 3 user disable demo 3<'$T/demo.pw'"
expect 22 "a disabled account cannot enable itself" sh -c "'$BIN' -f '$DD' -u hotline1 --passphrase-fd 3 user enable hotline1 3<'$T/hl.pw'"
expect 0 "admin enables hotline1" sh -c "'$BIN' -f '$DD' -u demo --passphrase-fd 3 user enable hotline1 3<'$T/demo.pw'"
expect 0 "hotline1 unlocks again" sh -c "'$BIN' -f '$DD' -u hotline1 --passphrase-fd 3 check 3<'$T/hl.pw'"

echo "1..$n"
[ "$fails" -eq 0 ]
