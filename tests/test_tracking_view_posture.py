from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.candidates import CandidateFrames
from assess.movements.base import AnalysisContext
from assess.movements.posture import Posture
from assess.tracking import OnlineTracker, select_subject
from assess.types import Facing, Side, View
from assess.view import detect_view
from tests.synthetic import posed_body, series_from_bodies, still


def _two_people(n: int = 90, *, swap_slots: bool = True) -> tuple[CandidateFrames, np.ndarray]:
    """A walker moving right to left (large, low) and a smaller person standing high up."""
    walker = still(n)
    walker[:, :, 2] += np.linspace(2.0, -2.0, n)[:, None]  # forward travel along z
    other = still(n) * 0.5
    other[:, :, 1] += 2.5
    a = series_from_bodies(walker, view="side", facing="left", size_px=(1600, 1000))
    b = series_from_bodies(other, view="side", facing="left", size_px=(1600, 1000))
    img = np.stack([a.image_px, b.image_px], axis=1)
    wld = np.stack([a.world_m, b.world_m], axis=1)
    vis = np.stack([a.visibility, b.visibility], axis=1)
    if swap_slots:  # the model lists people in any order
        flip = (np.arange(n) // 7) % 2 == 1
        img[flip] = img[flip][:, ::-1]
        wld[flip] = wld[flip][:, ::-1]
        vis[flip] = vis[flip][:, ::-1]
    walker_missing = np.arange(n) >= n - 10
    for arr, fill in ((img, np.nan), (wld, np.nan), (vis, 0.0)):
        for i in np.flatnonzero(walker_missing):
            slot = 1 if ((i // 7) % 2 == 1 and swap_slots) else 0
            arr[i, slot] = fill
    cands = CandidateFrames(
        time_s=a.time_s, image_px=img, world_m=wld, visibility=vis, frame_size_px=(1600, 1000)
    )
    return cands, a.image_px


def test_subject_is_the_prominent_person_and_never_someone_else() -> None:
    cands, walker = _two_people()
    series, report = select_subject(cands)
    present = series.present
    assert present[:80].all()
    assert not present[80:].any()  # walker gone: gaps, not the other person
    np.testing.assert_allclose(series.image_px[:80], walker[:80])
    assert report.max_people_seen == 2
    assert report.rejected_frames == 10


def test_point_selects_the_other_person() -> None:
    cands, _ = _two_people()
    other_centre = np.nanmean(cands.image_px[0, 1, [11, 12, 23, 24], :2], axis=0)
    if not np.isfinite(other_centre).all():
        other_centre = np.nanmean(cands.image_px[0, 0, [11, 12, 23, 24], :2], axis=0)
    series, _ = select_subject(cands, point_px=(float(other_centre[0]), 100.0))
    hip_y = series.mid_px("hip")[:, 1]
    assert np.nanmax(hip_y) < 500  # the small person high in the frame


def test_online_tracker_locks_and_never_jumps() -> None:
    cands, walker = _two_people()
    tracker = OnlineTracker()
    picks = [tracker.choose(t, cands.image_px[i][cands.present[i]]) for i, t in enumerate(cands.time_s)]
    for i, p in enumerate(picks[:80]):
        chosen = cands.image_px[i][cands.present[i]][p]
        np.testing.assert_allclose(chosen, walker[i])
    assert all(p is None for p in picks[80:])


@pytest.mark.parametrize(
    ("view", "facing", "expected_view", "expected_facing"),
    [
        ("front", None, View.FRONT, Facing.CAMERA),
        ("back", None, View.BACK, Facing.AWAY),
        ("side", "left", View.SIDE, Facing.LEFT),
        ("side", "right", View.SIDE, Facing.RIGHT),
    ],
)
def test_view_and_facing_detected(
    view: str, facing: str | None, expected_view: View, expected_facing: Facing
) -> None:
    est = detect_view(series_from_bodies(still(30), view=view, facing=facing))
    assert est is not None
    assert (est.view, est.facing) == (expected_view, expected_facing)


def _posture(**pose: float):  # type: ignore[no-untyped-def]
    return still(90, **pose)


@pytest.mark.parametrize("view", ["front", "back"])
def test_frontal_posture_reads_known_tilts_and_anatomical_sides(view: str) -> None:
    # The patient's left shoulder is 2.5 cm low over a 38 cm span: atan(2.5/38) = 3.76 deg.
    bodies = _posture(shoulder_drop_left_m=0.025, hip_drop_left_m=-0.014)
    result = Posture().analyze(series_from_bodies(bodies, view=view, noise_px=0.3), AnalysisContext())
    shoulder = result.measurement("shoulder_tilt")
    pelvis = result.measurement("pelvic_obliquity")
    assert shoulder.value == pytest.approx(np.degrees(np.arctan(0.025 / 0.38)), abs=0.3)
    assert shoulder.side is Side.LEFT
    assert pelvis.value == pytest.approx(np.degrees(np.arctan(0.014 / 0.20)), abs=0.5)
    assert pelvis.side is Side.RIGHT
    assert {o.name for o in result.omissions} == {"trunk_lean", "head_forward"}


@pytest.mark.parametrize("facing", ["left", "right"])
def test_side_posture_reads_trunk_lean_forward_positive(facing: str) -> None:
    bodies = _posture(trunk_flexion_deg=6.0)
    result = Posture().analyze(series_from_bodies(bodies, view="side", facing=facing), AnalysisContext())
    assert result.view_name is View.SIDE
    assert result.measurement("trunk_lean").value == pytest.approx(6.0, abs=0.3)
    assert result.measurement("trunk_lean").unit == "deg"
    assert {o.name for o in result.omissions} == {"shoulder_tilt", "pelvic_obliquity"}


def test_head_forward_grows_with_the_head_ahead_of_the_shoulder() -> None:
    neutral = Posture().analyze(
        series_from_bodies(_posture(), view="side", facing="right"), AnalysisContext()
    )
    forward = Posture().analyze(
        series_from_bodies(_posture(head_forward_m=0.06), view="side", facing="right"), AnalysisContext()
    )
    assert forward.measurement("head_forward").value > neutral.measurement("head_forward").value + 10


@settings(max_examples=20, deadline=None)
@given(drop=st.floats(-0.04, 0.04))
def test_mirroring_swaps_the_lower_side_and_keeps_the_magnitude(drop: float) -> None:
    series = series_from_bodies(_posture(shoulder_drop_left_m=drop), view="front")
    a = Posture().analyze(series, AnalysisContext()).measurement("shoulder_tilt")
    b = Posture().analyze(series.flipped_horizontally(), AnalysisContext()).measurement("shoulder_tilt")
    assert a.value == pytest.approx(b.value, abs=1e-6)
    if abs(drop) >= 0.01:  # a shoulder 1 cm lower (about 1.6 deg) has a lower side
        assert a.side is not None
    assert b.side is (a.side.other if a.side is not None else None)


def test_no_quiet_standing_gives_reasons_not_numbers() -> None:
    n = 120
    walker = still(n)
    walker[:, :, 2] += np.linspace(0.0, 4.0, n)[:, None]
    result = Posture().analyze(series_from_bodies(walker, view="side", facing="right"), AnalysisContext())
    assert result.measurements == ()
    reasons = {o.name: o.reason for o in result.omissions}
    assert "no quiet standing" in reasons["trunk_lean"]


def test_posed_body_helper_is_upright_by_default() -> None:
    body = posed_body()
    assert body[11, 1] > body[23, 1]
