#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The passphrase prompt stays silent across Ctrl-Z and `fg`: an interactive bash with job control runs
# `carefile check` in a pty; at the prompt the test types Ctrl-Z (SIGTSTP from the terminal), then `fg`
# (the shell's SIGCONT, after it put its own echo-on modes back), then the passphrase; then again with
# SIGTSTP and SIGCONT sent to the process by kill(). The passphrase must not appear in what the
# terminal shows, and check must still pass (the line was read whole).
set -u
BIN=${CAREFILE_BIN:?}
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
command -v bash >/dev/null 2>&1 || { echo "bash missing"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-tstp-XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME="$T/xdg" XDG_CONFIG_HOME="$T/cfg"
unset LANGUAGE
"$BIN" demo "$T/d.carefile" >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
python3 - "$BIN" "$T/d.carefile" "$T/screen" <<'PY'
import os, pty, select, signal, sys, time

binary, casefile, screen_path = sys.argv[1:4]
secret = b"demo-passphrase-2026"
pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "$ "
    os.execvp("bash", ["bash", "--norc", "--noprofile", "--noediting", "-i"])

screen = b""
pos = 0   # what the test has seen so far ends here

def expect(what, timeout=30.0):
    """Reads the terminal until `what` appears after pos; pos moves past it (as pexpect does)."""
    global screen, pos
    end = time.monotonic() + timeout
    while screen.find(what, pos) < 0:
        left = end - time.monotonic()
        if left <= 0:
            sys.stdout.write("FAIL: timed out waiting for %r; the terminal showed:\n%s\n"
                             % (what, screen.decode("utf-8", "replace")))
            sys.exit(1)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            screen += chunk
    pos = screen.find(what, pos) + len(what)

def send(b):
    os.write(fd, b)

def carefile_pid():
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        kids = f.read().split()
    if len(kids) != 1:
        sys.stdout.write("FAIL: bash has children %r, want one\n" % kids)
        sys.exit(1)
    return int(kids[0])

expect(b"$ ")
# Round 1: Ctrl-Z, then fg. Round 2: SIGTSTP and SIGCONT sent to the process itself; bash holds the
# terminal by then, so turning echo off stops it again (SIGTTOU) until fg.
for rnd in (1, 2):
    send(b"'%s' -f '%s' -u demo check\n" % (binary.encode(), casefile.encode()))
    expect(b"Passphrase for demo: ")
    time.sleep(0.3)             # the prompt is written before echo goes off: let the read begin
    if rnd == 1:
        send(b"\x1a")           # Ctrl-Z: the terminal sends SIGTSTP to the foreground job
    else:
        os.kill(carefile_pid(), signal.SIGTSTP)
    expect(b"Stopped")
    expect(b"$ ")
    if rnd == 2:
        os.kill(carefile_pid(), signal.SIGCONT)
        time.sleep(0.5)         # it tries to turn echo off from the background: SIGTTOU stops it
    send(b"fg\n")               # bash restores its own (echo on) modes, hands the terminal back, SIGCONT
    expect(b"fg\r\n")
    expect(b"-u demo check\r\n")   # bash names the job it continues
    time.sleep(0.5)             # let the prompt turn echo off again (and show itself again)
    send(secret + b"\n")
    expect(b"Check passed.")
    expect(b"$ ")               # fg returns when check has finished
    send(b"echo \"rc=$?\"\n")   # fg's status is the job's
    expect(b"rc=0")
    expect(b"$ ")
send(b"exit\n")
time.sleep(0.2)
with open(screen_path, "wb") as f:
    f.write(screen)
os.close(fd)
os.waitpid(pid, 0)
PY
[ $? -eq 0 ] || exit 1
fails=0
if grep -q "demo-passphrase" "$T/screen"; then
	echo "FAIL: the passphrase was echoed after fg"; fails=1
else
	echo "ok 1 - the passphrase typed after Ctrl-Z and fg was not echoed"
fi
if [ "$(grep -c "Check passed" "$T/screen")" -eq 2 ]; then
	echo "ok 2 - both times the passphrase read after fg unlocked the file (check passed)"
else
	echo "FAIL: check did not pass after fg"; fails=1
fi
if [ "$(grep -c "Passphrase for demo: " "$T/screen")" -eq 4 ]; then
	echo "ok 3 - the prompt was shown again after each fg"
else
	echo "FAIL: the prompt was not shown again after fg"; fails=1
fi
[ "$fails" -eq 0 ] || { echo "# the terminal showed:"; sed 's/^/# /' "$T/screen"; exit 1; }
