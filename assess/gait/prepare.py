"""Getting one walking pass ready for event detection: spikes out, sides repaired, filtered.

Order matters: label swaps are repaired on the raw landmarks (a low-pass filter would smear
a swap into a slide from one leg to the other), single-frame spikes are removed, then the
standard conditioning bridges the gaps and filters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from assess.conditioning import Conditioning
from assess.gait.events import Segment
from assess.gait.labels import crossing_swap_states, swap_limbs
from assess.gait.smoothing import moving_median, odd_frames
from assess.landmarks import LandmarkSeries

FloatArray = NDArray[np.float64]


def despike(
    series: LandmarkSeries, /, *, scale_px: float, window_s: float = 0.15, limit: float = 0.1
) -> LandmarkSeries:
    """Remove single-frame jumps: samples further than ``limit`` yardsticks from their moving median.

    A walking foot moves smoothly, so on any monotonic stretch the moving median equals the
    sample; only frames where the model put a landmark somewhere else differ from it.

    Parameters
    ----------
    series : LandmarkSeries
        Landmarks (not modified).
    scale_px : float
        Yardstick in pixels (leg length).
    window_s : float
        Width of the moving median in seconds.
    limit : float
        Largest deviation kept, in yardsticks.
    """
    image = series.image_px.copy()
    size = odd_frames(window_s, series.time_s)
    for j in range(image.shape[1]):
        for c in range(2):
            x = image[:, j, c]
            med = moving_median(x, size)
            with np.errstate(invalid="ignore"):
                bad = np.abs(x - med) > limit * scale_px
            if bad.any():
                image[bad, j, :] = np.nan
    return replace(series, image_px=image)


@dataclass(frozen=True, kw_only=True)
class PreparedPass:
    """A pass after repair and filtering: ``body`` for angles, ``feet`` for events."""

    body: LandmarkSeries
    feet: LandmarkSeries
    swapped_frames: int


def prepare_side_pass(
    raw: LandmarkSeries,
    /,
    *,
    forward_sign: float,
    scale_px: float,
    body_conditioning: Conditioning,
    foot_conditioning: Conditioning,
    min_leg_separation: float,
    leg_zone: float,
    min_arm_separation: float,
    arm_zone: float,
) -> PreparedPass:
    """Repair leg and arm sides by their crossings, remove spikes, condition twice.

    The body series is conditioned for angles (trunk, head, arms); the feet series keeps a
    higher cut-off so contacts are not smeared in time.
    """
    swapped = np.zeros(raw.n_frames, dtype=bool)
    series = raw
    for group, min_sep, zone in (
        ("legs", min_leg_separation, leg_zone),
        ("arms", min_arm_separation, arm_zone),
    ):
        flip, _ = crossing_swap_states(
            series,
            group=group,
            forward_sign=forward_sign,
            scale_px=scale_px,
            min_separation=min_sep,
            zone=zone,
        )
        if flip.any():
            series = swap_limbs(series, flip, group=group)
            swapped |= flip
    series = despike(series, scale_px=scale_px)
    body, _ = body_conditioning.apply(series)
    feet, _ = foot_conditioning.apply(series)
    return PreparedPass(body=body, feet=feet, swapped_frames=int(swapped.sum()))


def prepare_frontal_pass(
    raw: LandmarkSeries,
    /,
    *,
    scale_px: float,
    body_conditioning: Conditioning,
    foot_conditioning: Conditioning,
) -> PreparedPass:
    """Front or back view: the legs do not cross in the image; the generic repair suffices."""
    series = despike(raw, scale_px=scale_px)
    body, swaps = replace(body_conditioning, repair_swaps=True).apply(series)
    feet, _ = replace(foot_conditioning, repair_swaps=True).apply(series)
    return PreparedPass(body=body, feet=feet, swapped_frames=swaps)


def leg_length_per_frame(series: LandmarkSeries, /, *, window_s: float = 0.5) -> FloatArray:
    """Leg length (thigh + shank) per frame, the longer leg, smoothed by a moving median.

    The longer of the two legs is the straighter one, whose projection is least shortened
    at a front or back view; the moving median follows a subject who walks toward the camera.
    """
    lengths = []
    for side in ("left", "right"):
        hip, knee, ankle = (series.px(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        lengths.append(np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ankle - knee, axis=1))
    both = np.stack(lengths, axis=1)
    with np.errstate(invalid="ignore"):
        longer = np.where(
            np.isfinite(both).any(axis=1),
            np.nanmax(np.where(np.isfinite(both), both, -np.inf), axis=1),
            np.nan,
        )
    smooth = moving_median(np.asarray(longer, dtype=float), odd_frames(window_s, series.time_s))
    ok = np.isfinite(smooth)
    if ok.any() and not ok.all():
        idx = np.arange(smooth.size)
        smooth[~ok] = np.interp(idx[~ok], idx[ok], smooth[ok])
    return smooth


@dataclass(frozen=True, kw_only=True)
class CameraMotion:
    """How fast the ground moved in the image, read from planted feet.

    ``speed_leg_per_s`` is the median horizontal image speed of the ground (leg lengths per
    second; near 0 for a still camera) and ``velocity_px_per_s`` the same signed, in pixels
    per second (+ toward the image right); ``shift_px`` is the cumulative horizontal shift per
    frame that, subtracted, holds the ground still; ``n_windows`` how many planted-foot
    windows the estimate rests on, ``covered_s`` the span between the first and last window
    (outside it the camera's motion is extrapolated).
    """

    speed_leg_per_s: float
    velocity_px_per_s: float
    shift_px: FloatArray
    n_windows: int
    covered_s: tuple[float, float] = (0.0, 0.0)


def _slope(time_s: FloatArray, x: FloatArray) -> float | None:
    ok = np.isfinite(x)
    if ok.sum() < 3:
        return None
    t = time_s[ok] - time_s[ok].mean()
    denom = float(t @ t)
    if denom <= 0:
        return None
    return float(t @ (x[ok] - x[ok].mean())) / denom


def estimate_camera_motion(
    feet: LandmarkSeries,
    /,
    *,
    segments: list[Segment],
    scale_px: float,
    planted_fraction: float = 0.3,
) -> CameraMotion:
    """Image motion of the ground from windows where a foot is certainly planted.

    Between two crossings the leading foot has landed and stands on its heel by the end of
    the segment, and the trailing foot still stands on its toes at the start. The image
    velocity of those points in those windows is the velocity of the ground in the image:
    zero for a still camera, about the walking speed for a camera that pans with the walker.

    Parameters
    ----------
    feet : LandmarkSeries
        Conditioned landmarks with repaired sides.
    segments : list of Segment
        Segments between crossings and the side of the leading foot.
    scale_px : float
        Leg length in pixels.
    planted_fraction : float
        Share of each segment (at its end for the heel, at its start for the toe) taken as
        planted.
    """
    t = feet.time_s
    mids: list[float] = []
    slopes: list[float] = []
    for seg in segments:
        lo, hi, side = seg.start, seg.stop, seg.side
        span = hi - lo
        k = max(3, round(planted_fraction * span))
        if span < 6:
            continue
        heel = feet.px(f"{side.value}_heel")[hi - k : hi, 0]
        toe = feet.px(f"{side.other.value}_foot_index")[lo : lo + k, 0]
        for window, times in ((heel, t[hi - k : hi]), (toe, t[lo : lo + k])):
            s = _slope(times, window)
            if s is not None:
                slopes.append(s)
                mids.append(float(times.mean()))
    if not slopes:
        return CameraMotion(
            speed_leg_per_s=0.0, velocity_px_per_s=0.0, shift_px=np.zeros(feet.n_frames), n_windows=0
        )
    order = np.argsort(mids)
    mid_t = np.asarray(mids)[order]
    vel = np.asarray(slopes)[order]
    shift = _ground_shift(feet, segments, fallback_t=mid_t, fallback_v=vel)
    speed = abs(float(np.median(vel))) / scale_px
    return CameraMotion(
        speed_leg_per_s=speed,
        velocity_px_per_s=float(np.median(vel)),
        shift_px=shift,
        n_windows=len(slopes),
        covered_s=(float(mid_t[0]), float(mid_t[-1])),
    )


def _ground_shift(
    feet: LandmarkSeries, segments: list[Segment], *, fallback_t: FloatArray, fallback_v: FloatArray
) -> FloatArray:
    """Cumulative image shift of the ground, frame by frame, from the planted point.

    In the first half of a segment the trailing foot still stands on its toes; in the second
    half the leading foot stands on its heel. Their image velocity is the ground's. Frames
    outside any segment take the interpolated window estimate.
    """
    t = feet.time_s
    v = np.interp(t, fallback_t, fallback_v)
    if t.size < 3:
        return np.zeros(t.size)
    for seg in segments:
        lo, hi = seg.start, seg.stop
        mid = lo + (hi - lo) // 2
        toe = feet.px(f"{seg.side.other.value}_foot_index")[:, 0]
        heel = feet.px(f"{seg.side.value}_heel")[:, 0]
        for a, b, x in ((lo, mid, toe), (mid, hi, heel)):
            if b - a < 2:
                continue
            local = np.gradient(x[a:b], t[a:b])
            ok = np.isfinite(local)
            v[a:b] = np.where(ok, local, v[a:b])
    v = moving_median(v, odd_frames(0.1, t))
    v = np.where(np.isfinite(v), v, 0.0)
    dt = np.diff(t, prepend=t[0])
    return np.asarray(np.cumsum(v * dt))


def stabilised(series: LandmarkSeries, /, shift_px: FloatArray) -> LandmarkSeries:
    """The series with a horizontal image shift per frame removed (ground held still)."""
    image = series.image_px.copy()
    image[:, :, 0] -= shift_px[:, None]
    return replace(series, image_px=image)


__all__ = [
    "CameraMotion",
    "PreparedPass",
    "despike",
    "estimate_camera_motion",
    "leg_length_per_frame",
    "prepare_frontal_pass",
    "prepare_side_pass",
    "stabilised",
]
