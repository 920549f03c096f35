"""Generate completions for a JSONL file of prompts with any backend: `jiuzhang generate`.

For one-off runs, engine comparisons (tests/integration/test_vllm.py) and throughput figures
(bench/generation.py). Input rows `{id, prompt}`; output rows `{id, text, finish_reason,
n_tokens}` in input order, written atomically. A `vllm` backend runs in the vLLM environment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import load_jsonl, write_jsonl
from jiuzhang.generation.base import SamplingConfig, make_generator

log = logging.getLogger(__name__)


def run_generate(
    *,
    prompts: str,
    output: str,
    model: str,
    backend: str,
    backend_options: Mapping[str, Any],
    sampling: Mapping[str, Any],
    repeats: int = 1,
) -> dict[str, Any]:
    """Generate for every prompt of `prompts` into `output`; return the timing: engine start-up
    (`load_s`), the fastest of `repeats` generation passes (`generate_s`), prompts and generated
    tokens. The passes after the first must give the same text (greedy) or the same seeded
    samples; a difference is an error, not a timing."""
    rows = load_jsonl(prompts, required=("id", "prompt"))
    if not rows:
        raise DataError(f"{prompts}: no prompts")
    config = SamplingConfig.from_mapping(sampling)
    started = time.perf_counter()
    generator = make_generator(backend, model, backend_options)
    load_s = time.perf_counter() - started
    texts = [row["prompt"] for row in rows]
    best, generations = float("inf"), None
    for _ in range(max(repeats, 1)):
        started = time.perf_counter()
        result = generator.generate(texts, config)
        best = min(best, time.perf_counter() - started)
        if generations is not None and result != generations:
            raise RuntimeError(f"{backend}: a repeated generation pass gave other completions")
        generations = result
    assert generations is not None
    write_jsonl(
        output,
        (
            {"id": row["id"], "text": g.text, "finish_reason": g.finish_reason,
             "n_tokens": g.n_tokens}
            for row, g in zip(rows, generations, strict=True)
        ),
    )  # fmt: skip
    tokens = sum(g.n_tokens for g in generations)
    log.info(
        "%s: %d prompts, %d tokens in %.2f s (%.0f tokens/s); engine start %.1f s",
        backend, len(rows), tokens, best, tokens / best if best else 0.0, load_s,
    )  # fmt: skip
    return {"prompts": len(rows), "tokens": tokens, "load_s": load_s, "generate_s": best}
