"""Centimetres from pixels, with the patient's height, in the patient's own upright frame.

At neutral the eyes and the ankles are in view; their distance is a known share of stature
(eye height 0.936 H, ankle height 0.039 H: Drillis & Contini 1966, as tabulated by Winter,
*Biomechanics and Motor Control of Human Movement*), which gives pixels per centimetre. The
line from the ankles to the ears at neutral (the postural plumb line, which runs through the
ear and just in front of the ankle) is the patient's vertical in the picture, so a camera that
is not level does not tilt the "height above the floor" either.

The pose model's hand landmark ``index`` sits at the base of the index finger, not at its tip;
the fingertip is extrapolated along the hand (wrist -> index) to the hand length, 0.108 H
(same table).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assess.landmarks import LandmarkSeries
from assess.neutral import Neutral
from assess.types import Side

FloatArray = NDArray[np.float64]

#: Eye height and ankle height as fractions of stature (Drillis & Contini 1966).
EYE_HEIGHT_FRACTION = 0.936
ANKLE_HEIGHT_FRACTION = 0.039
#: Hand length (wrist crease to middle fingertip) as a fraction of stature (same source).
HAND_LENGTH_FRACTION = 0.108
#: Hip-to-shoulder length over stature, 0.288 (same source), +-25 %: outside, the scale is refused.
TORSO_FRACTION_RANGE = (0.216, 0.36)


@dataclass(frozen=True, kw_only=True)
class BodyFrame:
    """The patient's upright frame in the picture at neutral.

    Parameters
    ----------
    up : ndarray, shape (2,)
        Unit image vector from the ankles toward the ears at neutral.
    floor_px : ndarray, shape (2,)
        A point on the floor under the ankles, in pixels.
    px_per_cm : float
        Image scale at the patient, from the given height.
    stature_px : float
        The patient's height in pixels.
    """

    up: FloatArray
    floor_px: FloatArray
    px_per_cm: float
    stature_px: float

    @property
    def toward_image_right(self) -> FloatArray:
        """Unit image vector perpendicular to ``up``, toward the image right."""
        return np.array([-self.up[1], self.up[0]])

    def height_cm(self, points_px: FloatArray, /) -> FloatArray:
        """Height of image points (n, 2) above the floor along the patient's vertical, in cm."""
        return np.asarray((np.asarray(points_px) - self.floor_px) @ self.up / self.px_per_cm)

    def across_cm(self, points_px: FloatArray, /) -> FloatArray:
        """Signed distance of image vectors (n, 2) across the patient's vertical, + image right, in cm."""
        return np.asarray(np.asarray(points_px) @ self.toward_image_right / self.px_per_cm)


def body_frame(series: LandmarkSeries, neutral: Neutral, /, *, height_cm: float) -> BodyFrame | None:
    """The upright frame at neutral.

    None when the eyes, ears or ankles were not seen at neutral, or when the stature they give
    disagrees with the torso length (a landmark guessed outside the picture, a close-up).
    """
    if not height_cm > 0:
        raise ValueError(f"height_cm must be > 0, got {height_cm}")
    eye = neutral.baseline(series.mid_px("eye"))
    ankle = neutral.baseline(series.mid_px("ankle"))
    ear = neutral.baseline(series.mid_px("ear"))
    if not (np.isfinite(eye).all() and np.isfinite(ankle).all() and np.isfinite(ear).all()):
        return None
    span = float(np.linalg.norm(eye - ankle))
    plumb = float(np.linalg.norm(ear - ankle))
    if span <= 0 or plumb <= 0:
        return None
    up = (ear - ankle) / plumb
    stature = span / (EYE_HEIGHT_FRACTION - ANKLE_HEIGHT_FRACTION)
    torso = float(np.linalg.norm(neutral.baseline(series.mid_px("shoulder") - series.mid_px("hip"))))
    if not TORSO_FRACTION_RANGE[0] <= torso / stature <= TORSO_FRACTION_RANGE[1]:
        return None  # eyes, ankles and torso disagree about the scale: a guessed landmark
    floor = ankle - up * ANKLE_HEIGHT_FRACTION * stature
    return BodyFrame(up=up, floor_px=floor, px_per_cm=stature / height_cm, stature_px=stature)


def fingertip_px(series: LandmarkSeries, side: Side, /, *, stature_px: float) -> FloatArray:
    """Image position of one hand's fingertip (n, 2), extrapolated from wrist and index base."""
    wrist = series.px(f"{side.value}_wrist")
    index = series.px(f"{side.value}_index")
    d = index - wrist
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = d / norm
    return np.asarray(wrist + unit * HAND_LENGTH_FRACTION * stature_px)


def neutral_up(series: LandmarkSeries, neutral: Neutral, /) -> FloatArray | None:
    """Unit image vector of the patient's vertical at neutral (ankles -> ears, else hips -> shoulders)."""
    for low, high in (("ankle", "ear"), ("hip", "shoulder")):
        d = neutral.baseline(series.mid_px(high) - series.mid_px(low))
        norm = float(np.linalg.norm(d))
        if np.isfinite(d).all() and norm > 0:
            return np.asarray(d / norm)
    return None
