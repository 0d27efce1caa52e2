"""Standing posture: shoulder and pelvic tilt (front or back view), trunk lean and forward head (side)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import ClassVar

import numpy as np

from assess.catalogue import norms_for
from assess.conditioning import Conditioning
from assess.geometry import inclination_deg
from assess.landmarks import LandmarkSeries
from assess.movements.base import SLOW_MOVEMENT_RATE_HZ, AnalysisContext
from assess.quality import assess_quality
from assess.results import MovementResult, NeutralRecord
from assess.stance import StillWindow, find_still_windows
from assess.types import Measurement, Omission, Side, View
from assess.view import ViewEstimate, detect_view

_FRONTAL = ("shoulder_tilt", "pelvic_obliquity")
_SAGITTAL = ("trunk_lean", "head_forward")
PELVIS_KEYPOINT_WARNING = (
    "pelvic_obliquity is the tilt of the model's hip keypoints, not of the iliac crests: its side "
    "is reliable, its size is not validated (see the README); palpate before charting it"
)
LEVEL_CAMERA_WARNING = (
    "posture angles are taken against the image vertical: a camera that is not level biases "
    "them one-for-one; level the camera (or use a phone level) before filming"
)


def _quiet_standing(windows: list[StillWindow], tolerance_deg: float) -> list[StillWindow]:
    """Still windows whose trunk is within ``tolerance_deg`` of the most upright one."""
    if not windows:
        return []
    upright = min(windows, key=lambda w: abs(w.trunk_image_deg))
    return [w for w in windows if abs(w.trunk_image_deg - upright.trunk_image_deg) <= tolerance_deg]


def lower_side_tilt(
    series: LandmarkSeries, name: str, view: ViewEstimate
) -> tuple[float, Side | None] | None:
    """Median tilt of the left-right line of landmark ``name`` and the patient's lower side."""
    left = series.px(f"left_{name}")
    right = series.px(f"right_{name}")
    ok = np.isfinite(left).all(axis=1) & np.isfinite(right).all(axis=1)
    if ok.sum() == 0:
        return None
    # Positive when the patient's left point is lower in the image (y grows downward).
    drop = left[ok, 1] - right[ok, 1]
    span = np.abs(left[ok, 0] - right[ok, 0])
    angle = float(np.median(np.degrees(np.arctan2(drop, span))))
    side = None if abs(angle) < 0.5 else (Side.LEFT if angle > 0 else Side.RIGHT)
    return abs(angle), side


@dataclass(frozen=True, kw_only=True)
class Posture:
    """Standing posture over the quiet-standing part of the clip.

    Parameters
    ----------
    conditioning : Conditioning
        Landmark conditioning before any angle.
    still_speed_torso_per_s : float
        Quiet standing moves slower than this (torso lengths per second).
    min_standing_s : float
        Shortest quiet standing that is analysed.
    upright_tolerance_deg : float
        Still windows whose trunk inclination is within this of the most upright window
        count as standing (the rest are holds in a bent posture).
    """

    conditioning: Conditioning = field(default_factory=Conditioning)
    still_speed_torso_per_s: float = 0.25
    min_standing_s: float = 1.0
    upright_tolerance_deg: float = 8.0

    #: Slow movements, low-passed at 6 Hz: 12 frames a second carry all of it.
    model_rate_hz: ClassVar[float] = SLOW_MOVEMENT_RATE_HZ

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Measure posture figures over quiet standing; withhold what the view cannot give."""
        del context
        params = asdict(self)
        clean, swaps = self.conditioning.apply(series)
        view = detect_view(clean)
        warnings: list[str] = []
        if view is None:
            names = _FRONTAL + _SAGITTAL
            reason = "the subject's shoulders and hips were never found"
            return MovementResult(
                movement="posture",
                view=None,
                measurements=(),
                omissions=tuple(Omission(name=n, reason=reason) for n in names),
                warnings=(reason,),
                parameters=params,
            )
        needed = ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_ear", "right_ear")
        quality = assess_quality(clean, needed=needed)
        warnings += quality.warnings
        if view.oblique:
            warnings.append(
                f"the camera is oblique to the patient (view angle {view.angle_deg:+.0f} deg, {view.label}); "
                "film straight from the side or straight from the front"
            )
        if swaps:
            warnings.append(f"left/right landmark labels were repaired in {swaps} frames")
        windows = find_still_windows(
            clean, max_speed_torso_per_s=self.still_speed_torso_per_s, min_duration_s=self.min_standing_s
        )
        standing = _quiet_standing(windows, self.upright_tolerance_deg)
        frontal = view.view in (View.FRONT, View.BACK)
        wrong_view_names = _SAGITTAL if frontal else _FRONTAL
        needs = "a side view" if frontal else "a front or back view"
        omissions = [Omission(name=n, reason=f"needs {needs}") for n in wrong_view_names]
        if not standing:
            reason = (
                f"the clip holds no quiet standing (at least {self.min_standing_s:g} s still and "
                "upright); film the patient standing still for a few seconds"
            )
            omissions += [Omission(name=n, reason=reason) for n in (_FRONTAL if frontal else _SAGITTAL)]
            return MovementResult(
                movement="posture",
                view=view,
                measurements=(),
                omissions=tuple(omissions),
                warnings=(*warnings, reason),
                parameters=params,
                quality=quality,
                norms=norms_for(_FRONTAL + _SAGITTAL),
            )
        mask = np.zeros(clean.n_frames, dtype=bool)
        for w in standing:
            mask |= (clean.time_s >= w.start_s) & (clean.time_s <= w.end_s)
        quiet = clean.select(mask)
        measurements: list[Measurement] = []
        if frontal:
            for label, landmark in (("shoulder_tilt", "shoulder"), ("pelvic_obliquity", "hip")):
                tilt = lower_side_tilt(quiet, landmark, view)
                if tilt is None:
                    omissions.append(Omission(name=label, reason=f"the {landmark}s were not found"))
                    continue
                value, side = tilt
                measurements.append(
                    Measurement(name=label, value=value, unit="deg", side=side, view=view.view)
                )
        else:
            fwd = view.forward_sign
            trunk = fwd * inclination_deg(quiet.centre_px("hip"), quiet.centre_px("shoulder"))
            near = quiet.centre_px("ear"), quiet.centre_px("shoulder")
            head = fwd * inclination_deg(near[1], near[0])
            for label, values in (("trunk_lean", trunk), ("head_forward", head)):
                finite = values[np.isfinite(values)]
                if finite.size == 0:
                    omissions.append(Omission(name=label, reason="the landmarks it needs were not found"))
                    continue
                measurements.append(
                    Measurement(name=label, value=float(np.median(finite)), unit="deg", view=view.view)
                )
        warnings.append(LEVEL_CAMERA_WARNING)
        if any(m.name == "pelvic_obliquity" for m in measurements):
            warnings.append(PELVIS_KEYPOINT_WARNING)
        incl = inclination_deg(quiet.centre_px("hip"), quiet.centre_px("shoulder"))
        standing_record = NeutralRecord(
            shot_s=(float(clean.time_s[0]), float(clean.time_s[-1])),
            neutral_s=(standing[0].start_s, standing[-1].end_s),
            still_windows_s=tuple((w.start_s, w.end_s) for w in standing),
            quiet_standing=True,
            from_image_vertical=False,
            trunk_image_inclination_deg=float(np.nanmedian(incl)) if np.isfinite(incl).any() else math.nan,
            view=view,
        )
        return MovementResult(
            movement="posture",
            view=view,
            measurements=tuple(measurements),
            omissions=tuple(omissions),
            warnings=tuple(warnings),
            parameters=params,
            quality=quality,
            norms=norms_for(_FRONTAL + _SAGITTAL),
            neutral=(standing_record,),
        )
