"""A kinematic walker with analytic gait events, seen by a pinhole camera, as a LandmarkSeries.

The walker is built from footprints: each heel strike puts a foot down at a known place and
time, the foot rolls over heel -> flat -> toe and leaves at toe off, swings (heel first) to
its next footprint. The heel strike is the instant the heel reaches the floor and stops
descending, which is the definition the analysis is held to.

World frame: metres, X to the walker's left at the start, Y up, Z the walking direction.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assess.landmarks import INDEX, N_LANDMARKS

# Upper body in the body frame (x left, y up, z forward), metres, for a 1.75 m person.
_UPPER = {
    "nose": (0.0, 1.63, 0.10),
    "left_eye_inner": (0.015, 1.66, 0.09), "right_eye_inner": (-0.015, 1.66, 0.09),
    "left_eye": (0.03, 1.66, 0.085), "right_eye": (-0.03, 1.66, 0.085),
    "left_eye_outer": (0.045, 1.66, 0.08), "right_eye_outer": (-0.045, 1.66, 0.08),
    "left_ear": (0.075, 1.64, 0.0), "right_ear": (-0.075, 1.64, 0.0),
    "mouth_left": (0.025, 1.59, 0.09), "mouth_right": (-0.025, 1.59, 0.09),
    "left_shoulder": (0.19, 1.44, 0.0), "right_shoulder": (-0.19, 1.44, 0.0),
}  # fmt: skip
HIP_HEIGHT_M = 0.93
HIP_HALF_WIDTH_M = 0.10
THIGH_M, SHANK_M = 0.43, 0.43
UPPER_ARM_M, FOREARM_M = 0.30, 0.27
HEEL_HEIGHT_M = 0.03
TOE_FROM_HEEL = np.array([0.21, -0.01])  # forward, up in the foot frame
ANKLE_FROM_HEEL = np.array([0.05, 0.05])
BODY_HEIGHT_M = 1.75


@dataclass(frozen=True)
class Footprint:
    """One foot placement: heel strike time, toe off time (inf if it stays), floor position."""

    side: str
    hs_s: float
    to_s: float
    x_m: float
    z_m: float
    heading_rad: float = 0.0


@dataclass(frozen=True, kw_only=True)
class WalkPlan:
    """Footprints plus the style of the walk."""

    footprints: tuple[Footprint, ...]
    duration_s: float
    trunk_lean_deg: float = 5.0
    head_forward_m: float = 0.04
    arm_swing_deg: float = 15.0  # amplitude: the excursion is twice this
    sway_m: float = 0.03
    trunk_tilt_deg: float = 3.0  # lateral, amplitude
    obliquity_deg: float = 4.0  # amplitude
    bob_m: float = 0.02
    scale: float = 1.0  # body size relative to 1.75 m

    @property
    def height_m(self) -> float:
        return BODY_HEIGHT_M * self.scale

    def events(self, side: str, kind: str) -> list[float]:
        """True event times for one side: kind ``heel_strike`` or ``toe_off``."""
        out = []
        for fp in self.footprints:
            if fp.side != side:
                continue
            t = fp.hs_s if kind == "heel_strike" else fp.to_s
            if math.isfinite(t) and 0.0 <= t <= self.duration_s:
                out.append(t)
        return sorted(out)


def straight_walk(
    *,
    cadence_spm: float = 110.0,
    step_length_m: float = 0.65,
    n_steps: int = 8,
    stance_fraction: float = 0.62,
    first_side: str = "left",
    start_s: float = 0.6,
    tail_s: float = 0.8,
    right_step_fraction: float = 0.5,
    z0_m: float = 0.0,
    heading_rad: float = 0.0,
    standing_start: bool = True,
    scale: float = 1.0,
    **style: float,
) -> WalkPlan:
    """Steady walking along the heading: ``n_steps`` heel strikes after a standing start.

    ``right_step_fraction`` is where the right heel strike falls in the left stride (0.5 =
    symmetric); the right stance keeps the same fraction of the stride.
    """
    step_s = 60.0 / cadence_spm
    stride_s = 2.0 * step_s
    stance_s = stance_fraction * stride_s
    half_w = HIP_HALF_WIDTH_M * scale
    step_m = step_length_m
    sides = [first_side, "right" if first_side == "left" else "left"]
    fwd = np.array([math.sin(heading_rad), math.cos(heading_rad)])  # (x, z)
    left_dir = np.array([math.cos(heading_rad), -math.sin(heading_rad)])
    origin = np.array([0.0, z0_m])
    prints: list[Footprint] = []
    # Standing start: both feet side by side at the origin; they leave at their first swing.
    first_hs = start_s
    hs_times: list[float] = []
    for k in range(n_steps):
        side = sides[k % 2]
        stride_index = k // 2
        if k % 2 == 0:
            t = first_hs + stride_index * stride_s
        else:
            frac = right_step_fraction if side == "right" else 1.0 - right_step_fraction
            t = first_hs + stride_index * stride_s + frac * stride_s
        hs_times.append(t)
    for k in range(n_steps):
        side = sides[k % 2]
        lateral = half_w if side == "left" else -half_w
        # A standing start: the first step is half a stride shorter would need acceleration;
        # the kinematic walker keeps the same step, the trunk simply starts moving.
        pos = origin + fwd * (step_m * (k + 1)) + left_dir * lateral
        last_of_side = k + 2 >= n_steps
        to = math.inf if last_of_side else hs_times[k] + stance_s
        prints.append(Footprint(side, hs_times[k], to, float(pos[0]), float(pos[1]), heading_rad))
    if standing_start:
        for j, side in enumerate(sides):
            lateral = half_w if side == "left" else -half_w
            pos = origin + left_dir * lateral
            # This foot leaves when its first swing starts.
            hs_next = hs_times[j]
            swing_s = stride_s - stance_s
            leave = hs_next - swing_s
            prints.append(Footprint(side, -math.inf, leave, float(pos[0]), float(pos[1]), heading_rad))
    duration = hs_times[-1] + tail_s
    return WalkPlan(footprints=tuple(prints), duration_s=duration, scale=scale, **style)  # type: ignore[arg-type]


def walk_turn_walk(
    *,
    cadence_spm: float = 110.0,
    step_length_m: float = 0.65,
    steps_each_way: int = 7,
    turn_steps: int = 4,
    stance_fraction: float = 0.62,
) -> tuple[WalkPlan, list[tuple[float, float]]]:
    """Walk along +Z, turn round in place with short steps, walk back along -Z.

    Returns the plan and the true steady intervals (start_s, end_s) of the two passes.
    """
    step_s = 60.0 / cadence_spm
    stride_s = 2 * step_s
    stance_s = stance_fraction * stride_s
    half_w = HIP_HALF_WIDTH_M
    t0 = 0.6
    prints: list[Footprint] = []
    sides = ["left", "right"]
    k = 0
    z = 0.0
    times = []
    # Outbound.
    for i in range(steps_each_way):
        z = step_length_m * (i + 1)
        side = sides[k % 2]
        lat = half_w if side == "left" else -half_w
        times.append(t0 + k * step_s)
        prints.append(Footprint(side, times[-1], math.nan, lat, z, 0.0))
        k += 1
    z_turn = z + 0.2
    # Turn: short steps on the spot, heading sweeping 0 -> pi.
    for i in range(turn_steps):
        side = sides[k % 2]
        heading = math.pi * (i + 1) / (turn_steps + 1)
        lat = half_w if side == "left" else -half_w
        x = lat * math.cos(heading)
        zz = z_turn - lat * math.sin(heading)
        times.append(times[-1] + 1.3 * step_s)
        prints.append(Footprint(side, times[-1], math.nan, x, zz, heading))
        k += 1
    # Return, heading pi (walking along -Z): the walker's left is now -X.
    z = z_turn
    for i in range(steps_each_way):
        side = sides[k % 2]
        lat = half_w if side == "left" else -half_w
        z = z_turn - step_length_m * (i + 1)
        times.append(times[-1] + (1.3 * step_s if i == 0 else step_s))
        prints.append(Footprint(side, times[-1], math.nan, -lat, z, math.pi))
        k += 1
    # Toe offs: stance fraction of the local stride, never later than the next swing allows.
    out: list[Footprint] = []
    n = len(prints)
    for j, fp in enumerate(prints):
        if j + 2 < n:
            nxt = prints[j + 2].hs_s
            local_stride = nxt - fp.hs_s
            to = fp.hs_s + min(stance_s, (stance_fraction) * local_stride)
        else:
            to = math.inf
        out.append(Footprint(fp.side, fp.hs_s, to, fp.x_m, fp.z_m, fp.heading_rad))
    swing_s = stride_s - stance_s
    out.append(Footprint("left", -math.inf, prints[0].hs_s - swing_s, half_w, 0.0, 0.0))
    out.append(Footprint("right", -math.inf, prints[1].hs_s - swing_s, -half_w, 0.0, 0.0))
    steady = [
        (prints[0].hs_s, prints[steps_each_way - 1].hs_s),
        (prints[steps_each_way + turn_steps].hs_s, prints[-1].hs_s),
    ]
    return WalkPlan(footprints=tuple(out), duration_s=times[-1] + 0.8), steady


# ----------------------------------------------------------------------------------------
# Kinematics


def _min_jerk(s: float) -> float:
    s = min(1.0, max(0.0, s))
    return s**3 * (10 - 15 * s + 6 * s * s)


#: Normalised forward speed of the foot at toe off and at heel strike (fraction of the swing
#: distance per swing duration): real feet leave and arrive moving (about 0.5 m/s).
V_LEAVE, V_ARRIVE = 0.15, 0.15


def _swing_profile(s: float, v0: float = V_LEAVE, v1: float = V_ARRIVE) -> float:
    """Quintic from 0 to 1 with end speeds v0, v1 and zero end accelerations."""
    s = min(1.0, max(0.0, s))
    # Hermite basis for position (0 -> 1), velocities v0, v1, accelerations 0.
    h0 = 1 - 10 * s**3 + 15 * s**4 - 6 * s**5
    h1 = s - 6 * s**3 + 8 * s**4 - 3 * s**5
    h4 = 10 * s**3 - 15 * s**4 + 6 * s**5
    h5 = -4 * s**3 + 7 * s**4 - 3 * s**5
    return 0.0 * h0 + v0 * h1 + 1.0 * h4 + v1 * h5


def _foot_points(heel_xz: np.ndarray, heel_y: float, pitch: float, heading: float) -> dict[str, np.ndarray]:
    """Heel, toe (foot_index), ankle in world coordinates for a foot pose."""
    fwd = np.array([math.sin(heading), 0.0, math.cos(heading)])
    up = np.array([0.0, 1.0, 0.0])
    c, s = math.cos(pitch), math.sin(pitch)

    def place(local: np.ndarray) -> np.ndarray:
        f = local[0] * c - local[1] * s
        u = local[0] * s + local[1] * c
        return np.array([heel_xz[0], heel_y, heel_xz[1]]) + f * fwd + u * up

    return {"heel": place(np.zeros(2)), "foot_index": place(TOE_FROM_HEEL), "ankle": place(ANKLE_FROM_HEEL)}


THETA_STRIKE = math.radians(18.0)
THETA_TOE_OFF = math.radians(-40.0)


def _stance_pose(fp: Footprint, t: float, stride_s: float, k: float) -> tuple[np.ndarray, float, float]:
    """Heel (x, z), heel height, pitch of a foot in stance at time ``t``."""
    heel = np.array([fp.x_m, fp.z_m])
    flat_s = 0.12 * stride_s
    heel_off_s = 0.22 * stride_s
    pitch = 0.0
    if math.isfinite(fp.hs_s) and t < fp.hs_s + flat_s:
        pitch = THETA_STRIKE * (1.0 - _min_jerk((t - fp.hs_s) / flat_s))
    if math.isfinite(fp.to_s) and t > fp.to_s - heel_off_s:
        pitch = THETA_TOE_OFF * _min_jerk((t - (fp.to_s - heel_off_s)) / heel_off_s)
    fwd = np.array([math.sin(fp.heading_rad), math.cos(fp.heading_rad)])
    h = HEEL_HEIGHT_M * k
    if pitch < 0:  # rolling over the toe: the toe stays, the heel rises
        toe = TOE_FROM_HEEL * k
        c, s = math.cos(pitch), math.sin(pitch)
        toe_f = toe[0] * c - toe[1] * s
        toe_u = toe[0] * s + toe[1] * c
        heel = heel + fwd * (toe[0] - toe_f)
        h = h + (toe[1] - toe_u)
    return heel, h, pitch


def _foot_at(
    prints: list[Footprint], t: float, stride_s: float, k: float
) -> tuple[dict[str, np.ndarray], float]:
    """Foot landmarks of one side at time ``t`` and the foot's heading."""
    for j, fp in enumerate(prints):
        if fp.hs_s <= t <= fp.to_s:
            heel, h, pitch = _stance_pose(fp, t, stride_s, k)
            pts = _foot_points(heel, h, pitch, fp.heading_rad)
            return {n: _scale_foot(p, heel, h, k) for n, p in pts.items()}, fp.heading_rad
        if j + 1 < len(prints) and fp.to_s < t < prints[j + 1].hs_s:
            nxt = prints[j + 1]
            s = (t - fp.to_s) / (nxt.hs_s - fp.to_s)
            h0_xz, h0_y, p0 = _stance_pose(fp, fp.to_s, stride_s, k)
            h1_xz = np.array([nxt.x_m, nxt.z_m])
            h1_y = HEEL_HEIGHT_M * k
            w = _swing_profile(s)
            xz = h0_xz + (h1_xz - h0_xz) * w
            clearance = 0.05 * k
            y = h1_y + (h0_y - h1_y) * (1 - s) ** 2 + 4 * clearance * s * (1 - s)
            pitch = p0 + (THETA_STRIKE - p0) * _min_jerk(s)
            heading = fp.heading_rad + (nxt.heading_rad - fp.heading_rad) * w
            pts = _foot_points(xz, y, pitch, heading)
            return {n: _scale_foot(p, xz, y, k) for n, p in pts.items()}, heading
    fp = prints[-1] if t > prints[-1].hs_s else prints[0]
    heel, h, pitch = _stance_pose(fp, t, stride_s, k)
    pts = _foot_points(heel, h, pitch, fp.heading_rad)
    return {n: _scale_foot(p, heel, h, k) for n, p in pts.items()}, fp.heading_rad


def _scale_foot(p: np.ndarray, heel_xz: np.ndarray, heel_y: float, k: float) -> np.ndarray:
    """Scale the foot shape about the heel for a body of relative size ``k``."""
    origin = np.array([heel_xz[0], heel_y, heel_xz[1]])
    return origin + (p - origin) * k


def _knee(hip: np.ndarray, ankle: np.ndarray, fwd: np.ndarray, k: float) -> np.ndarray:
    """Knee by two-link inverse kinematics, bending forward (straight when out of reach)."""
    a, b = THIGH_M * k, SHANK_M * k
    d_vec = ankle - hip
    d = float(np.linalg.norm(d_vec))
    u = d_vec / d
    if d >= a + b:
        return hip + u * a
    x = (a * a - b * b + d * d) / (2 * d)
    hgt = math.sqrt(max(a * a - x * x, 0.0))
    perp = fwd - u * float(fwd @ u)
    perp /= float(np.linalg.norm(perp))
    return hip + u * x + perp * hgt


def _phase(times: Sequence[float], t: float) -> float:
    """Fraction of the way from the last event before ``t`` to the next; nan outside."""
    for a, b in itertools.pairwise(times):
        if a <= t < b:
            return (t - a) / (b - a)
    return math.nan


def bodies(plan: WalkPlan, time_s: np.ndarray) -> np.ndarray:
    """World landmark positions (n, 33, 3) of the walker at the given times."""
    k = plan.scale
    feet = {
        s: sorted([fp for fp in plan.footprints if fp.side == s], key=lambda f: f.hs_s)
        for s in ("left", "right")
    }
    all_hs = sorted(fp.hs_s for fp in plan.footprints if math.isfinite(fp.hs_s))
    left_hs = [fp.hs_s for fp in feet["left"] if math.isfinite(fp.hs_s)]
    steps = np.diff(all_hs)
    stride_s = 2.0 * float(np.median(steps)) if steps.size else 1.1
    # Pelvis keys: at each heel strike, 60 % of the way from the trailing to the leading foot.
    key_t: list[float] = []
    key_xz: list[np.ndarray] = []
    ordered = sorted([fp for fp in plan.footprints if math.isfinite(fp.hs_s)], key=lambda f: f.hs_s)
    starts = [fp for fp in plan.footprints if not math.isfinite(fp.hs_s)]
    if starts:
        mid0 = np.mean([[fp.x_m, fp.z_m] for fp in starts], axis=0)
        key_t.append(ordered[0].hs_s - stride_s)
        key_xz.append(mid0)
    prev = {fp.side: np.array([fp.x_m, fp.z_m]) for fp in starts}
    for fp in ordered:
        here = np.array([fp.x_m, fp.z_m])
        other = prev.get("right" if fp.side == "left" else "left", here)
        key_t.append(fp.hs_s)
        key_xz.append(0.4 * other + 0.6 * here)
        prev[fp.side] = here
    final_mid = 0.5 * (prev["left"] + prev["right"])
    key_t.append(ordered[-1].hs_s + 0.6 * stride_s)
    key_xz.append(final_mid)
    kt = np.array(key_t)
    kxz = np.array(key_xz)
    headings = [(fp.hs_s, fp.heading_rad) for fp in ordered]
    out = np.zeros((time_s.size, N_LANDMARKS, 3))
    for i, t in enumerate(time_s):
        tc = min(max(t, kt[0]), kt[-1])
        pel = np.array([np.interp(tc, kt, kxz[:, 0]), np.interp(tc, kt, kxz[:, 1])])
        hd = float(np.interp(t, [h[0] for h in headings], [h[1] for h in headings]))
        walking = ordered[0].hs_s - 0.5 * stride_s <= t <= ordered[-1].hs_s
        ph_l = _phase(left_hs, t)
        ph_step = _phase(all_hs, t)
        gait_on = 1.0 if walking and math.isfinite(ph_step) else 0.0
        ph_l = 0.0 if not math.isfinite(ph_l) else ph_l
        ph_step = 0.0 if not math.isfinite(ph_step) else ph_step
        fwd3 = np.array([math.sin(hd), 0.0, math.cos(hd)])
        left3 = np.array([math.cos(hd), 0.0, -math.sin(hd)])
        up = np.array([0.0, 1.0, 0.0])
        sway = gait_on * plan.sway_m * math.sin(2 * math.pi * ph_l)
        bob = -gait_on * plan.bob_m * math.cos(2 * math.pi * ph_step)
        pelvis = np.array([pel[0], HIP_HEIGHT_M * k + bob, pel[1]]) + left3 * sway
        obl = gait_on * math.radians(plan.obliquity_deg) * math.sin(2 * math.pi * ph_l)
        # Positive obliquity: the right hip lower (left stance, right swing side drops).
        hip_l = pelvis + left3 * HIP_HALF_WIDTH_M * k + up * HIP_HALF_WIDTH_M * k * math.sin(obl)
        hip_r = pelvis - left3 * HIP_HALF_WIDTH_M * k - up * HIP_HALF_WIDTH_M * k * math.sin(obl)
        tilt = gait_on * math.radians(plan.trunk_tilt_deg) * math.sin(2 * math.pi * ph_l)
        lean = math.radians(plan.trunk_lean_deg)
        # Trunk frame: rotate 'up' forward by lean and toward the left by tilt.
        trunk_up = up * math.cos(lean) + fwd3 * math.sin(lean)
        trunk_up = trunk_up * math.cos(tilt) + left3 * math.sin(tilt)
        trunk_up /= np.linalg.norm(trunk_up)
        t_left = left3 - trunk_up * float(left3 @ trunk_up)
        t_left /= np.linalg.norm(t_left)
        t_fwd = np.cross(t_left, trunk_up)
        base_hip = np.array([0.0, HIP_HEIGHT_M, 0.0])
        for name, (bx, by, bz) in _UPPER.items():
            rel = (np.array([bx, by, bz]) - base_hip) * k
            if name in ("left_shoulder", "right_shoulder"):
                pass
            elif bz >= 0:
                rel = rel + np.array([0.0, 0.0, plan.head_forward_m * k])
            p = pelvis + t_left * rel[0] + trunk_up * rel[1] + t_fwd * rel[2]
            out[i, INDEX[name]] = p
        for side, hip in (("left", hip_l), ("right", hip_r)):
            foot, foot_hd = _foot_at(feet[side], t, stride_s, k)
            ffwd = np.array([math.sin(foot_hd), 0.0, math.cos(foot_hd)])
            knee = _knee(hip, foot["ankle"], ffwd, k)
            out[i, INDEX[f"{side}_hip"]] = hip
            out[i, INDEX[f"{side}_knee"]] = knee
            for part in ("ankle", "heel", "foot_index"):
                out[i, INDEX[f"{side}_{part}"]] = foot[part]
            # Arms swing opposite to the same-side leg: forward when the other leg is forward.
            sgn = 1.0 if side == "left" else -1.0
            swing = gait_on * math.radians(plan.arm_swing_deg) * -math.cos(2 * math.pi * ph_l) * sgn
            sh = out[i, INDEX[f"{side}_shoulder"]]
            arm_dir = -trunk_up * math.cos(swing) + t_fwd * math.sin(swing)
            elbow = sh + arm_dir * UPPER_ARM_M * k + (t_left if side == "left" else -t_left) * 0.02 * k
            fore = -trunk_up * math.cos(swing + 0.3) + t_fwd * math.sin(swing + 0.3)
            wrist = elbow + fore * FOREARM_M * k
            out[i, INDEX[f"{side}_elbow"]] = elbow
            out[i, INDEX[f"{side}_wrist"]] = wrist
            for part, off in (("pinky", 0.08), ("index", 0.09), ("thumb", 0.05)):
                out[i, INDEX[f"{side}_{part}"]] = wrist + fore * off * k + t_fwd * 0.01 * k
    return out


# The camera lives in its own module; re-exported so tests import one place.
from tests.gait.camera import Camera, Recording, front_camera, project, record, side_camera  # noqa: E402

__all__ = [
    "Camera",
    "Footprint",
    "Recording",
    "WalkPlan",
    "bodies",
    "front_camera",
    "project",
    "record",
    "side_camera",
    "straight_walk",
    "walk_turn_walk",
]
