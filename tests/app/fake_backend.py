"""A backend for AppTest: real analyzers on synthetic skeletons (no pose model), records in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assess.app.backend import LocalBackend, ProgressFn
from assess.assessment import Assessment
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.pipeline import Extraction
from assess.registry import REGISTRY
from assess.session import Session
from assess.suggest import Suggestion, suggest
from tests.extraction import synthetic_extraction
from tests.spine.synthetic import Camera, movement


def _series(name: str) -> LandmarkSeries:
    if "side_bend" in name:
        return movement("lateral_deg", (25.0, -20.0), Camera(view="front"))
    return movement("flexion_deg", (45.0, 80.0), Camera(view="side", facing="left"))


def _extraction(series: LandmarkSeries, name: str) -> Extraction:
    return synthetic_extraction(series, path=name, sha="1" * 64)


class FakeBackend(LocalBackend):
    """Analyses a clip named ``*side_bend*`` as a synthetic side bend, anything else as a forward bend."""

    def __init__(self, *, pdf: bool = True) -> None:
        super().__init__(in_memory=True)
        self.pdf = pdf
        self.calls: list[tuple[str, Any]] = []

    def suggest_movement(
        self, video: Path, *, mirrored: bool = False, progress: ProgressFn | None = None
    ) -> Suggestion:
        self.calls.append(("suggest", video.name))
        if progress is not None:
            progress(1, 1)
        ex = _extraction(_series(video.read_bytes().decode(errors="ignore")), video.name)
        return suggest({m: REGISTRY[m]().analyze(ex.series, AnalysisContext()) for m in REGISTRY})

    def analyse(
        self, video: Path, *, movement: str, height_cm: float | None = None, mirrored: bool = False,
        progress: ProgressFn | None = None,
    ) -> Assessment:  # fmt: skip
        self.calls.append(("analyse", (video.name, movement, height_cm, mirrored)))
        ex = _extraction(_series(video.read_bytes().decode(errors="ignore")), video.name)
        context = AnalysisContext(height_cm=height_cm, mirrored=mirrored)
        return Assessment.of(ex, REGISTRY[movement]().analyze(ex.series, context), context=context)

    def export_pdf(self, session: Session) -> bytes | None:
        return b"%PDF-1.4 fake" if self.pdf else None

    def export_csv(self, session: Session) -> bytes | None:
        return None

    def export_fhir(self, session: Session) -> bytes | None:
        return json.dumps({"resourceType": "Bundle", "entry": len(session.items)}).encode()

    def annotated_video(self, assessment: Assessment) -> Path | None:
        return None  # the synthetic clips are not videos
