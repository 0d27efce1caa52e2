"""Standing forward bend (flexion) and backward bend (extension), filmed from the side.

The figures say what a camera measures: the inclination of the trunk line (hip centre ->
shoulder centre) from the patient's own neutral, the trunk-thigh (hip) angle and the knee angle,
and the fingertip-to-floor distance. One camera cannot separate lumbar from hip motion, so the
trunk inclination is never called lumbar flexion.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import ClassVar

import numpy as np

from assess.conditioning import Conditioning
from assess.geometry import inclination_deg, joint_angle_deg, wrap_deg
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
    spine_result,
    summarise,
    supported_views,
    upright_key,
    usable_view,
    window_extreme,
)
from assess.movements.spine.scale import body_frame, fingertip_px
from assess.neutral import Neutral
from assess.repetitions import RepetitionRules
from assess.results import MovementResult, RepetitionDetail, Signal
from assess.types import Measurement, Omission, Side
from assess.view import ViewEstimate

_NEEDED = ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee", "right_knee")
_HOW = "film the patient from the side (camera at hip height, level), whole body in view"


@dataclass(frozen=True, kw_only=True)
class _SagittalBend:
    """Shared implementation; see :class:`ForwardBend` and :class:`Extension`."""

    conditioning: Conditioning = field(default_factory=Conditioning)
    repetition_rules: RepetitionRules = field(default_factory=RepetitionRules)
    knee_warning_deg: float = 15.0
    upright_limit_deg: float = 15.0

    _movement: ClassVar[str] = ""
    _direction: ClassVar[float] = 1.0
    _rom_name: ClassVar[str] = ""
    _word: ClassVar[str] = ""
    _signal: ClassVar[str] = ""
    _figures: ClassVar[tuple[str, ...]] = ()

    #: Slow movements, low-passed at 6 Hz: 12 frames a second carry all of it.
    model_rate_hz: ClassVar[float] = SLOW_MOVEMENT_RATE_HZ

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Measure every repetition from the patient's neutral; see the class docstring."""
        params = asdict(self)
        prep = prepare(series, conditioning=self.conditioning, needed=_NEEDED)
        warnings = list(prep.warnings)
        view = usable_view(
            self._movement, prep.view, plane="sagittal", how=_HOW, figures=self._figures,
            warnings=warnings, parameters=params, quality=prep.quality,
        )  # fmt: skip
        if isinstance(view, MovementResult):
            return view
        clean = prep.series
        height_cm = context.height_cm

        def signals(sub: LandmarkSeries, neutral: Neutral, shot_view: ViewEstimate) -> dict[str, FloatArray]:
            fwd = shot_view.forward_sign
            sign = self._direction * fwd
            hip, knee, ankle = sub.mid_px("hip"), sub.mid_px("knee"), sub.mid_px("ankle")
            trunk = sign * inclination_deg(hip, sub.mid_px("shoulder"))
            hip_angle = fwd * wrap_deg(
                inclination_deg(hip, sub.mid_px("shoulder")) - inclination_deg(knee, hip)
            )
            knee_flex = 180.0 - joint_angle_deg(hip, knee, ankle)
            floor = np.full(sub.n_frames, np.nan)
            frame = body_frame(sub, neutral, height_cm=height_cm) if height_cm else None
            if frame is not None:
                tips = [frame.height_cm(fingertip_px(sub, s, stature_px=frame.stature_px)) for s in Side]
                floor = np.fmin(tips[0], tips[1])
            return {
                "rom": trunk - neutral.angle_zero(trunk),
                "hip": hip_angle - neutral.angle_zero(hip_angle),
                "knee": knee_flex - neutral.angle_zero(knee_flex),
                "floor": floor,
            }

        shots = prep.shots
        sig, found = measure_from_neutral(
            clean, shots, supported_views(prep.shot_views, plane="sagittal"), key=upright_key,
            signals=signals, names=("rom", "hip", "knee", "floor"), max_key=self.upright_limit_deg,
            from_vertical=True,
        )  # fmt: skip
        warnings += neutral_warnings(found, len(shots), upright_limit_deg=self.upright_limit_deg)
        reps, cut = repetitions_of(clean.time_s, sig["rom"], rules=self.repetition_rules)
        warnings += cut
        t = clean.time_s
        none = (
            f"no {self._word} of at least {self.repetition_rules.min_amplitude_deg:g} deg from neutral "
            "standing was found"
            if found
            else "no neutral standing posture was found"
        )
        per_rep: dict[str, list[tuple[Side | None, float]]] = {
            self._rom_name: [(None, e.peak_value) for e in reps],
            "hip_flexion_peak": [(None, window_extreme(t, sig["hip"], e)) for e in reps],
            "knee_flexion_peak": [(None, window_extreme(t, sig["knee"], e)) for e in reps],
            "fingertip_floor_distance": [
                (None, window_extreme(t, sig["floor"], e, largest=False)) for e in reps
            ],
        }
        measurements: list[Measurement] = []
        omissions: list[Omission] = []
        for name in self._figures:
            reason = none
            if reps and name != self._rom_name:
                reason = "the landmarks it needs were not seen during the repetitions"
            if reps and name == "fingertip_floor_distance" and not height_cm:
                reason = "needs the patient's height (height_cm) to turn pixels into centimetres"
            in_cm = name == "fingertip_floor_distance"
            m, o = summarise(
                name, per_rep[name], unit="cm" if in_cm else "deg", view=view.view, sides=(None,),
                reason_none=reason, best=min if in_cm else max,
            )  # fmt: skip
            measurements += m
            omissions += o
        knees = [v for _, v in per_rep["knee_flexion_peak"] if math.isfinite(v)]
        if knees and max(knees) > self.knee_warning_deg:
            warnings.append(
                f"the knees bent {max(knees):.0f} deg during the {self._word} (more than "
                f"{self.knee_warning_deg:g} deg): knee bending adds to the trunk range; ask the patient to "
                "keep the knees straight"
            )
        details = [
            RepetitionDetail(
                side=None, peak_s=e.peak_s,
                figures={k: finite_or_none(v[i][1]) for k, v in per_rep.items() if k in self._figures},
            )
            for i, e in enumerate(reps)
        ]  # fmt: skip
        return spine_result(
            self._movement, view, measurements=measurements, omissions=omissions, excursions=reps,
            sided=False, warnings=warnings, parameters=params, quality=prep.quality,
            figures=self._figures, neutral=neutral_records(clean, found), details=details,
            signal=Signal(name=self._signal, unit="deg", time_s=clean.time_s, values=sig["rom"]),
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ForwardBend(_SagittalBend):
    """Standing forward bend, side view.

    Figures: ``trunk_flexion_rom`` (deg: forward inclination of the hip-centre -> shoulder-centre
    line from neutral standing, largest repetition, with the spread across repetitions),
    ``hip_flexion_peak`` (deg: increase of the trunk-thigh angle from neutral),
    ``knee_flexion_peak`` (deg: knee bending from neutral, a compensation, warned above
    ``knee_warning_deg``) and ``fingertip_floor_distance`` (cm, needs the height).

    Parameters
    ----------
    conditioning : Conditioning
        Landmark conditioning before any angle.
    repetition_rules : RepetitionRules
        Repetition thresholds in degrees and seconds (minimum amplitude 8 deg: the trunk line's
        noise and sway in quiet standing stay within about +-1.5 deg, and the neutral itself is
        known to about 1 deg, so 8 deg is more than 5 deg clear of both).
    knee_warning_deg : float
        Knee bending above this is reported as a compensation: MediaPipe's knee angle in a true
        side view errs by -2.3 +- 6.4 deg (Cosoli 2026), so 15 deg is more than twice that
        scatter above straight, beyond the few degrees knees unlock in a normal bend.
    upright_limit_deg : float
        Postures bent more than this relative to the legs are never neutral (a neutral bent
        more than half of it is warned about).
    """

    _movement: ClassVar[str] = "forward_bend"
    _direction: ClassVar[float] = 1.0
    _rom_name: ClassVar[str] = "trunk_flexion_rom"
    _word: ClassVar[str] = "forward bend"
    _signal: ClassVar[str] = "trunk_flexion"
    _figures: ClassVar[tuple[str, ...]] = (
        "trunk_flexion_rom",
        "hip_flexion_peak",
        "knee_flexion_peak",
        "fingertip_floor_distance",
    )


@dataclass(frozen=True, kw_only=True)
class Extension(_SagittalBend):
    """Standing backward bend, side view.

    Figures: ``trunk_extension_rom`` (deg: backward inclination of the trunk line from neutral
    standing, largest repetition, spread across repetitions) and ``knee_flexion_peak`` (deg,
    a compensation: patients often bend the knees to lean back further).

    Parameters
    ----------
    conditioning : Conditioning
        Landmark conditioning before any angle.
    repetition_rules : RepetitionRules
        Repetition thresholds in degrees and seconds (minimum amplitude 8 deg, as :class:`ForwardBend`).
    knee_warning_deg : float
        Knee bending above this is reported as a compensation (see :class:`ForwardBend`).
    upright_limit_deg : float
        Postures bent more than this relative to the legs are never neutral.
    """

    _movement: ClassVar[str] = "extension"
    _direction: ClassVar[float] = -1.0
    _rom_name: ClassVar[str] = "trunk_extension_rom"
    _word: ClassVar[str] = "backward bend"
    _signal: ClassVar[str] = "trunk_extension"
    _figures: ClassVar[tuple[str, ...]] = ("trunk_extension_rom", "knee_flexion_peak")
