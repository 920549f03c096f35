# Hostile case: reads secrets from files outside the sandbox: a secret the test wrote (SECRET_PATH,
# under /root and under a temporary directory), /etc/shadow, and every /proc/*/environ and
# /proc/*/cmdline it can see; prints whatever it gets.
# Expected (bwrap): the secret's content never appears in stdout.
# Bound if uncontained: reads a few small files; prints at most 200 kB.
import glob

SECRET_PATHS = "@SECRET_PATHS@".split(":")
found = []
for path in [*SECRET_PATHS, "/etc/shadow", *glob.glob("/proc/*/environ")]:
    try:
        with open(path, "rb") as handle:
            found.append(f"{path}: {handle.read(20_000)!r}")
    except OSError as exc:
        found.append(f"{path}: {exc}")
for path in glob.glob("/proc/*/cmdline"):
    try:
        with open(path, "rb") as handle:
            found.append(f"{path}: {handle.read(2_000)!r}")
    except OSError:
        pass
print("\n".join(found)[:200_000])
