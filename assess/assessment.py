"""The one result every surface shares: a clip, how it was read, and what was measured.

``Assessment`` joins the analysis of one movement (:class:`assess.results.MovementResult`) with
the facts of the clip it came from (video, model, subject tracking, the patient's height and
whether the clip was mirrored). The command line, the exports, the records and the app all
read it; writing it anywhere is the caller's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from assess.io.model import ModelInfo
from assess.io.video import VideoInfo
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.pipeline import Extraction
from assess.quality import Quality
from assess.results import GaitEvent, MovementResult, NeutralRecord, Norm, Signal
from assess.tracking import TrackingReport
from assess.types import Measurement, Omission, Repetition
from assess.view import ViewEstimate


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """One clip, one movement: the figures and everything needed to trust them.

    Parameters
    ----------
    result : MovementResult
        The analysis: figures, figures withheld and why, repetitions, neutral, norms, signals.
    video : VideoInfo
        The clip (path, frame rate, length, size).
    video_sha256 : str
        The clip's sha256 (which file exactly was measured).
    model : ModelInfo
        The pose model (name and sha256).
    tracking : TrackingReport
        How the subject was followed.
    context : AnalysisContext
        The patient's height and whether the clip was mirrored.
    series : LandmarkSeries
        The followed subject's landmarks (for charts and the annotated video).
    landmarks_reused : bool
        The landmarks came from an earlier run's cache.
    extraction_warnings : tuple of str
        Warnings raised while reading the clip (people in view, frames not decoded).
    frame_step : int
        The pose model saw every ``frame_step``-th frame (spine movements need about 12 a second).
    """

    result: MovementResult
    video: VideoInfo
    video_sha256: str
    model: ModelInfo
    tracking: TrackingReport
    context: AnalysisContext
    series: LandmarkSeries
    landmarks_reused: bool = False
    extraction_warnings: tuple[str, ...] = ()
    frame_step: int = 1

    @classmethod
    def of(
        cls,
        extraction: Extraction,
        result: MovementResult,
        /,
        *,
        context: AnalysisContext,
        reused: bool = False,
    ) -> Assessment:
        """The assessment of one extraction analysed into ``result``."""
        return cls(
            result=result,
            video=extraction.video,
            video_sha256=extraction.video_sha256,
            model=extraction.model,
            tracking=extraction.tracking,
            context=context,
            series=extraction.series,
            landmarks_reused=reused,
            extraction_warnings=extraction.warnings,
            frame_step=extraction.frame_step,
        )

    @property
    def movement(self) -> str:
        """The movement's registry name."""
        return self.result.movement

    @property
    def view(self) -> ViewEstimate | None:
        """The camera view with its estimated angle."""
        return self.result.view

    @property
    def measurements(self) -> tuple[Measurement, ...]:
        """The figures measured."""
        return self.result.measurements

    @property
    def omissions(self) -> tuple[Omission, ...]:
        """The figures withheld, each with its reason."""
        return self.result.omissions

    @property
    def repetitions(self) -> tuple[Repetition, ...]:
        """Every repetition found."""
        return self.result.repetitions

    @property
    def gait_events(self) -> tuple[GaitEvent, ...]:
        """Heel strikes and toe offs used (gait)."""
        return self.result.gait_events

    @property
    def neutral(self) -> tuple[NeutralRecord, ...]:
        """Where neutral was taken."""
        return self.result.neutral

    @property
    def norms(self) -> tuple[Norm, ...]:
        """Normal ranges with their sources."""
        return self.result.norms

    @property
    def quality(self) -> Quality | None:
        """Coverage, visibility and framing of the landmarks the movement needs."""
        return self.result.quality

    @property
    def signals(self) -> tuple[Signal, ...]:
        """The movement's main angle over time."""
        return self.result.signals

    @property
    def subject_coverage(self) -> float:
        """Share of the clip's frames where the subject was found."""
        return self.series.coverage

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning, from reading the clip and from the analysis, once each, in order."""
        return tuple(dict.fromkeys((*self.extraction_warnings, *self.result.warnings)))

    @property
    def provenance(self) -> dict[str, object]:
        """What produced the figures: model, clip checksum and the analyzer's parameters."""
        return {
            "model": self.model.name,
            "model_sha256": self.model.sha256,
            "video_sha256": self.video_sha256,
            "parameters": dict(self.result.parameters),
            "height_cm": self.context.height_cm,
            "mirrored": self.context.mirrored,
        }

    def measurement(self, name: str, side: str | None = None) -> Measurement:
        """The measurement called ``name`` (for ``side``); KeyError if it was not measured."""
        return self.result.measurement(name, side)
