"""Synthetic skeletons with known angles, projected to a camera view, as LandmarkSeries."""

from __future__ import annotations

import math

import numpy as np

from assess.landmarks import INDEX, N_LANDMARKS, LandmarkSeries

# Body frame in metres: x toward the patient's LEFT, y up, z forward.
_STANDING = {
    "nose": (0.0, 1.60, 0.10),
    "left_eye_inner": (0.015, 1.63, 0.09), "right_eye_inner": (-0.015, 1.63, 0.09),
    "left_eye": (0.03, 1.63, 0.085), "right_eye": (-0.03, 1.63, 0.085),
    "left_eye_outer": (0.045, 1.63, 0.08), "right_eye_outer": (-0.045, 1.63, 0.08),
    "left_ear": (0.075, 1.61, 0.0), "right_ear": (-0.075, 1.61, 0.0),
    "mouth_left": (0.025, 1.56, 0.09), "mouth_right": (-0.025, 1.56, 0.09),
    "left_shoulder": (0.19, 1.42, 0.0), "right_shoulder": (-0.19, 1.42, 0.0),
    "left_elbow": (0.22, 1.12, 0.0), "right_elbow": (-0.22, 1.12, 0.0),
    "left_wrist": (0.23, 0.86, 0.02), "right_wrist": (-0.23, 0.86, 0.02),
    "left_pinky": (0.24, 0.78, 0.02), "right_pinky": (-0.24, 0.78, 0.02),
    "left_index": (0.23, 0.76, 0.04), "right_index": (-0.23, 0.76, 0.04),
    "left_thumb": (0.22, 0.80, 0.05), "right_thumb": (-0.22, 0.80, 0.05),
    "left_hip": (0.10, 0.92, 0.0), "right_hip": (-0.10, 0.92, 0.0),
    "left_knee": (0.10, 0.50, 0.01), "right_knee": (-0.10, 0.50, 0.01),
    "left_ankle": (0.10, 0.08, 0.0), "right_ankle": (-0.10, 0.08, 0.0),
    "left_heel": (0.10, 0.03, -0.05), "right_heel": (-0.10, 0.03, -0.05),
    "left_foot_index": (0.10, 0.02, 0.16), "right_foot_index": (-0.10, 0.02, 0.16),
}  # fmt: skip
_UPPER = [n for n in _STANDING if not any(k in n for k in ("hip", "knee", "ankle", "heel", "foot"))]


def standing_body() -> np.ndarray:
    """The standing figure, shape (33, 3)."""
    body = np.zeros((N_LANDMARKS, 3))
    for name, xyz in _STANDING.items():
        body[INDEX[name]] = xyz
    return body


def posed_body(
    *,
    trunk_flexion_deg: float = 0.0,
    trunk_lateral_deg: float = 0.0,
    shoulder_drop_left_m: float = 0.0,
    hip_drop_left_m: float = 0.0,
    head_forward_m: float = 0.0,
) -> np.ndarray:
    """The figure with its trunk bent about the hip centre (+flexion forward, +lateral to the right)."""
    body = standing_body()
    hip_c = 0.5 * (body[INDEX["left_hip"]] + body[INDEX["right_hip"]])
    upper = [INDEX[n] for n in _UPPER]
    body[INDEX["left_shoulder"], 1] -= shoulder_drop_left_m
    body[INDEX["left_hip"], 1] -= hip_drop_left_m
    for n in ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "mouth_left", "mouth_right"):
        body[INDEX[n], 2] += head_forward_m
    a = math.radians(trunk_flexion_deg)
    # Flexion: rotate about the x axis, the top moving toward +z (forward).
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    b = math.radians(trunk_lateral_deg)
    # Lateral flexion to the right: the top moves toward -x.
    rz = np.array([[math.cos(b), math.sin(b), 0], [-math.sin(b), math.cos(b), 0], [0, 0, 1]])
    rel = body[upper] - hip_c
    body[upper] = hip_c + rel @ (rz @ rx).T
    return body


def project(
    bodies: np.ndarray,
    *,
    view: str,
    facing: str | None = None,
    roll_deg: float = 0.0,
    size_px: tuple[int, int] = (640, 480),
    scale_px_per_m: float = 250.0,
) -> np.ndarray:
    """Project bodies (n, 33, 3) orthographically to image pixels (n, 33, 3), y down."""
    x, y, z = bodies[..., 0], bodies[..., 1], bodies[..., 2]
    if view == "front":
        u, depth = x, -z
    elif view == "back":
        u, depth = -x, z
    elif view == "side" and facing == "right":
        u, depth = z, x
    elif view == "side" and facing == "left":
        u, depth = -z, -x
    else:
        raise ValueError(f"bad view/facing {view}/{facing}")
    w, h = size_px
    px = np.stack([w / 2 + scale_px_per_m * u, h * 0.95 - scale_px_per_m * y, scale_px_per_m * depth], -1)
    if roll_deg:
        r = math.radians(roll_deg)
        c = np.array([w / 2, h / 2])
        d = px[..., :2] - c
        rot = np.array([[math.cos(r), -math.sin(r)], [math.sin(r), math.cos(r)]])
        px[..., :2] = c + d @ rot.T
    return px


def series_from_bodies(
    bodies: np.ndarray,
    *,
    fps: float = 30.0,
    view: str = "front",
    facing: str | None = None,
    roll_deg: float = 0.0,
    noise_px: float = 0.0,
    seed: int = 0,
    size_px: tuple[int, int] = (640, 480),
) -> LandmarkSeries:
    """A LandmarkSeries of bodies (n, 33, 3) seen from a view."""
    n = bodies.shape[0]
    image = project(bodies, view=view, facing=facing, roll_deg=roll_deg, size_px=size_px)
    if noise_px:
        image[..., :2] += np.random.default_rng(seed).normal(0, noise_px, image[..., :2].shape)
    # The model's world landmarks are camera-aligned metres (x image-right, y down, z away from
    # the camera) with the hip centre at the origin.
    flat = project(bodies, view=view, facing=facing, scale_px_per_m=1.0, size_px=(0, 0))
    world = np.stack([flat[..., 0], -bodies[..., 1], flat[..., 2]], axis=-1)
    world = world - 0.5 * (world[:, [INDEX["left_hip"]]] + world[:, [INDEX["right_hip"]]])
    return LandmarkSeries(
        time_s=np.arange(n) / fps,
        image_px=image,
        world_m=world,
        visibility=np.full((n, N_LANDMARKS), 0.99),
        frame_size_px=size_px,
    )


def still(n: int, **pose: float) -> np.ndarray:
    """n identical frames of one pose."""
    return np.repeat(posed_body(**pose)[None], n, axis=0)
