"""What every movement analyzer is given, and the protocol it follows (results: :mod:`assess.results`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

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


#: Frames a second the pose model must see for a movement low-passed at 6 Hz
#: (:mod:`assess.conditioning`), as the spine movements and posture are: 6 Hz at Nyquist, so
#: sampling at this rate keeps all of the band the analysis uses.
SLOW_MOVEMENT_RATE_HZ: Final = 12.0


class Analyzer(Protocol):
    """A movement analyzer: a frozen dataclass of parameters with one ``analyze`` method.

    ``model_rate_hz`` is how many frames a second the analysis needs from the pose model: a
    clip filmed faster is sampled down to the first rate at or above it (every k-th frame);
    None: every frame.
    """

    @property
    def model_rate_hz(self) -> float | None:
        """Frames a second the analysis needs from the pose model; None: every frame."""
        ...

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Analyse one subject's landmark series."""
        ...
