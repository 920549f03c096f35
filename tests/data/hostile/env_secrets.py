# Hostile case: looks for secrets in the environment: its own, pid 1's, its parent's and the test
# process's (TEST_PID), through os.environ and /proc/<pid>/environ.
# Expected: the test's JZ_SECRET_TOKEN never appears in stdout (clean environment, pid namespace).
# Bound if uncontained: prints a few environments.
import os

TEST_PID = int("@TEST_PID@")
print(dict(os.environ))
for pid in ["self", "1", str(os.getppid()), str(TEST_PID)]:
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            print(pid, handle.read())
    except OSError as exc:
        print(pid, exc)
