"""Left/right label repair for walking seen from the side: legs swap roles only where they cross.

At a side view the pose model often gives the near leg's label to the far leg, and near the
crossing it morphs one leg into the other over a few frames, so neither the distance a
landmark travels nor its momentum can tell the legs apart there. Walking has a structure that
can: the feet pass each other exactly once per step (mid-swing), and between two crossings
the foot in front stays in front. So the crossings are found as the minima of the distance
between the feet along the walking direction (a label-free signal), each foot is followed as
"front, back, front, ..." from crossing to crossing, and only then is each followed foot given
the anatomical label the model gave it in most frames. The same holds for the arms, which
swing past each other once per step.

Label repair is therefore a choice per crossing, never an average of the two legs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from assess.gait.smoothing import moving_median, odd_frames
from assess.landmarks import INDEX, LandmarkSeries

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Per limb: landmarks swapped along (not used as evidence), landmarks that locate the limb.
LIMB_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "legs": (("hip", "knee"), ("ankle", "heel", "foot_index")),
    "arms": (("shoulder",), ("elbow", "wrist")),
}


def leg_length_px(series: LandmarkSeries, /) -> float:
    """Median thigh plus shank length in pixels over both legs (the body's yardstick).

    Segment lengths do not change with the joint angles, so the walking posture does not
    bias this length when the legs move in a plane parallel to the image (a side view).
    """
    lengths = []
    for side in ("left", "right"):
        hip, knee, ankle = (series.px(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        lengths.append(np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ankle - knee, axis=1))
    both = np.concatenate(lengths)
    both = both[np.isfinite(both)]
    if both.size == 0:
        raise ValueError("leg length needs hips, knees and ankles in at least one frame")
    return float(np.median(both))


@dataclass(frozen=True, kw_only=True)
class Crossings:
    """Where a pair of limbs passed each other, and how far apart they were in between.

    ``times_s`` are the crossing instants; ``separation`` is the label-free distance between
    the two limbs along the walking direction, in yardsticks, per frame (smoothed).
    """

    indices: NDArray[np.intp]
    times_s: FloatArray
    separation: FloatArray


def _v_vertex(time_s: FloatArray, sep: FloatArray, i: int) -> float:
    """Sub-frame instant of the crossing near frame ``i``: the vertex of a V through the samples.

    The unsigned separation of two limbs passing each other is V-shaped; its slope is taken on
    the steeper side of the minimum and the vertex placed on the shallower side.
    """
    n = sep.size
    if i <= 0 or i >= n - 1 or not np.isfinite(sep[i - 1 : i + 2]).all():
        return float(time_s[i])
    left, mid, right = sep[i - 1], sep[i], sep[i + 1]
    dt_l, dt_r = time_s[i] - time_s[i - 1], time_s[i + 1] - time_s[i]
    slope = max((left - mid) / dt_l, (right - mid) / dt_r)
    if slope <= 0:
        return float(time_s[i])
    if left >= right:  # still falling into frame i: the vertex lies after it
        return float(time_s[i] + min(mid / slope, dt_r))
    return float(time_s[i] - min(mid / slope, dt_l))


def find_crossings(
    time_s: FloatArray,
    forward_l: FloatArray,
    forward_r: FloatArray,
    /,
    *,
    scale_px: float | FloatArray,
    min_separation: float,
    min_interval_s: float = 0.25,
    smooth_s: float = 0.1,
) -> Crossings:
    """Crossings of two limbs from their forward positions (pixels along the walking direction).

    A crossing is a minimum of the unsigned separation flanked on both sides by maxima at
    least ``min_separation`` yardsticks higher (the limbs were apart before and after). Its
    instant is refined between frames; ``indices`` are the first frames after it.
    """
    from scipy.signal import find_peaks  # imported where used: see assess.signal.lowpass

    raw = np.abs(forward_l - forward_r) / scale_px
    sep = moving_median(raw, odd_frames(smooth_s, time_s))
    filled = sep.copy()
    bad = ~np.isfinite(filled)
    if bad.all():
        return Crossings(indices=np.zeros(0, np.intp), times_s=np.zeros(0), separation=sep)
    if bad.any():
        idx = np.arange(sep.size)
        filled[bad] = np.interp(idx[bad], idx[~bad], sep[~bad])
    dt = float(np.median(np.diff(time_s)))
    distance = max(1, round(min_interval_s / dt))
    minima, _ = find_peaks(-filled, prominence=min_separation, distance=distance)
    minima = minima[np.isfinite(sep[minima])]
    # Refine on the raw separation where it is whole around the minimum (it keeps the V sharp).
    local = np.where(np.isfinite(raw), raw, sep)
    times = np.array([_v_vertex(time_s, local, int(i)) for i in minima])
    first_after = np.searchsorted(time_s, times, side="left").astype(np.intp) if times.size else minima
    return Crossings(indices=np.asarray(first_after, dtype=np.intp), times_s=times, separation=sep)


def _limb_forward(
    series: LandmarkSeries, side: str, parts: tuple[str, ...], forward_sign: float
) -> FloatArray:
    xs = np.stack([series.px(f"{side}_{p}")[:, 0] for p in parts], axis=1)
    return np.asarray(forward_sign * xs.mean(axis=1))


def crossing_swap_states(
    series: LandmarkSeries,
    /,
    *,
    group: str,
    forward_sign: float,
    scale_px: float,
    min_separation: float,
    zone: float,
    min_interval_s: float = 0.25,
    margin_s: float = 0.02,
) -> tuple[BoolArray, Crossings]:
    """Frames whose left/right labels of one limb group must be exchanged, and the crossings.

    Parameters
    ----------
    series : LandmarkSeries
        Raw landmarks of one walking pass seen from the side.
    group : str
        ``"legs"`` or ``"arms"``.
    forward_sign : float
        +1 when the subject walks toward the image right, -1 toward the left.
    scale_px : float
        Body yardstick in pixels (leg length).
    min_separation : float
        Least change of the separation (yardsticks) between a crossing and the maxima around it.
    zone : float
        Below this separation (yardsticks) front and back cannot be told apart; such frames
        keep the labelling of the nearest frame outside the zone on their side of the crossing.
    min_interval_s : float
        Shortest time between two crossings (a very fast step).
    margin_s : float
        Frames this close to a crossing are also undecidable (at a low frame rate the frame
        nearest the crossing may still show the feet apart, in their old order).

    Returns
    -------
    swapped : ndarray of bool, shape (n,)
        True where the labels are to be exchanged.
    crossings : Crossings
        The crossings found (empty when the limbs never passed each other clearly).
    """
    if group not in LIMB_GROUPS:
        raise ValueError(f"group must be one of {sorted(LIMB_GROUPS)}, got {group!r}")
    if scale_px <= 0:
        raise ValueError(f"scale_px must be > 0, got {scale_px}")
    _, parts = LIMB_GROUPS[group]
    fl = _limb_forward(series, "left", parts, forward_sign)
    fr = _limb_forward(series, "right", parts, forward_sign)
    if group == "arms":
        fl = fl - forward_sign * series.px("left_shoulder")[:, 0]
        fr = fr - forward_sign * series.px("right_shoulder")[:, 0]
    n = series.n_frames
    crossings = find_crossings(
        series.time_s, fl, fr, scale_px=scale_px, min_separation=min_separation, min_interval_s=min_interval_s
    )
    swapped = np.zeros(n, dtype=bool)
    if crossings.indices.size == 0:
        return swapped, crossings
    # Role of the followed limb "A": in front before the first crossing, then alternating.
    segment = np.searchsorted(crossings.times_s, series.time_s, side="right")
    a_in_front = segment % 2 == 0
    left_in_front = fl > fr
    t = series.time_s
    near = np.abs(t[:, None] - crossings.times_s[None, :]).min(axis=1) < margin_s
    known = np.isfinite(fl) & np.isfinite(fr) & (crossings.separation >= zone) & ~near
    # A is the left-labelled limb where (A in front) == (left in front).
    a_is_left = np.where(known, a_in_front == left_in_front, False)
    # Frames inside a crossing zone: follow the labelled limb by continuity from the zone edge.
    a_is_left = _fill_zones(a_is_left, known, segment)
    votes = a_is_left[np.isfinite(fl) & np.isfinite(fr)]
    a_anatomically_left = bool(votes.mean() >= 0.5) if votes.size else True
    swapped = a_is_left != a_anatomically_left
    swapped &= np.isfinite(fl) & np.isfinite(fr)
    return swapped, crossings


def _fill_zones(state: BoolArray, known: BoolArray, segment: NDArray[np.intp]) -> BoolArray:
    """Give unknown frames the state of the nearest known frame in the same segment."""
    out = state.copy()
    idx = np.arange(state.size)
    for seg in np.unique(segment):
        members = idx[segment == seg]
        good = members[known[members]]
        if good.size == 0:
            continue
        unknown = members[~known[members]]
        nearest = good[np.clip(np.searchsorted(good, unknown), 0, good.size - 1)]
        before = good[np.clip(np.searchsorted(good, unknown) - 1, 0, good.size - 1)]
        pick = np.where(np.abs(before - unknown) < np.abs(nearest - unknown), before, nearest)
        out[unknown] = state[pick]
    return out


def swap_limbs(series: LandmarkSeries, /, swapped: BoolArray, *, group: str) -> LandmarkSeries:
    """Exchange the left and right labels of one limb group in the given frames."""
    proximal, distal = LIMB_GROUPS[group]
    parts = proximal + distal
    lr = np.array([INDEX[f"left_{p}"] for p in parts] + [INDEX[f"right_{p}"] for p in parts])
    rl = np.array([INDEX[f"right_{p}"] for p in parts] + [INDEX[f"left_{p}"] for p in parts])
    image = series.image_px.copy()
    world = series.world_m.copy()
    vis = series.visibility.copy()
    for arr in (image, world, vis):
        block = arr[swapped]
        block[:, lr] = arr[swapped][:, rl]
        arr[swapped] = block
    return replace(series, image_px=image, world_m=world, visibility=vis)
