"""The gait building blocks on small, exactly known inputs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assess.gait.events import Segment, alternating_segments
from assess.gait.labels import crossing_swap_states, find_crossings, leg_length_px, swap_limbs
from assess.gait.passes import WalkingPass, find_passes, mark_turns
from assess.gait.prepare import despike
from assess.landmarks import INDEX
from assess.types import Facing, Side, View
from tests.gait.walker import record, side_camera, straight_walk


def test_crossings_are_the_minima_between_clear_maxima() -> None:
    t = np.arange(0, 3, 1 / 30)
    # Two feet passing each other every 0.55 s: separation |sin| with period 1.1 s.
    left = 100 * np.sin(2 * np.pi * t / 1.1)
    found = find_crossings(t, left, -left, scale_px=100.0, min_separation=0.5)
    expected = np.arange(0.55, 3, 0.55)
    assert found.times_s == pytest.approx(expected[: found.times_s.size], abs=1 / 30)
    assert found.times_s.size == expected.size


def test_feet_standing_side_by_side_have_no_crossing() -> None:
    t = np.arange(0, 2, 1 / 30)
    noise = np.random.default_rng(0).normal(0, 2.0, t.size)
    found = find_crossings(t, 10 + noise, noise[::-1], scale_px=300.0, min_separation=0.25)
    assert found.indices.size == 0


@pytest.mark.parametrize("fps", [24.0, 30.0, 60.0])
def test_injected_near_far_swaps_are_repaired_exactly(fps: float) -> None:
    runs = ((1.0, 1.4), (2.2, 2.5), (3.3, 3.9))
    rec = record(straight_walk(n_steps=8), side_camera(), fps=fps, noise_px=1.0, swap_runs=runs, seed=1)
    series = rec.series
    flip, crossings = crossing_swap_states(
        series, group="legs", forward_sign=-1.0, scale_px=leg_length_px(series), min_separation=0.25, zone=0.2
    )
    truth = np.zeros(series.n_frames, dtype=bool)
    truth[rec.swapped_frames] = True
    assert crossings.indices.size >= 6
    assert np.array_equal(flip, truth)
    repaired = swap_limbs(series, flip, group="legs")
    clean = record(straight_walk(n_steps=8), side_camera(), fps=fps, noise_px=1.0, seed=1).series
    assert np.allclose(repaired.px("left_heel"), clean.px("left_heel"))


def test_despike_removes_a_one_frame_jump_and_keeps_motion() -> None:
    series = record(straight_walk(n_steps=6), side_camera(), fps=30).series
    image = series.image_px.copy()
    j = INDEX["left_heel"]
    image[40, j, 0] += 150.0
    spiky = replace(series, image_px=image)
    cleaned = despike(spiky, scale_px=leg_length_px(series))
    assert np.isnan(cleaned.image_px[40, j, 0])
    kept = np.isfinite(cleaned.image_px[:, j, 0])
    assert kept.sum() >= series.n_frames - 3  # the swinging foot is not mistaken for a spike


def test_neighbouring_segments_led_by_the_same_foot_are_dropped() -> None:
    segs = [Segment(0, 10, Side.LEFT, 0), Segment(10, 20, Side.RIGHT, 1), Segment(20, 30, Side.RIGHT, 2)]
    kept, dropped = alternating_segments(segs)
    assert kept == [segs[0]]
    assert dropped == 2
    # A gap in the numbering (a segment left out) is not a neighbour.
    kept, dropped = alternating_segments([Segment(0, 10, Side.LEFT, 0), Segment(20, 30, Side.LEFT, 2)])
    assert dropped == 0


def _walk(start: float, end: float, view: View, facing: Facing) -> WalkingPass:
    return WalkingPass(start_index=0, stop_index=1, start_s=start, end_s=end, view=view, facing=facing)


def test_a_short_pass_between_opposite_directions_is_a_turn() -> None:
    passes = [
        _walk(0.0, 5.0, View.SIDE, Facing.LEFT),
        _walk(5.1, 6.5, View.FRONT, Facing.CAMERA),
        _walk(6.6, 11.0, View.SIDE, Facing.RIGHT),
        _walk(20.0, 25.0, View.SIDE, Facing.LEFT),
    ]
    marks = mark_turns(passes)
    assert marks.turns == {1}
    assert marks.before_turn == {0, 1}
    assert marks.after_turn == {1, 2}


def test_a_side_walk_is_one_pass_facing_its_way() -> None:
    series = record(straight_walk(n_steps=8), side_camera(), fps=30).series
    passes = find_passes(series)
    assert [(p.view, p.facing) for p in passes] == [(View.SIDE, Facing.LEFT)]
    assert passes[0].forward_sign == -1.0
