"""Side bends (lateral flexion), filmed from the front or from behind.

The trunk line (hip centre -> shoulder centre) is measured in the picture from the patient's
own neutral; its sign is turned into the patient's side with the view (a patient facing the
camera who bends toward image-left bends to their right; from behind it is the reverse).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import ClassVar

import numpy as np

from assess.conditioning import Conditioning
from assess.geometry import inclination_deg
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
    upright_key,
    usable_view,
    value_at_peak,
    window_extreme,
)
from assess.movements.spine.scale import body_frame, fingertip_px, neutral_up
from assess.neutral import Neutral
from assess.repetitions import RepetitionRules
from assess.results import MovementResult, RepetitionDetail, Signal
from assess.types import Measurement, Omission, Side
from assess.view import ViewEstimate

_NEEDED = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
_HOW = "film the patient from the front or from behind (camera at hip height, level), whole body in view"
FIGURES = ("lateral_flexion_rom", "lateral_flexion_asymmetry", "fingertip_drop", "pelvis_shift")


@dataclass(frozen=True, kw_only=True)
class SideBend:
    """Side bends to both sides, front or back view.

    Figures per side: ``lateral_flexion_rom`` (deg: tilt of the hip-centre -> shoulder-centre line
    from neutral standing, largest repetition, spread across repetitions),
    ``fingertip_drop`` (cm, with the height: how far the bending side's fingertip moves down
    from neutral), ``pelvis_shift`` (cm with the height, else a fraction of the hip width:
    sideways shift of the hip centre relative to the ankles, + away from the bending side, at the
    peak); and ``lateral_flexion_asymmetry`` (deg, right minus left).

    Parameters
    ----------
    conditioning : Conditioning
        Landmark conditioning before any angle.
    repetition_rules : RepetitionRules
        Thresholds in degrees and seconds, sided (a swing through upright to the other side
        starts a repetition to that side).
    upright_limit_deg : float
        Postures bent more than this relative to the legs are never neutral (a neutral bent
        more than half of it is warned about).
    """

    conditioning: Conditioning = field(default_factory=Conditioning)
    repetition_rules: RepetitionRules = field(default_factory=lambda: RepetitionRules(sided=True))
    upright_limit_deg: float = 12.0

    #: Slow movements, low-passed at 6 Hz: 12 frames a second carry all of it.
    model_rate_hz: ClassVar[float] = SLOW_MOVEMENT_RATE_HZ

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Measure every side bend from the patient's neutral."""
        params = asdict(self)
        prep = prepare(series, conditioning=self.conditioning, needed=_NEEDED)
        warnings = list(prep.warnings)
        view = usable_view(
            "side_bend", prep.view, plane="frontal", how=_HOW, figures=FIGURES,
            warnings=warnings, parameters=params, quality=prep.quality,
        )  # fmt: skip
        if isinstance(view, MovementResult):
            return view
        clean = prep.series
        height_cm = context.height_cm
        shift_unit = "cm" if height_cm else "1"

        def signals(sub: LandmarkSeries, neutral: Neutral, shot_view: ViewEstimate) -> dict[str, FloatArray]:
            n = sub.n_frames
            right = shot_view.image_sign_of(Side.RIGHT)
            incl = right * inclination_deg(sub.mid_px("hip"), sub.mid_px("shoulder"))
            out = {"rom": incl - neutral.angle_zero(incl), "shift": np.full(n, np.nan)}
            out |= {f"drop_{s.value}": np.full(n, np.nan) for s in Side}
            up = neutral_up(sub, neutral)
            offset = sub.mid_px("hip") - sub.mid_px("ankle")
            moved = offset - neutral.baseline(offset)
            frame = body_frame(sub, neutral, height_cm=height_cm) if height_cm else None
            if frame is not None:
                out["shift"] = right * frame.across_cm(moved)
                for s in Side:
                    tip = frame.height_cm(fingertip_px(sub, s, stature_px=frame.stature_px))
                    out[f"drop_{s.value}"] = neutral.scalar(tip) - tip
            elif up is not None:
                hip_width = neutral.scalar(np.linalg.norm(sub.px("left_hip") - sub.px("right_hip"), axis=1))
                across = moved @ np.array([-up[1], up[0]])
                out["shift"] = right * across / hip_width
            return out

        names = ("rom", "shift", "drop_left", "drop_right")
        shots = prep.shots
        sig, found = measure_from_neutral(
            clean, shots, supported_views(prep.shot_views, plane="frontal"), key=upright_key,
            signals=signals, names=names, max_key=self.upright_limit_deg, from_vertical=True,
        )  # fmt: skip
        warnings += neutral_warnings(found, len(shots), upright_limit_deg=self.upright_limit_deg)
        reps, cut = repetitions_of(clean.time_s, sig["rom"], rules=self.repetition_rules)
        warnings += cut
        t = clean.time_s
        rom = [(side_of(e.sign), e.peak_value) for e in reps]
        drop = [(side_of(e.sign), window_extreme(t, sig[f"drop_{side_of(e.sign).value}"], e)) for e in reps]
        shift = [(side_of(e.sign), -e.sign * value_at_peak(t, sig["shift"], e)) for e in reps]
        none = (
            f"no side bend of at least {self.repetition_rules.min_amplitude_deg:g} deg to this side was found"
            if found else "no neutral standing posture was found"
        )  # fmt: skip
        unseen = "the landmarks it needs were not seen during the repetitions"
        need_h = "needs the patient's height (height_cm) to turn pixels into centimetres"
        sides = (Side.LEFT, Side.RIGHT)
        measurements, omissions = summarise(
            "lateral_flexion_rom", rom, unit="deg", view=view.view, sides=sides, reason_none=none
        )
        for name, values, unit, reason in (
            ("fingertip_drop", drop, "cm", need_h if not height_cm else unseen),
            ("pelvis_shift", shift, shift_unit, unseen),
        ):
            for side in sides:
                if not any(s == side for s, _ in rom):
                    omissions.append(Omission(name=name, reason=none, side=side))
                    continue
                m, o = summarise(
                    name, [(s, v) for s, v in values if s == side], unit=unit, view=view.view, sides=(side,),
                    reason_none=reason, best=lambda v: max(v, key=abs),
                )  # fmt: skip
                measurements += m
                omissions += o
        best = {m.side: m.value for m in measurements if m.name == "lateral_flexion_rom"}
        if Side.LEFT in best and Side.RIGHT in best:
            measurements.append(
                Measurement(
                    name="lateral_flexion_asymmetry",
                    value=best[Side.RIGHT] - best[Side.LEFT],
                    unit="deg",
                    view=view.view,
                )
            )
        else:
            omissions.append(
                Omission(name="lateral_flexion_asymmetry", reason="needs side bends to both sides")
            )
        details = [
            RepetitionDetail(
                side=side_of(e.sign), peak_s=e.peak_s,
                figures={
                    "lateral_flexion_rom": e.peak_value, "fingertip_drop": finite_or_none(drop[i][1]),
                    "pelvis_shift": finite_or_none(shift[i][1]),
                },
            )
            for i, e in enumerate(reps)
        ]  # fmt: skip
        return spine_result(
            "side_bend", view, measurements=measurements, omissions=omissions, excursions=reps,
            sided=True, warnings=warnings, parameters=params, quality=prep.quality, figures=FIGURES,
            neutral=neutral_records(clean, found), details=details,
            signal=Signal(name="lateral_flexion", unit="deg", time_s=clean.time_s, values=sig["rom"]),
        )  # fmt: skip
