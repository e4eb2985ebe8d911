#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The audit log through the CLI: audit verify with no passphrase (intact, then an edited, a removed
# and an unsigned entry, each named with its number and reason), check as a hotline user who cannot
# read students catches a deleted and a re-timed student record, and export leaves an entry first.
set -u
BIN=${CAREFILE_BIN:?}
CF_TEST=audit
. "$(dirname "$0")/lib.sh"
if ! command -v sqlite3 >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP neither sqlite3 nor python3"
	exit 77
fi
printf 'demo-passphrase-2026\n' >"$T/demo.pw"
printf 'hotline-passphrase-2026\n' >"$T/hot.pw"
"$BIN" demo "$T/demo.carefile" >/dev/null || { echo "demo failed"; exit 1; }
verify() { "$BIN" -f "$1" audit verify >"$T/out" 2>"$T/err" </dev/null; }
chk() { "$BIN" -f "$1" -u "$2" --passphrase-fd 3 check 3<"$3" >"$T/out" 2>"$T/err" </dev/null; }
expect() { # expect RC WANT-RC TEXT WHAT
	if [ "$1" -eq "$2" ] && grep -qF -- "$3" "$T/out"; then ok "$4"; else bad "$4: exit $1, wanted $2 and '$3'"; cat "$T/out" "$T/err"; fi
}

entries=$(sql "$T/demo.carefile" "SELECT count(*) FROM audit")
verify "$T/demo.carefile"
expect $? 0 "Audit log: $entries entries, chain and signatures intact" "audit verify: demo file intact, no passphrase asked"
chk "$T/demo.carefile" hotline1 "$T/hot.pw"
expect $? 0 "chain and signatures intact" "check as hotline1: intact"

# a student deleted behind carefile's back: the hotline user cannot read students, the log names it
cp "$T/demo.carefile" "$T/t.carefile"
sql "$T/t.carefile" "DELETE FROM student WHERE id = (SELECT id FROM student ORDER BY created, id LIMIT 1)" >/dev/null
chk "$T/t.carefile" hotline1 "$T/hot.pw"
expect $? 4 "FAILED: student: a row written in audit entry" "check as hotline1: a deleted student is named"
# a re-timed one
cp "$T/demo.carefile" "$T/t.carefile"
id=$(sql "$T/t.carefile" "SELECT id FROM student ORDER BY created, id LIMIT 1")
sql "$T/t.carefile" "UPDATE student SET updated = updated - 86400 WHERE id = $id" >/dev/null
chk "$T/t.carefile" hotline1 "$T/hot.pw"
expect $? 4 "FAILED: student row $id: differs from its audit entry" "check as hotline1: an edited timestamp is named"

# the chain itself
cp "$T/demo.carefile" "$T/t.carefile"
sql "$T/t.carefile" "UPDATE audit SET at = at + 1 WHERE seq = 5" >/dev/null
verify "$T/t.carefile"
expect $? 4 "Audit log: BROKEN at entry 5: the entry, or one before it, was changed" "audit verify: an edited entry"
cp "$T/demo.carefile" "$T/t.carefile"
sql "$T/t.carefile" "DELETE FROM audit WHERE seq = 7" >/dev/null
verify "$T/t.carefile"
expect $? 4 "Audit log: BROKEN at entry 7: an entry before it was removed" "audit verify: a removed entry"
cp "$T/demo.carefile" "$T/t.carefile"
sql "$T/t.carefile" "UPDATE audit SET sig = zeroblob(64) WHERE seq = 3" >/dev/null
verify "$T/t.carefile"
expect $? 4 "Audit log: BROKEN at entry 3: its signature does not verify" "audit verify: a stripped signature"
# the last entry cut off: the header MAC binds the head, no account opens the file
cp "$T/demo.carefile" "$T/t.carefile"
sql "$T/t.carefile" "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)" >/dev/null
chk "$T/t.carefile" hotline1 "$T/hot.pw"
rc=$?
if [ "$rc" -eq 4 ]; then ok "a cut-off chain: unlock refused as damaged"; else bad "cut-off chain: exit $rc"; cat "$T/err"; fi

# export: one entry, written before the file
before=$(sql "$T/demo.carefile" "SELECT count(*) FROM audit WHERE action = 8")
"$BIN" -f "$T/demo.carefile" -u demo --passphrase-fd 3 export students --out "$T/s.csv" 3<"$T/demo.pw" >/dev/null 2>&1 </dev/null
after=$(sql "$T/demo.carefile" "SELECT count(*) FROM audit WHERE action = 8")
if [ -f "$T/s.csv" ] && [ "$after" -eq $((before + 1)) ]; then ok "export leaves one audit entry"; else bad "export: entries $before -> $after"; fi
verify "$T/demo.carefile"
expect $? 0 "chain and signatures intact" "audit verify after the export"
# a passphrase change: one entry, signed like the rest
printf 'Tulip-Ocean-Ladder-94-quietly\n' >"$T/new.pw"
sh -c "cat '$T/demo.pw' '$T/new.pw' '$T/new.pw' | '$BIN' -f '$T/demo.carefile' -u demo --passphrase-fd 0 user passwd" >/dev/null 2>&1 </dev/null
if [ "$(sql "$T/demo.carefile" "SELECT count(*) FROM audit WHERE action = 10")" -eq 1 ]; then ok "passwd leaves one audit entry"; else bad "passwd: $(sql "$T/demo.carefile" "SELECT count(*) FROM audit WHERE action = 10") entries"; fi
verify "$T/demo.carefile"
expect $? 0 "chain and signatures intact" "audit verify after the passphrase change"
# failed unlocks: noted on this PC (file id, account id, time; never the name typed), written into the
# log at the next unlock on this PC, signed by the account that unlocks, then forgotten here
cp "$T/demo.carefile" "$T/f.carefile"
printf 'wrong-passphrase-xyzzy\n' >"$T/wrong.pw"
before=$(sql "$T/f.carefile" "SELECT count(*) FROM audit")
XDG_STATE_HOME="$T/state" "$BIN" -f "$T/f.carefile" -u hotline1 --passphrase-fd 3 check 3<"$T/wrong.pw" >/dev/null 2>&1 </dev/null
rc1=$?
XDG_STATE_HOME="$T/state" "$BIN" -f "$T/f.carefile" -u Tulip-typed-in-the-user-field --passphrase-fd 3 check 3<"$T/wrong.pw" >/dev/null 2>&1 </dev/null
if [ "$rc1" -ne 0 ] && [ "$(sql "$T/f.carefile" "SELECT count(*) FROM audit")" -eq "$before" ]; then
	ok "a wrong passphrase writes nothing to the file"
else
	bad "wrong passphrase: exit $rc1, entries $before -> $(sql "$T/f.carefile" "SELECT count(*) FROM audit")"
fi
if [ "$(grep -c '^f1 ' "$T/state/carefile/witness" 2>/dev/null)" = 2 ] && ! grep -qF Tulip "$T/state/carefile/witness" &&
	! grep -qF xyzzy "$T/state/carefile/witness"; then
	ok "two failed unlocks noted on this PC, without the name or passphrase typed"
else
	bad "failed unlocks on this PC: $(cat "$T/state/carefile/witness" 2>&1)"
fi
XDG_STATE_HOME="$T/state" "$BIN" -f "$T/f.carefile" -u demo --passphrase-fd 3 check 3<"$T/new.pw" >/dev/null 2>&1 </dev/null
hot_uuid=$(sql "$T/f.carefile" "SELECT hex(uuid) FROM user WHERE name = 'hotline1'")
demo_id=$(sql "$T/f.carefile" "SELECT id FROM user WHERE name = 'demo'")
got=$(sql "$T/f.carefile" "SELECT count(*) FROM audit WHERE action = 12 AND actor_id = $demo_id")
named=$(sql "$T/f.carefile" "SELECT count(*) FROM audit WHERE action = 12 AND tbl = 'user' AND hex(row_uuid) = '$hot_uuid'")
if [ "$got" -eq 2 ] && [ "$named" -eq 1 ] && ! grep -q '^f1 ' "$T/state/carefile/witness"; then
	ok "the next unlock writes both into the log (one names hotline1's account) and forgets them here"
else
	bad "failed unlocks in the log: $got entries, $named naming hotline1; state: $(cat "$T/state/carefile/witness")"
fi
verify "$T/f.carefile"
expect $? 0 "chain and signatures intact" "audit verify after the failed unlocks"
XDG_STATE_HOME="$T/state" "$BIN" -f "$T/f.carefile" -u demo --passphrase-fd 3 check 3<"$T/new.pw" >/dev/null 2>&1 </dev/null
if [ "$(sql "$T/f.carefile" "SELECT count(*) FROM audit WHERE action = 12")" -eq 2 ]; then ok "written once, not again"; else bad "failed unlocks written again"; fi
# audit list: for supervisors; it shows the failed unlock and whom it named; other roles are refused
"$BIN" -f "$T/f.carefile" -u demo --passphrase-fd 3 audit list --last 5 3<"$T/new.pw" >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -eq 0 ] && grep -q "failed unlock  account hotline1" "$T/out" && [ "$(wc -l <"$T/out")" -eq 5 ]; then
	ok "audit list --last 5 shows the failed unlock of hotline1's account"
else
	bad "audit list: exit $rc"; cat "$T/out" "$T/err"
fi
"$BIN" -f "$T/f.carefile" -u hotline1 --passphrase-fd 3 audit list 3<"$T/hot.pw" >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -eq 9 ] && [ ! -s "$T/out" ] && grep -qF "supervisor role" "$T/err"; then
	ok "audit list refuses the hotline role (exit 9) before any passphrase, printing nothing"
else
	bad "audit list as hotline1: exit $rc"; cat "$T/out" "$T/err"
fi
# in zh_CN
LC_ALL=zh_CN.UTF-8 LANGUAGE=zh_CN "$BIN" -f "$T/t.carefile" audit verify >"$T/out" 2>&1 </dev/null
if grep -q '审计' "$T/out"; then ok "audit verify speaks zh_CN"; else bad "audit verify in zh_CN"; cat "$T/out"; fi

echo "1..$n"
[ "$fails" -eq 0 ]
