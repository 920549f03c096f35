# Hostile case: leaves a daemon behind: double fork + setsid; the grandchild execs a shell that
# appends to a file outside the sandbox every 0.1 s, with the marker in its command line. The
# program itself waits 0.5 s and exits normally.
# Expected: no process with the marker survives the run (the pid namespace dies with the sandbox);
# under bwrap the file never reaches the host (/tmp is private), under unshare it stops growing.
# Bound if uncontained: the daemon writes 600 times (60 s) and exits.
import os
import time

MARKER = "@MARKER@"
TARGET = f"/tmp/jz_daemon_{MARKER}.txt"
script = (
    f"i=0; while [ $i -lt 600 ]; do echo x >> {TARGET}; sleep 0.1; i=$((i+1)); done; : {MARKER}"
)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sh", ["sh", "-c", script])
    os._exit(0)
os.wait()
time.sleep(0.5)
print("daemon started")
