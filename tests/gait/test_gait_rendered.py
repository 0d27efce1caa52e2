"""Gait on rendered walking seen by the real pose model (landmarks frozen in tests/golden/gait).

The renderer (:mod:`assess_render`) knows every heel strike and toe off. Its heel comes down
on a minimum-jerk path and settles gradually onto the floor, so a contact judged from the
image (heel stopped within 0.02 leg lengths) comes about 40 ms before the renderer's nominal
instant; the bounds below hold that offset. Regenerate with
``python tests/golden/regenerate.py --update-golden --only gait`` (a missing file fails).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assess.gait import Gait
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.results import MovementResult
from assess.types import Facing, Side, View
from tests.conftest import GOLDEN
from tests.gait.blocks import gait_events
from tests.golden.store import load_golden

RENDERED = GOLDEN / "gait"


def _load(name: str) -> tuple[LandmarkSeries, dict[str, Any]]:
    golden = load_golden(RENDERED / f"{name}.npz", with_truth=True)
    return golden.series, golden.truth or {}


def _analyse(name: str) -> tuple[MovementResult, dict[str, Any]]:
    series, truth = _load(name)
    return Gait().analyze(series, AnalysisContext(height_cm=175.0)), truth


def _errors(result: MovementResult, truth: dict[str, Any], kind: str) -> tuple[list[float], int]:
    key = "heel_strike_s" if kind == "heel_strike" else "toe_off_s"
    events = [(e["time_s"], e["side"]) for e in truth["gait_events"] if e["kind"] == kind]
    errors, wrong = [], 0
    for side in ("left", "right"):
        for t in gait_events(result)[key][side]:
            t_true, true_side = min(events, key=lambda e: abs(e[0] - t))
            wrong += true_side != side
            errors.append(t - t_true)
    return errors, wrong


@pytest.mark.parametrize("name", ["side_left_30fps", "side_right_asym_24fps"])
def test_rendered_side_walk_events_and_timing(name: str) -> None:
    result, truth = _analyse(name)
    summary = truth["gait_summary"]
    errors, wrong = _errors(result, truth, "heel_strike")
    assert wrong == 0
    assert len(errors) >= 8
    assert -0.07 < float(np.median(errors)) < 0.0  # the renderer's soft landing: see the module doc
    assert max(abs(e) for e in errors) < 0.08
    errors, wrong = _errors(result, truth, "toe_off")
    assert wrong == 0
    assert abs(float(np.median(errors))) < 0.05
    assert result.measurement("cadence").value == pytest.approx(summary["cadence_steps_per_min"], rel=0.03)
    for side in Side:
        step = result.measurement("step_time", side)
        assert step.value == pytest.approx(summary[f"step_time_{side.value}_s"], abs=0.03)
        # The eye-height scale on the model's landmarks of a figure of known height.
        length = result.measurement("step_length", side)
        assert length.value == pytest.approx(summary[f"step_length_{side.value}_m"], rel=0.1)
    assert result.measurement("gait_speed").value == pytest.approx(summary["speed_m_s"], rel=0.06)


def test_rendered_limp_has_the_longer_step_on_the_right_side() -> None:
    result, truth = _analyse("side_right_asym_24fps")
    assert result.facing is Facing.RIGHT
    summary = truth["gait_summary"]
    left, right = summary["step_time_left_s"], summary["step_time_right_s"]
    expected = 200.0 * abs(left - right) / (left + right)
    asymmetry = result.measurement("step_time_asymmetry")
    assert asymmetry.value == pytest.approx(expected, abs=4.0)
    assert asymmetry.side is (Side.LEFT if left > right else Side.RIGHT)


def test_rendered_pan_keeps_timing_and_withholds_distances() -> None:
    result, truth = _analyse("side_pan_30fps")
    errors, wrong = _errors(result, truth, "heel_strike")
    assert wrong == 0
    assert len(errors) >= 6
    assert abs(float(np.median(errors))) < 0.07
    assert result.measurement("cadence").value == pytest.approx(
        truth["gait_summary"]["cadence_steps_per_min"], rel=0.03
    )
    omitted = {o.name: o.reason for o in result.omissions}
    assert "camera moved" in omitted["gait_speed"]
    assert "camera moved" in omitted["step_length"]


def test_rendered_back_view_cadence_and_sway() -> None:
    result, truth = _analyse("back_30fps")
    assert result.view_name is View.BACK
    assert result.measurement("cadence").value == pytest.approx(
        truth["gait_summary"]["cadence_steps_per_min"], rel=0.03
    )
    assert result.steps_used >= 6
    assert result.measurement("trunk_sway_range").value < 10.0
    assert result.measurement("pelvic_obliquity_range").value < 10.0
