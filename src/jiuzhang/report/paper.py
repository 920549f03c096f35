"""The paper's reported results, for the report to put beside the reproduced numbers.

Source: the results table of the JiuZhang3.0 README (Zhou et al. 2024, "JiuZhang3.0: Efficiently
Improving Mathematical Reasoning by Training Small Data Synthesis Models", arXiv:2405.14365,
https://github.com/RUCAIBox/JiuZhang3.0). Accuracy in %, greedy decoding; MATH is the MATH-500
subset (`math-oai`); CARP is `carp_en`. The table is the natural-language reasoning evaluation,
so it is compared with our `jiuzhang` prompt type (the released models' prompt) only. A dash in
the paper (not reported) is None here. The paper's Avg. is the mean of its six columns; we keep
its printed value rather than recomputing it.
"""

from __future__ import annotations

from collections.abc import Mapping

SOURCE = (
    "JiuZhang3.0 README results table (Zhou et al. 2024, arXiv:2405.14365; "
    "github.com/RUCAIBox/JiuZhang3.0)"
)
PROMPT_TYPE = "jiuzhang"
"""The prompt type the paper's numbers are compared with."""

_COLUMNS = ("gsm8k", "math-oai", "svamp", "asdiv", "mawps", "carp_en", "avg")
_N = None  # not reported

_TABLE: dict[str, tuple[float | None, ...]] = {
    "GPT-4": (92.2, 65.4, 92.9, 94.3, 96.6, 53.6, 82.5),
    "Llemma-34B": (60.2, 24.6, 68.0, 75.6, 89.8, 36.5, 59.1),
    "Intern-Math-20B": (64.9, 27.4, 74.9, 79.6, 94.4, 42.3, 63.9),
    "ChatGLM-Math-32B": (82.6, 40.6, _N, _N, _N, _N, _N),
    "MAmmoTH2-8x7B-Plus": (86.4, 47.0, 90.0, 92.2, 97.0, 45.8, 76.4),
    "JiuZhang3.0-8x7B": (89.8, 53.8, 90.2, 93.1, 96.7, 52.3, 79.3),
    "Mistral-7B-MMIQC": (75.0, 34.2, 73.5, 82.1, 90.1, 36.5, 65.2),
    "MetaMath-Mistral-7B": (77.8, 29.6, 79.6, 81.2, 93.7, 30.5, 65.4),
    "Abel-7B-002": (80.4, 29.6, 78.8, 82.7, 93.5, 33.2, 66.4),
    "WizardMath-7B-1.1": (82.2, 32.8, 80.7, 84.2, 93.8, 31.9, 67.6),
    "Math-Shepherd-Mistral-7B": (84.3, 34.4, 82.9, 82.8, 92.5, 32.9, 68.3),
    "KPMath-DSMath-7B": (83.9, 48.8, 81.5, 88.9, 94.8, _N, _N),
    "MAmmoTH2-7B-Plus": (84.2, 46.2, 90.3, 90.3, 97.1, 44.3, 75.2),
    "MAmmoTH2-8B-Plus": (84.4, 41.2, 89.9, 89.9, 97.1, 44.8, 74.6),
    "DeepSeekMath-7B-Instruct": (82.3, 45.8, 83.7, 90.1, 95.7, 45.8, 73.9),
    "DeepSeekMath-7B-RL": (88.2, 50.2, 87.3, 91.8, 95.5, 51.6, 77.4),
    "JiuZhang3.0-7B": (88.6, 52.8, 90.4, 92.6, 97.3, 51.0, 78.8),
    "JiuZhang3.0-8B": (88.6, 51.0, 89.4, 92.6, 97.1, 50.9, 78.3),
}

PAPER_ROWS: tuple[str, ...] = tuple(_TABLE)


def paper_scores(row: str) -> Mapping[str, float]:
    """Benchmark (and "avg") -> the paper's accuracy for `row`; unreported cells left out."""
    if row not in _TABLE:
        raise KeyError(f"{row!r} is not a row of the paper's table ({', '.join(PAPER_ROWS)})")
    return {col: v for col, v in zip(_COLUMNS, _TABLE[row], strict=True) if v is not None}
