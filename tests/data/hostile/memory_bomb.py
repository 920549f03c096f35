# Hostile case: memory bomb. Allocates and touches 64 MiB blocks, up to 4 GiB in all.
# Expected: status "memory" (MemoryError from RLIMIT_AS, or the memory cgroup's OOM kill).
# Bound if uncontained: 64 blocks of 64 MiB = 4 GiB, released when it exits.
blocks = []
for _ in range(64):
    blocks.append(b"\x01" * (64 << 20))
print(f"allocated {len(blocks) * 64} MiB")
