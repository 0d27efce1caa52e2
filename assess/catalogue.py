"""One catalogue of every figure: name, unit, view, meaning, code for the chart, norm.

The analyzers take their norms from here, the exporters their units, display names and codes,
and a test holds the README's figure tables against it. Codes are in the project's own code
system (no LOINC term exists for lumbar range of motion in degrees); the body site is SNOMED CT.

Norms are for *lumbar* motion measured with inclinometers; a camera measures the whole trunk
line, which in a forward bend also contains hip flexion. Each norm's ``note`` says how far the
comparison holds; change over time in one patient, against the minimal detectable change, is
worth more than any comparison with a norm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from assess.results import Norm

#: The project's own code system for its figures (FHIR ``Coding.system``).
CODE_SYSTEM: Final = "urn:assess:figure"
#: SNOMED CT "Structure of lumbar vertebral column region".
SNOMED_LUMBAR_REGION: Final = ("1141985005", "Structure of lumbar vertebral column region")
#: SNOMED CT "Assessment of passive range of motion (procedure)" (the nearest procedure code).
SNOMED_ROM_ASSESSMENT: Final = ("710830005", "Assessment of passive range of motion (procedure)")
PRIMARY: Final = "Magee 2014, Orthopedic Physical Assessment (lumbar spine, active movements)"


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One figure the project reports.

    Parameters
    ----------
    name : str
        Stable identifier (also the code in :data:`CODE_SYSTEM`).
    display : str
        Plain name for a chart or a report.
    unit : str
        UCUM unit.
    views : str
        The camera view it needs, in words.
    movement : str
        The movement that gives it.
    meaning : str
        What is measured, in one sentence.
    sided : bool
        Reported per anatomical side.
    norm : Norm
        Normal range with its source, or the statement that there is none.
    body_site : (str, str) or None
        SNOMED CT code and display of the body site the figure describes (FHIR
        ``Observation.bodySite``); None where no single site fits (gait, posture, hip, knee).
    known_error : str
        How far the figure is known to err and against what (the README's measured error), in
        one short sentence for the method section of a report.
    """

    name: str
    display: str
    unit: str
    views: str
    movement: str
    meaning: str
    sided: bool = False
    norm: Norm | None = None
    body_site: tuple[str, str] | None = None
    known_error: str = ""

    @property
    def code(self) -> str:
        """Code in the project's code system."""
        return self.name


def _norm(name: str, unit: str | None = None, **kw: object) -> Norm:
    return Norm(name=name, unit=unit, **kw)  # type: ignore[arg-type]


_NONE = "no published normal range for this camera measure"

_FIGURES: tuple[Figure, ...] = (
    # ------------------------------------------------------------------ posture
    Figure(
        name="shoulder_tilt",
        display="Shoulder tilt",
        unit="deg",
        views="front or back",
        movement="posture",
        meaning="angle of the line between the shoulders from horizontal; side = the lower side",
        known_error="against the image vertical: a camera that is not level biases it one-for-one",
    ),
    Figure(
        name="pelvic_obliquity",
        display="Pelvic obliquity (hip keypoints)",
        unit="deg",
        views="front or back",
        movement="posture",
        meaning="angle of the line between the hip keypoints from horizontal; side = lower",
        known_error=(
            "tilt of the hip keypoints, not of the iliac crests; its side is right on rendered figures but "
            "its size is not validated (1-2 deg read for a true 8 deg); a tilted camera biases it"
        ),
    ),
    Figure(
        name="trunk_lean",
        display="Trunk lean",
        unit="deg",
        views="side",
        movement="posture",
        meaning="mid-hip to mid-shoulder line from vertical, + forward",
        known_error=(
            "against the image vertical (level the camera); read 1.8 deg for a rendered figure standing "
            "upright"
        ),
    ),
    Figure(
        name="head_forward",
        display="Head forward",
        unit="deg",
        views="side",
        movement="posture",
        meaning="shoulder to ear line from vertical, + ear ahead of the shoulder",
        known_error=(
            "ear over shoulder, not the craniovertebral angle (no C7 landmark): compare within the "
            "patient"
        ),
    ),
    # ------------------------------------------------------------------ spine
    Figure(
        name="trunk_flexion_rom",
        body_site=SNOMED_LUMBAR_REGION,
        display="Trunk inclination, forward bend",
        unit="deg",
        views="side",
        movement="forward_bend",
        meaning="forward tilt of the trunk line (hip centre to shoulder centre) from "
        "neutral standing; not lumbar flexion",
        norm=_norm(
            "trunk_flexion_rom",
            "deg",
            low=40.0,
            high=60.0,
            source=PRIMARY,
            other_sources=(
                "AMA Guides (edition not verified): 60 deg",
                "Troke 2005 (n=405, age 16-90): about 72 deg at 16-24 years falling to 40 deg at 80-90",
            ),
            mdc=13.0,
            mdc_source="dual-inclinometer flexion, SEM 4.6 deg (Saur 1996)",
            note=(
                "norms are lumbar flexion; trunk inclination also contains hip flexion and is normally larger"
            ),
        ),
        known_error="RMSE 1.7 deg, worst 2.8 deg against rendered truth (side view)",
    ),
    Figure(
        name="hip_flexion_peak",
        display="Hip flexion (trunk-thigh angle)",
        unit="deg",
        views="side",
        movement="forward_bend",
        meaning="largest increase of the trunk-thigh angle from neutral standing",
        known_error="RMSE 2.1 deg, worst 4.4 deg against rendered truth",
    ),
    Figure(
        name="knee_flexion_peak",
        display="Knee bending",
        unit="deg",
        views="side",
        movement="forward_bend",
        meaning="knee bending from neutral (a compensation; negative = straighter than at neutral)",
        norm=_norm(
            "knee_flexion_peak",
            "deg",
            low=None,
            high=None,
            source=_NONE,
            note="the standard test keeps the knees straight: about 0 deg; bending is a compensation",
        ),
        known_error=(
            "RMSE 1.4-1.8 deg against rendered truth; MediaPipe's side-view knee angle errs by "
            "-2.3 ± 6.4 deg on real people (Cosoli 2026)"
        ),
    ),
    Figure(
        name="fingertip_floor_distance",
        display="Fingertip-to-floor distance",
        unit="cm",
        views="side",
        movement="forward_bend",
        meaning="fingertip to floor at the deepest bend (needs the height)",
        norm=_norm(
            "fingertip_floor_distance",
            "cm",
            low=None,
            high=None,
            source="no verified normal range; reliability ICC 0.99 (Perret 2001)",
            mdc=4.5,
            mdc_source="Ekedahl 2012",
            note="smaller is more flexible; 0 means the fingertips reach the floor",
        ),
        known_error="bias -5.5 cm, worst 8.8 cm against rendered truth (the MDC is 4.5 cm)",
    ),
    Figure(
        name="trunk_extension_rom",
        body_site=SNOMED_LUMBAR_REGION,
        display="Trunk inclination, backward bend",
        unit="deg",
        views="side",
        movement="extension",
        meaning="backward tilt of the trunk line from neutral standing",
        norm=_norm(
            "trunk_extension_rom",
            "deg",
            low=20.0,
            high=35.0,
            source=PRIMARY,
            other_sources=(
                "AMA Guides (edition not verified): 25 deg",
                "Troke 2005: about 29 deg at 16-24 years falling to 6 deg at 80-90",
            ),
            mdc=6.0,
            mdc_source="dual-inclinometer extension, SEM 2.3 deg (Saur 1996)",
            note=(
                "norms are lumbar extension; the camera measures backward inclination of the whole trunk line"
            ),
        ),
        known_error="RMSE 0.9 deg, worst 1.5 deg against rendered truth",
    ),
    Figure(
        name="lateral_flexion_rom",
        body_site=SNOMED_LUMBAR_REGION,
        display="Trunk side bend",
        unit="deg",
        views="front or back",
        movement="side_bend",
        sided=True,
        meaning="sideways tilt of the trunk line from neutral standing",
        norm=_norm(
            "lateral_flexion_rom",
            "deg",
            low=20.0,
            high=30.0,
            source=PRIMARY,
            other_sources=(
                "AMA Guides (edition not verified): 25 deg",
                "Troke 2005: about 29 deg at 16-24 years falling to 15 deg at 80-90",
            ),
            note="the camera's trunk line read about 20% smaller peaks than marker motion capture in a "
            "published comparison",
        ),
        known_error=(
            "reads low: mean -3.8 deg (worst -5.0) from the front, -2.7 deg from behind on rendered clips; "
            "about 15 % low on real people"
        ),
    ),
    Figure(
        name="lateral_flexion_asymmetry",
        body_site=SNOMED_LUMBAR_REGION,
        display="Side bend asymmetry (right minus left)",
        unit="deg",
        views="front or back",
        movement="side_bend",
        meaning="right minus left side bend; 0 is symmetric",
        known_error="difference of the two side bends, each of which reads low by a similar amount",
    ),
    Figure(
        name="fingertip_drop",
        display="Fingertip drop",
        unit="cm",
        views="front or back",
        movement="side_bend",
        sided=True,
        meaning="how far the bending side's fingertip moves down from neutral (needs the height)",
        known_error="+1.2 cm, worst 3.1 cm against rendered truth",
    ),
    Figure(
        name="pelvis_shift",
        display="Pelvis shift",
        unit="cm",
        views="front or back",
        movement="side_bend",
        sided=True,
        meaning="sideways shift of the hips away from the bending side (cm with the height, else "
        "a fraction of the hip width, unit 1)",
        known_error=(
            "-2.1 cm, worst 2.8 cm against rendered truth; a sideways shift cannot be told from pelvic "
            "tilt"
        ),
    ),
    Figure(
        name="trunk_rotation_rom",
        body_site=SNOMED_LUMBAR_REGION,
        display="Trunk rotation (estimate)",
        unit="deg",
        views="front (or back)",
        movement="rotation",
        sided=True,
        meaning="shoulder line turned relative to the hip line",
        norm=_norm(
            "trunk_rotation_rom",
            "deg",
            low=10.0,
            high=35.0,
            source=PRIMARY,
            other_sources=("Troke 2005: about 7 deg (lumbar only)",),
            note="single-camera rotation is an estimate; see the warning for its measured error",
        ),
        known_error=(
            "RMSE 5.5 deg, worst 9.2 deg against rendered truth (front view); blind below about 15 deg"
        ),
    ),
    Figure(
        name="pelvis_rotation_peak",
        display="Pelvis turn",
        unit="deg",
        views="front (or back)",
        movement="rotation",
        sided=True,
        meaning="whole-body turn during the twist (a compensation)",
        norm=_norm(
            "pelvis_rotation_peak",
            "deg",
            low=None,
            high=None,
            source=_NONE,
            note="the pelvis should stay square: turning it is a compensation",
        ),
        known_error="RMSE 3.9 deg, worst 7.8 deg against rendered truth",
    ),
    # ------------------------------------------------------------------ gait
    Figure(
        name="cadence",
        display="Cadence",
        unit="/min",
        views="any",
        movement="gait",
        meaning="steady steps divided by the time they took",
        norm=_norm(
            "cadence",
            "/min",
            low=81.0,
            high=138.0,
            source="Tudor-Locke 2011 (laboratory cadence: women 96-138, men 81-135 steps/min)",
        ),
        known_error="within 1.5 % on real and rendered side-view walking; about 3 % from the front or back",
    ),
    Figure(
        name="step_time",
        display="Step time",
        unit="s",
        views="side",
        movement="gait",
        sided=True,
        meaning=(
            "heel strike of one foot to heel strike of the other; the step belongs to the foot that lands"
        ),
        known_error="heel strikes within 15-45 ms (median), worst 92 ms (real and rendered walking)",
    ),
    Figure(
        name="stride_time",
        display="Stride time",
        unit="s",
        views="side",
        movement="gait",
        meaning="two consecutive steps",
        known_error="heel strikes within 15-45 ms (median), worst 92 ms (real and rendered walking)",
    ),
    Figure(
        name="stance_pct",
        display="Stance",
        unit="%",
        views="side",
        movement="gait",
        sided=True,
        meaning="heel strike to the same foot's toe off, as a share of the stride",
        known_error="reads 4-7 points high on rendered walking; toe off has no real-footage truth",
    ),
    Figure(
        name="double_support_pct",
        display="Double support",
        unit="%",
        views="side",
        movement="gait",
        meaning="both feet on the ground, as a share of the stride",
        known_error="reads 8-11 points high on rendered walking; toe off has no real-footage truth",
    ),
    Figure(
        name="step_time_asymmetry",
        display="Step time asymmetry",
        unit="%",
        views="side",
        movement="gait",
        meaning="2 abs(L-R)/(L+R) 100; side = the side with the longer step",
        known_error="follows the step times",
    ),
    Figure(
        name="trunk_lean_mean",
        display="Trunk lean while walking",
        unit="deg",
        views="side",
        movement="gait",
        meaning="hip-to-shoulder line against the image vertical, + forward",
        known_error="against the image vertical: a camera that is not level biases it one-for-one",
    ),
    Figure(
        name="trunk_lean_range",
        display="Trunk lean range",
        unit="deg",
        views="side",
        movement="gait",
        meaning="median range of the trunk lean within one step",
        known_error="a range within a step: camera tilt cancels; not validated against a reference",
    ),
    Figure(
        name="head_forward_mean",
        display="Head forward while walking",
        unit="deg",
        views="side",
        movement="gait",
        meaning="shoulder-to-ear line, + ear ahead of the shoulder",
        known_error="against the image vertical: level the camera; not the craniovertebral angle",
    ),
    Figure(
        name="arm_swing",
        display="Arm swing",
        unit="deg",
        views="side",
        movement="gait",
        sided=True,
        meaning="shoulder-to-elbow excursion within a stride",
        known_error="not validated against a reference",
    ),
    Figure(
        name="gait_speed",
        display="Gait speed",
        unit="m/s",
        views="side, still camera",
        movement="gait",
        meaning="distance over time of the steady steps (needs the height)",
        norm=_norm(
            "gait_speed",
            "m/s",
            low=0.94,
            high=1.43,
            source="Bohannon 2011 (comfortable speed, 1.43 m/s men 40-49 down to 0.94 m/s women 80-99)",
            mdc=0.05,
            mdc_source="small meaningful change 0.03-0.05 m/s in older adults",
        ),
        known_error="1.23-1.25 m/s for a true 1.20 m/s (rendered); the height scale is good to about ± 5 %",
    ),
    Figure(
        name="step_length",
        display="Step length",
        unit="m",
        views="side, still camera",
        movement="gait",
        sided=True,
        meaning="heel to heel at contact (needs the height)",
        known_error=(
            "0.65-0.68 m for a true 0.655 m (rendered); ± 5 % perspective error unless the walker passes the "
            "image centre"
        ),
    ),
    Figure(
        name="trunk_sway_range",
        display="Trunk sway",
        unit="deg",
        views="front or back",
        movement="gait",
        meaning="lateral trunk tilt, median range within a stride",
        known_error="front or back view; no real front-view walking was available to test against",
    ),
    Figure(
        name="pelvic_obliquity_range",
        display="Pelvic obliquity range",
        unit="deg",
        views="front or back",
        movement="gait",
        meaning="hip-line tilt, median range within a stride",
        known_error=(
            "hip keypoints, not iliac crests; no real front-view walking was available to test against"
        ),
    ),
)

#: Figure name -> its catalogue entry.
FIGURES: Final[dict[str, Figure]] = {f.name: f for f in _FIGURES}


def figure(name: str, /) -> Figure:
    """The catalogue entry of a figure; ValueError for an unknown name."""
    try:
        return FIGURES[name]
    except KeyError:
        raise ValueError(f"unknown figure {name!r}; the catalogue has {sorted(FIGURES)}") from None


def norms_for(names: Iterable[str], /) -> tuple[Norm, ...]:
    """The norm of every figure in ``names`` (one per name, in order; 'none published' where none)."""
    out = []
    for name in dict.fromkeys(names):
        entry = figure(name)
        out.append(entry.norm or Norm(name=name, low=None, high=None, unit=entry.unit, source=_NONE))
    return tuple(out)
