#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A failed mlock is not silent: under `ulimit -l 0` (and without CAP_IPC_LOCK, which ignores the
# limit; setpriv drops it when the test runs as root) check warns once on stderr, in the user's
# language, and still works; at the limit the test inherits there is no warning.
set -u
BIN=${CAREFILE_BIN:?}
# Under AddressSanitizer mlock is intercepted and always "succeeds": the failure cannot happen there.
if grep -qa __asan_init "$BIN" 2>/dev/null; then
	echo "1..0 # SKIP AddressSanitizer build: its mlock interceptor never fails"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-mlock-XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME="$T/xdg" XDG_CONFIG_HOME="$T/cfg"
unset LANGUAGE
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; sed 's/^/# /' "$T/err"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
"$BIN" demo "$T/d.carefile" >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
printf 'demo-passphrase-2026\n' >"$T/pw"

# CAP_IPC_LOCK (bit 14 of CapEff) lets mlock ignore RLIMIT_MEMLOCK: drop it for the carefile run
cap=$(awk '/^CapEff:/ { print $2 }' /proc/self/status 2>/dev/null)
nocap=""
if [ -n "$cap" ] && [ $(( 0x$cap >> 14 & 1 )) -eq 1 ]; then
	command -v setpriv >/dev/null 2>&1 || { echo "FAIL: CAP_IPC_LOCK held and no setpriv (util-linux) to drop it"; exit 1; }
	nocap="setpriv --bounding-set=-ipc_lock --inh-caps=-ipc_lock --"
fi
# run LIMIT [ENV...]: check as demo under ulimit -l LIMIT ("-" keeps the inherited limit)
run() {
	lim=$1; shift
	rc=0
	env "$@" sh -c 'if [ "$1" != - ]; then ulimit -l "$1" || exit 99; fi; shift; exec "$@"' sh "$lim" \
		$nocap "$BIN" -f "$T/d.carefile" -u demo --passphrase-fd 3 check 3<"$T/pw" >"$T/out" 2>"$T/err" </dev/null || rc=$?
}
warned() { grep -c 'secure memory could not be locked into RAM' "$T/err"; }

run 0
check "ulimit -l 0: check still works (exit 0)" [ "$rc" -eq 0 ]
check "ulimit -l 0: check still passes" grep -q 'Check passed' "$T/out"
check "ulimit -l 0: the warning, once, on stderr" [ "$(warned)" -eq 1 ]
check "ulimit -l 0: it says what to do" grep -q 'ulimit -l' "$T/err"
check "ulimit -l 0: nothing of the warning on stdout" sh -c "! grep -q 'locked into RAM' '$T/out'"

run 0 LC_ALL=zh_CN.UTF-8
check "ulimit -l 0, zh_CN: the warning in Chinese" grep -q '无法锁定在内存中' "$T/err"

run -
if [ "$rc" -eq 0 ] && [ "$(warned)" -eq 0 ]; then
	ok "inherited memlock limit ($(ulimit -l) KiB): no warning"
elif [ "$rc" -eq 0 ] && [ "$(ulimit -l)" != unlimited ] && [ "$(ulimit -l)" -lt 65536 ]; then
	echo "# the inherited memlock limit ($(ulimit -l) KiB) is too low here for carefile's secure memory"
	echo "1..$n"
	[ "$fails" -eq 0 ] && exit 77
	exit 1
else
	bad "inherited memlock limit ($(ulimit -l) KiB): exit $rc, warned $(warned) times"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
