"""A stick figure with known spinal angles, seen by an orthographic camera, as a LandmarkSeries.

Body frame: metres, x forward, y up, z toward the patient's RIGHT (as the renderer). The upper
body turns about the hip centre: twist (about the vertical, relative to the pelvis), then side
bend (+ right), then flexion (+ forward); the pelvis turns about the vertical over the feet.

Camera frame (what the pose model reports): image x to the right, y down, depth away from the
camera; world coordinates are camera-aligned metres with the hip centre at the origin (as
MediaPipe's), image z is depth scaled like x.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assess.landmarks import INDEX, N_LANDMARKS, LandmarkSeries

_STANDING: dict[str, tuple[float, float, float]] = {
    "nose": (0.10, 1.62, 0.0),
    "left_eye_inner": (0.09, 1.645, -0.015), "right_eye_inner": (0.09, 1.645, 0.015),
    "left_eye": (0.085, 1.645, -0.03), "right_eye": (0.085, 1.645, 0.03),
    "left_eye_outer": (0.08, 1.645, -0.045), "right_eye_outer": (0.08, 1.645, 0.045),
    "left_ear": (0.0, 1.63, -0.075), "right_ear": (0.0, 1.63, 0.075),
    "mouth_left": (0.09, 1.57, -0.025), "mouth_right": (0.09, 1.57, 0.025),
    "left_shoulder": (0.0, 1.43, -0.19), "right_shoulder": (0.0, 1.43, 0.19),
    "left_elbow": (0.0, 1.11, -0.21), "right_elbow": (0.0, 1.11, 0.21),
    "left_wrist": (0.0, 0.85, -0.22), "right_wrist": (0.0, 0.85, 0.22),
    "left_pinky": (0.0, 0.78, -0.23), "right_pinky": (0.0, 0.78, 0.23),
    "left_index": (0.02, 0.78, -0.22), "right_index": (0.02, 0.78, 0.22),
    "left_thumb": (0.04, 0.81, -0.21), "right_thumb": (0.04, 0.81, 0.21),
    "left_hip": (0.0, 0.93, -0.09), "right_hip": (0.0, 0.93, 0.09),
    "left_knee": (0.01, 0.50, -0.09), "right_knee": (0.01, 0.50, 0.09),
    "left_ankle": (0.0, 0.07, -0.09), "right_ankle": (0.0, 0.07, 0.09),
    "left_heel": (-0.06, 0.02, -0.09), "right_heel": (-0.06, 0.02, 0.09),
    "left_foot_index": (0.20, 0.02, -0.09), "right_foot_index": (0.20, 0.02, 0.09),
}  # fmt: skip
_LEGS = ("knee", "ankle", "heel", "foot_index")
HEIGHT_M = 1.75


def fingertip_height_m(pose: Pose) -> float:
    """Height of the lower fingertip: the index base extended along the hand to 0.108 H."""
    pts = body(pose)
    tips = []
    for s in ("left", "right"):
        wrist, index = pts[INDEX[f"{s}_wrist"]], pts[INDEX[f"{s}_index"]]
        tips.append(wrist + (index - wrist) / np.linalg.norm(index - wrist) * 0.108 * HEIGHT_M)
    return float(min(t[1] for t in tips))


def _rot_y(deg: float) -> np.ndarray:
    """Turn about the vertical; + turns the front toward the patient's right."""
    a = math.radians(deg)
    # x forward, z right: turning right takes forward (1,0,0) toward right (0,0,1).
    return np.array([[math.cos(a), 0.0, -math.sin(a)], [0.0, 1.0, 0.0], [math.sin(a), 0.0, math.cos(a)]])


def _rot_x(deg: float) -> np.ndarray:
    """Side bend; + moves the top toward the patient's right (+z)."""
    a = math.radians(deg)
    return np.array([[1.0, 0.0, 0.0], [0.0, math.cos(a), -math.sin(a)], [0.0, math.sin(a), math.cos(a)]])


def _rot_z(deg: float) -> np.ndarray:
    """Flexion; + moves the top forward (+x)."""
    a = math.radians(deg)
    return np.array([[math.cos(a), math.sin(a), 0.0], [-math.sin(a), math.cos(a), 0.0], [0.0, 0.0, 1.0]])


@dataclass(frozen=True, kw_only=True)
class Pose:
    """One frame's pose: angles in degrees, shifts in metres."""

    flexion_deg: float = 0.0
    lateral_deg: float = 0.0
    twist_deg: float = 0.0
    pelvis_turn_deg: float = 0.0
    pelvis_shift_m: float = 0.0
    knee_flexion_deg: float = 0.0
    hands_forward: bool = False


def body(pose: Pose) -> np.ndarray:
    """Joint positions (33, 3) in the body frame for one pose."""
    pts = np.zeros((N_LANDMARKS, 3))
    for name, xyz in _STANDING.items():
        pts[INDEX[name]] = xyz
    if pose.hands_forward:  # elbows bent 90 deg, forearms forward (arms crossed-like twist posture)
        for s in ("left", "right"):
            elbow = pts[INDEX[f"{s}_elbow"]]
            for part, reach in (("wrist", 0.26), ("pinky", 0.33), ("index", 0.34), ("thumb", 0.31)):
                pts[INDEX[f"{s}_{part}"]] = elbow + np.array([reach, 0.0, 0.0])
    legs = [INDEX[f"{s}_{p}"] for s in ("left", "right") for p in _LEGS]
    upper = [i for i in range(N_LANDMARKS) if i not in legs]
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    # Knees: ankles stay, the knee goes forward, the hips drop straight down.
    if pose.knee_flexion_deg:
        k = math.radians(pose.knee_flexion_deg)
        thigh, shank = 0.43, 0.43
        drop = thigh + shank - math.sqrt(thigh**2 + shank**2 + 2 * thigh * shank * math.cos(k))
        fwd = shank * math.sin(k / 2)
        for s in ("left", "right"):
            pts[INDEX[f"{s}_knee"]] += np.array([fwd, -drop / 2, 0.0])
        pts[upper] -= np.array([0.0, drop, 0.0])
    # Forward bend: the hips move back to keep balance (as the renderer does); straight knees
    # follow half way.
    back = -0.16 * math.sin(math.radians(max(pose.flexion_deg, 0.0)))
    pts[upper] += np.array([back, 0.0, pose.pelvis_shift_m])
    for s in ("left", "right"):
        pts[INDEX[f"{s}_knee"]] += np.array([0.5 * back, 0.0, 0.5 * pose.pelvis_shift_m])
    hip_c = pts[hips].mean(axis=0)
    trunk = [i for i in upper if i not in hips]
    arms = {
        s: [INDEX[f"{s}_{p}"] for p in ("elbow", "wrist", "pinky", "index", "thumb")]
        for s in ("left", "right")
    }
    hanging = {s: pts[arms[s]] - pts[INDEX[f"{s}_shoulder"]] for s in arms}
    rel = pts[trunk] - hip_c
    r_upper = _rot_z(pose.flexion_deg) @ _rot_x(pose.lateral_deg) @ _rot_y(pose.twist_deg)
    pts[trunk] = hip_c + rel @ r_upper.T
    if not pose.hands_forward:  # arms hang under gravity from the moved shoulders
        for s in arms:
            pts[arms[s]] = pts[INDEX[f"{s}_shoulder"]] + hanging[s]
    r_pelvis = _rot_y(pose.pelvis_turn_deg)
    pts[upper] = hip_c + (pts[upper] - hip_c) @ r_pelvis.T
    return pts


@dataclass(frozen=True, kw_only=True)
class Camera:
    """An orthographic camera: view, facing, roll (counter-clockwise, deg), scale and offset."""

    view: str = "front"
    facing: str = "left"
    roll_deg: float = 0.0
    px_per_m: float = 250.0
    size_px: tuple[int, int] = (640, 480)
    offset_px: tuple[float, float] = (0.0, 0.0)
    #: The patient stands turned this far toward their right (deg) from ``view``: from the front,
    #: +45 puts the camera 45 deg to the patient's left (an oblique camera).
    yaw_deg: float = 0.0

    def to_camera(self, pts: np.ndarray) -> np.ndarray:
        """Body-frame points (..., 3) to camera axes (image x right, up, depth away)."""
        x, y, z = pts[..., 0], pts[..., 1], pts[..., 2]
        if self.yaw_deg:
            a = math.radians(self.yaw_deg)
            x, z = x * math.cos(a) - z * math.sin(a), x * math.sin(a) + z * math.cos(a)
        if self.view == "front":  # patient faces the camera: their right is image-left
            u, d = -z, -x
        elif self.view == "back":
            u, d = z, x
        elif self.view == "side" and self.facing == "right":  # camera at the patient's right
            u, d = x, -z
        elif self.view == "side" and self.facing == "left":
            u, d = -x, z
        else:
            raise ValueError(f"bad view/facing {self.view}/{self.facing}")
        return np.stack([u, y, d], axis=-1)


def series(
    poses: Sequence[Pose],
    camera: Camera,
    *,
    fps: float = 30.0,
    noise_px: float = 0.0,
    far_visibility: float = 0.99,
    seed: int = 0,
) -> LandmarkSeries:
    """The LandmarkSeries a pose model would report for these poses seen by ``camera``."""
    cam = np.array([camera.to_camera(body(p)) for p in poses])  # (n, 33, 3): u, up, depth
    n = cam.shape[0]
    w, h = camera.size_px
    img = np.empty_like(cam)
    img[..., 0] = w / 2 + camera.offset_px[0] + camera.px_per_m * cam[..., 0]
    img[..., 1] = h * 0.95 + camera.offset_px[1] - camera.px_per_m * cam[..., 1]
    hip = 0.5 * (cam[:, INDEX["left_hip"]] + cam[:, INDEX["right_hip"]])
    img[..., 2] = camera.px_per_m * (cam[..., 2] - hip[:, None, 2])
    world = (
        np.stack([cam[..., 0], -cam[..., 1], cam[..., 2]], axis=-1)
        - np.stack([hip[:, 0], -hip[:, 1], hip[:, 2]], axis=-1)[:, None, :]
    )
    if camera.roll_deg:
        # Counter-clockwise on screen (y down): the content turns the other way from clockwise.
        a = math.radians(-camera.roll_deg)
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        centre = np.array([w / 2, h / 2])
        img[..., :2] = centre + (img[..., :2] - centre) @ rot.T
        world[..., :2] = world[..., :2] @ rot.T
    if noise_px:
        img[..., :2] += np.random.default_rng(seed).normal(0.0, noise_px, img[..., :2].shape)
    vis = np.full((n, N_LANDMARKS), 0.99)
    if camera.view == "side" and far_visibility != 0.99:
        far = "left" if camera.facing == "right" else "right"
        for name, i in INDEX.items():
            if name.startswith(far + "_"):
                vis[:, i] = far_visibility
    return LandmarkSeries(
        time_s=np.arange(n) / fps, image_px=img, world_m=world, visibility=vis, frame_size_px=camera.size_px
    )


def min_jerk(u: np.ndarray) -> np.ndarray:
    """Minimum-jerk profile on [0, 1]."""
    t = np.clip(u, 0.0, 1.0)
    return t**3 * (10.0 - 15.0 * t + 6.0 * t * t)


def profile(time_s: np.ndarray, keys: Sequence[tuple[float, float]]) -> np.ndarray:
    """Values at ``time_s`` from ``(time, value)`` keyframes, minimum-jerk between them."""
    out = np.full(time_s.shape, keys[0][1], dtype=float)
    for (t0, v0), (t1, v1) in itertools.pairwise(keys):
        sel = (time_s >= t0) & (time_s <= t1)
        if t1 > t0:
            out[sel] = v0 + (v1 - v0) * min_jerk((time_s[sel] - t0) / (t1 - t0))
    out[time_s > keys[-1][0]] = keys[-1][1]
    return out


def excursions(
    peaks: Sequence[float],
    *,
    quiet_s: float = 1.5,
    ramp_s: float = 1.2,
    hold_s: float = 1.0,
    rest_s: float = 1.0,
    end_s: float = 1.5,
    through_upright: bool = False,
) -> tuple[list[tuple[float, float]], float]:
    """Keyframes of repeated excursions to ``peaks`` (signed); returns keys and duration."""
    keys = [(0.0, 0.0), (quiet_s, 0.0)]
    t = quiet_s
    for i, p in enumerate(peaks):
        t += ramp_s
        keys.append((t, p))
        t += hold_s
        keys.append((t, p))
        nxt = peaks[i + 1] if i + 1 < len(peaks) else None
        if through_upright and nxt is not None and nxt * p < 0:
            continue  # swing straight to the other side
        t += ramp_s
        keys.append((t, 0.0))
        t += rest_s
        keys.append((t, 0.0))
    return keys, t + end_s


def movement(
    field: str,
    peaks: Sequence[float],
    camera: Camera,
    *,
    fps: float = 30.0,
    start_s: float = 0.0,
    extra: dict[str, float] | None = None,
    hands_forward: bool = False,
    noise_px: float = 0.0,
    far_visibility: float = 0.99,
    seed: int = 0,
    **timing: float,
) -> LandmarkSeries:
    """A clip of repeated excursions of one Pose field (e.g. ``"lateral_deg"``) to ``peaks``.

    ``extra`` maps other Pose fields to a factor of the moving one (e.g. pelvis turn 0.2 of the
    twist). ``start_s`` drops the clip's beginning (a clip that starts mid-movement).
    """
    keys, duration = excursions(peaks, **timing)  # type: ignore[arg-type]
    time_s = np.arange(0.0, duration, 1.0 / fps)
    values = profile(time_s, keys)
    poses = []
    for v in values[time_s >= start_s]:
        kw = {field: float(v)} | {k: f * float(v) for k, f in (extra or {}).items()}
        poses.append(Pose(hands_forward=hands_forward, **kw))  # type: ignore[arg-type]
    return series(poses, camera, fps=fps, noise_px=noise_px, far_visibility=far_visibility, seed=seed)
