# Hostile case: tries to kill its parent and the test process (TEST_PID) with SIGKILL and SIGTERM.
# Expected: every attempt fails (pid 1 of a pid namespace ignores signals from inside it; the
# test's pid does not exist in the namespace; another uid under bwrap): the test keeps running.
# Bound if uncontained: it would kill the test run itself, which fails loudly; nothing else.
import os
import signal

TEST_PID = int("@TEST_PID@")
for pid in [os.getppid(), 1, TEST_PID]:
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, signum)
            print(f"sent {signum.name} to {pid}")
        except OSError as exc:
            print(f"kill {pid} {signum.name}: {exc}")
