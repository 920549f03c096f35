# Hostile case: ignores SIGXCPU (the soft CPU limit) and burns CPU inside C code (big sums), where
# a Python-level signal handler could not run anyway.
# Expected: status "timeout": the hard RLIMIT_CPU (soft + 1 s) SIGKILLs it, or the wall limit does.
# Bound if uncontained: 60 rounds of sum(range(10**8)), about 60 s of CPU.
import signal

signal.signal(signal.SIGXCPU, signal.SIG_IGN)
for _ in range(60):
    sum(range(10**8))
