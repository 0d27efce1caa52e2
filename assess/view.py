"""From where the camera sees the patient, and which way the patient faces, from landmarks.

The estimate is an angle, not only a label: the **view angle** is the angle on the floor from
the direction the patient faces to the direction of the camera (0 = camera straight in front,
+-180 = straight behind, +-90 = side; + = camera on the patient's left), the convention of the
multi-camera reference in ``../shared/footage``.

Three cues are combined, from two body lines (shoulder line and hip line):

* the model's 3-D (world) landmarks: each line's direction in the camera-aligned x-z plane;
* foreshortening of the shoulder line: its length in the picture relative to the torso length,
  divided by the same ratio in the model's 3-D landmarks (the patient's own proportions, so no
  assumed body shape), is ``|cos(view angle)|``; the image order of left and right says front or
  back and the 3-D depth order says which side the camera is on.

On the 8 calibrated camera-trial pairs of the real multi-view footage the combination erred by
7.3 deg RMSE (worst 11.7) at standing (tests/spine/test_spine_real.py), where single cues erred
by 8-15 deg. The estimate is made over the frames the caller names (the patient's neutral
standing), never over the movement: a twist or a bend changes how wide the body looks.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from assess.geometry import wrap_deg
from assess.landmarks import LandmarkSeries
from assess.types import Facing, Side, View

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: |view angle| up to this (deg) from straight in front or behind is a front or back view.
SQUARE_MAX_DEG: Final = 30.0
#: From here to the side view (deg from front or back) the camera is oblique.
OBLIQUE_MAX_DEG: Final = 60.0
#: A body line must look at least this wide (fraction of the torso length, in 3-D) to be used.
MIN_LINE_TO_TORSO: Final = 0.15
#: With both sides of the body seen in fewer than this fraction of frames the camera sees a profile.
MIN_BOTH_SIDES_FRACTION: Final = 0.1


@dataclass(frozen=True, kw_only=True)
class ViewEstimate:
    """The estimated view angle, its label and the patient's facing in the image.

    Parameters
    ----------
    angle_deg : float
        View angle in [-180, 180): 0 camera in front, +-180 behind, + camera on the patient's left.
    view : View
        FRONT for |angle| < 60, BACK for |angle| > 120, SIDE between.
    facing : Facing
        The image direction the patient faces (LEFT/RIGHT in a side view, CAMERA/AWAY otherwise).
    oblique : bool
        True when the camera is 30-60 deg from straight in front or behind.
    spread_deg : float
        Interquartile range of the per-frame estimates used (how steady the estimate is).
    """

    angle_deg: float
    view: View
    facing: Facing
    oblique: bool
    spread_deg: float = 0.0

    @classmethod
    def from_angle(
        cls, angle_deg: float, /, *, facing: Facing | None = None, spread_deg: float = 0.0
    ) -> ViewEstimate:
        """Label a view angle; ``facing`` overrides the facing implied by the angle in a side view."""
        angle = float(wrap_deg(np.asarray(angle_deg)))
        a = abs(angle)
        if a < OBLIQUE_MAX_DEG:
            view = View.FRONT
        elif a <= 180.0 - OBLIQUE_MAX_DEG:
            view = View.SIDE
        else:
            view = View.BACK
        oblique = SQUARE_MAX_DEG < a < OBLIQUE_MAX_DEG or SQUARE_MAX_DEG < 180.0 - a < OBLIQUE_MAX_DEG
        if view is View.SIDE:
            implied = Facing.LEFT if angle > 0 else Facing.RIGHT
            face = facing if facing in (Facing.LEFT, Facing.RIGHT) else implied
        else:
            face = Facing.CAMERA if view is View.FRONT else Facing.AWAY
        return cls(angle_deg=angle, view=view, facing=face, oblique=oblique, spread_deg=spread_deg)

    @classmethod
    def from_label(cls, view: View, facing: Facing, /) -> ViewEstimate:
        """The nominal angle of a labelled view (side 90 deg, front 0, back 180)."""
        if view is View.SIDE:
            return cls.from_angle(90.0 if facing is Facing.LEFT else -90.0, facing=facing)
        return cls.from_angle(0.0 if view is View.FRONT else 180.0)

    @property
    def label(self) -> str:
        """``front``, ``front-oblique``, ``side``, ``back-oblique`` or ``back``."""
        return f"{self.view.value}-oblique" if self.oblique else self.view.value

    def image_sign_of(self, side: Side) -> float:
        """+1 if the patient's ``side`` points toward image-right, -1 if toward image-left.

        Facing the camera (|angle| < 90) the patient's right is on the image left; from behind
        it is on the image right. Weak near a pure side view.
        """
        right_is_image_right = abs(self.angle_deg) > 90.0
        toward_right = (side is Side.RIGHT) == right_is_image_right
        return 1.0 if toward_right else -1.0

    @property
    def forward_sign(self) -> float:
        """+1 if the patient faces toward image-right, -1 toward image-left.

        In a side view from the facing; otherwise from the side of the patient the camera is on
        (camera on the patient's left: the patient faces toward image-left).
        """
        if self.facing in (Facing.LEFT, Facing.RIGHT):
            return 1.0 if self.facing is Facing.RIGHT else -1.0
        return -1.0 if self.angle_deg > 0 else 1.0

    def off_square_deg(self, plane: str) -> float:
        """How far (deg) the camera is from looking square onto a body plane.

        ``plane`` is ``"sagittal"`` (seen square from the side) or ``"frontal"`` (seen square
        from the front or behind).
        """
        a = abs(self.angle_deg)
        if plane == "sagittal":
            return abs(a - 90.0)
        if plane == "frontal":
            return min(a, 180.0 - a)
        raise ValueError(f"plane must be 'sagittal' or 'frontal', got {plane!r}")


def circular_mean_deg(angles: FloatArray, /, axis: int = 0) -> FloatArray:
    """Circular mean of angles in degrees along ``axis``, ignoring NaN (NaN where none)."""
    a = np.radians(np.asarray(angles, dtype=float))
    c = np.nansum(np.cos(a), axis=axis)
    s = np.nansum(np.sin(a), axis=axis)
    n = np.isfinite(a).sum(axis=axis)
    return np.asarray(np.where(n > 0, np.degrees(np.arctan2(s, c)), np.nan))


def view_angle_cues_deg(series: LandmarkSeries, /) -> FloatArray:
    """Per-frame view-angle cues (n, 3): shoulder line in 3-D, its foreshortening, hip line in 3-D.

    NaN where a cue cannot be computed (a side of the body hidden, a line too short in 3-D). The
    hips' foreshortening is left out: the model's hip points are only about 0.2 m apart, and on
    real footage that cue erred by 15 deg RMSE, twice the others.
    """
    torso_img = np.linalg.norm(series.mid_px("shoulder") - series.mid_px("hip"), axis=1)
    mid_w = {p: 0.5 * (series.world(f"left_{p}") + series.world(f"right_{p}")) for p in ("shoulder", "hip")}
    torso_w = np.linalg.norm(mid_w["shoulder"] - mid_w["hip"], axis=1)
    cues = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for part in ("shoulder", "hip"):
            d = series.world(f"left_{part}") - series.world(f"right_{part}")
            width_w = np.linalg.norm(d, axis=1)
            world_angle = np.degrees(np.arctan2(-d[:, 2], d[:, 0]))
            usable = width_w / torso_w >= MIN_LINE_TO_TORSO
            world_angle = np.where(usable, world_angle, np.nan)
            # The line's whole length in the picture (a sideways bend tilts it without narrowing it),
            # signed by its image order (left end on the image right: seen from the front).
            d_px = series.px(f"left_{part}") - series.px(f"right_{part}")
            d_img = np.sign(d_px[:, 0]) * np.linalg.norm(d_px, axis=1)
            cos = (d_img / torso_img) / (width_w / torso_w)
            side = np.where(world_angle >= 0, 1.0, -1.0)
            fore = np.where(usable, side * np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), np.nan)
            cues += [world_angle, fore] if part == "shoulder" else [world_angle]
    return np.stack(cues, axis=1)


def view_angle_deg(series: LandmarkSeries, /) -> FloatArray:
    """Per-frame view angle (deg): circular mean of :func:`view_angle_cues_deg`; NaN where none."""
    return circular_mean_deg(view_angle_cues_deg(series), axis=1)


def _profile_facing(series: LandmarkSeries, frames: BoolArray) -> Facing:
    """Facing in a side view: the nose ahead of the ears and the toes ahead of the heels."""
    nose_ahead = series.px("nose")[frames, 0] - series.centre_px("ear")[frames, 0]
    toes_ahead = (
        series.px("left_foot_index")[frames, 0]
        + series.px("right_foot_index")[frames, 0]
        - series.px("left_heel")[frames, 0]
        - series.px("right_heel")[frames, 0]
    ) / 2.0
    votes = np.concatenate([np.sign(v[np.isfinite(v)]) for v in (nose_ahead, toes_ahead)])
    return Facing.RIGHT if votes.sum() >= 0 else Facing.LEFT


def detect_view(series: LandmarkSeries, /, *, frames: BoolArray | None = None) -> ViewEstimate | None:
    """Estimate the view angle, its label and the facing over ``frames`` (default: all frames).

    Pass the patient's neutral standing as ``frames``: the estimate assumes an upright, untwisted
    trunk. Returns None when the shoulders and hips were never found together there.
    """
    sel = np.ones(series.n_frames, dtype=bool) if frames is None else np.asarray(frames, dtype=bool)
    if sel.shape != (series.n_frames,):
        raise ValueError(f"frames must have shape ({series.n_frames},), got {sel.shape}")
    core = (
        np.isfinite(series.centre_px("shoulder")).all(axis=1)
        & np.isfinite(series.centre_px("hip")).all(axis=1)
        & sel
    )
    if not core.any():
        return None
    per_frame = view_angle_deg(series)
    usable = core & np.isfinite(per_frame)
    facing_vote = _profile_facing(series, core)
    if usable.sum() < MIN_BOTH_SIDES_FRACTION * core.sum():
        # One side of the body is hidden in nearly every frame: the camera sees a profile.
        return ViewEstimate.from_angle(90.0 if facing_vote is Facing.LEFT else -90.0, facing=facing_vote)
    angles = per_frame[usable]
    centre = float(circular_mean_deg(angles))
    residual = wrap_deg(angles - centre)
    median = float(wrap_deg(np.asarray(centre + np.median(residual))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = float(np.subtract(*np.percentile(residual, [75, 25])))
    estimate = ViewEstimate.from_angle(median, facing=facing_vote, spread_deg=spread)
    if estimate.view is View.SIDE and estimate.facing is not (Facing.LEFT if median > 0 else Facing.RIGHT):
        # The profile cues (nose, toes) are surer of the facing than the depth is of its sign.
        estimate = ViewEstimate.from_angle(-median, facing=facing_vote, spread_deg=spread)
    if not math.isfinite(estimate.angle_deg):
        return None
    return estimate
