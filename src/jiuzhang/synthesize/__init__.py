"""Stage 2a, synthesize: run the synthesis model over prompt shards, resumably; and the KD
teacher that writes the synthesis model's training set through an OpenAI-compatible API."""

from jiuzhang.synthesize.resumable import failures_path
from jiuzhang.synthesize.shard import run_synth_shard
from jiuzhang.synthesize.teacher import run_teacher, usage_path

__all__ = ["failures_path", "run_synth_shard", "run_teacher", "usage_path"]
