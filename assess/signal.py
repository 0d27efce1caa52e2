"""Signal conditioning for landmark series: pure functions, time first, keyword-only options.

Every function returns new arrays and never modifies its input. NaN marks a missing sample;
only short gaps are bridged, longer gaps stay missing.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from assess.landmarks import INDEX, LandmarkSeries

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """Start (inclusive) and stop (exclusive) indices of the True runs of a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def true_runs(mask: BoolArray) -> list[tuple[int, int]]:
    """Public alias of the run finder: ``[(start, stop), ...]`` of True runs."""
    return _runs(np.asarray(mask, dtype=bool))


def _check_time(time_s: FloatArray, values: FloatArray) -> None:
    if time_s.ndim != 1 or values.shape[0] != time_s.shape[0]:
        raise ValueError(
            f"values must have the time axis first with {time_s.shape[0]} samples, got shape {values.shape}"
        )


def bridge_gaps(time_s: FloatArray, values: FloatArray, /, *, max_gap_s: float) -> FloatArray:
    """Linearly interpolate interior NaN gaps no longer than ``max_gap_s``.

    Parameters
    ----------
    time_s : ndarray, shape (n,)
        Sample times in seconds.
    values : ndarray, shape (n, ...)
        Signal, time first; each column is bridged independently.
    max_gap_s : float
        Longest gap to bridge, measured between the valid samples on either side.

    Returns
    -------
    ndarray
        A copy with short interior gaps filled; leading, trailing and long gaps stay NaN.
    """
    if max_gap_s < 0:
        raise ValueError(f"max_gap_s must be >= 0, got {max_gap_s}")
    _check_time(time_s, values)
    out = np.array(values, dtype=float, copy=True)
    flat = out.reshape(out.shape[0], -1)
    for col in range(flat.shape[1]):
        y = flat[:, col]
        missing = ~np.isfinite(y)
        if not missing.any() or missing.all():
            continue
        for start, stop in _runs(missing):
            if start == 0 or stop == len(y):
                continue
            if time_s[stop] - time_s[start - 1] <= max_gap_s:
                t0, t1 = time_s[start - 1], time_s[stop]
                w = (time_s[start:stop] - t0) / (t1 - t0)
                y[start:stop] = y[start - 1] + w * (y[stop] - y[start - 1])
    return out


def reject_outliers(
    time_s: FloatArray, values: FloatArray, /, *, window_s: float = 0.5, n_sigmas: float = 4.0
) -> FloatArray:
    """Hampel filter: set samples far from their moving median to NaN.

    Parameters
    ----------
    time_s : ndarray, shape (n,)
        Sample times in seconds.
    values : ndarray, shape (n, ...)
        Signal, time first.
    window_s : float
        Full width of the moving window in seconds.
    n_sigmas : float
        A sample is an outlier beyond ``n_sigmas`` robust standard deviations (1.4826 MAD).

    Returns
    -------
    ndarray
        A copy with outliers replaced by NaN (bridge them afterwards if wanted).
    """
    if window_s <= 0 or n_sigmas <= 0:
        raise ValueError(f"window_s and n_sigmas must be > 0, got {window_s}, {n_sigmas}")
    _check_time(time_s, values)
    out = np.array(values, dtype=float, copy=True)
    n = out.shape[0]
    if n < 3:
        return out
    dt = float(np.median(np.diff(time_s)))
    half = max(1, round(window_s / dt / 2))
    flat = out.reshape(n, -1)
    padded = np.pad(flat, ((half, half), (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN, on purpose
        med = np.nanmedian(windows, axis=-1)
        scale = 1.4826 * np.nanmedian(np.abs(windows - med[..., None]), axis=-1)
    with np.errstate(invalid="ignore"):
        bad = np.abs(flat - med) > n_sigmas * scale
    bad &= np.isfinite(flat) & np.isfinite(scale) & (scale > 0)
    flat[bad] = np.nan
    return out


def lowpass(
    time_s: FloatArray, values: FloatArray, /, *, cutoff_hz: float = 6.0, order: int = 4
) -> FloatArray:
    """Zero-phase Butterworth low-pass, applied to each run of finite samples.

    Parameters
    ----------
    time_s : ndarray, shape (n,)
        Sample times; the filter uses the median sampling interval.
    values : ndarray, shape (n, ...)
        Signal, time first.
    cutoff_hz : float
        Cut-off frequency; capped at 0.8 of the Nyquist frequency of the clip.
    order : int
        Overall filter order (even: forward and backward passes share it).

    Returns
    -------
    ndarray
        Filtered copy; NaN samples stay NaN, runs too short to filter are left as they are.
    """
    if cutoff_hz <= 0:
        raise ValueError(f"cutoff_hz must be > 0, got {cutoff_hz}")
    if order < 2 or order % 2:
        raise ValueError(f"order must be an even number >= 2, got {order}")
    _check_time(time_s, values)
    out = np.array(values, dtype=float, copy=True)
    n = out.shape[0]
    if n < 4:
        return out
    # Imported here: scipy.signal takes half a second to import, which a command would otherwise
    # spend before its pose workers start (assess.service imports it while they run).
    from scipy.signal import butter, sosfiltfilt

    fs = 1.0 / float(np.median(np.diff(time_s)))
    cutoff = min(cutoff_hz, 0.8 * fs / 2.0)
    # filtfilt applies the filter twice: half the order per pass gives the stated order.
    sos = butter(order // 2, cutoff, btype="low", fs=fs, output="sos")
    flat = out.reshape(n, -1)
    min_len = 3 * (2 * sos.shape[0] + 1)
    for col in range(flat.shape[1]):
        y = flat[:, col]
        for start, stop in _runs(np.isfinite(y)):
            if stop - start <= min_len:
                continue
            y[start:stop] = sosfiltfilt(sos, y[start:stop])
    return out


def gate_visibility(series: LandmarkSeries, /, *, min_visibility: float = 0.5) -> LandmarkSeries:
    """Mark landmarks whose visibility is below ``min_visibility`` as missing (NaN)."""
    if not 0.0 <= min_visibility <= 1.0:
        raise ValueError(f"min_visibility must be in [0, 1], got {min_visibility}")
    low = series.visibility < min_visibility
    image = series.image_px.copy()
    world = series.world_m.copy()
    image[low] = np.nan
    world[low] = np.nan
    return replace(series, image_px=image, world_m=world)


_SWAP_GROUPS: dict[str, tuple[str, ...]] = {
    "legs": ("hip", "knee", "ankle", "heel", "foot_index"),
    "arms": ("shoulder", "elbow", "wrist", "pinky", "index", "thumb"),
}


def _swap_states(points_l: FloatArray, points_r: FloatArray, *, switch_cost: float) -> BoolArray:
    """Viterbi over {as labelled, swapped} per frame minimising frame-to-frame travel.

    ``points_l``/``points_r`` have shape (n, k, 2). Frames with NaN carry no evidence.
    """
    n = points_l.shape[0]
    states = np.zeros(n, dtype=bool)
    valid = np.isfinite(points_l).all(axis=(1, 2)) & np.isfinite(points_r).all(axis=(1, 2))
    idx = np.flatnonzero(valid)
    if idx.size < 3:
        return states
    cost = np.zeros(2)
    back = np.zeros((idx.size, 2), dtype=np.int8)
    for j in range(1, idx.size):
        a, b = idx[j - 1], idx[j]
        prev = [(points_l[a], points_r[a]), (points_r[a], points_l[a])]
        cur = [(points_l[b], points_r[b]), (points_r[b], points_l[b])]
        new = np.empty(2)
        for s in range(2):
            cands = []
            for p in range(2):
                travel = float(
                    np.linalg.norm(cur[s][0] - prev[p][0], axis=-1).sum()
                    + np.linalg.norm(cur[s][1] - prev[p][1], axis=-1).sum()
                )
                # A label flip by the model is what we repair: changing state costs nothing
                # extra beyond the travel it explains, but a tiny penalty keeps ties stable.
                cands.append(cost[p] + travel + (switch_cost if p != s else 0.0))
            back[j, s] = int(np.argmin(cands))
            new[s] = min(cands)
        cost = new
    path = np.zeros(idx.size, dtype=bool)
    s = int(np.argmin(cost))
    for j in range(idx.size - 1, -1, -1):
        path[j] = bool(s)
        s = int(back[j, s])
    # Both labellings explain the motion equally well; the model is right most of the time.
    if path.mean() > 0.5:
        path = ~path
    states[idx] = path
    # Missing frames inherit the state of the previous valid frame.
    filled = np.maximum.accumulate(np.where(valid, np.arange(n), 0))
    return np.where(valid, states, states[filled])


def repair_left_right_swaps(
    series: LandmarkSeries, /, *, switch_cost_fraction: float = 0.02
) -> tuple[LandmarkSeries, int]:
    """Detect and undo frames where the model exchanged left and right labels.

    Legs and arms are checked separately with a two-state Viterbi path that minimises
    the distance the landmarks travel from frame to frame.

    The model's depth (world z and image z) is consistent with its own labels: where it
    exchanged left and right it also mirrored the depth of that limb group (it saw a body
    facing the other way). Undoing the exchange therefore mirrors the depth back (z -> -z about
    the hip centre, the origin of both), so the repaired body is a real, unmirrored body.

    Parameters
    ----------
    series : LandmarkSeries
        Landmarks, possibly with label swaps.
    switch_cost_fraction : float
        Penalty for a label switch, as a fraction of the frame diagonal.

    Returns
    -------
    LandmarkSeries, int
        The repaired series and the number of frames changed in any group.
    """
    image = series.image_px.copy()
    world = series.world_m.copy()
    vis = series.visibility.copy()
    diag = float(np.hypot(*series.frame_size_px))
    changed = np.zeros(series.n_frames, dtype=bool)
    for parts in _SWAP_GROUPS.values():
        left = [INDEX[f"left_{p}"] for p in parts]
        right = [INDEX[f"right_{p}"] for p in parts]
        swapped = _swap_states(
            image[:, left, :2], image[:, right, :2], switch_cost=switch_cost_fraction * diag
        )
        if not swapped.any():
            continue
        changed |= swapped
        lr = np.array(left + right)
        rl = np.array(right + left)
        for arr in (image, world, vis):
            block = arr[swapped][:, rl]
            tmp = arr[swapped]
            tmp[:, lr] = block
            arr[swapped] = tmp
        for arr in (image, world):
            depth = arr[swapped][:, lr, 2]
            arr[np.ix_(np.flatnonzero(swapped), lr, np.array([2]))] = -depth[..., None]
    return replace(series, image_px=image, world_m=world, visibility=vis), int(changed.sum())
