# Hostile case: a CPU loop that never ends on its own terms (`while True` doing nothing useful).
# Expected: status "timeout" from the CPU limit (SIGXCPU, then SIGKILL) or the wall limit.
# Bound if uncontained: it gives up after 60 s of wall time (checked every 2**20 iterations).
import time

END = time.monotonic() + 60
i = 0
while True:
    i += 1
    if i % (1 << 20) == 0 and time.monotonic() > END:
        break
