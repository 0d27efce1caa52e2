"""The patient's own neutral posture in a clip, chosen per movement.

Range of motion is measured from the posture the patient stands in when not moving, not from
the image vertical: a camera that is not level biases every absolute image angle one-for-one
(the pose model is close to rotation-equivariant), and subtracting the angle at the patient's
neutral cancels that bias.

Which still posture is neutral depends on the movement (the clip also holds still postures at
end range), so the caller scores every frame with a *key*, lower meaning "more neutral", built
from roll-invariant quantities such as the trunk relative to the legs (the analyzers use
|trunk relative to legs|, so a hold at end range in either direction is never neutral, and the
widest-looking shoulders for twists). :func:`find_neutral` takes the still frames whose key is
within a tolerance of the best (so every rest between repetitions counts), or, when the patient
never stood still, the most neutral frames of the clip, and says so. Neither the first second
of the clip nor the image vertical is assumed to be neutral: real clips often start mid-movement.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assess.geometry import inclination_deg, wrap_deg
from assess.landmarks import LandmarkSeries
from assess.signal import true_runs
from assess.stance import body_speed, find_still_windows

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Without still standing, a run of upright frames shorter than this is chosen only if no other exists.
MIN_FALLBACK_RUN_FRAMES = 3


@dataclass(frozen=True, kw_only=True)
class Neutral:
    """The frames that make up the patient's neutral posture.

    Parameters
    ----------
    mask : ndarray of bool, shape (n,)
        Frames of the series that are neutral.
    windows_s : tuple of (float, float)
        The still windows used, in seconds (empty when the fallback was used).
    key : float
        Median key (lower = more neutral) over the neutral frames, in the key's unit.
    from_still : bool
        True when neutral is quiet standing; False when the patient never stood still and the
        most neutral frames were used instead.
    from_vertical : bool
        True when no upright posture was seen at all: angles are then measured from the image
        vertical (anatomical zero), which needs a level camera; ``mask`` is empty.
    """

    mask: BoolArray
    windows_s: tuple[tuple[float, float], ...]
    key: float
    from_still: bool
    from_vertical: bool = False

    @classmethod
    def vertical(cls, n_frames: int, /) -> Neutral:
        """No upright posture in view: angles are measured from the image vertical."""
        return cls(
            mask=np.zeros(n_frames, dtype=bool),
            windows_s=(),
            key=float("nan"),
            from_still=False,
            from_vertical=True,
        )

    def angle_zero(self, angle_deg: FloatArray, /) -> float:
        """The neutral value of an angle that is 0 deg at anatomical neutral (trunk, hip, knee).

        The median over the neutral frames, or 0 when measured from the image vertical.
        """
        return 0.0 if self.from_vertical else self.scalar(angle_deg)

    def baseline(self, values: FloatArray, /) -> FloatArray:
        """Median of ``values`` (time first) over the neutral frames, per remaining column.

        Returns NaN where no neutral frame has a finite value.
        """
        sel = np.asarray(values, dtype=float)[self.mask]
        if sel.shape[0] == 0:
            return np.full(sel.shape[1:], np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN, on purpose
            return np.asarray(np.nanmedian(sel, axis=0))

    def scalar(self, values: FloatArray, /) -> float:
        """:meth:`baseline` of a 1-D signal, as a float."""
        return float(self.baseline(values))


def trunk_to_legs_deg(series: LandmarkSeries, /) -> FloatArray:
    """Signed angle of the trunk line relative to the leg line, in the image plane.

    The leg line runs from the ankle centre to the hip centre, the trunk line from the hip
    centre to the shoulder centre; positive is clockwise on screen (as
    :func:`assess.geometry.inclination_deg`). Both lines turn together with the camera, so
    this angle does not depend on camera roll; it is near zero in upright standing and grows
    in any bend seen in the image plane.
    """
    hip = series.mid_px("hip")
    legs = inclination_deg(series.mid_px("ankle"), hip)
    trunk = inclination_deg(hip, series.mid_px("shoulder"))
    return np.asarray(wrap_deg(trunk - legs))


def find_neutral(
    series: LandmarkSeries,
    /,
    *,
    key: FloatArray,
    tolerance: float = 3.0,
    still_speed_torso_per_s: float = 0.25,
    min_still_s: float = 0.6,
    fallback_fraction: float = 0.1,
    min_run_s: float = 0.3,
    max_key: float | None = None,
) -> Neutral | None:
    """Choose the neutral frames of a clip.

    Parameters
    ----------
    series : LandmarkSeries
        Conditioned landmarks.
    key : ndarray, shape (n,)
        Per-frame score, lower = more neutral (NaN where it cannot be computed).
    tolerance : float
        Still frames whose key is within this of the best (the 5th percentile over still frames)
        count as neutral, so every rest between repetitions counts; in the key's unit.
    still_speed_torso_per_s : float
        Still means slower than this, in torso lengths per second.
    min_still_s : float
        Shortest still window, in seconds.
    fallback_fraction : float
        Without any still window, the frames whose key is in this lowest fraction are used.
    min_run_s : float
        Shortest run of neutral frames kept, in seconds.
    max_key : float, optional
        Frames whose key exceeds this are never neutral (e.g. a hold at end range when the
        patient never stood upright in this shot).

    Returns
    -------
    Neutral or None
        None when no frame has a finite key (within ``max_key``).
    """
    key = np.asarray(key, dtype=float)
    if key.shape != (series.n_frames,):
        raise ValueError(f"key must have shape ({series.n_frames},), got {key.shape}")
    if not 0.0 < fallback_fraction <= 1.0:
        raise ValueError(f"fallback_fraction must be in (0, 1], got {fallback_fraction}")
    finite = np.isfinite(key)
    if max_key is not None:
        finite &= key <= max_key
    if not finite.any():
        return None
    t = series.time_s
    still = np.zeros(series.n_frames, dtype=bool)
    for w in find_still_windows(
        series, max_speed_torso_per_s=still_speed_torso_per_s, min_duration_s=min_still_s
    ):
        still |= (t >= w.start_s) & (t <= w.end_s)
    still &= finite
    if still.sum() >= 2:
        # Frame by frame, not window by window: a window may hold both standing and a slow turn.
        best = float(np.quantile(key[still], 0.05))
        mask = still & (key <= best + tolerance)
        runs = [(a, b) for a, b in true_runs(mask) if t[b - 1] - t[a] >= min_run_s]
        if runs:
            keep = np.zeros_like(mask)
            for a, b in runs:
                keep[a:b] = True
            return Neutral(
                mask=keep,
                windows_s=tuple((float(t[a]), float(t[b - 1])) for a, b in runs),
                key=float(np.median(key[keep])),
                from_still=True,
            )
    # Never still: of the stretches about as upright as the best, the stillest one (one stretch,
    # so two different moments are not mixed; passing through upright on the way into the next
    # movement is fast, standing before it is slow).
    cut = float(np.quantile(key[finite], fallback_fraction))
    runs = true_runs(finite & (key <= cut + tolerance))
    runs = [(a, b) for a, b in runs if b - a >= MIN_FALLBACK_RUN_FRAMES] or runs
    speed = body_speed(series)

    def slowness(run: tuple[int, int]) -> float:
        s = speed[run[0] : run[1]]
        return float(np.median(s[np.isfinite(s)])) if np.isfinite(s).any() else np.inf

    a, b = min(runs, key=slowness)
    mask = np.zeros(series.n_frames, dtype=bool)
    mask[a:b] = True
    return Neutral(mask=mask, windows_s=(), key=float(np.median(key[mask])), from_still=False)
