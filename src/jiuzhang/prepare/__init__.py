"""Stage 1, prepare: MathPile-format shards -> snippets -> filled synthesis prompts, sharded."""

from jiuzhang.prepare.prompts import LEVELS, PrepareConfig, run_prepare

__all__ = ["LEVELS", "PrepareConfig", "run_prepare"]
