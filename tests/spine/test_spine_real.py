"""Spine figures on real people: the multi-view lab footage and its 3-D reference are the judge.

One man filmed by four calibrated, synchronised cameras (``../shared/footage/pose2sim_s00``):
each camera's clip is one real single-camera case with a known view angle and known trunk
angles. The landmarks come from golden files made with the real model
(``tests/golden/regenerate.py --only real``; a missing golden file fails); the reference is read from the
shared footage and the tests skip when it is absent. Run with ``-s`` for the tables quoted in
the README.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from assess.conditioning import Conditioning
from assess.geometry import wrap_deg
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.movements.spine import Rotation, SideBend
from assess.movements.spine.common import prepare, stance_frames
from assess.signal import gate_visibility, repair_left_right_swaps
from assess.types import Side, View
from assess.view import detect_view
from tests.conftest import GOLDEN, footage
from tests.golden.store import load_golden

pytestmark = pytest.mark.footage
CAMERAS = ("cam01", "cam02", "cam03", "cam04")
TRIALS = {"T00": "S00_P00_T00_StaticTrial", "T01": "S00_P00_T01_BalancingTrial"}
#: Label bands of the footage README: front within 30 deg of straight in front or behind,
#: oblique 30-60 off, side beyond 60; a camera within 5 deg of a boundary may go either way.
BOUNDARIES_DEG = (30.0, 60.0, 120.0, 150.0)
BOUNDARY_SLACK_DEG = 5.0


def golden_series(trial: str, cam: str) -> LandmarkSeries:
    path = GOLDEN / "pose2sim" / f"{trial}_{cam}.landmarks.npz"
    return load_golden(path).series


def reference(trial: str) -> dict[str, np.ndarray]:
    path: Path = footage(f"pose2sim_s00/{TRIALS[trial]}/reference.csv")
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0] if k != "swapped_cams"}


def label(angle_deg: float) -> str:
    a = abs(angle_deg)
    if a <= 30 or a >= 150:
        return "front" if a <= 30 else "back"
    if a < 60 or a > 120:
        return "front-oblique" if a < 60 else "back-oblique"
    return "side"


def near_boundary(angle_deg: float) -> bool:
    return min(abs(abs(angle_deg) - b) for b in BOUNDARIES_DEG) <= BOUNDARY_SLACK_DEG


def estimate_and_truth(trial: str, cam: str) -> tuple[float, str, float]:
    """The view the analyzers use (estimated at the stance) and the reference over the same frames."""
    ref = reference(trial)[f"view_angle_deg_{cam}"]
    series = golden_series(trial, cam)
    if trial == "T00":
        # 11 frames (0.18 s) of standing still: too short for conditioning; the view detection
        # runs on its landmarks directly.
        frames = np.ones(series.n_frames, dtype=bool)
        view = detect_view(gate_visibility(series), frames=frames)
    else:
        prep = prepare(series, conditioning=Conditioning(), needed=("left_shoulder",))
        assert len(prep.shots) == 1
        stance = stance_frames(prep.series)
        assert stance is not None
        frames = stance
        view = prep.view
    assert view is not None
    n = min(ref.size, series.n_frames)
    truth = float(np.median(ref[:n][frames[:n]]))
    return view.angle_deg, view.label, truth


@pytest.mark.parametrize("trial", ["T00", "T01"])
@pytest.mark.parametrize("cam", CAMERAS)
def test_view_agrees_with_the_calibrated_camera(trial: str, cam: str) -> None:
    estimate, estimated_label, truth = estimate_and_truth(trial, cam)
    print(f"\n{trial} {cam}: estimated {estimate:+.0f} ({estimated_label}), reference {truth:+.0f} ({label(truth)})")
    # The side of the patient the camera is on is always right (front views 0-30 deg aside).
    if abs(truth) > 30:
        assert np.sign(estimate) == np.sign(truth)
    assert abs(float(wrap_deg(estimate - truth))) <= 15.0
    if not near_boundary(truth):
        assert estimated_label == label(truth)


def test_view_error_over_all_cameras_is_small() -> None:
    errors = [wrap_deg(e - t) for e, _, t in (estimate_and_truth(tr, c) for tr in TRIALS for c in CAMERAS)]
    rmse = math.sqrt(float(np.mean(np.square(errors))))
    print(f"\nview angle error over 8 camera-trial pairs: RMSE {rmse:.1f} deg, worst {np.max(np.abs(errors)):.1f}")
    assert rmse < 8.0


# ----------------------------------------------------------------------------- side bend


def reference_side_bend() -> tuple[float, np.ndarray]:
    """Reference left side bend (deg, +) from the true upright frames, and those frames.

    Upright: both feet on the ground (the first 0.25 s) and the reference trunk within 5 deg of
    vertical in both planes.
    """
    ref = reference("T01")
    lat, flex, t = ref["lateral_flexion_deg"], ref["flexion_deg"], ref["time_s"]
    upright = (t <= 0.25) & (np.abs(lat) <= 5.0) & (np.abs(flex) <= 5.0)
    assert upright.sum() >= 5
    return float(np.median(lat[upright]) - lat.min()), upright


@pytest.fixture(scope="module")
def side_bends() -> dict[str, object]:
    return {cam: SideBend().analyze(golden_series("T01", cam), AnalysisContext()) for cam in CAMERAS}


@pytest.mark.parametrize("cam", CAMERAS)
def test_every_camera_gives_the_left_side_bend_within_8_deg(cam: str, side_bends: dict[str, object]) -> None:
    truth, _ = reference_side_bend()
    result = side_bends[cam]
    measured = result.measurement("lateral_flexion_rom", side=Side.LEFT).value  # type: ignore[attr-defined]
    print(f"\n{cam}: left side bend {measured:.1f} vs reference {truth:.1f} deg ({measured - truth:+.1f})")
    assert abs(measured - truth) <= 8.0
    # He bends to his left only (8 deg to the right at the very end, below the 8 deg threshold).
    assert all(m.side is Side.LEFT for m in result.measurements if m.name == "lateral_flexion_rom")  # type: ignore[attr-defined]


def test_oblique_cameras_say_so_and_square_ones_do_not(side_bends: dict[str, object]) -> None:
    warned = {cam: any("oblique" in w for w in r.warnings) for cam, r in side_bends.items()}  # type: ignore[attr-defined]
    # cam03 and cam04 see him from 37-38 deg off straight behind; cam02 from 22 deg off the front;
    # cam01 from 21-29 deg off the front at the start, where he stands.
    assert warned == {"cam01": False, "cam02": False, "cam03": True, "cam04": True}


def test_neutral_is_taken_where_he_really_stands_upright(side_bends: dict[str, object]) -> None:
    """Item: neutral taken in the middle of a bend (cam03 once took 30-37 deg of side bend as neutral)."""
    ref = reference("T01")
    t = ref["time_s"]
    for cam, result in side_bends.items():
        (record,) = result.neutral  # type: ignore[attr-defined]
        # No quiet standing in this clip: the most upright frames are used, and the report says so.
        assert record.quiet_standing is False
        assert any("never stood still" in w for w in result.warnings)  # type: ignore[attr-defined]
        assert record.neutral_s is not None
        lo, hi = record.neutral_s
        sel = (t >= lo - 1e-6) & (t <= hi + 1e-6)
        assert sel.any()
        assert np.max(np.abs(ref["lateral_flexion_deg"][sel])) <= 8.0, (cam, lo, hi)


# ----------------------------------------------------------------------------- rotation


@pytest.mark.parametrize("cam", CAMERAS)
def test_no_camera_reports_a_trunk_rotation_over_20_deg(cam: str) -> None:
    """He does not twist: the shoulders turn at most about 14 deg against the pelvis, with the bend."""
    result = Rotation().analyze(golden_series("T01", cam), AnalysisContext())
    values = [m.value for m in result.measurements if m.name == "trunk_rotation_rom"]
    print(f"\n{cam}: trunk rotation {values}")
    assert all(v <= 20.0 for v in values)
    # The rotation figures are either measured or withheld with a reason; never silently missing.
    for side in (Side.LEFT, Side.RIGHT):
        named = [m for m in result.measurements if m.name == "trunk_rotation_rom" and m.side is side]
        omitted = [o for o in result.omissions if o.name == "trunk_rotation_rom" and o.side is side]
        assert len(named) + len(omitted) == 1
        assert all(o.reason for o in omitted)


def test_model_front_back_flips_are_found_and_left_out_of_the_rotation() -> None:
    """cam02: the model turns him round for about 30 frames; those frames are left out."""
    series = golden_series("T01", "cam02")
    prep = prepare(series, conditioning=Conditioning(), needed=("left_shoulder",))
    assert 20 <= prep.flipped.sum() <= 45
    assert not prep.flipped[:20].any()  # he stands square to it at the start
    result = Rotation().analyze(series, AnalysisContext())
    assert any("turned the body the other way round" in w for w in result.warnings)


# ----------------------------------------------------------------------------- swap repair


def test_swap_repair_keeps_the_depth_order_of_the_hips() -> None:
    """Item: repairing left/right labels must not mirror the model's depth (cam02, 31 frames)."""
    series = gate_visibility(golden_series("T01", "cam02"))
    fixed, n = repair_left_right_swaps(series)
    changed = np.any(fixed.image_px[:, 23, :2] != series.image_px[:, 23, :2], axis=1)
    assert n >= 20
    assert changed.sum() >= 20
    ref = reference("T01")["view_angle_pelvis_deg_cam02"][: series.n_frames]
    d = fixed.world("left_hip") - fixed.world("right_hip")
    hip_view = np.degrees(np.arctan2(-d[:, 2], d[:, 0]))
    # The camera is on his left (+) throughout; after the repair the depth order says so too.
    assert np.all(ref[changed] > 0)
    assert np.mean(hip_view[changed] > 0) >= 0.8
    assert np.median(np.abs(wrap_deg(hip_view[changed] - ref[changed]))) < 45.0
    # Exchanging the labels alone (the old repair) mirrors the depth: the camera seems on his right.
    d_labels_only = -(series.world("left_hip") - series.world("right_hip"))
    labels_only = np.degrees(np.arctan2(-d_labels_only[:, 2], d_labels_only[:, 0]))
    assert np.mean(labels_only[changed] > 0) <= 0.2


def test_views_are_front_or_back_not_side_for_a_man_square_to_the_camera() -> None:
    """Item: front views called side. cam02 of the balancing trial is 22 deg from straight in front."""
    series = golden_series("T01", "cam02")
    prep = prepare(series, conditioning=Conditioning(), needed=("left_shoulder",))
    assert prep.view is not None
    assert prep.view.view is View.FRONT
    assert not prep.view.oblique
