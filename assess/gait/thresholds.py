"""When a distance signal comes down to a level for good, or leaves it: sub-frame times.

Pure functions over a time axis and a per-frame distance (NaN = missing), used for contacts
(a heel arriving at its stance position) and toe offs (a toe leaving it).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def interp_time(time_s: FloatArray, d: FloatArray, j: int, k: int, level: float) -> float:
    """Time between frames j and k at which ``d`` passes ``level`` (linear)."""
    if d[k] == d[j]:
        return float(time_s[k])
    w = float(np.clip((d[j] - level) / (d[j] - d[k]), 0.0, 1.0))
    return float(time_s[j] + w * (time_s[k] - time_s[j]))


def arrival_time(
    time_s: FloatArray, d: FloatArray, level: float, lo: int, hi: int, *, extrapolate_s: float = 0.0
) -> float | None:
    """When ``d`` comes down to ``level`` for good in [lo, hi).

    The approach ends after the last frame clearly away (above twice the level); the
    arrival is the first crossing of the level after that, so noise after landing is ignored.
    """
    idx = np.arange(lo, hi)
    ok = np.isfinite(d[lo:hi])
    away = idx[ok & (d[lo:hi] > 2.0 * level)]
    if away.size == 0:
        return None
    start = int(away[-1])
    for k in range(start + 1, hi):
        if np.isfinite(d[k]) and d[k] <= level:
            j = k - 1
            while j > start and not np.isfinite(d[j]):
                j -= 1
            t = interp_time(time_s, d, j, k, level)
            return t + time_to_cover(time_s, d, j, k, level, extrapolate_s)
    return None


def time_to_cover(time_s: FloatArray, d: FloatArray, j: int, k: int, level: float, cap_s: float) -> float:
    """Time the last ``level`` of distance takes at the speed between frames j and k (capped)."""
    if cap_s <= 0 or k <= j:
        return 0.0
    speed = abs(float(d[j] - d[k])) / float(time_s[k] - time_s[j])
    if speed <= 0:
        return cap_s
    return min(level / speed, cap_s)


def departure_time(
    time_s: FloatArray, d: FloatArray, level: float, lo: int, hi: int, *, extrapolate_s: float = 0.0
) -> float | None:
    """When ``d`` last rises through ``level`` before first being clearly away in [lo, hi)."""
    idx = np.arange(lo, hi)
    ok = np.isfinite(d[lo:hi])
    away = idx[ok & (d[lo:hi] > 2.0 * level)]
    if away.size == 0:
        return None
    stop = int(away[0])
    for j in range(stop - 1, lo - 1, -1):
        if np.isfinite(d[j]) and d[j] <= level:
            k = j + 1
            while k < stop and not np.isfinite(d[k]):
                k += 1
            t = interp_time(time_s, d, j, k, level)
            return t - time_to_cover(time_s, d, j, k, level, extrapolate_s)
    return None
