"""Stage 2b, corpus: generations -> parsed, filtered, deduplicated `(input, output)` rows."""

from jiuzhang.corpus.build import CorpusConfig, parse_cot_generation, run_build_corpus

__all__ = ["CorpusConfig", "parse_cot_generation", "run_build_corpus"]
