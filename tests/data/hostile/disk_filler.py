# Hostile case: fills the disk from its working directory: one 8 MiB file, then up to 64 files of
# 1 MiB, each written in 64 KiB chunks until the first error.
# Expected: no file beyond `file_mb` (RLIMIT_FSIZE: "File too large") and no more than `file_mb`
# in all (the working directory is a size-limited tmpfs: "No space left on device").
# Bound if uncontained: 8 + 64 MiB = 72 MiB in its working directory, removed with it.
import os

CHUNK = b"x" * (64 << 10)
total = 0


def fill(path: str, size: int) -> None:
    global total
    with open(path, "wb") as handle:
        for _ in range(size // len(CHUNK)):
            handle.write(CHUNK)
            handle.flush()
            total += len(CHUNK)


try:
    fill("big.bin", 8 << 20)
except OSError as exc:
    print(f"big file stopped: {exc}")
try:
    for i in range(64):
        fill(f"part{i}.bin", 1 << 20)
except OSError as exc:
    print(f"parts stopped: {exc}")
print(f"largest {max(os.path.getsize(name) for name in os.listdir('.'))}")
print(f"total {total}")
