"""Analytic truth on a stick figure: known angles, views, roll, mirroring, repetitions, messy data."""

from __future__ import annotations

import itertools
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from assess.movements.base import AnalysisContext
from assess.movements.spine import Extension, ForwardBend, Rotation, SideBend
from assess.registry import REGISTRY
from assess.repetitions import RepetitionRules, segment_repetitions
from assess.results import MovementResult
from assess.service import run_analysis
from assess.types import Side, View
from tests.spine.synthetic import Camera, Pose, fingertip_height_m, movement

CTX = AnalysisContext(height_cm=175.0)
SIDE_L = Camera(view="side", facing="left")
SIDE_R = Camera(view="side", facing="right")
FRONT = Camera(view="front")
BACK = Camera(view="back")
#: A stick figure has no body depth: its shoulder points foreshorten like a thin line.
THIN_ROTATION = Rotation(depth_ratio=0.0)


def _value(result: MovementResult, name: str, side: Side | None = None) -> float:
    return result.measurement(name, side.value if side else None).value


def _reps(result: MovementResult) -> list[tuple[str | None, float]]:
    return [(r.side.value if r.side else None, r.peak_value) for r in result.repetitions]


# ----------------------------------------------------------------------------- known angles


@pytest.mark.parametrize("camera", [SIDE_L, SIDE_R], ids=["facing-left", "facing-right"])
def test_forward_bend_reads_the_bent_angles(camera: Camera) -> None:
    s = movement("flexion_deg", (30.0, 60.0, 90.0), camera, noise_px=0.3)
    r = ForwardBend().analyze(s, CTX)
    assert r.view_name is View.SIDE
    assert [v for _, v in _reps(r)] == pytest.approx([30.0, 60.0, 90.0], abs=1.0)
    assert _value(r, "trunk_flexion_rom") == pytest.approx(90.0, abs=1.0)
    assert r.measurement("trunk_flexion_rom").spread == pytest.approx(60.0, abs=1.5)
    assert r.measurement("trunk_flexion_rom").view is View.SIDE
    # Hip angle: the trunk's bend plus the thighs tilting back as the hips move back.
    thigh_back = np.degrees(np.arctan2(0.5 * 0.16, 0.43))
    assert _value(r, "hip_flexion_peak") == pytest.approx(90.0 + thigh_back, abs=2.0)
    assert _value(r, "knee_flexion_peak") == pytest.approx(0.0, abs=2.0)
    truth_cm = 100 * fingertip_height_m(Pose(flexion_deg=90.0))
    assert _value(r, "fingertip_floor_distance") == pytest.approx(truth_cm, abs=2.0)
    norm = r.norm("trunk_flexion_rom")
    assert norm is not None
    assert norm.source.startswith("Magee 2014")
    assert not any("knee" in w for w in r.warnings)


def test_knees_bending_is_measured_and_warned() -> None:
    s = movement("flexion_deg", (70.0,), SIDE_L, extra={"knee_flexion_deg": 30.0 / 70.0})
    r = ForwardBend().analyze(s, CTX)
    assert _value(r, "knee_flexion_peak") == pytest.approx(30.0, abs=2.0)
    assert any("knees bent" in w and "more than 15 deg" in w for w in r.warnings)


def test_extension_reads_backward_bends() -> None:
    s = movement("flexion_deg", (-15.0, -30.0), SIDE_R, noise_px=0.3)
    r = Extension().analyze(s, CTX)
    assert [v for _, v in _reps(r)] == pytest.approx([15.0, 30.0], abs=1.0)
    assert _value(r, "trunk_extension_rom") == pytest.approx(30.0, abs=1.0)
    # A forward bend clip has no backward bend in it, and vice versa: nothing is invented.
    assert ForwardBend().analyze(s, CTX).repetitions == ()
    assert Extension().analyze(movement("flexion_deg", (50.0,), SIDE_R), CTX).repetitions == ()


@pytest.mark.parametrize("camera", [FRONT, BACK], ids=["front", "back"])
def test_side_bends_read_each_side(camera: Camera) -> None:
    s = movement("lateral_deg", (25.0, -15.0, 30.0, -20.0), camera, noise_px=0.3)
    r = SideBend().analyze(s, CTX)
    assert r.view_name is View(camera.view)
    assert _reps(r) == [
        ("right", pytest.approx(25.0, abs=1.0)),
        ("left", pytest.approx(15.0, abs=1.0)),
        ("right", pytest.approx(30.0, abs=1.0)),
        ("left", pytest.approx(20.0, abs=1.0)),
    ]
    assert _value(r, "lateral_flexion_rom", Side.RIGHT) == pytest.approx(30.0, abs=1.0)
    assert _value(r, "lateral_flexion_rom", Side.LEFT) == pytest.approx(20.0, abs=1.0)
    assert _value(r, "lateral_flexion_asymmetry") == pytest.approx(10.0, abs=1.5)
    assert r.measurement("lateral_flexion_rom", "right").spread == pytest.approx(5.0, abs=1.5)


def test_pelvis_shift_and_fingertip_drop() -> None:
    s = movement("lateral_deg", (25.0, -25.0), FRONT, extra={"pelvis_shift_m": -0.002})  # 5 cm at 25 deg
    r = SideBend().analyze(s, CTX)
    # Bending right the hips shift left (away): + for both sides.
    assert _value(r, "pelvis_shift", Side.RIGHT) == pytest.approx(5.0, abs=0.7)
    assert _value(r, "pelvis_shift", Side.LEFT) == pytest.approx(5.0, abs=0.7)
    assert r.measurement("pelvis_shift", "left").unit == "cm"
    neutral_tip = fingertip_height_m(Pose())
    bent = fingertip_height_m(Pose(lateral_deg=25.0, pelvis_shift_m=-0.05))
    assert _value(r, "fingertip_drop", Side.RIGHT) == pytest.approx(100 * (neutral_tip - bent), abs=1.5)
    no_height = SideBend().analyze(s, AnalysisContext())
    assert no_height.measurement("pelvis_shift", "right").unit == "1"
    assert no_height.measurement("pelvis_shift", "right").value == pytest.approx(5.0 / 18.0, abs=0.05)
    reasons = {o.name: o.reason for o in no_height.omissions}
    assert "height" in reasons["fingertip_drop"]


@pytest.mark.parametrize("camera", [FRONT, BACK], ids=["front", "back"])
def test_rotation_sides_and_magnitudes(camera: Camera) -> None:
    s = movement(
        "twist_deg", (40.0, -30.0), camera, hands_forward=True, extra={"pelvis_turn_deg": 0.2}, noise_px=0.2
    )
    r = THIN_ROTATION.analyze(s, CTX)
    assert _reps(r) == [("right", pytest.approx(40.0, abs=2.0)), ("left", pytest.approx(30.0, abs=2.0))]
    assert _value(r, "pelvis_rotation_peak", Side.RIGHT) == pytest.approx(8.0, abs=1.5)
    assert _value(r, "pelvis_rotation_peak", Side.LEFT) == pytest.approx(6.0, abs=1.5)
    assert "estimate" in r.warnings[0]
    assert "RMSE" in r.warnings[0]
    # The default (a torso with depth) reads more for a stick figure, never the other side: its
    # 40 deg twist reads beyond what a trunk can turn, so it is left out with the reason.
    default = Rotation().analyze(s, CTX)
    assert [side for side, _ in _reps(default)] == ["left"]
    assert any("twist to the right" in w and "beyond what a trunk can turn" in w for w in default.warnings)
    assert "beyond what a trunk can turn" in {o.side: o.reason for o in default.omissions if o.name == "trunk_rotation_rom"}[Side.RIGHT]


# ----------------------------------------------------------------------------- camera roll


@pytest.mark.parametrize(
    ("analyzer", "field", "peaks", "camera", "name", "sides"),
    [
        (ForwardBend(), "flexion_deg", (45.0, 80.0), SIDE_L, "trunk_flexion_rom", (None,)),
        (Extension(), "flexion_deg", (-25.0,), SIDE_R, "trunk_extension_rom", (None,)),
        (SideBend(), "lateral_deg", (25.0, -20.0), FRONT, "lateral_flexion_rom", ("left", "right")),
        (THIN_ROTATION, "twist_deg", (35.0, -35.0), FRONT, "trunk_rotation_rom", ("left", "right")),
    ],
)
@pytest.mark.parametrize("roll", [-10.0, 10.0])
def test_camera_roll_changes_no_rom_by_more_than_2_deg(
    analyzer: ForwardBend | Extension | SideBend | Rotation,
    field: str,
    peaks: tuple[float, ...],
    camera: Camera,
    name: str,
    sides: tuple[str | None, ...],
    roll: float,
) -> None:
    kw = {"hands_forward": True} if field == "twist_deg" else {}
    level = analyzer.analyze(movement(field, peaks, camera, noise_px=0.3, **kw), CTX)  # type: ignore[arg-type]
    rolled = analyzer.analyze(
        movement(field, peaks, replace(camera, roll_deg=roll), noise_px=0.3, **kw),  # type: ignore[arg-type]
        CTX,
    )
    assert len(rolled.measurements) == len(level.measurements)
    # The figure must be there in both runs, for every side the movement worked, before comparing.
    for run in (level, rolled):
        assert sorted((m.side or "") for m in run.measurements if m.name == name) == sorted(
            side or "" for side in sides
        ), run.not_measured
    for side in sides:
        level_value = level.measurement(name, side).value
        assert rolled.measurement(name, side).value == pytest.approx(level_value, abs=2.0)


# ----------------------------------------------------------------------------- sides, mirroring


def test_flipping_swaps_sides_and_flipping_back_restores() -> None:
    s = movement("lateral_deg", (30.0, -15.0), FRONT)
    plain = SideBend().analyze(s, CTX)
    flipped = SideBend().analyze(s.flipped_horizontally(), CTX)
    for side, other in ((Side.LEFT, Side.RIGHT), (Side.RIGHT, Side.LEFT)):
        assert _value(flipped, "lateral_flexion_rom", side) == pytest.approx(
            _value(plain, "lateral_flexion_rom", other), abs=0.2
        )
    assert _value(flipped, "lateral_flexion_asymmetry") == pytest.approx(
        -_value(plain, "lateral_flexion_asymmetry"), abs=0.3
    )
    # A mirrored clip (selfie webcam) declared as such: the service un-mirrors, sides come back.
    extraction = SimpleNamespace(series=s.flipped_horizontally())
    declared = run_analysis(extraction, "side_bend", AnalysisContext(height_cm=175.0, mirrored=True))  # type: ignore[arg-type]
    assert _reps(declared) == _reps(plain)


def test_flipping_a_twist_swaps_its_side() -> None:
    s = movement("twist_deg", (35.0,), FRONT, hands_forward=True)
    assert _reps(THIN_ROTATION.analyze(s, CTX))[0][0] == "right"
    assert _reps(THIN_ROTATION.analyze(s.flipped_horizontally(), CTX))[0][0] == "left"


def test_flipping_a_side_view_keeps_the_forward_bend() -> None:
    s = movement("flexion_deg", (60.0,), SIDE_L)
    flipped = ForwardBend().analyze(s.flipped_horizontally(), CTX)
    assert flipped.facing is not None
    assert flipped.facing.value == "right"
    assert _value(flipped, "trunk_flexion_rom") == pytest.approx(60.0, abs=1.0)


# ----------------------------------------------------------------------------- repetitions


def test_long_noisy_holds_do_not_split_a_repetition() -> None:
    s = movement("lateral_deg", (25.0, -25.0, 25.0), FRONT, hold_s=6.0, noise_px=1.5, seed=3)
    r = SideBend().analyze(s, CTX)
    assert [side for side, _ in _reps(r)] == ["right", "left", "right"]


def test_swing_through_upright_counts_each_side() -> None:
    s = movement("lateral_deg", (25.0, -25.0, 20.0, -20.0), FRONT, through_upright=True, noise_px=0.3)
    r = SideBend().analyze(s, CTX)
    assert [side for side, _ in _reps(r)] == ["right", "left", "right", "left"]
    times = [(x.start_s, x.end_s) for x in r.repetitions]
    assert all(a[1] <= b[0] + 0.1 for a, b in itertools.pairwise(times))


def test_one_side_only() -> None:
    r = SideBend().analyze(movement("lateral_deg", (20.0, 22.0, 24.0), BACK), CTX)
    assert [side for side, _ in _reps(r)] == ["right"] * 3
    assert {o.name for o in r.omissions if o.side is Side.LEFT} >= {"lateral_flexion_rom"}
    assert "lateral_flexion_asymmetry" in {o.name for o in r.omissions}


def test_clip_starting_mid_movement() -> None:
    # Starts in the first hold: that repetition's peak is in view and counts, neutral comes later.
    s = movement("flexion_deg", (60.0, 60.0), SIDE_L, start_s=3.0)
    r = ForwardBend().analyze(s, CTX)
    assert [v for _, v in _reps(r)] == pytest.approx([60.0, 60.0], abs=1.0)
    # Starts on the way back up: the peak was never seen, so it is not counted, and it says so.
    late = ForwardBend().analyze(movement("flexion_deg", (60.0, 60.0), SIDE_L, start_s=4.0), CTX)
    assert len(late.repetitions) == 1
    assert any("cut by the start or end" in w for w in late.warnings)


@pytest.mark.parametrize("fps", [24.0, 30.0, 60.0])
def test_frame_rate_does_not_change_counts_or_values(fps: float) -> None:
    s = movement("lateral_deg", (25.0, -20.0, 15.0), FRONT, fps=fps, noise_px=0.5)
    r = SideBend().analyze(s, CTX)
    assert _reps(r) == [
        ("right", pytest.approx(25.0, abs=1.0)),
        ("left", pytest.approx(20.0, abs=1.0)),
        ("right", pytest.approx(15.0, abs=1.0)),
    ]


def test_small_wobbles_are_not_repetitions() -> None:
    r = SideBend().analyze(movement("lateral_deg", (4.0, -4.0, 25.0), FRONT, noise_px=0.5), CTX)
    assert [side for side, _ in _reps(r)] == ["right"]


def test_segmentation_partial_return_is_one_repetition() -> None:
    t = np.arange(0.0, 12.0, 1 / 30)
    # Up to 40, back only to 20 (half way), up to 40 again, then back to 0.
    x = np.interp(t, [0, 2, 3, 4, 5, 6, 7, 8, 12], [0, 0, 40, 40, 20, 40, 40, 0, 0])
    seg = segment_repetitions(t, x, rules=RepetitionRules())
    assert len(seg.excursions) == 1
    # Back to 10 (a quarter): two.
    x2 = np.interp(t, [0, 2, 3, 4, 5, 6, 7, 8, 12], [0, 0, 40, 40, 10, 40, 40, 0, 0])
    assert len(segment_repetitions(t, x2, rules=RepetitionRules()).excursions) == 2


# ----------------------------------------------------------------------------- wrong view, messy data


def test_wrong_view_withholds_every_figure() -> None:
    r = ForwardBend().analyze(movement("flexion_deg", (60.0,), FRONT), CTX)
    assert r.measurements == ()
    assert {o.name for o in r.omissions} == {
        "trunk_flexion_rom",
        "hip_flexion_peak",
        "knee_flexion_peak",
        "fingertip_floor_distance",
    }
    assert any("needs the camera side-on" in w and "edge-on" in w for w in r.warnings)
    assert r.view is not None
    assert r.view.label == "front"
    r2 = SideBend().analyze(movement("lateral_deg", (20.0,), SIDE_L), CTX)
    assert r2.measurements == ()
    assert all("from the front or behind" in o.reason for o in r2.omissions)
    assert r2.view is not None
    assert r2.view.label == "side"


def test_close_up_cut_and_title_frames() -> None:
    timing = {"rest_s": 2.0}
    wide = movement("lateral_deg", (25.0, -25.0, 20.0), FRONT, noise_px=0.3, **timing)
    close = movement(
        "lateral_deg", (25.0, -25.0, 20.0), replace(FRONT, px_per_m=600.0, offset_px=(0, 500)), **timing
    )
    cut = (wide.time_s > 5.4) & (wide.time_s < 11.0)  # the second bend, with standing either side
    image, world, vis = wide.image_px.copy(), wide.world_m.copy(), wide.visibility.copy()
    image[cut], world[cut] = close.image_px[cut], close.world_m[cut]
    # The close-up loses the legs; the last 1.5 s are title frames with nobody in view.
    legs = [i for i, n in enumerate(wide.names) if any(p in n for p in ("knee", "ankle", "heel", "foot"))]
    vis[np.ix_(cut, legs)] = 0.05
    titles = wide.time_s > wide.time_s[-1] - 1.5
    image[titles], world[titles], vis[titles] = np.nan, np.nan, 0.0
    messy = replace(wide, image_px=image, world_m=world, visibility=vis)
    r = SideBend().analyze(messy, CTX)
    assert _reps(r) == [
        ("right", pytest.approx(25.0, abs=1.5)),
        ("left", pytest.approx(25.0, abs=1.5)),
        ("right", pytest.approx(20.0, abs=1.5)),
    ]
    assert any("shots" in w for w in r.warnings)
    assert len(r.neutral) == 3
    # The close-up's fingertip drop has no full-body scale: it is left out rather than guessed.
    left_drop = [d.figures["fingertip_drop"] for d in r.repetition_details if d.side is Side.LEFT]
    assert left_drop == [None]


def test_half_out_of_frame_and_no_subject() -> None:
    s = movement("flexion_deg", (40.0, 70.0), SIDE_L)
    image, vis = s.image_px.copy(), s.visibility.copy()
    gone = s.time_s > 6.0
    image[gone] = np.nan
    vis[gone] = 0.0
    r = ForwardBend().analyze(replace(s, image_px=image, visibility=vis), CTX)
    assert [v for _, v in _reps(r)] == pytest.approx([40.0], abs=1.0)
    assert any("found in only" in w for w in r.warnings)
    nobody = replace(s, image_px=np.full_like(image, np.nan), visibility=np.zeros_like(vis))
    for name, factory in REGISTRY.items():
        if name in ("forward_bend", "extension", "side_bend", "rotation"):
            result = factory().analyze(nobody, CTX)
            assert result.measurements == ()
            assert result.omissions


def test_without_quiet_standing_neutral_is_the_most_upright_and_says_so() -> None:
    s = movement("lateral_deg", (25.0, -25.0), FRONT, quiet_s=0.0, rest_s=0.0, end_s=0.0, hold_s=0.0)
    r = SideBend().analyze(s, CTX)
    assert [side for side, _ in _reps(r)] == ["right", "left"]
    assert any("never stood still" in w for w in r.warnings)


def test_registry_and_parameters_are_recorded() -> None:
    for name in ("forward_bend", "extension", "side_bend", "rotation"):
        analyzer = REGISTRY[name]()
        result = analyzer.analyze(movement("lateral_deg", (20.0,), FRONT), CTX)
        assert result.movement == name
        assert "conditioning" in result.parameters
        assert "repetition_rules" in result.parameters
        assert {n.name for n in result.norms} >= {m.name for m in result.measurements}


def test_never_upright_measures_from_the_vertical_and_says_so() -> None:
    """A forward bend clip that starts already bent (25 deg) and never comes up: trunk from the vertical."""
    from tests.spine.synthetic import profile, series

    t = np.arange(0.0, 8.0, 1 / 30)
    flexion = profile(t, [(0.0, 25.0), (1.0, 25.0), (2.5, 80.0), (3.5, 80.0), (5.0, 25.0), (8.0, 25.0)])
    s = series([Pose(flexion_deg=float(v)) for v in flexion], SIDE_L, fps=30.0, noise_px=0.3)
    r = ForwardBend().analyze(s, CTX)
    assert any("no upright stance was seen" in w and "level" in w for w in r.warnings)
    assert r.neutral[0].from_image_vertical is True
    # Measured from the vertical, the figure is the trunk's inclination itself, not 80 - 25.
    assert _value(r, "trunk_flexion_rom") == pytest.approx(80.0, abs=2.0)


def test_impossible_rotation_is_withheld_with_the_reason() -> None:
    """A 96 deg "twist" (the model turned the body round) is never reported; 55 deg is."""
    from assess.movements.spine.rotation import MAX_PLAUSIBLE_TRUNK_ROTATION_DEG

    s = movement("twist_deg", (55.0, -55.0), FRONT, hands_forward=True)
    r = THIN_ROTATION.analyze(s, CTX)
    assert {m.side for m in r.measurements if m.name == "trunk_rotation_rom"} == {Side.LEFT, Side.RIGHT}
    wild = THIN_ROTATION.analyze(movement("twist_deg", (75.0, -30.0), FRONT, hands_forward=True), CTX)
    assert [m.side for m in wild.measurements if m.name == "trunk_rotation_rom"] == [Side.LEFT]
    reason = {o.side: o.reason for o in wild.omissions if o.name == "trunk_rotation_rom"}[Side.RIGHT]
    assert "75 deg" in reason
    assert f"{MAX_PLAUSIBLE_TRUNK_ROTATION_DEG:g} deg" in reason


@pytest.mark.parametrize(
    ("yaw_deg", "oblique"), [(45.0, True), (-45.0, True), (70.0, False)], ids=["45-left", "45-right", "70"]
)
def test_forward_bend_from_an_oblique_camera_is_measured_with_a_warning(yaw_deg: float, oblique: bool) -> None:
    """A hip hinge filmed 45 deg oblique was once labelled 'front' and refused."""
    cam = Camera(view="front", yaw_deg=yaw_deg)
    r = ForwardBend().analyze(movement("flexion_deg", (60.0,), cam, noise_px=0.3), CTX)
    assert r.view is not None
    assert r.view.angle_deg == pytest.approx(yaw_deg, abs=3.0)
    # Seen obliquely the bend projects smaller: tan(seen) = tan(60) * sin(view angle).
    seen = np.degrees(np.arctan(np.tan(np.radians(60.0)) * abs(np.sin(np.radians(yaw_deg)))))
    assert _value(r, "trunk_flexion_rom") == pytest.approx(seen, abs=2.0)
    assert any("oblique" in w for w in r.warnings) is oblique


def test_side_bend_filmed_nearly_from_the_side_is_refused_with_the_reason() -> None:
    r = SideBend().analyze(movement("lateral_deg", (25.0,), Camera(view="front", yaw_deg=85.0)), CTX)
    assert r.measurements == ()
    assert all("edge-on" in o.reason for o in r.omissions)
