#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Revocation through the real binary (trust issue, item 2): removing a counselor rotates the keys it held
# (here at once: the admin who removes holds them); the removed account's slot in an older copy then reads
# none of the current rows; the recovery key still reads them (the format-1 fixture learns its recovery
# public key at the recovery key's first use, and the next holder seals the rotated keys to it).
set -u
BIN=${CAREFILE_BIN:?}
FIXTURE=${1:?usage: test-revocation.sh FIXTURE}
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing (tools/deps installs it)"; exit 77; }
CF_TEST=revoke
. "$(dirname "$0")/lib.sh"
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; sed 's/^/# /' "$T/out" "$T/err"; fi; }
expect() {
	want=$1; d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $got)"; else bad "$d: exit $got, want $want"; sed 's/^/# /' "$T/out" "$T/err"; fi
}
printf 'demo-passphrase-2026\n' >"$T/demo.pw"
printf 'hotline-passphrase-2026\n' >"$T/hot.pw"
printf 'Tulip-Ocean-Ladder-94-quietly\n' >"$T/bob.pw"
printf 'Harbor-Violet-Spoon-31-gently\n' >"$T/new.pw"
printf 'ZQ6R4-YTW45-XZ3ZX-9R6DJ-PE07T-BHMMG-DEGJ0-68CNW-M7NGD-5G2Y1-G0B2G-YNVE3-DJY0F\n' >"$T/fixture.rk"
as() { # as USER PWFILE COMMAND... on $F
	u=$1; pw=$2; shift 2
	"$BIN" -f "$F" -u "$u" --passphrase-fd 3 "$@" 3<"$pw"
}
as_file() { # as_file FILE USER PWFILE COMMAND...
	f=$1; u=$2; pw=$3; shift 3
	"$BIN" -f "$f" -u "$u" --passphrase-fd 3 "$@" 3<"$pw"
}
# splice FROM INTO: the student and contact rows of FROM put into INTO (an insider's copy of the file)
splice() {
	sqlite3 "$2" "ATTACH '$1' AS cur; DELETE FROM contact; DELETE FROM student;
		INSERT INTO student SELECT * FROM cur.student; INSERT INTO contact SELECT * FROM cur.contact;"
}
sid_key() { # the key id in the header of student row 1's ciphertext (bytes 2..5 of the record blob, 0-based)
	sqlite3 "$F" "SELECT hex(substr(data, 3, 4)) FROM student WHERE id = 1"
}

F="$T/f.carefile"
cp "$FIXTURE" "$F"; chmod 600 "$F"
expect 0 "demo opens the format-1 fixture (migrates after authentication)" as demo "$T/demo.pw" check
expect 0 "demo adds the counselor bob" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user add bob --role counselor --new-passphrase-fd 4 3<'$T/demo.pw' 4<'$T/bob.pw'"
expect 0 "bob reads the three students" as bob "$T/bob.pw" check
check "bob: 3 of 3 authenticated" grep -q '^student: 3 rows, 3 authenticated' "$T/out"
cp "$F" "$T/bob-copy.carefile"   # bob keeps a copy of the file, and so his slot, before he leaves
key_before=$(sid_key)

# before the removal, the splice works: bob's copy reads the current rows
cp "$T/bob-copy.carefile" "$T/window.carefile"; splice "$F" "$T/window.carefile"
expect 0 "before the removal, bob's copy reads the current rows" \
	sh -c "'$BIN' -f '$T/window.carefile' -u bob --passphrase-fd 3 check 3<'$T/bob.pw'"

# demo, who removes bob, holds identity and clinical itself: they rotate in the same transaction
expect 0 "demo removes bob" as demo "$T/demo.pw" user remove bob
check "the removal records the revocation in the signed header" \
	[ "$(sqlite3 "$F" "SELECT revoked IS NOT NULL FROM meta")" = 1 ]
check "the rows were re-sealed under a new key id at once" [ "$(sid_key)" != "$key_before" ]
check "no row was left under the old key" [ "$(sqlite3 "$F" \
	"SELECT count(*) FROM student WHERE hex(substr(data, 3, 4)) = '$key_before'")" = 0 ]
expect 0 "demo's next unlock reads every row" as demo "$T/demo.pw" check
check "every row still authenticates for demo" grep -q '^student: 3 rows, 3 authenticated' "$T/out"
cp "$T/bob-copy.carefile" "$T/after.carefile"; splice "$F" "$T/after.carefile"
expect 4 "after the removal, bob's copy reads none of the current rows" \
	sh -c "'$BIN' -f '$T/after.carefile' -u bob --passphrase-fd 3 check 3<'$T/bob.pw'"
check "bob's check names every student row as failed" sh -c "[ \$(grep -c '^FAILED: student row' '$T/out') -eq 3 ]"
k2=$(sid_key)
expect 0 "a second unlock rotates nothing more" as demo "$T/demo.pw" check
check "the key id is stable" [ "$(sid_key)" = "$k2" ]
expect 0 "hotline1 unlocks (it holds no identity key)" as hotline1 "$T/hot.pw" check
check "hotline1's unlock leaves the identity rows alone" [ "$(sid_key)" = "$k2" ]

# the recovery key of a file made before revocation: learns its public key at its first use...
expect 0 "the recovery key resets hotline1's passphrase" \
	sh -c "'$BIN' -f '$F' --recovery-key-fd 3 user passwd hotline1 --new-passphrase-fd 4 3<'$T/fixture.rk' 4<'$T/new.pw'"
check "the file now has the recovery public key" \
	[ "$(sqlite3 "$F" "SELECT length(recovery_public_key) FROM meta")" = 32 ]
# ...and the next holder seals the rotated keys to it
expect 0 "demo unlocks after the recovery key's first use" as demo "$T/demo.pw" check
check "demo sealed the rotated keys to the recovery key" \
	[ "$(sqlite3 "$F" "SELECT count(*) FROM recovery_grant")" -ge 1 ]
# a passphrase reset by the recovery key now gives keys that open the current rows
expect 0 "the recovery key resets demo's passphrase" \
	sh -c "'$BIN' -f '$F' --recovery-key-fd 3 user passwd demo --new-passphrase-fd 4 3<'$T/fixture.rk' 4<'$T/new.pw'"
check "the recovery key merged the grant" [ "$(sqlite3 "$F" "SELECT count(*) FROM recovery_grant")" = 0 ]
expect 0 "demo with the reset passphrase reads every row" as demo "$T/new.pw" check
check "3 of 3 students authenticated after the reset" grep -q '^student: 3 rows, 3 authenticated' "$T/out"

# taking one role away: carl, counselor and hotline, loses counselor; demo holds identity and clinical
printf 'Granite-Maple-Kettle-58-softly\n' >"$T/carl.pw"
expect 0 "demo adds carl, counselor and hotline" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user add carl --role counselor,hotline --new-passphrase-fd 4 3<'$T/new.pw' 4<'$T/carl.pw'"
expect 0 "carl reads the students" as carl "$T/carl.pw" check
check "carl: 3 of 3 authenticated" grep -q '^student: 3 rows, 3 authenticated' "$T/out"
cp "$F" "$T/carl-copy.carefile"
k3=$(sid_key)
expect 11 "revoke refuses to leave carl with no role" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user revoke carl --role counselor,hotline 3<'$T/new.pw'"
check "and says to remove the account instead" grep -q "user remove" "$T/err"
expect 11 "an admin cannot take its own admin role" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user revoke demo --role admin 3<'$T/new.pw'"
expect 0 "demo takes counselor away from carl" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user revoke carl --role counselor 3<'$T/new.pw'"
check "the identity rows were rotated at once" [ "$(sid_key)" != "$k3" ]
expect 0 "user list" as demo "$T/new.pw" user list
check "carl is hotline only" grep -q '^carl  *hotline ' "$T/out"
expect 0 "carl still unlocks" as carl "$T/carl.pw" check
check "carl reads no student now" grep -q '^student: 3 rows, 0 authenticated, 3 not readable with your roles' "$T/out"
cp "$T/carl-copy.carefile" "$T/carl-after.carefile"; splice "$F" "$T/carl-after.carefile"
expect 4 "carl's old copy reads none of the current rows" \
	sh -c "'$BIN' -f '$T/carl-after.carefile' -u carl --passphrase-fd 3 check 3<'$T/carl.pw'"
expect 0 "demo still reads every row" as demo "$T/new.pw" check
check "3 of 3 for demo" grep -q '^student: 3 rows, 3 authenticated' "$T/out"

# removing an admin rotates the directory key: the old key signs the hand-over, every account follows it
printf 'Copper-Willow-Basket-72-kindly\n' >"$T/ada.pw"
expect 0 "demo adds a second admin, ada" sh -c "'$BIN' -f '$F' -u demo --passphrase-fd 3 user add ada --role admin --new-passphrase-fd 4 3<'$T/new.pw' 4<'$T/ada.pw'"
expect 0 "ada unlocks once" as ada "$T/ada.pw" check
dk_before=$(sqlite3 "$F" "SELECT hex(directory_key) FROM meta")
expect 0 "demo removes ada" as demo "$T/new.pw" user remove ada
check "the directory key changed at once" [ "$(sqlite3 "$F" "SELECT hex(directory_key) FROM meta")" != "$dk_before" ]
check "one hand-over, from the old key to the new" [ "$(sqlite3 "$F" "SELECT count(*) FROM directory_transition
	WHERE hex(old_key) = '$dk_before' AND new_key = (SELECT directory_key FROM meta)")" = 1 ]
X="$T/z.carefile"; cp "$F" "$X"
sqlite3 "$X" "DELETE FROM directory_transition"
expect 4 "a deleted hand-over fails the unlock as tampered" as_file "$X" carl "$T/carl.pw" check
expect 0 "carl follows the hand-over" as carl "$T/carl.pw" check
expect 0 "hotline1 follows the hand-over" as hotline1 "$T/new.pw" check
expect 0 "the recovery key makes an admin change after the rotation" \
	sh -c "'$BIN' -f '$F' --recovery-key-fd 3 user passwd hotline1 --new-passphrase-fd 4 3<'$T/fixture.rk' 4<'$T/hot.pw'"
expect 0 "hotline1 unlocks with the reset passphrase" as hotline1 "$T/hot.pw" check
expect 0 "demo still makes admin changes" as demo "$T/new.pw" user disable carl
expect 0 "demo reads every row" as demo "$T/new.pw" check
check "3 of 3 for demo after the rotation" grep -q '^student: 3 rows, 3 authenticated' "$T/out"
expect 0 "audit verify passes" "$BIN" -f "$F" audit verify

# an insider who swaps in its own recovery public key is refused (it is signed with the directory)
X="$T/x.carefile"; cp "$F" "$X"
sqlite3 "$X" "UPDATE meta SET recovery_public_key = randomblob(32)"
expect 4 "a replaced recovery public key fails the unlock as tampered" \
	sh -c "'$BIN' -f '$X' -u hotline1 --passphrase-fd 3 check 3<'$T/hot.pw'"
X="$T/y.carefile"; cp "$F" "$X"
sqlite3 "$X" "UPDATE meta SET revoked = NULL"
expect 4 "a dropped revocation fails the unlock as tampered" \
	sh -c "'$BIN' -f '$X' -u hotline1 --passphrase-fd 3 check 3<'$T/hot.pw'"

echo "1..$n"
[ "$fails" -eq 0 ]
