"""Small NaN-aware moving-window helpers with windows given in seconds."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def odd_frames(duration_s: float, time_s: FloatArray) -> int:
    """An odd number of frames spanning about ``duration_s`` (at least 1)."""
    dt = float(np.median(np.diff(time_s))) if time_s.size > 1 else 1.0
    n = max(1, round(duration_s / dt))
    return n if n % 2 else n + 1


def _windows(x: FloatArray, size: int) -> FloatArray:
    half = size // 2
    padded = np.pad(np.asarray(x, dtype=float), half, constant_values=np.nan)
    return np.lib.stride_tricks.sliding_window_view(padded, size)


def moving_median(x: FloatArray, size: int) -> FloatArray:
    """Centred moving median over ``size`` frames, ignoring NaN (NaN where all are missing)."""
    x = np.asarray(x, dtype=float)
    if size <= 1:
        return x.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN, on purpose
        return np.asarray(np.nanmedian(_windows(x, size), axis=1))


def moving_mean(x: FloatArray, size: int) -> FloatArray:
    """Centred moving mean over ``size`` frames, ignoring NaN (NaN where all are missing)."""
    x = np.asarray(x, dtype=float)
    if size <= 1:
        return x.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(_windows(x, size), axis=1))
