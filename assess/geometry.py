"""Plane geometry on image coordinates (x right, y down), time first, NaN-propagating."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def inclination_deg(lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Signed angle of the line ``lower -> upper`` from the image vertical.

    Parameters
    ----------
    lower, upper : ndarray, shape (n, 2)
        Image points in pixels (y down).

    Returns
    -------
    ndarray, shape (n,)
        Degrees in (-180, 180]; 0 when ``upper`` is straight above ``lower``, positive when
        the line leans toward the image right.
    """
    d = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    return np.asarray(np.degrees(np.arctan2(d[..., 0], -d[..., 1])))


def tilt_deg(first: FloatArray, second: FloatArray) -> FloatArray:
    """Signed angle of the line ``first -> second`` from the image horizontal.

    Positive when ``second`` is higher in the image than ``first`` for a line drawn
    left to right; the result is folded into [-90, 90] so the order of the points along
    the line does not matter.
    """
    d = np.asarray(second, dtype=float) - np.asarray(first, dtype=float)
    angle = np.degrees(np.arctan2(-d[..., 1], d[..., 0]))
    return np.asarray(fold_half_turn_deg(angle))


def fold_half_turn_deg(angle_deg: FloatArray | float) -> FloatArray:
    """Fold a line direction into [-90, 90] (a line has no arrow)."""
    a = (np.asarray(angle_deg, dtype=float) + 90.0) % 180.0 - 90.0
    return np.asarray(a)


def wrap_deg(angle_deg: FloatArray | float) -> FloatArray:
    """Wrap angles into [-180, 180)."""
    return np.asarray((np.asarray(angle_deg, dtype=float) + 180.0) % 360.0 - 180.0)


def joint_angle_deg(a: FloatArray, vertex: FloatArray, b: FloatArray) -> FloatArray:
    """Unsigned angle ``a - vertex - b`` in degrees, in [0, 180]; works in 2-D or 3-D."""
    u = np.asarray(a, dtype=float) - np.asarray(vertex, dtype=float)
    v = np.asarray(b, dtype=float) - np.asarray(vertex, dtype=float)
    dot = np.sum(u * v, axis=-1)
    norm = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.clip(dot / norm, -1.0, 1.0)
    return np.asarray(np.degrees(np.arccos(cos)))


def signed_angle_between_deg(u: FloatArray, v: FloatArray) -> FloatArray:
    """Signed 2-D angle from vector ``u`` to vector ``v`` in image coordinates.

    Positive is clockwise on screen (y down), matching :func:`inclination_deg`.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = np.sum(u * v, axis=-1)
    return np.asarray(np.degrees(np.arctan2(cross, dot)))


def distance(a: FloatArray, b: FloatArray) -> FloatArray:
    """Euclidean distance between matching rows of ``a`` and ``b``."""
    return np.asarray(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float), axis=-1))
