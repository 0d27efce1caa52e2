"""Find quiet upright standing in a clip: the patient's own neutral posture."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assess.geometry import inclination_deg
from assess.landmarks import LandmarkSeries
from assess.signal import true_runs

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class StillWindow:
    """A still stretch of the clip, in seconds, with the trunk's median image inclination."""

    start_s: float
    end_s: float
    trunk_image_deg: float

    @property
    def duration_s(self) -> float:
        """Length of the window."""
        return self.end_s - self.start_s


def body_speed(series: LandmarkSeries, /) -> FloatArray:
    """Speed of the hip, shoulder and knee centres in torso lengths per second, per frame."""
    torso = np.linalg.norm(series.centre_px("shoulder") - series.centre_px("hip"), axis=1)
    scale = float(np.nanmedian(torso)) if np.isfinite(torso).any() else np.nan
    pts = np.stack([series.centre_px("hip"), series.centre_px("shoulder"), series.centre_px("knee")], axis=1)
    speed = np.full(series.n_frames, np.nan)
    if series.n_frames < 2 or not np.isfinite(scale):
        return speed
    dt = np.gradient(series.time_s)
    vel = np.gradient(pts, axis=0) / dt[:, None, None]
    norms = np.linalg.norm(vel, axis=-1)
    # The knees may be hidden; the hip and shoulder centres must be there.
    core = np.isfinite(norms[:, :2]).all(axis=1)
    speed = np.where(core, np.max(np.where(np.isfinite(norms), norms, 0.0), axis=1), np.nan) / scale
    return np.asarray(speed)


def trunk_inclination_image_deg(series: LandmarkSeries, /) -> FloatArray:
    """Inclination of the mid-hip -> mid-shoulder line from the image vertical (+ image right)."""
    return inclination_deg(series.centre_px("hip"), series.centre_px("shoulder"))


def find_still_windows(
    series: LandmarkSeries,
    /,
    *,
    max_speed_torso_per_s: float = 0.25,
    min_duration_s: float = 0.8,
) -> list[StillWindow]:
    """Windows where the body is still: quiet standing or a hold at end range.

    Parameters
    ----------
    series : LandmarkSeries
        Conditioned landmarks.
    max_speed_torso_per_s : float
        Still means the hip, shoulder and knee centres move slower than this, in torso
        lengths per second (quiet sway is about 0.05; slow walking is above 1).
    min_duration_s : float
        Shortest window that counts.

    Returns
    -------
    list of StillWindow
        In time order, each with the median image inclination of the trunk; which of them
        is the patient's neutral depends on the movement (see the analyzers).
    """
    if series.n_frames < 2:
        return []
    speed = body_speed(series)
    incl = trunk_inclination_image_deg(series)
    still = np.isfinite(speed) & (speed < max_speed_torso_per_s) & np.isfinite(incl)
    windows = []
    for a, b in true_runs(still):
        start, end = float(series.time_s[a]), float(series.time_s[b - 1])
        if end - start >= min_duration_s:
            windows.append(StillWindow(start_s=start, end_s=end, trunk_image_deg=float(np.median(incl[a:b]))))
    return windows
