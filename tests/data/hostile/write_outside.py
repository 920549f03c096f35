# Hostile case: writes files outside its working directory: /tmp, /dev/shm, the project checkout
# (PROJECT_DIR), /root, /etc, and a directory of the test's outside the sandbox (OUTSIDE_DIR).
# Expected (bwrap): none of these files exists on the host afterwards (/tmp and /dev/shm are the
# sandbox's private tmpfs; the rest is not writable or not there).
# Bound if uncontained: six small files at paths named by the marker; the test removes them.
MARKER = "@MARKER@"
OUTSIDE_DIR = "@OUTSIDE_DIR@"
PROJECT_DIR = "@PROJECT_DIR@"
targets = [
    f"/tmp/jz_escape_{MARKER}.txt",
    f"/dev/shm/jz_escape_{MARKER}",
    f"{PROJECT_DIR}/jz_escape_{MARKER}.txt",
    f"/root/jz_escape_{MARKER}.txt",
    f"/etc/jz_escape_{MARKER}.txt",
    f"{OUTSIDE_DIR}/jz_escape_{MARKER}.txt",
]
for path in targets:
    try:
        with open(path, "w") as handle:
            handle.write("escaped\n")
        print(f"wrote {path}")
    except OSError as exc:
        print(f"blocked {path}: {exc}")
