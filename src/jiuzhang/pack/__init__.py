"""Stage 3, pack: tokenize `(input, output)` rows, mask the input's loss, pack to fixed length."""

from jiuzhang.pack.packing import PackConfig, run_pack

__all__ = ["PackConfig", "run_pack"]
