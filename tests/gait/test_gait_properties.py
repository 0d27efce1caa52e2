"""Metamorphic properties of the gait analysis (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.gait import Gait
from assess.movements.base import AnalysisContext
from assess.results import MovementResult
from assess.types import Facing
from tests.gait.blocks import gait_events
from tests.gait.walker import record, side_camera, straight_walk

SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
walks = st.fixed_dictionaries(
    {
        "cadence_spm": st.floats(95.0, 125.0),
        "step_length_m": st.floats(0.5, 0.75),
        "right_step_fraction": st.floats(0.46, 0.54),
    }
)


def _cadence(result: MovementResult) -> float:
    return result.measurement("cadence").value


def _analyse(series: object) -> MovementResult:
    return Gait().analyze(series, AnalysisContext(height_cm=175.0))  # type: ignore[arg-type]


@SETTINGS
@given(walk=walks, factor=st.floats(0.8, 1.25))
def test_slowing_time_down_lowers_cadence_in_proportion(walk: dict[str, float], factor: float) -> None:
    series = record(straight_walk(n_steps=8, **walk), side_camera(), fps=30, noise_px=1.0).series
    scaled = replace(series, time_s=series.time_s * factor)
    assert _cadence(_analyse(scaled)) == pytest.approx(_cadence(_analyse(series)) / factor, rel=0.03)


@SETTINGS
@given(walk=walks)
def test_frame_rate_does_not_change_cadence(walk: dict[str, float]) -> None:
    plan = straight_walk(n_steps=8, **walk)
    values = [
        _cadence(_analyse(record(plan, side_camera(), fps=fps, noise_px=1.0).series)) for fps in (24, 30, 60)
    ]
    assert max(values) == pytest.approx(min(values), rel=0.03)
    assert np.mean(values) == pytest.approx(walk["cadence_spm"], rel=0.03)


@SETTINGS
@given(walk=walks, fps=st.sampled_from([24.0, 30.0, 60.0]))
def test_a_mirrored_clip_swaps_the_sides_and_nothing_else(walk: dict[str, float], fps: float) -> None:
    series = record(straight_walk(n_steps=8, **walk), side_camera(), fps=fps, noise_px=1.0).series
    plain, mirrored = _analyse(series), _analyse(series.flipped_horizontally())
    assert plain.facing is Facing.LEFT
    assert mirrored.facing is Facing.RIGHT
    assert _cadence(mirrored) == pytest.approx(_cadence(plain), rel=1e-3)
    strikes = gait_events(plain)["heel_strike_s"]
    # The walk has 4 contacts a foot; one can be missed (cadence 95, 0.5 m steps, 24 fps: 3 left).
    assert min(len(strikes["left"]), len(strikes["right"])) >= 3
    for kind in ("heel_strike_s", "toe_off_s"):
        a, b = gait_events(plain)[kind], gait_events(mirrored)[kind]
        # The mirror image of a walker's left foot is the right foot of the walker seen.
        assert b["left"] == pytest.approx(a["right"], abs=1e-3)
        assert b["right"] == pytest.approx(a["left"], abs=1e-3)


@SETTINGS
@given(dx=st.floats(0.0, 400.0), dy=st.floats(-100.0, 100.0))
def test_where_the_walker_is_in_the_image_does_not_move_the_events(dx: float, dy: float) -> None:
    # The walker, wholly inside a wider frame, is moved about in it (not out of it).
    plan = straight_walk(n_steps=8)
    series = record(plan, side_camera(), fps=30, noise_px=1.0).series
    image = series.image_px.copy()
    image[..., 0] += dx
    image[..., 1] += dy
    shifted = replace(series, image_px=image, frame_size_px=(2400, 1200))
    wide = replace(series, frame_size_px=(2400, 1200))
    a, b = gait_events(_analyse(wide)), gait_events(_analyse(shifted))
    # Comparing two empty lists proves nothing: the walk's 8 contacts (4 a foot) must be found
    # (as in test_gait_synthetic), and at least 6 toe offs.
    for side in ("left", "right"):
        assert len(a["heel_strike_s"][side]) == len(plan.events(side, "heel_strike")) == 4
    assert len(a["toe_off_s"]["left"]) + len(a["toe_off_s"]["right"]) >= 6
    for kind in ("heel_strike_s", "toe_off_s"):
        for side in ("left", "right"):
            assert b[kind][side] == pytest.approx(a[kind][side], abs=1e-6)
