"""A pinhole camera that films the kinematic walker, and the recording it makes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assess.landmarks import INDEX, N_LANDMARKS, LandmarkSeries
from tests.gait.walker import WalkPlan, bodies


@dataclass(frozen=True, kw_only=True)
class Camera:
    """A pinhole camera on a level tripod (or panning about its vertical axis).

    ``position_m`` is (x, y, z) in the world; ``yaw_rad`` the direction it looks (0 = +Z);
    ``track_pelvis`` turns the camera each frame to keep the pelvis centred (a pan).
    """

    position_m: tuple[float, float, float]
    yaw_rad: float
    focal_px: float = 1400.0
    size_px: tuple[int, int] = (1920, 1080)
    track_pelvis: bool = False
    shake_px: float = 0.0


def side_camera(*, distance_m: float = 4.5, z_m: float = 2.6, on_left: bool = True, **kw: object) -> Camera:
    """A camera at the walker's left (or right), level, looking across the walkway."""
    x = distance_m if on_left else -distance_m
    yaw = -math.pi / 2 if on_left else math.pi / 2
    return Camera(position_m=(x, 1.0, z_m), yaw_rad=yaw, **kw)  # type: ignore[arg-type]


def front_camera(*, z_m: float = 9.0, facing_walker: bool = True, **kw: object) -> Camera:
    """A camera ahead of the walker looking back at them (or behind, looking after them)."""
    yaw = math.pi if facing_walker else 0.0
    return Camera(position_m=(0.0, 1.0, z_m), yaw_rad=yaw, **kw)  # type: ignore[arg-type]


def project(cam: Camera, world: np.ndarray) -> np.ndarray:
    """Image pixels (n, 33, 3) of world points (n, 33, 3); z is depth in pixels like x."""
    out = np.empty_like(world)
    w, h = cam.size_px
    c = np.array(cam.position_m)
    for i in range(world.shape[0]):
        yaw = cam.yaw_rad
        if cam.track_pelvis:
            pel = 0.5 * (world[i, INDEX["left_hip"]] + world[i, INDEX["right_hip"]])
            yaw = math.atan2(pel[0] - c[0], pel[2] - c[2])
        d = np.array([math.sin(yaw), 0.0, math.cos(yaw)])
        up = np.array([0.0, 1.0, 0.0])
        right = np.cross(d, up)
        rel = world[i] - c
        depth = rel @ d
        u = rel @ right
        v = rel @ up
        out[i, :, 0] = w / 2 + cam.focal_px * u / depth
        out[i, :, 1] = h / 2 - cam.focal_px * v / depth
        pel_depth = float(np.mean(depth[[INDEX["left_hip"], INDEX["right_hip"]]]))
        out[i, :, 2] = cam.focal_px * (depth - pel_depth) / depth
    return out


@dataclass(frozen=True, kw_only=True)
class Recording:
    """A synthetic recording and its truth."""

    series: LandmarkSeries
    plan: WalkPlan
    swapped_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))


def record(
    plan: WalkPlan,
    camera: Camera,
    *,
    fps: float = 30.0,
    noise_px: float = 0.0,
    swap_runs: Sequence[tuple[float, float]] = (),
    seed: int = 0,
    time_offset_s: float = 0.0,
    start_s: float = 0.0,
    end_s: float | None = None,
    drop_out_of_frame: bool = True,
) -> Recording:
    """Film the plan: landmarks with optional noise and leg label swaps (near/far confusion).

    ``swap_runs`` are (start_s, end_s) intervals where the two legs' labels are exchanged,
    as a pose model confuses the near and far leg at a side view.
    """
    end = plan.duration_s if end_s is None else end_s
    t = np.arange(start_s, end, 1.0 / fps)
    world = bodies(plan, t)
    image = project(camera, world)
    rng = np.random.default_rng(seed)
    if noise_px:
        image[..., :2] += rng.normal(0.0, noise_px, image[..., :2].shape)
    if camera.shake_px:
        image[..., :2] += rng.normal(0.0, camera.shake_px, (t.size, 1, 2))
    vis = np.full((t.size, N_LANDMARKS), 0.95)
    legs = ("hip", "knee", "ankle", "heel", "foot_index")
    lidx = [INDEX[f"left_{p}"] for p in legs]
    ridx = [INDEX[f"right_{p}"] for p in legs]
    swapped = np.zeros(t.size, dtype=bool)
    for a, b in swap_runs:
        swapped |= (t >= a) & (t < b)
    # Exchange the 2-D positions only: the model keeps "left = near" in depth and visibility.
    tmp = image[swapped][:, lidx, :2].copy()
    block = image[swapped]
    block[:, lidx, :2] = block[:, ridx, :2]
    block[:, ridx, :2] = tmp
    image[swapped] = block
    if drop_out_of_frame:
        w, h = camera.size_px
        out = (image[..., 0] < 0) | (image[..., 0] > w) | (image[..., 1] < 0) | (image[..., 1] > h)
        vis[out] = 0.05
        pelvis_out = out[:, INDEX["left_hip"]] & out[:, INDEX["right_hip"]]
        image[pelvis_out] = np.nan
        vis[pelvis_out] = 0.0
    world_m = world - 0.5 * (world[:, [INDEX["left_hip"]]] + world[:, [INDEX["right_hip"]]])
    world_m = world_m * np.array([1.0, -1.0, 1.0])
    series = LandmarkSeries(
        time_s=t + time_offset_s,
        image_px=image,
        world_m=world_m,
        visibility=vis,
        frame_size_px=camera.size_px,
    )
    return Recording(series=series, plan=plan, swapped_frames=np.flatnonzero(swapped))
