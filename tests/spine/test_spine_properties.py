"""Properties (hypothesis): invariance to translation and scale, mirroring, monotonicity, counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.movements.base import AnalysisContext
from assess.movements.spine import ForwardBend, Rotation, SideBend
from assess.repetitions import RepetitionRules, segment_repetitions
from assess.signal import lowpass
from assess.types import Side
from tests.spine.synthetic import Camera, excursions, movement, profile

CTX = AnalysisContext(height_cm=170.0)
SHORT = {"quiet_s": 1.2, "ramp_s": 0.9, "hold_s": 0.6, "rest_s": 0.8, "end_s": 1.0}
FAST = settings(max_examples=15, deadline=None)


def _rom(result: object, name: str, side: str | None = None) -> float:
    return result.measurement(name, side).value  # type: ignore[attr-defined, no-any-return]


@FAST
@given(
    dx=st.floats(-150, 150),
    dy=st.floats(-100, 30),
    scale=st.floats(120, 350),  # the whole figure stays in the 1000x800 frame
    angle=st.floats(15, 40),
)
def test_translation_and_scale_change_no_angle(dx: float, dy: float, scale: float, angle: float) -> None:
    base_cam = Camera(view="front", size_px=(1000, 800))
    moved_cam = Camera(view="front", size_px=(1000, 800), offset_px=(dx, dy), px_per_m=scale)
    base = SideBend().analyze(movement("lateral_deg", (angle, -angle), base_cam, **SHORT), CTX)
    moved = SideBend().analyze(movement("lateral_deg", (angle, -angle), moved_cam, **SHORT), CTX)
    for side in ("left", "right"):
        assert _rom(moved, "lateral_flexion_rom", side) == pytest.approx(
            _rom(base, "lateral_flexion_rom", side), abs=0.3
        )
        # Centimetres come from the patient's height, not the picture: also unchanged.
        assert _rom(moved, "fingertip_drop", side) == pytest.approx(
            _rom(base, "fingertip_drop", side), abs=0.3
        )
    side_cam = Camera(view="side", facing="right", size_px=(1000, 800), offset_px=(dx, dy), px_per_m=scale)
    fb = ForwardBend().analyze(movement("flexion_deg", (2 * angle,), side_cam, **SHORT), CTX)
    assert _rom(fb, "trunk_flexion_rom") == pytest.approx(2 * angle, abs=0.5)


@FAST
@given(right=st.floats(10, 35), left=st.floats(10, 35), view=st.sampled_from(["front", "back"]))
def test_mirroring_swaps_sides_and_keeps_magnitudes(right: float, left: float, view: str) -> None:
    s = movement("lateral_deg", (right, -left), Camera(view=view), **SHORT)
    plain = SideBend().analyze(s, CTX)
    mirrored = SideBend().analyze(s.flipped_horizontally(), CTX)
    for side in Side:
        assert _rom(mirrored, "lateral_flexion_rom", side.other.value) == pytest.approx(
            _rom(plain, "lateral_flexion_rom", side.value), abs=0.2
        )
    assert [r.side.other for r in plain.repetitions if r.side] == [r.side for r in mirrored.repetitions]


@FAST
@given(a=st.floats(12, 80), extra=st.floats(1, 30))
def test_more_bend_never_reads_as_less(a: float, extra: float) -> None:
    cam = Camera(view="side", facing="left")
    small = ForwardBend().analyze(movement("flexion_deg", (a,), cam, noise_px=0.3, **SHORT), CTX)
    large = ForwardBend().analyze(
        movement("flexion_deg", (a + extra,), cam, noise_px=0.3, seed=1, **SHORT), CTX
    )
    assert _rom(large, "trunk_flexion_rom") >= _rom(small, "trunk_flexion_rom") - 0.3
    front = Camera(view="front")
    b = min(a, 35.0)
    s_small = SideBend().analyze(movement("lateral_deg", (-b,), front, **SHORT), CTX)
    s_large = SideBend().analyze(movement("lateral_deg", (-(b + extra / 3),), front, **SHORT), CTX)
    assert _rom(s_large, "lateral_flexion_rom", "left") >= _rom(s_small, "lateral_flexion_rom", "left") - 0.3
    thin = Rotation(depth_ratio=0.0)
    twist = min(a, 44.0)  # up to 59 deg: beyond 60 a trunk rotation is withheld as impossible
    r_small = thin.analyze(movement("twist_deg", (twist,), front, hands_forward=True, **SHORT), CTX)
    r_large = thin.analyze(
        movement("twist_deg", (twist + extra / 2,), front, hands_forward=True, **SHORT), CTX
    )
    assert _rom(r_large, "trunk_rotation_rom", "right") >= _rom(r_small, "trunk_rotation_rom", "right") - 0.5


@settings(max_examples=60, deadline=None)
@given(
    peaks=st.lists(st.floats(10, 45).map(float), min_size=1, max_size=5),
    signs=st.lists(st.sampled_from([-1.0, 1.0]), min_size=5, max_size=5),
    hold=st.floats(0.0, 4.0),
    rest=st.floats(0.0, 2.0),
    fps=st.sampled_from([24.0, 30.0, 60.0]),
    swing=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_repetition_count_and_sides_are_exact(
    peaks: list[float], signs: list[float], hold: float, rest: float, fps: float, swing: bool, seed: int
) -> None:
    signed = [p * s for p, s in zip(peaks, signs, strict=False)]
    keys, duration = excursions(signed, ramp_s=1.0, hold_s=hold, rest_s=rest, through_upright=swing)
    t = np.arange(0.0, duration, 1.0 / fps)
    x = profile(t, keys) + np.random.default_rng(seed).normal(0.0, 0.4, t.size)
    # The analyzers segment the conditioned signal (6 Hz low-pass), never raw frame noise: raw
    # 60 fps noise around a 10 deg peak once split or lost a repetition (hypothesis found it).
    x = lowpass(t, x, cutoff_hz=6.0)
    seg = segment_repetitions(t, x, rules=RepetitionRules(sided=True))
    expected = signed  # every excursion returns to (or swings through) upright
    assert [e.sign for e in seg.excursions] == [int(np.sign(v)) for v in expected]
    for e, v in zip(seg.excursions, expected, strict=True):
        assert e.peak_value == pytest.approx(abs(v), abs=1.5)
        assert e.start_s <= e.peak_s <= e.end_s
