"""Stage 1, prepare: raw text sources -> snippets -> filled synthesis prompts, sharded."""

from jiuzhang.prepare.builders import BUILDERS
from jiuzhang.prepare.prompts import PrepareConfig, run_prepare
from jiuzhang.prepare.templates import LEVELS

__all__ = ["BUILDERS", "LEVELS", "PrepareConfig", "run_prepare"]
