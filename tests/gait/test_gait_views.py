"""Gait from the front and back, across a turn, and with a camera that pans with the walker."""

from __future__ import annotations

import numpy as np
import pytest

from assess.gait import Gait
from assess.geometry import inclination_deg, tilt_deg
from assess.landmarks import INDEX
from assess.movements.base import AnalysisContext
from assess.results import MovementResult
from assess.types import View
from tests.gait.blocks import gait_events, passes
from tests.gait.walker import (
    bodies,
    front_camera,
    project,
    record,
    side_camera,
    straight_walk,
    walk_turn_walk,
)

CADENCE = 110.0


def _analyse(rec_series: object, height_cm: float | None = 175.0) -> MovementResult:
    return Gait().analyze(rec_series, AnalysisContext(height_cm=height_cm))  # type: ignore[arg-type]


def _true_frontal_ranges(plan: object, camera: object, times: np.ndarray) -> tuple[float, float]:
    """Median per-stride range of trunk tilt and hip-line tilt, from the walker's own landmarks."""
    image = project(camera, bodies(plan, times))  # type: ignore[arg-type]
    hip = 0.5 * (image[:, INDEX["left_hip"], :2] + image[:, INDEX["right_hip"], :2])
    sh = 0.5 * (image[:, INDEX["left_shoulder"], :2] + image[:, INDEX["right_shoulder"], :2])
    trunk = inclination_deg(hip, sh)
    pelvis = tilt_deg(image[:, INDEX["right_hip"], :2], image[:, INDEX["left_hip"], :2])
    return float(np.ptp(trunk)), float(np.ptp(pelvis))


@pytest.fixture(scope="module")
def front_walk() -> tuple[object, MovementResult]:
    plan = straight_walk(n_steps=10)
    camera = front_camera(z_m=10.0)
    rec = record(plan, camera, fps=30, noise_px=1.0, seed=5)
    return plan, _analyse(rec.series)


def test_front_view_cadence_and_steps_from_mid_swing(front_walk: tuple[object, MovementResult]) -> None:
    _, result = front_walk
    assert result.view_name is View.FRONT
    cadence = result.measurement("cadence")
    assert cadence.view is View.FRONT
    assert cadence.value == pytest.approx(CADENCE, rel=0.03)
    assert result.steps_used >= 6
    for side in ("left", "right"):
        assert result.measurement("step_time", side).value == pytest.approx(60.0 / CADENCE, abs=0.03)
    assert result.measurement("step_time_asymmetry").value < 6.0
    # Contacts are found but not reported as timed: the heel hides behind the foot.
    assert gait_events(result)["heel_strike_s"] == {"left": [], "right": []}
    assert any("mid-swing" in w for w in result.warnings)


def test_front_view_sway_and_pelvic_obliquity(front_walk: tuple[object, MovementResult]) -> None:
    plan, result = front_walk
    # One stride of the steady middle of the walk, seen by the same camera.
    times = np.linspace(2.3, 2.3 + 2 * 60.0 / CADENCE, 40)
    trunk_range, pelvis_range = _true_frontal_ranges(plan, front_camera(z_m=10.0), times)
    sway = result.measurement("trunk_sway_range")
    obliquity = result.measurement("pelvic_obliquity_range")
    assert sway.view is View.FRONT
    assert obliquity.view is View.FRONT
    assert sway.value == pytest.approx(trunk_range, abs=1.5)
    assert obliquity.value == pytest.approx(pelvis_range, abs=1.5)
    names = {o.name for o in result.omissions}
    assert {"trunk_lean_mean", "gait_speed", "step_length", "stance_pct"} <= names


def test_back_view_gives_cadence() -> None:
    plan = straight_walk(n_steps=10)
    result = _analyse(record(plan, front_camera(z_m=-2.5, facing_walker=False), fps=30, noise_px=1.0).series)
    assert result.view_name is View.BACK
    assert result.measurement("cadence").value == pytest.approx(CADENCE, rel=0.03)
    assert result.measurement("trunk_sway_range").view is View.BACK


def test_a_turn_splits_the_walk_and_its_steps_are_left_out() -> None:
    plan, steady = walk_turn_walk(steps_each_way=7, turn_steps=4)
    rec = record(plan, side_camera(z_m=3.0, distance_m=6.0), fps=30, noise_px=1.5, seed=2)
    result = _analyse(rec.series)
    side_passes = [p for p in passes(result) if p["view"] == "side"]
    assert [p["facing"] for p in side_passes] == ["left", "right"]
    assert result.measurement("cadence").value == pytest.approx(CADENCE, rel=0.03)
    # No steady step may reach into the turn (the true steady stretches, give or take 0.1 s).
    for p in passes(result):
        for step in p["steady_steps"]:
            assert any(a - 0.1 <= step["start_s"] and step["end_s"] <= b + 0.1 for a, b in steady), step
    assert all(p["steps_used"] >= 3 for p in side_passes)
    turn_passes = [p for p in passes(result) if p["view"] != "side"]
    assert all(p["steps_used"] == 0 for p in turn_passes)
    # The left and right events keep their sides after the walker turns round.
    strikes = gait_events(result)["heel_strike_s"]
    for side in ("left", "right"):
        truth = plan.events(side, "heel_strike")
        other = plan.events("right" if side == "left" else "left", "heel_strike")
        for t in strikes[side]:
            assert min(abs(t - x) for x in truth) < min(abs(t - x) for x in other)


def test_a_panning_camera_keeps_timing_and_withholds_distances() -> None:
    plan = straight_walk(n_steps=8)
    rec = record(plan, side_camera(track_pelvis=True), fps=30, noise_px=1.5)
    result = _analyse(rec.series)
    assert result.measurement("cadence").value == pytest.approx(CADENCE, rel=0.03)
    omitted = {o.name: o.reason for o in result.omissions}
    assert "camera moved" in omitted["gait_speed"]
    assert "camera moved" in omitted["step_length"]
    assert not {m.name for m in result.measurements} & {"gait_speed", "step_length"}
    assert any("camera moved" in w for w in result.warnings)
    assert all(p["camera_moved"] for p in passes(result))


def test_a_still_camera_with_a_little_shake_keeps_distances() -> None:
    plan = straight_walk(n_steps=8)
    rec = record(plan, side_camera(shake_px=1.5), fps=30, noise_px=1.0)
    result = _analyse(rec.series)
    assert result.measurement("gait_speed").value == pytest.approx(0.65 * CADENCE / 60.0, rel=0.08)
