"""Sessions with known forward-bend ROM, built from synthetic skeletons (no pose model)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from assess.assessment import Assessment
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.movements.spine import ForwardBend
from assess.pipeline import Extraction
from assess.session import Patient, Session, SessionItem, Visit
from tests.extraction import synthetic_extraction
from tests.spine.synthetic import Camera, movement

HEIGHT_CM = 175.0


def _extraction(series: LandmarkSeries, clip: str) -> Extraction:
    return synthetic_extraction(series, path=clip)


@cache
def forward_bend(peak_deg: float, clip: str = "forward_bend.mp4") -> Assessment:
    """The assessment of a side-view forward bend to ``peak_deg`` (trunk inclination reads it exactly)."""
    series = movement("flexion_deg", (peak_deg,), Camera(view="side", facing="left"))
    context = AnalysisContext(height_cm=HEIGHT_CM)
    return Assessment.of(_extraction(series, clip), ForwardBend().analyze(series, context), context=context)


def session(
    patient_id: str, date: dt.date, peaks_deg: tuple[float, ...] = (40.0,), *, pain_0_10: int | None = 3,
    clip: str = "forward_bend.mp4", name: str | None = None, notes: str | None = None,
) -> Session:  # fmt: skip
    """One visit with a forward-bend clip per peak."""
    items = tuple(SessionItem(assessment=forward_bend(p, clip), pain_0_10=pain_0_10) for p in peaks_deg)
    return Session(
        patient=Patient(patient_id=patient_id, name=name, height_cm=HEIGHT_CM),
        visit=Visit(date=date, therapist="T. Herapist", notes=notes),
        items=items,
    )
