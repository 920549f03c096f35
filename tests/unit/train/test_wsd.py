"""WSD schedule: the worked example of SPEC §4.3 (T = 1000, warm-up 3 %, stable 85 %)."""

from __future__ import annotations

import pytest

from jiuzhang.common.errors import ConfigError
from jiuzhang.train.trainer import TrainConfig, deepspeed_config
from jiuzhang.train.wsd import stable_end_step, wsd_factor


@pytest.mark.parametrize(
    ("step", "factor"),
    [
        (0, 0.0),
        (15, 0.5),
        (30, 1.0),
        (500, 1.0),
        (849, 1.0),
        (850, 1.0),
        (925, 0.5),
        (985, 0.1),
        (999, 0.1),
    ],
)
def test_wsd_worked_example(step: int, factor: float) -> None:
    assert wsd_factor(step, 1000, 0.03, 0.85, 0.1) == pytest.approx(factor)


def test_stable_end_and_zero_stable_ratio() -> None:
    assert stable_end_step(1000, 0.85, 0.03) == 850
    # stable_ratio 0: decay starts right after warm-up
    assert wsd_factor(30, 1000, 0.03, 0.0, 0.1) == pytest.approx(1.0)
    assert wsd_factor(515, 1000, 0.03, 0.0, 0.1) == pytest.approx(485 / 970)


def test_global_batch_is_exact_or_an_error() -> None:
    cfg = TrainConfig(global_batch_size=512, micro_batch_size=8)
    assert cfg.accumulation_steps(world_size=64) == 1
    assert cfg.accumulation_steps(world_size=8) == 8  # SPEC §6.3: not 64
    with pytest.raises(ConfigError, match="not a multiple"):
        cfg.accumulation_steps(world_size=3)


def test_zero_stage_is_explicit() -> None:
    assert deepspeed_config(2)["zero_optimization"]["stage"] == 2
    assert deepspeed_config(3)["zero_optimization"]["stage"] == 3
    with pytest.raises(ConfigError, match="zero_stage"):
        TrainConfig(zero_stage=1)
