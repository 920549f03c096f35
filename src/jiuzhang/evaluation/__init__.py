"""Evaluation stage: benchmark loading, answer extraction and grading.

Submodules: `benchmarks` (local JSONL test sets -> `BenchItem`), `extract` (final answer from a
model completion) and `grade` (normalisation, equivalence and the grading CLI).
"""
