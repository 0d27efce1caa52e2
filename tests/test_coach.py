"""The self-check coach on synthetic skeletons with known angles: checks, neutral, count, sides, cues."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.coach import Coach, Pose, RepetitionCounter, mean_luma
from assess.landmarks import INDEX, LandmarkSeries
from assess.repetitions import RepetitionRules
from tests.spine.synthetic import Camera, movement

BRIGHT = 120.0


def feed(coach: Coach, s: LandmarkSeries, *, luma: float = BRIGHT, time_offset_s: float = 0.0):  # type: ignore[no-untyped-def]
    states = []
    for i, t in enumerate(s.time_s):
        pose = Pose(image_px=s.image_px[i], world_m=s.world_m[i], visibility=s.visibility[i])
        states.append(coach.update(float(t) + time_offset_s, pose, frame_size_px=s.frame_size_px, luma=luma))
    return states


def test_side_bends_counted_once_each_with_the_patients_sides() -> None:
    # + lateral_deg is a bend to the patient's right in the synthetic body.
    s = movement("lateral_deg", (25.0, -20.0), Camera(view="front"))
    coach = Coach("side_bend")
    states = feed(coach, s)
    assert states[-1].repetitions == 2
    assert states[-1].repetitions_by_side == {"right": 1, "left": 1}
    assert states[-1].best_deg["right"] == pytest.approx(25.0, abs=2.5)
    assert states[-1].best_deg["left"] == pytest.approx(20.0, abs=2.5)


def test_forward_bends_read_their_depth_and_count() -> None:
    s = movement("flexion_deg", (45.0, 80.0), Camera(view="side", facing="left"))
    coach = Coach("forward_bend")
    states = feed(coach, s)
    summary = coach.summary()
    assert states[-1].repetitions == 2
    assert summary.peaks_deg[0] == pytest.approx(45.0, abs=3.0)
    assert summary.peaks_deg[1] == pytest.approx(80.0, abs=3.0)
    assert summary.checks_passed


def test_facing_right_reads_the_same_bend() -> None:
    s = movement("flexion_deg", (60.0,), Camera(view="side", facing="right"))
    coach = Coach("forward_bend")
    feed(coach, s)
    assert coach.summary().peaks_deg == pytest.approx((60.0,), abs=3.0)


def test_a_backward_bend_is_not_a_forward_bend() -> None:
    s = movement("flexion_deg", (-25.0,), Camera(view="side", facing="left"))
    forward, backward = Coach("forward_bend"), Coach("extension")
    feed(forward, s)
    feed(backward, s)
    assert forward.summary().repetitions == 0
    assert backward.summary().repetitions == 1
    assert backward.summary().peaks_deg[0] == pytest.approx(25.0, abs=3.0)


def test_wrong_view_asks_to_turn_and_counts_nothing() -> None:
    s = movement("flexion_deg", (60.0,), Camera(view="front"))
    coach = Coach("forward_bend")
    states = feed(coach, s)
    assert states[-1].repetitions == 0
    assert "Turn sideways to the camera." in states[-1].cues
    assert states[-1].phase == "checking"


def test_dark_picture_and_cut_off_feet_are_named() -> None:
    s = movement("lateral_deg", (25.0,), Camera(view="front"))
    dark = feed(Coach("side_bend"), s, luma=20.0)[-1]
    assert any("too dark" in c for c in dark.cues)
    assert dark.repetitions == 0
    cut = s.image_px.copy()
    for name in ("left_ankle", "right_ankle", "left_heel", "right_heel"):
        cut[:, INDEX[name], 1] = s.frame_size_px[1] + 50.0  # below the picture
    feet_out = LandmarkSeries(
        time_s=s.time_s,
        image_px=cut,
        world_m=s.world_m,
        visibility=s.visibility,
        frame_size_px=s.frame_size_px,
    )
    state = feed(Coach("side_bend"), feet_out)[-1]
    assert any("whole body" in c for c in state.cues)
    assert state.repetitions == 0


def test_bending_knees_earn_a_cue() -> None:
    s = movement("flexion_deg", (70.0,), Camera(view="side", facing="left"), extra={"knee_flexion_deg": 0.4})
    states = feed(Coach("forward_bend"), s)
    assert any("knees are bending" in c for st_ in states for c in st_.cues)
    straight = feed(
        Coach("forward_bend"), movement("flexion_deg", (70.0,), Camera(view="side", facing="left"))
    )
    assert not any("knees" in c for st_ in straight for c in st_.cues)


def test_neutral_waits_for_a_steady_second() -> None:
    s = movement("lateral_deg", (25.0,), Camera(view="front"))
    states = feed(Coach("side_bend"), s)
    first_measuring = next(st_.time_s for st_ in states if st_.phase == "measuring")
    assert 1.0 <= first_measuring - float(s.time_s[0]) <= 2.0


@settings(max_examples=40, deadline=None)
@given(
    peaks=st.lists(st.floats(min_value=10.0, max_value=60.0), min_size=1, max_size=5),
    fps=st.sampled_from([15.0, 24.0, 30.0, 60.0]),
)
def test_counter_counts_every_clear_excursion(peaks: list[float], fps: float) -> None:
    counter = RepetitionCounter(rules=RepetitionRules())
    t = 0.0
    for p in peaks:
        for u in np.arange(0.0, 2.0, 1.0 / fps):  # out and back in 2 s, then 0.5 s at rest
            counter.update(t, p * math.sin(math.pi * u / 2.0))
            t += 1.0 / fps
        for _ in range(int(0.5 * fps)):
            counter.update(t, 0.0)
            t += 1.0 / fps
    assert counter.count == len(peaks)
    assert counter.peaks_deg == pytest.approx(peaks, abs=max(peaks) * 0.05)


def test_counter_ignores_sway_below_the_minimum_amplitude() -> None:
    counter = RepetitionCounter(rules=RepetitionRules())
    for i in range(600):
        counter.update(i / 30.0, 6.0 * math.sin(i / 10.0))
    assert counter.count == 0


def test_mean_luma_of_grey_frames() -> None:
    assert mean_luma(np.full((48, 64, 3), 200, np.uint8)) == pytest.approx(200.0)
    assert mean_luma(np.zeros((48, 64, 3), np.uint8)) == 0.0


def test_unknown_movement_is_refused() -> None:
    with pytest.raises(ValueError, match="movement must be one of"):
        Coach("gait")
