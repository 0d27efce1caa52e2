"""A visit built from synthetic movements through the real analyzers (no pose model).

Side bend (with the height), forward bend without the height (the fingertip-floor distance is
withheld with its reason), twist and walking, each an ``Assessment`` as ``assess_clip`` makes
it. The patient has a name and a birth year, so the exports can be checked for leaking them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from assess.assessment import Assessment
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.movements.spine import ForwardBend, Rotation, SideBend
from assess.pipeline import Extraction
from assess.registry import REGISTRY
from assess.session import Patient, Session, SessionItem, Visit
from tests.extraction import synthetic_extraction
from tests.gait.walker import record, side_camera, straight_walk
from tests.spine.synthetic import Camera, movement

PATIENT_NAME = "Henrietta Quimbleworth"
VISIT_DATE = dt.date(2024, 5, 14)
MODEL_SHA = "5b" * 32
#: A warning that needs RFC 4180 quoting (comma, double quote) and UTF-8 (the plus-minus sign).
ODD_WARNING = 'two people in view, the "nearest" one followed (size ± 5 %)'
#: A clip file name that holds the patient's surname (must never reach the spreadsheet).
NAMED_CLIP = "/clinic/2024/quimbleworth_twist.mp4"


def _extraction(series: LandmarkSeries, *, path: str, sha: str, warnings: tuple[str, ...]) -> Extraction:
    return synthetic_extraction(series, path=path, sha=sha, model_sha=MODEL_SHA, warnings=warnings)


def _side_bend() -> tuple[LandmarkSeries, Any, AnalysisContext]:
    s = movement("lateral_deg", (25.0, -20.0), Camera(view="front"))
    return s, SideBend(), AnalysisContext(height_cm=175.0)


def _forward_bend() -> tuple[LandmarkSeries, Any, AnalysisContext]:
    s = movement("flexion_deg", (45.0, 80.0), Camera(view="side", facing="left"))
    return s, ForwardBend(), AnalysisContext(height_cm=None)


def _rotation() -> tuple[LandmarkSeries, Any, AnalysisContext]:
    s = movement("twist_deg", (35.0, -35.0), Camera(view="front"), hands_forward=True)
    return s, Rotation(depth_ratio=0.0), AnalysisContext(height_cm=175.0)


def _gait() -> tuple[LandmarkSeries, Any, AnalysisContext]:
    s = record(straight_walk(n_steps=8), side_camera(), fps=30, noise_px=1.0).series
    return s, REGISTRY["gait"](), AnalysisContext(height_cm=175.0)


#: (make, clip path, pain 0-10, extra warnings) per clip, in visit order.
CLIPS: tuple[
    tuple[Callable[[], tuple[LandmarkSeries, Any, AnalysisContext]], str, int | None, tuple[str, ...]], ...
] = (
    (_side_bend, "/clinic/2024/side_bend.mp4", 3, (ODD_WARNING,)),
    (_forward_bend, "/clinic/Quimbleworth/forward_bend.mp4", 6, ()),
    (_rotation, NAMED_CLIP, None, ()),
    (_gait, "/clinic/2024/walk.mp4", 2, ()),
)


@cache
def assessments() -> tuple[Assessment, ...]:
    """The four clips' assessments (computed once per test run)."""
    out = []
    for i, (make, path, _, warnings) in enumerate(CLIPS):
        series, analyzer, context = make()
        result = analyzer.analyze(series, context)
        extraction = _extraction(series, path=path, sha=f"{i + 1:x}" * 64, warnings=warnings)
        out.append(Assessment.of(extraction, result, context=context))
    return tuple(out)


def session(*, name: str | None = PATIENT_NAME, birth_year: int | None = 1971) -> Session:
    """The visit: patient P-0042 (named unless ``name`` is None) and the four clips."""
    items = tuple(
        SessionItem(assessment=a, pain_0_10=pain, notes="felt a pull on the right" if pain else None)
        for a, (_, _, pain, _) in zip(assessments(), CLIPS, strict=True)
    )
    return Session(
        patient=Patient(patient_id="P-0042", name=name, birth_year=birth_year, height_cm=175.0),
        visit=Visit(date=VISIT_DATE, therapist="A. Therapist"),
        items=items,
    )
