"""What every movement analyzer is given, and the protocol it follows (results: :mod:`assess.results`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from assess.landmarks import LandmarkSeries
from assess.results import MovementResult


@dataclass(frozen=True, kw_only=True)
class AnalysisContext:
    """Facts about the recording an analyzer may need beyond the landmarks.

    Parameters
    ----------
    height_cm : float, optional
        The patient's standing height, for figures in centimetres.
    mirrored : bool
        The clip is horizontally mirrored (a selfie webcam); the landmarks given to the
        analyzer have already been un-mirrored.
    """

    height_cm: float | None = None
    mirrored: bool = False


class Analyzer(Protocol):
    """A movement analyzer: a frozen dataclass of parameters with one ``analyze`` method."""

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Analyse one subject's landmark series."""
        ...
