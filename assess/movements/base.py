"""What every movement analyzer returns, and the protocol it follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from assess.landmarks import LandmarkSeries
from assess.types import Facing, Measurement, Omission, Repetition, View


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


@dataclass(frozen=True, kw_only=True)
class MovementResult:
    """The outcome of one analysis: figures, figures withheld and why, and warnings.

    ``parameters`` records the analyzer's settings (provenance for the chart); ``extra``
    holds movement-specific blocks such as gait events.
    """

    movement: str
    view: View | None
    facing: Facing | None
    measurements: tuple[Measurement, ...]
    omissions: tuple[Omission, ...] = ()
    repetitions: tuple[Repetition, ...] = ()
    warnings: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def measurement(self, name: str, side: str | None = None) -> Measurement:
        """The measurement called ``name`` (for ``side``); KeyError if it was not measured."""
        for m in self.measurements:
            if m.name == name and (side is None or m.side == side):
                return m
        raise KeyError(f"{name} ({side}) was not measured")


class Analyzer(Protocol):
    """A movement analyzer: a frozen dataclass of parameters with one ``analyze`` method."""

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Analyse one subject's landmark series."""
        ...
