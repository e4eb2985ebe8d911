#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A failed mlock is not silent in the interface either: unlocked under `ulimit -l 0` (without
# CAP_IPC_LOCK, which ignores the limit: setpriv drops it when the test runs as root), Today shows the
# warning on the status line; at the inherited limit it does not.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unlock-lib.sh"
# Under AddressSanitizer mlock is intercepted and always "succeeds": the failure cannot happen there.
if grep -qa __asan_init "$CAREFILE_BIN" 2>/dev/null; then
	echo "1..0 # SKIP AddressSanitizer build: its mlock interceptor never fails"
	exit 77
fi

f=$(demo_file demo.carefile)
real_bin=$CAREFILE_BIN
nocap=""
cap=$(awk '/^CapEff:/ { print $2 }' /proc/self/status 2>/dev/null || true)
if [ -n "$cap" ] && [ $(( 0x$cap >> 14 & 1 )) -eq 1 ]; then
	command -v setpriv >/dev/null 2>&1 || fail "CAP_IPC_LOCK held and no setpriv (util-linux) to drop it"
	nocap="setpriv --bounding-set=-ipc_lock --inh-caps=-ipc_lock --"
fi
warning=$(msg 'Warning: memory not locked into RAM; keys may reach swap. Raise ulimit -l.')

# unlock_today LIMIT: carefile under ulimit -l LIMIT ("-" keeps it), unlocked as demo, on Today
unlock_today() {
	printf '#!/bin/sh\n[ "%s" = - ] || ulimit -l %s || exit 99\nexec %s "%s" "$@"\n' "$1" "$1" "$nocap" "$real_bin" \
		>"$WORK/wrap.sh"
	chmod +x "$WORK/wrap.sh"
	CAREFILE_BIN="$WORK/wrap.sh" CF_ARGS="-f '$f' -u demo" start "$LOC" 80 24
	wait_for "$(msg 'Unlock the case file')"
	type_text "$DEMO_PASS"
	keys Enter
	wait_for "carefile | $(msg 'Today')"
}

unlock_today 0
wait_for "$warning"
alive
keys Down   # the next key clears the status line
wait_gone "$warning"
t kill-server >/dev/null 2>&1 || true

unlock_today -
sleep 0.3
screen | grep -qF "$warning" && fail "warning shown at the inherited memlock limit ($(ulimit -l) KiB)"
alive
echo "ok: the status line warns after an unlock under ulimit -l 0, not at the inherited limit"
