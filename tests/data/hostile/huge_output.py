# Hostile case: floods stdout with about 300 MB.
# Expected: status "output_limit", the sandbox killed as soon as `output_bytes` is passed, stdout
# holding only the first `output_bytes` bytes.
# Bound if uncontained: 300,000 lines of 1,000 bytes (300 MB), then it stops.
line = "x" * 999
for _ in range(300_000):
    print(line)
