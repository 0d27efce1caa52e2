"""Fast tests of the renderer (no pose model)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import av
import numpy as np
import pytest

from assess_render import RenderTruth, render_clip
from assess_render.body import SIDES, Body, Pose, forward_kinematics
from assess_render.camera import make_camera
from assess_render.draw import Renderer
from assess_render.motion import forward_bend, gait, keyframe_profile, rotation, side_bend
from assess_render.truth import truth_angles, truth_series
from assess_render.video import write_video

BODY = Body.from_height(1.75)
NEUTRAL = forward_kinematics(Pose(), BODY)


def _truth(**kw: float) -> dict[str, float]:
    return truth_angles(forward_kinematics(Pose(**kw), BODY), neutral=NEUTRAL)  # type: ignore[arg-type]


def test_upright_figure_reads_zero() -> None:
    t = _truth()
    for name in ("trunk_sagittal_deg", "trunk_frontal_deg", "trunk_rotation_deg", "pelvis_rotation_deg"):
        assert t[name] == pytest.approx(0.0, abs=1e-9)
    assert t["pelvis_shift_cm"] == pytest.approx(0.0, abs=1e-9)
    assert NEUTRAL["head_top"][1] == pytest.approx(1.75, abs=0.02)


@pytest.mark.parametrize("angle", [-20.0, 10.0, 30.0, 60.0, 90.0, 110.0])
def test_trunk_flexion_reads_back_as_sagittal_inclination(angle: float) -> None:
    t = _truth(trunk_flexion_deg=angle)
    assert t["trunk_sagittal_deg"] == pytest.approx(angle, abs=1e-9)
    if abs(angle) < 90.0:  # past horizontal the frontal projection points down: undefined
        assert t["trunk_frontal_deg"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("angle", [-30.0, 10.0, 25.0])
def test_lateral_bend_and_rotation_read_back(angle: float) -> None:
    assert _truth(trunk_lateral_deg=angle)["trunk_frontal_deg"] == pytest.approx(angle, abs=1e-9)
    t = _truth(trunk_rotation_deg=angle, pelvis_rotation_deg=0.3 * angle)
    assert t["trunk_rotation_deg"] == pytest.approx(angle, abs=1e-9)
    assert t["pelvis_rotation_deg"] == pytest.approx(0.3 * angle, abs=1e-9)


def test_pelvis_shift_and_hip_flexion_definitions() -> None:
    assert _truth(pelvis_shift_m=0.05)["pelvis_shift_cm"] == pytest.approx(5.0, abs=1e-6)
    straight = _truth()
    bent = _truth(trunk_flexion_deg=40.0)
    # Hip flexion grows by the trunk angle while the thighs stay put.
    assert bent["hip_flexion_left_deg"] - straight["hip_flexion_left_deg"] == pytest.approx(40.0, abs=0.5)
    assert straight["knee_flexion_left_deg"] == pytest.approx(3.0, abs=1e-6)


def test_left_and_right_joints_mirror() -> None:
    flip = np.array([1.0, 1.0, -1.0])
    for name in (
        "shoulder",
        "elbow",
        "wrist",
        "fingertip",
        "hip",
        "knee",
        "ankle",
        "heel",
        "toe",
        "eye",
        "ear",
    ):
        assert np.allclose(NEUTRAL[f"{name}_left"] * flip, NEUTRAL[f"{name}_right"], atol=1e-12)
    right = forward_kinematics(Pose(trunk_lateral_deg=20.0, pelvis_shift_m=-0.04), BODY)
    left = forward_kinematics(Pose(trunk_lateral_deg=-20.0, pelvis_shift_m=0.04), BODY)
    for name in ("shoulder", "wrist", "hip", "knee"):
        for s, o in (("left", "right"), ("right", "left")):
            assert np.allclose(right[f"{name}_{s}"] * flip, left[f"{name}_{o}"], atol=1e-9)


def test_planted_feet_stay_on_the_floor() -> None:
    for kw in ({"trunk_flexion_deg": 80.0, "pelvis_forward_m": -0.15}, {"pelvis_shift_m": 0.06}):
        sk = forward_kinematics(Pose(**kw), BODY)  # type: ignore[arg-type]
        for s in SIDES:
            assert np.allclose(sk[f"ankle_{s}"], NEUTRAL[f"ankle_{s}"])
            assert np.linalg.norm(sk[f"knee_{s}"] - sk[f"hip_{s}"]) == pytest.approx(BODY.thigh_m)
            assert np.linalg.norm(sk[f"knee_{s}"] - sk[f"ankle_{s}"]) == pytest.approx(BODY.shank_m)


def test_keyframe_profile_is_smooth_and_hits_keys() -> None:
    t = np.linspace(0, 3, 301)
    v = keyframe_profile(t, [(0.0, 0.0), (1.0, 0.0), (2.0, 10.0), (3.0, 10.0)])
    assert v[0] == 0.0
    assert v[200] == pytest.approx(10.0)
    assert v[150] == pytest.approx(5.0)
    assert np.all(np.diff(v) >= -1e-12)


def test_forward_bend_repetitions_match_the_truth_series() -> None:
    script = forward_bend(peaks_deg=(30.0, 60.0), fps=30.0)
    truth = truth_series([forward_kinematics(p, BODY) for p in script.poses], neutral=NEUTRAL)
    assert [r.peak_value for r in script.repetitions] == [30.0, 60.0]
    for r in script.repetitions:
        i_peak = round(r.peak_s * 30)
        assert truth["trunk_sagittal_deg"][i_peak] == pytest.approx(r.peak_value, abs=1.0)  # quiet sway only
        for t_end in (r.start_s, r.end_s):
            assert abs(truth["trunk_sagittal_deg"][round(t_end * 30)]) < 1.0
        assert r.start_s < r.peak_s < r.end_s
    assert np.all(np.abs(truth["trunk_sagittal_deg"][: 30 * 2]) < 1.0)  # quiet standing first


def test_side_bend_and_rotation_sides() -> None:
    sb = side_bend(peaks_deg=(20.0, -25.0))
    assert [(r.side, r.peak_value) for r in sb.repetitions] == [("right", 20.0), ("left", 25.0)]
    truth = truth_series([forward_kinematics(p, BODY) for p in sb.poses], neutral=NEUTRAL)
    right_peak = truth["trunk_frontal_deg"][round(sb.repetitions[0].peak_s * 30)]
    assert right_peak == pytest.approx(20.0, abs=1.0)
    assert truth["pelvis_shift_cm"][round(sb.repetitions[0].peak_s * 30)] < -2.0  # hips shift away
    rot = rotation(peaks_deg=(30.0,))
    tr = truth_series([forward_kinematics(p, BODY) for p in rot.poses], neutral=NEUTRAL)
    assert tr["trunk_rotation_deg"][round(rot.repetitions[0].peak_s * 30)] == pytest.approx(30.0, abs=0.05)


def test_swing_through_upright_and_mid_movement_start() -> None:
    sb = side_bend(peaks_deg=(20.0, -20.0), through_upright=True)
    assert sb.repetitions[0].end_s == pytest.approx(sb.repetitions[1].start_s)
    late = side_bend(peaks_deg=(20.0, -20.0), start_offset_s=3.0)
    assert late.time_s[0] == 0.0
    assert late.repetitions[0].start_s == 0.0
    assert late.repetitions[0].peak_s == pytest.approx(sb.repetitions[0].peak_s - 3.0)


@pytest.mark.parametrize("asymmetry", [0.0, 0.2])
def test_gait_truth(asymmetry: float) -> None:
    g = gait(duration_s=4.0, cadence_steps_per_min=100.0, asymmetry=asymmetry)
    hs = [e for e in g.gait_events if e.kind == "heel_strike"]
    assert [e.side for e in hs] == [("right", "left")[i % 2] for i in range(len(hs))] or [
        e.side for e in hs
    ] == [("left", "right")[i % 2] for i in range(len(hs))]
    steps = np.diff([e.time_s for e in hs])
    assert 60.0 / steps.mean() == pytest.approx(100.0, rel=0.05)
    assert g.gait_summary["step_time_left_s"] == pytest.approx(0.6 * (1 + asymmetry / 2))
    # Feet planted: during foot flat the ankle does not move.
    sk = [forward_kinematics(p, BODY) for p in g.poses]
    ankle = np.array([s["ankle_left"] for s in sk])
    speed = np.linalg.norm(np.diff(ankle, axis=0), axis=1) * 30.0
    assert np.sum(speed < 1e-9) > 0.2 * len(speed)
    assert np.all(np.array([s["heel_left"][1] for s in sk]) > -1e-6)  # never below the floor


def test_camera_conventions() -> None:
    forward = np.array([[1.0, 0.9, 0.0]])
    centre = np.array([[0.0, 0.9, 0.0]])
    for facing, sign in (("left", -1.0), ("right", 1.0)):
        cam = make_camera(view="side", facing=facing)  # type: ignore[arg-type]
        du = cam.project(forward)[0][0, 0] - cam.project(centre)[0][0, 0]
        assert math.copysign(1.0, du) == sign
    front = make_camera(view="front")
    right_pt = np.array([[0.0, 0.9, 0.3]])  # the patient's right appears on image-left
    assert front.project(right_pt)[0][0, 0] < front.project(centre)[0][0, 0]
    rolled = make_camera(view="front", roll_deg=10.0)
    top, bottom = rolled.project(np.array([[0.0, 1.7, 0.0], [0.0, 0.1, 0.0]]))[0]
    lean = math.degrees(math.atan2(top[0] - bottom[0], bottom[1] - top[1]))
    assert lean == pytest.approx(-10.0, abs=0.5)  # top toward image-left: counter-clockwise
    mirrored = make_camera(view="front", mirrored=True)
    assert mirrored.project(right_pt)[0][0, 0] > mirrored.project(centre)[0][0, 0]


def test_rendering_is_deterministic_and_draws_a_figure() -> None:
    r = Renderer(BODY)
    cam = make_camera(view="front", size_px=(320, 240))
    sk = forward_kinematics(Pose(trunk_lateral_deg=15.0), BODY)
    a = r.draw(sk, cam)
    b = Renderer(BODY).draw(sk, cam)
    assert a.shape == (240, 320, 3)
    assert a.dtype == np.uint8
    assert np.array_equal(a, b)
    empty = Renderer(BODY).draw(forward_kinematics(Pose(position_m=(0.0, 50.0)), BODY), cam)
    assert np.abs(a.astype(int) - empty.astype(int)).sum() > 1000  # the figure is there


def _read(path: Path) -> tuple[list[np.ndarray], list[float], object, int]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        frames = list(c.decode(s))
        return (
            [f.to_ndarray(format="rgb24") for f in frames],
            [float(f.time) for f in frames],
            s.average_rate,
            frames[0].rotation,
        )


def test_video_round_trip(tmp_path: Path) -> None:
    frames = [np.full((48, 64, 3), 10 * i, np.uint8) for i in range(20)]
    assert write_video(frames, tmp_path / "a.mp4", fps=24.0) == 20
    got, times, rate, rot = _read(tmp_path / "a.mp4")
    assert len(got) == 20
    assert got[0].shape == (48, 64, 3)
    assert float(rate) == pytest.approx(24.0)  # type: ignore[arg-type]
    assert times[:3] == pytest.approx([0.0, 1 / 24, 2 / 24], abs=1e-3)
    assert rot == 0
    vfr = np.cumsum(np.r_[0.0, np.where(np.arange(19) % 2, 0.03, 0.05)])
    write_video(frames, tmp_path / "v.mp4", fps=25.0, time_s=vfr)
    assert _read(tmp_path / "v.mp4")[1] == pytest.approx(list(vfr), abs=1e-3)
    with pytest.raises(ValueError, match="even"):
        write_video([np.zeros((47, 64, 3), np.uint8)], tmp_path / "odd.mp4", fps=30.0)


def test_render_clip_writes_video_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "bend.mp4"
    truth = render_clip(
        movement="side_bend", view="front", out_path=out, size_px=(160, 120), fps=15.0,
        peaks_deg=(20.0,), quiet_s=1.0, ramp_s=0.5, hold_s=0.4, rest_s=0.2, end_s=0.2,
    )  # fmt: skip
    frames, _times, rate, _ = _read(out)
    assert len(frames) == len(truth.time_s)
    assert frames[0].shape == (120, 160, 3)
    assert float(rate) == pytest.approx(15.0)  # type: ignore[arg-type]
    saved = RenderTruth.from_json(out.with_name("bend.mp4.truth.json").read_text())
    assert saved.repetitions == truth.repetitions
    assert saved.facing == "camera"
    assert np.allclose(saved.angles["trunk_frontal_deg"], truth.angles["trunk_frontal_deg"], atol=1e-3)
    again = render_clip(
        movement="side_bend", view="front", out_path=tmp_path / "again.mp4", size_px=(160, 120), fps=15.0,
        peaks_deg=(20.0,), quiet_s=1.0, ramp_s=0.5, hold_s=0.4, rest_s=0.2, end_s=0.2,
    )  # fmt: skip
    assert again.to_json() == truth.to_json()
    assert all(np.array_equal(a, b) for a, b in zip(frames, _read(tmp_path / "again.mp4")[0], strict=True))


def test_portrait_phone_clip_and_mirroring(tmp_path: Path) -> None:
    out = tmp_path / "phone.mp4"
    truth = render_clip(
        movement="standing", view="side", facing="right", mirrored=True, out_path=out, size_px=(120, 214),
        portrait_rotation_tag=True, duration_s=0.4,
    )  # fmt: skip
    frames, _, _, rot = _read(out)
    assert rot == -90
    assert frames[0].shape == (120, 214, 3)  # stored landscape
    assert np.rot90(frames[0], k=rot // 90).shape == (214, 120, 3)  # displayed portrait
    assert truth.facing == "left"  # mirrored
    assert json.loads(out.with_name("phone.mp4.truth.json").read_text())["display_rotation_deg"] == -90


def test_bundled_samples_match_the_renderer(tmp_path: Path) -> None:
    from assess_render.samples import SAMPLES, default_dir

    folder = default_dir()
    for name, options in SAMPLES.items():
        clip = folder / f"{name}.mp4"
        assert clip.exists(), f"{clip} is missing: run 'python -m assess_render.samples'"
        assert clip.stat().st_size < 400_000
        truth = RenderTruth.from_json(clip.with_name(clip.name + ".truth.json").read_text())
        assert truth.movement == options["movement"]
        assert 4.0 <= truth.time_s[-1] + 1 / truth.fps <= 12.0
    # The shortest one re-renders to the same truth (deterministic, not stale).
    again = render_clip(
        out_path=tmp_path / "p.mp4", size_px=(640, 480), fps=30.0, crf=26, **SAMPLES["posture_side"]
    )
    saved = (folder / "posture_side.mp4.truth.json").read_text()
    assert again.to_json() == saved
