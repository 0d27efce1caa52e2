"""Standing trunk rotation (twists), filmed from the front or from behind: an estimate.

One camera sees a turn about the vertical axis only indirectly, so three cues are combined and
checked against each other:

* **magnitude** of the shoulder line's turn from its 2-D foreshortening: the shoulders look
  narrower relative to the torso length (which a twist does not change) than at neutral. The
  model's shoulder points lie on the body's outline rather than on the joint centres, and the
  outline of a torso ``depth_ratio`` times as deep as it is wide narrows as
  ``r^2 = cos^2 a + k^2 sin^2 a``; k = 0.6 is adult chest depth over biacromial breadth
  (about 25 cm / 41 cm, US Army ANSUR II 2012). Blind below about 15 deg and without a sign.
* **direction** by vote of the model's depth of the two shoulders (world and image z), of the
  nose relative to the ears and of the hands relative to the shoulder centre (hands held in
  front of the body, or arms crossed on the chest, swing toward the side turned to); the share
  of the vote that agrees is the confidence.
* **pelvis** turn from the model's depth of the two hips (small angles, where foreshortening
  is blind).

Trunk rotation = shoulder-line turn minus pelvis turn (shoulder line relative to hip line).
MediaPipe's depth alone errs by 13-23 deg RMSE on real footage; none of these figures is a
measurement in the sense of the sagittal and frontal angles, and the report says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import ClassVar, Final

import numpy as np

from assess.conditioning import Conditioning
from assess.landmarks import LandmarkSeries
from assess.movements.base import SLOW_MOVEMENT_RATE_HZ, AnalysisContext
from assess.movements.spine.common import (
    FloatArray,
    finite_or_none,
    measure_from_neutral,
    neutral_records,
    neutral_warnings,
    prepare,
    repetitions_of,
    side_of,
    spine_result,
    summarise,
    supported_views,
    torso_length_px,
    usable_view,
    value_at_peak,
    window_extreme,
)
from assess.neutral import Neutral
from assess.repetitions import Excursion, RepetitionRules, segment_repetitions
from assess.results import MovementResult, RepetitionDetail, Signal
from assess.types import Omission, Side
from assess.view import ViewEstimate

_NEEDED = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
_HOW = "film the patient from the front (or from behind), camera level at chest height, whole body in view"
FIGURES = ("trunk_rotation_rom", "pelvis_rotation_peak")

#: Errors measured against rendered truth by tests/spine/test_end_to_end.py (golden clips, the
#: real model): RMSE and largest error of the per-repetition peaks, in degrees.
MEASURED_TRUNK_RMSE_DEG: Final = 6.0
MEASURED_TRUNK_MAX_DEG: Final = 10.0
MEASURED_PELVIS_RMSE_DEG: Final = 4.5

#: Cue scales: a cue reaching this value votes with full weight.
_WORLD_SCALE_DEG = 10.0
_IMAGE_SCALE_DEG = 15.0
_NOSE_SCALE_TORSO = 0.05
_HANDS_SCALE_TORSO = 0.03
#: Below this the shoulder foreshortening cannot see a turn.
BLIND_ZONE_DEG: Final = 15.0
#: Largest standing trunk rotation (shoulder line relative to the pelvis) a body can make, deg:
#: thoracic about 35-50 plus lumbar about 5-10 in healthy young adults (Magee 2014 gives 10-35 as
#: the normal range; Troke 2005 about 7); more is a model error and is withheld.
MAX_PLAUSIBLE_TRUNK_ROTATION_DEG: Final = 60.0
#: A twist's confidence: share of the direction vote that agrees for "high" / "moderate", and
#: the largest disagreement (deg) between the foreshortening and depth magnitudes for "high".
HIGH_AGREEMENT: Final = 0.8
MODERATE_AGREEMENT: Final = 0.4
MAX_CUE_DISAGREEMENT_DEG: Final = 20.0


def line_yaw_deg(
    left: FloatArray, right: FloatArray, /, *, right_sign: float, posterior_sign: float
) -> FloatArray:
    """Turn of the left -> right line about the vertical, + when the right end moves backward.

    Parameters
    ----------
    left, right : ndarray, shape (n, 3)
        x (image right) and z (depth, larger = farther from the camera) in the same unit.
    right_sign : float
        +1 when the patient's right is toward image-right (back view), -1 otherwise (front).
    posterior_sign : float
        +1 when the patient's back faces away from the camera (front view), -1 (back view).
    """
    d = np.asarray(right, dtype=float) - np.asarray(left, dtype=float)
    return np.asarray(np.degrees(np.arctan2(posterior_sign * d[:, 2], right_sign * d[:, 0])))


def foreshortening_deg(ratio: FloatArray, /, *, depth_ratio: float) -> FloatArray:
    """Turn (deg, >= 0) of a line whose apparent width is ``ratio`` of its width facing the camera."""
    if not 0.0 <= depth_ratio < 1.0:
        raise ValueError(f"depth_ratio must be in [0, 1), got {depth_ratio}")
    r = np.clip(np.asarray(ratio, dtype=float), 0.0, 1.0)
    k2 = depth_ratio * depth_ratio
    cos2 = np.clip((r * r - k2) / (1.0 - k2), 0.0, 1.0)
    return np.asarray(np.degrees(np.arccos(np.sqrt(cos2))))


def _vote(value: FloatArray, scale: float) -> FloatArray:
    return np.asarray(np.where(np.isfinite(value), np.clip(value / scale, -1.0, 1.0), np.nan))


@dataclass(frozen=True, kw_only=True)
class Rotation:
    """Standing trunk rotation to both sides, front or back view (an estimate; see the module).

    Figures per side: ``trunk_rotation_rom`` (deg: turn of the shoulder line relative to the hip
    line, largest repetition, spread across repetitions) and ``pelvis_rotation_peak`` (deg: turn
    of the hip line from neutral during that side's twists, + in the same direction: turning the
    whole body is a compensation). Every result carries a warning with the measured error.

    Parameters
    ----------
    conditioning : Conditioning
        Landmark conditioning.
    repetition_rules : RepetitionRules
        Sided thresholds; the minimum amplitude (10 deg) is higher than for bends because the
        foreshortening cue is blind below about 15 deg and noisier near zero.
    depth_ratio : float
        Torso depth over shoulder width for the foreshortening model (0 = thin line).
    neutral_tolerance_pct : float
        Still windows whose shoulders look within this many percent of the widest count as neutral.
    """

    conditioning: Conditioning = field(default_factory=Conditioning)
    repetition_rules: RepetitionRules = field(
        default_factory=lambda: RepetitionRules(
            enter_deg=7.0, min_amplitude_deg=10.0, return_floor_deg=5.0, sided=True
        )
    )
    depth_ratio: float = 0.6
    neutral_tolerance_pct: float = 1.5

    def _signals(self, sub: LandmarkSeries, neutral: Neutral, view: ViewEstimate) -> dict[str, FloatArray]:
        right = view.image_sign_of(Side.RIGHT)
        post = 1.0 if abs(view.angle_deg) < 90.0 else -1.0
        torso = torso_length_px(sub)
        width = np.linalg.norm(sub.px("left_shoulder") - sub.px("right_shoulder"), axis=1) / torso
        magnitude = foreshortening_deg(width / neutral.scalar(width), depth_ratio=self.depth_ratio)

        def yaw(arr: FloatArray, name: str) -> FloatArray:
            y = line_yaw_deg(
                arr[:, sub.names.index(f"left_{name}")], arr[:, sub.names.index(f"right_{name}")],
                right_sign=right, posterior_sign=post,
            )  # fmt: skip
            return np.asarray(y - neutral.scalar(y))

        world_sh = yaw(sub.world_m, "shoulder")
        image_sh = yaw(sub.image_px, "shoulder")
        nose = right * (sub.px("nose")[:, 0] - sub.mid_px("ear")[:, 0]) / torso
        nose = nose - neutral.scalar(nose)
        hands = right * (sub.mid_px("wrist")[:, 0] - sub.mid_px("shoulder")[:, 0]) / torso
        hands = hands - neutral.scalar(hands)
        votes = np.stack(
            [
                _vote(world_sh, _WORLD_SCALE_DEG),
                _vote(image_sh, _IMAGE_SCALE_DEG),
                _vote(nose, _NOSE_SCALE_TORSO),
                _vote(hands, _HANDS_SCALE_TORSO),
            ]
        )
        n_cues = np.isfinite(votes).sum(axis=0)
        total = np.nansum(votes, axis=0)
        sign = np.sign(total)
        with np.errstate(invalid="ignore", divide="ignore"):
            agreement = np.where(n_cues > 0, np.abs(total) / n_cues, np.nan)
        pelvis = yaw(sub.world_m, "hip")
        return {
            "rom": np.asarray(sign * magnitude - pelvis),
            "pelvis": pelvis,
            "vote": total,
            "n_cues": n_cues.astype(float),
            "agreement": agreement,
            "shoulder_2d": magnitude,
            "shoulder_depth": np.abs(image_sh),
        }

    def _signed_by_twist(self, t: FloatArray, sig: dict[str, FloatArray]) -> FloatArray:
        """The trunk rotation with one direction per twist, voted over the whole twist.

        The shoulder turn's magnitude is segmented first (unsided); every frame of a twist then
        takes the direction the cues favour over that twist, weighted by the turn, so a cue that
        wavers near upright cannot split one twist into several.
        """
        signed = sig["rom"].copy()
        unsided = replace(self.repetition_rules, sided=False)
        for e in segment_repetitions(t, sig["shoulder_2d"], rules=unsided).excursions:
            sel = (t >= e.start_s) & (t <= e.end_s)
            weight = np.nan_to_num(sig["shoulder_2d"][sel])
            direction = float(np.sign(np.nansum(sig["vote"][sel] * weight)))
            support = float(np.nansum(sig["n_cues"][sel] * weight))
            sig["agreement"][sel] = (
                abs(float(np.nansum(sig["vote"][sel] * weight))) / support if support else np.nan
            )
            signed[sel] = direction * sig["shoulder_2d"][sel] - sig["pelvis"][sel]
        return signed

    #: Slow movements, low-passed at 6 Hz: 12 frames a second carry all of it.
    model_rate_hz: ClassVar[float] = SLOW_MOVEMENT_RATE_HZ

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Estimate every twist from the patient's neutral."""
        del context
        params = asdict(self)
        prep = prepare(series, conditioning=self.conditioning, needed=_NEEDED)
        warnings = [rotation_warning()] + list(prep.warnings)
        view = usable_view(
            "rotation", prep.view, plane="frontal", how=_HOW, figures=FIGURES,
            warnings=warnings, parameters=params, quality=prep.quality,
        )  # fmt: skip
        if isinstance(view, MovementResult):
            return view
        clean = prep.series

        def key(sub: LandmarkSeries) -> FloatArray:
            width = np.linalg.norm(
                sub.px("left_shoulder") - sub.px("right_shoulder"), axis=1
            ) / torso_length_px(sub)
            widest = float(np.nanquantile(width, 0.99)) if np.isfinite(width).any() else math.nan
            return np.asarray(100.0 * (1.0 - width / widest))

        names = ("rom", "pelvis", "vote", "n_cues", "agreement", "shoulder_2d", "shoulder_depth")
        shots = prep.shots
        sig, found = measure_from_neutral(
            clean, shots, supported_views(prep.shot_views, plane="frontal"), key=key,
            signals=self._signals, names=names, tolerance=self.neutral_tolerance_pct,
        )  # fmt: skip
        warnings += neutral_warnings(found, len(shots), upright_limit_deg=None)
        n_flipped = int((prep.flipped & np.isfinite(sig["rom"])).sum())
        if n_flipped:
            # The model turned the body the other way round: widths and depths there are not the body's.
            for name in names:
                sig[name][prep.flipped] = np.nan
            warnings.append(
                f"in {n_flipped} frames the pose model turned the body the other way round (front for back); "
                "they were left out of the rotation estimate"
            )
        sig["rom"] = self._signed_by_twist(clean.time_s, sig)
        found_reps, cut = repetitions_of(clean.time_s, sig["rom"], rules=self.repetition_rules)
        warnings += cut
        reps = tuple(e for e in found_reps if e.peak_value <= MAX_PLAUSIBLE_TRUNK_ROTATION_DEG)
        impossible = [e for e in found_reps if e.peak_value > MAX_PLAUSIBLE_TRUNK_ROTATION_DEG]
        warnings += [impossible_reason(e.peak_value, side_of(e.sign), e.peak_s) for e in impossible]
        t = clean.time_s
        rom = [(side_of(e.sign), e.peak_value) for e in reps]
        pelvis = [(side_of(e.sign), window_extreme(t, e.sign * sig["pelvis"], e)) for e in reps]
        details = [_cue_detail(t, sig, e, pelvis=p) for e, (_, p) in zip(reps, pelvis, strict=True)]
        none = (
            f"no twist of at least {self.repetition_rules.min_amplitude_deg:g} deg to this side was found"
            if found else "no neutral standing posture was found"
        )  # fmt: skip
        sides = (Side.LEFT, Side.RIGHT)
        measurements, omissions = summarise(
            "trunk_rotation_rom", rom, unit="deg", view=view.view, sides=sides, reason_none=none
        )
        m, o = summarise(
            "pelvis_rotation_peak", pelvis, unit="deg", view=view.view, sides=sides, reason_none=none
        )
        measurements += m
        omissions = [_impossible_instead(x, impossible) for x in (*omissions, *o)]
        doubtful = [d for d in details if d.confidence == "low"]
        if doubtful:
            warnings.append(
                f"{len(doubtful)} twist(s) had cues that disagree about the direction or size (low "
                "confidence): "
                "check the side against the video"
            )
        return spine_result(
            "rotation", view, measurements=measurements, omissions=omissions, excursions=reps,
            sided=True, warnings=warnings, parameters=params, quality=prep.quality, figures=FIGURES,
            neutral=neutral_records(clean, found), details=details,
            signal=Signal(name="trunk_rotation", unit="deg", time_s=clean.time_s, values=sig["rom"]),
        )  # fmt: skip


def impossible_reason(value_deg: float, side: Side, peak_s: float, /) -> str:
    """Why a twist estimate was left out: beyond what a trunk can turn on its pelvis."""
    return (
        f"a twist to the {side.value} at {peak_s:.1f} s read {value_deg:.0f} deg, beyond what a trunk can "
        f"turn relative to the pelvis (at most about {MAX_PLAUSIBLE_TRUNK_ROTATION_DEG:g} deg): a pose-model "
        "error, left out; film the twist again from straight in front"
    )


def _impossible_instead(omission: Omission, impossible: Sequence[Excursion], /) -> Omission:
    """A side's omission names the impossible estimate when that is why nothing was measured."""
    same = [e for e in impossible if side_of(e.sign) is omission.side]
    if omission.name != "trunk_rotation_rom" or not same:
        return omission
    worst = max(same, key=lambda e: e.peak_value)
    return replace(omission, reason=impossible_reason(worst.peak_value, side_of(worst.sign), worst.peak_s))


def _cue_detail(
    t: FloatArray, sig: dict[str, FloatArray], e: Excursion, *, pelvis: float
) -> RepetitionDetail:
    """The cues at one twist's peak and the confidence they give."""
    agreement = value_at_peak(t, sig["agreement"], e)
    shoulder_2d = value_at_peak(t, sig["shoulder_2d"], e)
    depth = value_at_peak(t, sig["shoulder_depth"], e)
    consistent = math.isfinite(depth) and abs(depth - shoulder_2d) <= MAX_CUE_DISAGREEMENT_DEG
    if agreement >= HIGH_AGREEMENT and consistent and shoulder_2d >= BLIND_ZONE_DEG:
        confidence = "high"
    elif agreement >= MODERATE_AGREEMENT:
        confidence = "moderate"
    else:
        confidence = "low"
    return RepetitionDetail(
        side=side_of(e.sign),
        peak_s=e.peak_s,
        figures={
            "trunk_rotation_rom": e.peak_value,
            "pelvis_rotation_peak": finite_or_none(pelvis),
            "shoulder_turn_foreshortening": finite_or_none(shoulder_2d),
            "shoulder_turn_depth": finite_or_none(depth),
            "direction_agreement": finite_or_none(agreement),
        },
        confidence=confidence,
    )


def rotation_warning() -> str:
    """The warning every rotation result carries: an estimate, and its measured error."""
    return (
        "trunk rotation from one camera is an estimate: the turn is read from how much narrower the "
        f"shoulders look (blind below about {BLIND_ZONE_DEG:g} deg) and its direction from the model's "
        f"depth, the face and the hands; against rendered figures it erred by "
        f"{MEASURED_TRUNK_RMSE_DEG:g} deg RMSE (largest {MEASURED_TRUNK_MAX_DEG:g} deg), the pelvis turn "
        f"by {MEASURED_PELVIS_RMSE_DEG:g} deg RMSE; real footage is likely worse"
    )
