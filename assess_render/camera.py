"""Pinhole camera looking at the figure.

Image coordinates are pixels, x to the right, y down. ``roll_deg`` rotates the picture
content counter-clockwise on screen (a world-vertical line leans with its top toward
image-left), as a camera rolled clockwise would. ``mirrored`` flips the picture left-right
after everything else, as a selfie webcam does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from assess_render.body import Vec, yaw_matrix

ViewName = Literal["side", "front", "back"]
FacingName = Literal["left", "right", "camera", "away"]


@dataclass(frozen=True, kw_only=True)
class Camera:
    """A pinhole camera.

    Parameters
    ----------
    size_px : (int, int)
        Frame (width, height) in pixels.
    focal_px : float
        Focal length in pixels (square pixels, principal point at the frame centre).
    position_m : ndarray
        (3,) camera centre in the world.
    axes : ndarray
        (3, 3) rows: the camera's right, down and viewing directions in the world.
    roll_deg : float
        Counter-clockwise rotation of the picture content.
    mirrored : bool
        Flip the picture left-right.
    """

    size_px: tuple[int, int]
    focal_px: float
    position_m: Vec
    axes: Vec
    roll_deg: float = 0.0
    mirrored: bool = False

    def project(self, points_m: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Project world points.

        Parameters
        ----------
        points_m : ndarray
            (..., 3) world points.

        Returns
        -------
        uv_px : ndarray
            (..., 2) pixel coordinates.
        depth_m : ndarray
            (...,) distance along the viewing direction (positive in front of the camera).
        """
        cam = (np.asarray(points_m, dtype=float) - self.position_m) @ self.axes.T
        depth = cam[..., 2]
        z = np.maximum(depth, 1e-6)
        w, h = self.size_px
        cx, cy = w / 2.0, h / 2.0
        u = self.focal_px * cam[..., 0] / z
        v = self.focal_px * cam[..., 1] / z
        if self.roll_deg:
            a = math.radians(self.roll_deg)
            c, s = math.cos(a), math.sin(a)
            u, v = u * c + v * s, -u * s + v * c
        u = u + cx
        v = v + cy
        if self.mirrored:
            u = w - u
        return np.stack([u, v], axis=-1), depth

    @property
    def viewing_direction(self) -> Vec:
        """Unit vector the camera looks along, in the world."""
        return np.asarray(self.axes[2])


def look_at(position_m: Vec, target_m: Vec) -> Vec:
    """Camera axes (rows: right, down, forward) for a camera at ``position_m`` aimed at ``target_m``."""
    fwd = np.asarray(target_m, dtype=float) - np.asarray(position_m, dtype=float)
    fwd = fwd / np.linalg.norm(fwd)
    up = np.array([0.0, 1.0, 0.0])
    right = np.cross(fwd, up)
    right = right / np.linalg.norm(right)
    down = np.cross(fwd, right)
    return np.stack([right, down, fwd])


def facing_of(view: ViewName, *, camera_side: Literal["left", "right"] = "left") -> FacingName:
    """Which way the patient faces in the image for a view (before mirroring)."""
    if view == "front":
        return "camera"
    if view == "back":
        return "away"
    return "left" if camera_side == "left" else "right"


def make_camera(
    *,
    view: ViewName,
    facing: FacingName | None = None,
    size_px: tuple[int, int] = (640, 480),
    roll_deg: float = 0.0,
    mirrored: bool = False,
    distance_m: float = 3.6,
    height_m: float = 1.05,
    target_m: tuple[float, float, float] = (0.0, 0.88, 0.0),
    heading_deg: float = 0.0,
    focal_px: float | None = None,
    fit_height_m: float = 2.2,
    fit_width_m: float = 2.0,
    turn_deg: float = 0.0,
) -> Camera:
    """A camera standing ``distance_m`` from the subject for a clinical view.

    Parameters
    ----------
    view : {"side", "front", "back"}
        Where the camera stands relative to the subject (whose feet head ``heading_deg``).
    facing : {"left", "right", "camera", "away"} or None
        For a side view, which image direction the patient faces before mirroring: "left"
        puts the camera at the patient's left side, "right" at the right side. Ignored for
        front ("camera") and back ("away"); None means "left" for a side view.
    size_px : (int, int)
        Frame (width, height).
    roll_deg, mirrored :
        See :class:`Camera`.
    distance_m : float
        Horizontal distance from the target.
    height_m : float
        Camera height above the floor.
    target_m : (float, float, float)
        World point the camera aims at.
    heading_deg : float
        The subject's heading.
    focal_px : float or None
        Focal length; None fits ``fit_height_m`` x ``fit_width_m`` at the target distance.
    fit_height_m, fit_width_m : float
        Scene extent to fit in the frame when ``focal_px`` is None.
    turn_deg : float
        Move the camera this far round the subject from ``view``, + toward the subject's right
        (from the left side view, +45 puts it 45 deg toward the front: an oblique camera).
    """
    if view not in ("side", "front", "back"):
        raise ValueError(f"view must be 'side', 'front' or 'back', got {view!r}")
    if size_px[0] % 2 or size_px[1] % 2 or min(size_px) < 16:
        raise ValueError(f"size_px must be even and at least 16 px, got {size_px!r}")
    r_body = yaw_matrix(heading_deg)
    fwd, right = r_body[:, 0], r_body[:, 2]
    if view == "front":
        offset = fwd
    elif view == "back":
        offset = -fwd
    else:
        if facing not in (None, "left", "right"):
            raise ValueError(f"a side view faces 'left' or 'right', got {facing!r}")
        offset = -right if facing in (None, "left") else right
    offset = yaw_matrix(turn_deg) @ offset if turn_deg else offset
    target = np.asarray(target_m, dtype=float)
    pos = target + offset * distance_m
    pos[1] = height_m
    if focal_px is None:
        w, h = size_px
        focal_px = min(h * distance_m / fit_height_m, w * distance_m / fit_width_m)
    return Camera(
        size_px=size_px,
        focal_px=float(focal_px),
        position_m=pos,
        axes=look_at(pos, target),
        roll_deg=roll_deg,
        mirrored=mirrored,
    )
