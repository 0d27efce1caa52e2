"""Movement scripts: per-frame pose parameters plus the true repetitions.

Every script starts with quiet standing, moves with minimum-jerk profiles, holds at end
range and returns a :class:`MotionScript`. Peaks are signed where a movement has sides:
``+`` is toward the patient's right (side bend, rotation).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from assess_render.body import Body, Pose

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class Repetition:
    """One true repetition of a movement.

    Parameters
    ----------
    side : str or None
        ``"left"`` / ``"right"`` (the patient's side) for sided movements, else None.
    start_s, peak_s, end_s : float
        Leaving neutral, middle of the end-range hold, back at neutral (seconds).
    peak_value : float
        True angle at the peak in degrees, magnitude (always >= 0 for sided movements).
    measure : str
        Which truth series the peak belongs to (a :data:`~assess_render.truth.TRUTH_NAMES` name).
    """

    side: str | None
    start_s: float
    peak_s: float
    end_s: float
    peak_value: float
    measure: str

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class GaitEvent:
    """A true gait event: ``kind`` is ``"heel_strike"`` or ``"toe_off"``; ``side`` anatomical."""

    side: str
    kind: str
    time_s: float

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class MotionScript:
    """A movement: time stamps, one :class:`Pose` per frame and the truth about it.

    Parameters
    ----------
    movement : str
        Script name.
    time_s : ndarray
        (n,) frame times in seconds.
    poses : tuple of Pose
        One pose per frame.
    repetitions : tuple of Repetition
        True repetitions, in time order.
    gait_events : tuple of GaitEvent
        Heel strikes and toe offs (gait only).
    gait_summary : dict
        Cadence (``cadence_steps_per_min``), ``speed_m_s``, mean step times per side, etc.
    heading_deg : float
        The subject's heading (their own frame for the truth angles).
    """

    movement: str
    time_s: FloatArray
    poses: tuple[Pose, ...]
    repetitions: tuple[Repetition, ...] = ()
    gait_events: tuple[GaitEvent, ...] = ()
    gait_summary: dict[str, float] = field(default_factory=dict)
    heading_deg: float = 0.0


def min_jerk(tau: FloatArray) -> FloatArray:
    """Minimum-jerk position profile on [0, 1]: 10 t^3 - 15 t^4 + 6 t^5 (clipped)."""
    t = np.clip(tau, 0.0, 1.0)
    return np.asarray(t**3 * (10.0 - 15.0 * t + 6.0 * t * t))


def keyframe_profile(time_s: FloatArray, keys: Sequence[tuple[float, float]]) -> FloatArray:
    """Value at each time from ``(time_s, value)`` keyframes, minimum-jerk between them."""
    out = np.full(time_s.shape, keys[0][1], dtype=float)
    for (t0, v0), (t1, v1) in itertools.pairwise(keys):
        if t1 <= t0:
            continue
        sel = (time_s >= t0) & (time_s <= t1)
        out[sel] = v0 + (v1 - v0) * min_jerk((time_s[sel] - t0) / (t1 - t0))
    out[time_s > keys[-1][0]] = keys[-1][1]
    return out


def _smooth_noise(
    time_s: FloatArray, *, amplitude: float, seed: int, freqs_hz: Sequence[float]
) -> FloatArray:
    """Deterministic smooth sway: a sum of slow sinusoids with random phases."""
    rng = np.random.default_rng(seed)
    out = np.zeros_like(time_s)
    for f in freqs_hz:
        out += np.sin(2 * np.pi * f * time_s + rng.uniform(0, 2 * np.pi))
    return np.asarray(amplitude * out / max(len(freqs_hz), 1) ** 0.5)


def _rom_keys(
    peaks: Sequence[float],
    *,
    quiet_s: float,
    ramp_s: float,
    hold_s: float,
    rest_s: float,
    through_upright: bool,
) -> tuple[list[tuple[float, float]], list[tuple[float, float, float, float]], float]:
    """Keyframes for a series of excursions; returns keys, (start, peak, end, value) and duration."""
    keys: list[tuple[float, float]] = [(0.0, 0.0), (quiet_s, 0.0)]
    reps: list[tuple[float, float, float, float]] = []
    t = quiet_s
    start = t
    for i, peak in enumerate(peaks):
        nxt = peaks[i + 1] if i + 1 < len(peaks) else None
        swing = through_upright and nxt is not None and math.copysign(1, nxt) != math.copysign(1, peak)
        t_peak0 = t + ramp_s
        keys.append((t_peak0, peak))
        keys.append((t_peak0 + hold_s, peak))
        t = t_peak0 + hold_s
        peak_s = t_peak0 + hold_s / 2
        if swing:
            assert nxt is not None
            # Straight through upright to the other side: zero crossing on the way.
            t_next = t + 2 * ramp_s
            frac = abs(peak) / (abs(peak) + abs(nxt))
            # min-jerk crossing time for the linear fraction
            grid = np.linspace(0, 1, 2001)
            cross = float(grid[np.argmin(np.abs(1 - min_jerk(grid) - (1 - frac)))])
            end = t + cross * 2 * ramp_s
            reps.append((start, peak_s, end, peak))
            start = end
            t = t_next
            keys.pop()  # the next peak's ramp starts from this hold's end
            keys.append((t_peak0 + hold_s, peak))
            # replace the next ramp: handled by placing the next peak after 2 ramps
            t -= ramp_s  # the loop adds one ramp_s for the next peak
            continue
        t_end = t + ramp_s
        keys.append((t_end, 0.0))
        reps.append((start, peak_s, t_end, peak))
        t = t_end + rest_s
        keys.append((t, 0.0))
        start = t
    return keys, reps, t


def _times(duration_s: float, fps: float) -> FloatArray:
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps!r}")
    n = math.floor(duration_s * fps + 1e-9)
    return np.arange(n) / fps


def _finish(
    movement: str,
    time_s: FloatArray,
    poses: list[Pose],
    reps: list[Repetition],
    *,
    start_offset_s: float,
) -> MotionScript:
    """Drop the frames before ``start_offset_s`` (a clip that starts mid-movement)."""
    if start_offset_s <= 0:
        return MotionScript(movement=movement, time_s=time_s, poses=tuple(poses), repetitions=tuple(reps))
    keep = time_s >= start_offset_s - 1e-9
    t = time_s[keep] - start_offset_s
    kept = [p for p, k in zip(poses, keep, strict=True) if k]
    new_reps = [
        dataclasses.replace(
            r,
            start_s=max(r.start_s - start_offset_s, 0.0),
            peak_s=r.peak_s - start_offset_s,
            end_s=r.end_s - start_offset_s,
        )
        for r in reps
        if r.peak_s - start_offset_s >= 0
    ]
    return MotionScript(movement=movement, time_s=t, poses=tuple(kept), repetitions=tuple(new_reps))


@dataclass(frozen=True, kw_only=True)
class Sway:
    """Quiet-standing sway added to every clinical script (deterministic)."""

    trunk_deg: float = 0.35
    shift_m: float = 0.004
    seed: int = 0


def _sway(time_s: FloatArray, sway: Sway) -> tuple[FloatArray, FloatArray, FloatArray]:
    freqs = (0.13, 0.21, 0.37)
    sag = _smooth_noise(time_s, amplitude=sway.trunk_deg, seed=sway.seed, freqs_hz=freqs)
    lat = _smooth_noise(time_s, amplitude=sway.trunk_deg * 0.6, seed=sway.seed + 1, freqs_hz=freqs)
    shift = _smooth_noise(time_s, amplitude=sway.shift_m, seed=sway.seed + 2, freqs_hz=freqs)
    return sag, lat, shift


def _sided_rom(
    movement: str,
    measure: str,
    peaks_deg: Sequence[float],
    make_pose: Callable[[float, float, float, float], Pose],
    *,
    sway: Sway,
    sided: bool,
    quiet_s: float,
    ramp_s: float,
    hold_s: float,
    rest_s: float,
    end_s: float,
    through_upright: bool,
    fps: float,
    start_offset_s: float,
) -> MotionScript:
    keys, raw, t_end = _rom_keys(
        peaks_deg,
        quiet_s=quiet_s,
        ramp_s=ramp_s,
        hold_s=hold_s,
        rest_s=rest_s,
        through_upright=through_upright,
    )
    time_s = _times(t_end + end_s, fps)
    angle = keyframe_profile(time_s, keys)
    sag, lat, shift = _sway(time_s, sway)
    poses = [
        make_pose(float(a), float(b), float(c), float(d))
        for a, b, c, d in zip(angle, sag, lat, shift, strict=True)
    ]
    reps = [
        Repetition(
            side=("right" if v > 0 else "left") if sided else None,
            start_s=s,
            peak_s=p,
            end_s=e,
            peak_value=float(abs(v) if sided else v),
            measure=measure,
        )
        for s, p, e, v in raw
    ]
    return _finish(movement, time_s, poses, reps, start_offset_s=start_offset_s)


def standing(
    *,
    duration_s: float = 4.0,
    fps: float = 30.0,
    sway: Sway = Sway(),
    body: Body | None = None,
    pelvis_obliquity_deg: float = 0.0,
) -> MotionScript:
    """Quiet stance with slight sway (posture). No repetitions.

    ``pelvis_obliquity_deg`` tilts the hip line, + with the right hip lower.
    """
    time_s = _times(duration_s, fps)
    sag, lat, shift = _sway(time_s, sway)
    poses = [
        Pose(
            trunk_flexion_deg=float(a),
            trunk_lateral_deg=float(b),
            pelvis_shift_m=float(c),
            pelvis_obliquity_deg=pelvis_obliquity_deg,
        )
        for a, b, c in zip(sag, lat, shift, strict=True)
    ]
    return MotionScript(movement="standing", time_s=time_s, poses=tuple(poses))


def forward_bend(
    *,
    peaks_deg: Sequence[float] = (60.0,),
    quiet_s: float = 2.0,
    ramp_s: float = 1.6,
    hold_s: float = 1.0,
    rest_s: float = 0.8,
    end_s: float = 1.0,
    fps: float = 30.0,
    start_offset_s: float = 0.0,
    hip_share: float = 0.6,
    sway: Sway = Sway(),
    body: Body | None = None,
) -> MotionScript:
    """Standing forward bends to ``peaks_deg`` of trunk inclination, arms hanging.

    The hips move back as the trunk goes forward (balance), the arms hang under gravity
    and the head nods a little. ``hip_share`` only shapes the drawn spine.
    """
    k = (body or Body.from_height()).height_m / 1.75

    def pose(a: float, sag: float, lat: float, shift: float) -> Pose:
        s = math.sin(math.radians(max(a, 0.0)))
        return Pose(
            trunk_flexion_deg=a + sag,
            trunk_lateral_deg=lat,
            pelvis_shift_m=shift,
            pelvis_forward_m=-0.16 * k * s,
            hip_share=hip_share,
            shoulder_flexion_deg=(a * 0.95, a * 0.95),
            head_flexion_deg=0.2 * a,
        )

    return _sided_rom(
        "forward_bend", "trunk_sagittal_deg", peaks_deg, pose, sway=sway, sided=False,
        quiet_s=quiet_s, ramp_s=ramp_s, hold_s=hold_s, rest_s=rest_s, end_s=end_s,
        through_upright=False, fps=fps, start_offset_s=start_offset_s,
    )  # fmt: skip


def extension(
    *,
    peaks_deg: Sequence[float] = (20.0,),
    quiet_s: float = 2.0,
    ramp_s: float = 1.4,
    hold_s: float = 1.0,
    rest_s: float = 0.8,
    end_s: float = 1.0,
    fps: float = 30.0,
    start_offset_s: float = 0.0,
    sway: Sway = Sway(),
    body: Body | None = None,
) -> MotionScript:
    """Standing backward bends to ``peaks_deg`` (positive numbers) of backward trunk inclination.

    The repetition's ``peak_value`` is the (positive) backward inclination; the truth
    series ``trunk_sagittal_deg`` is negative during extension.
    """
    k = (body or Body.from_height()).height_m / 1.75

    def pose(a: float, sag: float, lat: float, shift: float) -> Pose:
        s = math.sin(math.radians(max(a, 0.0)))
        return Pose(
            trunk_flexion_deg=-a + sag,
            trunk_lateral_deg=lat,
            pelvis_shift_m=shift,
            pelvis_forward_m=0.10 * k * s,
            hip_share=0.3,
            shoulder_flexion_deg=(-0.9 * a, -0.9 * a),
            head_flexion_deg=-0.3 * a,
        )

    return _sided_rom(
        "extension", "trunk_sagittal_deg", peaks_deg, pose, sway=sway, sided=False,
        quiet_s=quiet_s, ramp_s=ramp_s, hold_s=hold_s, rest_s=rest_s, end_s=end_s,
        through_upright=False, fps=fps, start_offset_s=start_offset_s,
    )  # fmt: skip


def side_bend(
    *,
    peaks_deg: Sequence[float] = (25.0, -25.0),
    quiet_s: float = 2.0,
    ramp_s: float = 1.3,
    hold_s: float = 0.8,
    rest_s: float = 0.6,
    end_s: float = 1.0,
    through_upright: bool = False,
    fps: float = 30.0,
    start_offset_s: float = 0.0,
    hip_shift_m_per_rad: float = 0.12,
    sway: Sway = Sway(),
    body: Body | None = None,
) -> MotionScript:
    """Side bends; ``peaks_deg`` signed, + toward the patient's right.

    The pelvis shifts away from the bend side (``hip_shift_m_per_rad`` times the bend in
    radians); the arms follow the trunk, the hand sliding down the thigh.
    ``through_upright`` swings from one side straight to the other without resting.
    """
    k = (body or Body.from_height()).height_m / 1.75

    def pose(a: float, sag: float, lat: float, shift: float) -> Pose:
        return Pose(
            trunk_flexion_deg=sag,
            trunk_lateral_deg=a + lat,
            pelvis_shift_m=shift - hip_shift_m_per_rad * k * math.radians(a),
            shoulder_abduction_deg=(6.0 + 0.15 * a, 6.0 - 0.15 * a),
            head_flexion_deg=0.0,
        )

    return _sided_rom(
        "side_bend", "trunk_frontal_deg", peaks_deg, pose, sway=sway, sided=True,
        quiet_s=quiet_s, ramp_s=ramp_s, hold_s=hold_s, rest_s=rest_s, end_s=end_s,
        through_upright=through_upright, fps=fps, start_offset_s=start_offset_s,
    )  # fmt: skip


def rotation(
    *,
    peaks_deg: Sequence[float] = (40.0, -40.0),
    quiet_s: float = 2.0,
    ramp_s: float = 1.3,
    hold_s: float = 0.8,
    rest_s: float = 0.6,
    end_s: float = 1.0,
    through_upright: bool = False,
    fps: float = 30.0,
    start_offset_s: float = 0.0,
    pelvis_share: float = 0.2,
    head_share: float = 0.3,
    sway: Sway = Sway(),
    body: Body | None = None,
) -> MotionScript:
    """Standing trunk rotations; ``peaks_deg`` signed, + toward the patient's right.

    The peak is the trunk rotation (shoulder line relative to hip line). The pelvis turns
    ``pelvis_share`` of it on top (the feet stay), the head a further ``head_share``.
    """

    def pose(a: float, sag: float, lat: float, shift: float) -> Pose:
        return Pose(
            trunk_flexion_deg=sag,
            trunk_lateral_deg=lat,
            pelvis_shift_m=shift,
            trunk_rotation_deg=a,
            pelvis_rotation_deg=pelvis_share * a,
            head_rotation_deg=head_share * a,
            shoulder_abduction_deg=(10.0, 10.0),
            elbow_flexion_deg=(20.0, 20.0),
        )

    return _sided_rom(
        "rotation", "trunk_rotation_deg", peaks_deg, pose, sway=sway, sided=True,
        quiet_s=quiet_s, ramp_s=ramp_s, hold_s=hold_s, rest_s=rest_s, end_s=end_s,
        through_upright=through_upright, fps=fps, start_offset_s=start_offset_s,
    )  # fmt: skip


# ----------------------------------------------------------------------------- walking


def _foot_track(
    time_s: FloatArray,
    *,
    strikes_s: FloatArray,
    heel_x_m: FloatArray,
    stance_s: float,
    swing_s: float,
    lateral_m: float,
    body: Body,
    heel_strike_pitch_deg: float = 15.0,
    toe_off_pitch_deg: float = -35.0,
    clearance_m: float = 0.12,
) -> tuple[FloatArray, FloatArray]:
    """Ankle positions (n, 3) in the walking frame (x forward) and foot pitch (n,) of one foot.

    Stance (from each heel strike, ``stance_s`` long): heel rocker about the heel contact to
    foot flat, then the heel rises about the ball of the foot until toe off. Swing: the
    ankle moves on a minimum-jerk path with a lift to the next heel strike.
    """
    k = body.height_m / 1.75
    heel_c = np.array([-body.heel_back_m - 0.004 * k, -body.ankle_height_m])  # (x, y) in the foot frame
    ball_c = np.array([body.toe_front_m * 0.78, -body.ankle_height_m])

    def ankle_from(contact_x: float, c: NDArray[np.float64], pitch_deg: float) -> NDArray[np.float64]:
        a = math.radians(pitch_deg)
        ca, sa = math.cos(a), math.sin(a)
        rx = ca * c[0] - sa * c[1]
        ry = sa * c[0] + ca * c[1]
        return np.array([contact_x - rx, -ry])

    flat_x = heel_x_m - heel_c[0]  # ankle x while the foot is flat
    t_flat = 0.12 * (stance_s + swing_s)
    t_heel_off = 0.62 * stance_s
    ankle = np.zeros((len(time_s), 2))
    pitch = np.zeros(len(time_s))
    for i, t in enumerate(time_s):
        j = int(np.searchsorted(strikes_s, t, side="right")) - 1
        if j >= 0 and t - strikes_s[j] <= stance_s:
            tau = t - strikes_s[j]
            if tau < t_flat:
                p = heel_strike_pitch_deg * (1.0 - float(min_jerk(np.array(tau / t_flat))))
                ankle[i] = ankle_from(float(heel_x_m[j]), heel_c, p)
            elif tau < t_heel_off:
                p = 0.0
                ankle[i] = [flat_x[j], body.ankle_height_m]
            else:
                u = (tau - t_heel_off) / (stance_s - t_heel_off)
                p = toe_off_pitch_deg * float(min_jerk(np.array(u)))
                ball_x = float(flat_x[j] + ball_c[0])
                ankle[i] = ankle_from(ball_x, ball_c, p)
            pitch[i] = p
            continue
        # Swing (or before the first strike: swinging in from behind).
        j_next = j + 1
        if j_next >= len(strikes_s):
            j_next = len(strikes_s) - 1
        t_land = float(strikes_s[j_next])
        t_lift = t_land - swing_s
        land = ankle_from(float(heel_x_m[j_next]), heel_c, heel_strike_pitch_deg)
        prev_flat = float(
            flat_x[j_next] - (flat_x[1] - flat_x[0]) if len(flat_x) > 1 else flat_x[j_next] - 1.0
        )
        lift = ankle_from(prev_flat + float(ball_c[0]), ball_c, toe_off_pitch_deg)
        u = float(np.clip((t - t_lift) / swing_s, 0.0, 1.0))
        s = float(min_jerk(np.array(u)))
        ankle[i] = lift + (land - lift) * s
        ankle[i, 1] += clearance_m * k * math.sin(math.pi * u**0.6) ** 2
        pitch[i] = toe_off_pitch_deg + (heel_strike_pitch_deg - toe_off_pitch_deg) * float(
            min_jerk(np.array(min(1.0, u * 1.4)))
        )
    xyz = np.stack([ankle[:, 0], ankle[:, 1], np.full(len(time_s), lateral_m)], axis=1)
    return xyz, pitch


def gait(
    *,
    speed_m_s: float = 1.2,
    cadence_steps_per_min: float = 110.0,
    asymmetry: float = 0.0,
    duration_s: float = 4.5,
    fps: float = 30.0,
    heading_deg: float = 0.0,
    start_m: tuple[float, float] = (-3.0, 0.0),
    stance_fraction: float = 0.62,
    trunk_lean_deg: float = 3.0,
    arm_swing_deg: float = 18.0,
    pelvis_rotation_deg: float = 5.0,
    body: Body | None = None,
) -> MotionScript:
    """Walking at constant speed with planted feet.

    Parameters
    ----------
    speed_m_s : float
        Pelvis speed.
    cadence_steps_per_min : float
        Steps per minute (two steps per stride).
    asymmetry : float
        Relative step-time asymmetry: the left step (right heel strike -> left heel strike)
        lasts ``(1 + asymmetry / 2)`` times the mean step, the right step ``(1 - asymmetry / 2)``.
    duration_s, fps : float
        Clip length and frame rate.
    heading_deg : float
        Walking direction (yaw in the world, see :mod:`assess_render.body`).
    start_m : (float, float)
        Pelvis floor position (x, z) at time 0.
    stance_fraction : float
        Stance time as a fraction of the stride.
    trunk_lean_deg : float
        Constant forward trunk lean.
    arm_swing_deg : float
        Shoulder flexion amplitude of the arm swing (opposite to the same-side leg).
    pelvis_rotation_deg : float
        Amplitude of the pelvis yaw (the shoulders counter-rotate).
    body : Body or None
        Dimensions (default 1.75 m).

    Returns
    -------
    MotionScript
        Poses, heel strikes and toe offs per side, and ``gait_summary`` with
        ``cadence_steps_per_min``, ``speed_m_s``, ``stride_time_s``, ``step_time_left_s``,
        ``step_time_right_s``, ``step_length_left_m``, ``step_length_right_m``, ``stance_fraction``.
    """
    from assess_render.body import forward_kinematics, yaw_matrix

    body = body or Body.from_height()
    if not 0.0 <= abs(asymmetry) < 0.5:
        raise ValueError(f"asymmetry must be within (-0.5, 0.5), got {asymmetry!r}")
    time_s = _times(duration_s, fps)
    step = 60.0 / cadence_steps_per_min
    stride = 2 * step
    t_left = step * (1 + asymmetry / 2)  # right HS -> left HS
    stance = stance_fraction * stride
    swing = stride - stance
    first_r = -stride * 0.75
    n_str = math.ceil((duration_s - first_r) / stride) + 2
    strikes: dict[str, FloatArray] = {"right": np.asarray(first_r + stride * np.arange(n_str), dtype=float)}
    strikes["left"] = strikes["right"] + t_left
    lead = 0.24  # heel lands ahead of the pelvis by this fraction of the stride length
    x0, z0 = start_m
    r_w = yaw_matrix(heading_deg)
    ankles_w: dict[str, FloatArray] = {}
    pitches: dict[str, FloatArray] = {}
    for s, sg in (("left", -1.0), ("right", 1.0)):
        heel_x = np.asarray(speed_m_s * strikes[s] + lead * speed_m_s * stride, dtype=float)
        xyz, pitch = _foot_track(
            time_s, strikes_s=strikes[s], heel_x_m=heel_x, stance_s=stance, swing_s=swing,
            lateral_m=sg * body.stance_width_m / 2, body=body,
        )  # fmt: skip
        ankles_w[s] = (xyz @ r_w.T) + np.array([x0, 0.0, z0])
        pitches[s] = pitch
    # Phase of each side: 0 at its heel strike.
    phase_r = 2 * np.pi * ((time_s - first_r) / stride % 1.0)
    nominal_hip = body.ankle_height_m + body.leg_reach_m(14.0)
    poses = []
    for i, t in enumerate(time_s):
        pel = np.array([speed_m_s * t, 0.0, 0.018 * math.sin(phase_r[i] - 0.5)]) @ r_w.T + np.array(
            [x0, 0, z0]
        )
        pel_rot = -pelvis_rotation_deg * math.cos(phase_r[i])
        arm_r = arm_swing_deg * math.cos(phase_r[i] + math.pi)  # right arm forward at left heel strike
        common = {
            "position_m": (float(pel[0]), float(pel[2])),
            "heading_deg": heading_deg,
            "pelvis_rotation_deg": pel_rot,
            "trunk_flexion_deg": trunk_lean_deg,
            "trunk_rotation_deg": -1.6 * pel_rot,
            "head_flexion_deg": -trunk_lean_deg + 4.0,
            "head_rotation_deg": 1.3 * pel_rot,
            "shoulder_flexion_deg": (-arm_r, arm_r),
            "elbow_flexion_deg": (18.0 - 0.4 * arm_r, 18.0 + 0.4 * arm_r),
            "ankle_m": (tuple(ankles_w["left"][i]), tuple(ankles_w["right"][i])),
            "foot_pitch_deg": (float(pitches["left"][i]), float(pitches["right"][i])),
            "knee_flexion_min_deg": 2.0,
        }
        auto = forward_kinematics(Pose(**common), body)["hip_centre"][1]  # type: ignore[arg-type]
        poses.append(Pose(**common, hip_height_m=float(min(nominal_hip, auto)) - 0.004))  # type: ignore[arg-type]
    events = []
    for s in ("left", "right"):
        for hs in strikes[s]:
            if 0.0 <= hs < time_s[-1] + 1e-9:
                events.append(GaitEvent(side=s, kind="heel_strike", time_s=float(hs)))
            to = hs + stance
            if 0.0 <= to < time_s[-1] + 1e-9:
                events.append(GaitEvent(side=s, kind="toe_off", time_s=float(to)))
    events.sort(key=lambda e: e.time_s)
    summary = {
        "cadence_steps_per_min": cadence_steps_per_min,
        "speed_m_s": speed_m_s,
        "stride_time_s": stride,
        "step_time_left_s": t_left,
        "step_time_right_s": stride - t_left,
        "step_length_left_m": speed_m_s * t_left,
        "step_length_right_m": speed_m_s * (stride - t_left),
        "stance_fraction": stance_fraction,
    }
    return MotionScript(
        movement="gait",
        time_s=time_s,
        poses=tuple(poses),
        gait_events=tuple(events),
        gait_summary=summary,
        heading_deg=heading_deg,
    )
