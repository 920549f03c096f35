"""Stage 2a, synthesize: run the synthesis model over prompt shards, resumably."""

from jiuzhang.synthesize.shard import run_synth_shard

__all__ = ["run_synth_shard"]
