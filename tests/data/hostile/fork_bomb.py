# Hostile case: fork bomb. Forks up to 300 times; every child execs a shell that sleeps 30 s with
# the marker in its command line (so the test can find survivors); the parent then sleeps.
# Expected: forks fail after `nproc` (RLIMIT_NPROC for the sandbox uid, cgroup pids.max); the wall
# limit kills the sandbox and its pid namespace takes every child with it: no marker survives.
# Bound if uncontained: at most 300 children (plus their `sleep`), each gone after 30 s.
import os
import time

MARKER = "@MARKER@"
forked = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            try:
                os.execv("/bin/sh", ["sh", "-c", f"sleep 30; : {MARKER}"])
            finally:
                os._exit(0)
        forked += 1
except OSError as exc:
    print(f"fork failed after {forked}: {exc}")
print(f"forked {forked}", flush=True)
time.sleep(30)
