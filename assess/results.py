"""What an analysis returns: typed parts that every surface (report, exports, records, app) reads.

Shared by the spine analyzers, posture and gait, below all of them. Values are kept at full
precision; rounding and JSON shaping belong to the writers in :mod:`assess.reporting`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from assess.quality import Quality
from assess.types import Facing, Measurement, Omission, Repetition, Side, View
from assess.view import ViewEstimate

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class Norm:
    """A normal range for a figure, with its source, or the statement that there is none.

    Parameters
    ----------
    name : str
        The figure the range belongs to.
    low, high : float or None
        The range in ``unit`` (None where the source gives none).
    unit : str or None
        UCUM unit of ``low``/``high``.
    source : str
        Where the range comes from (or why there is none).
    other_sources : tuple of str
        Other published values, which may disagree.
    mdc : float or None
        Minimal detectable change in ``unit`` (95 %), when one is published.
    mdc_source : str or None
        Where the MDC comes from.
    note : str
        How far the comparison holds.
    """

    name: str
    low: float | None
    high: float | None
    unit: str | None
    source: str
    other_sources: tuple[str, ...] = ()
    mdc: float | None = None
    mdc_source: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class NeutralRecord:
    """Where one shot's neutral posture was taken and what it looked like.

    Parameters
    ----------
    shot_s : (float, float)
        The shot (first and last frame time, s).
    neutral_s : (float, float) or None
        First and last neutral frame (None when measured from the image vertical).
    still_windows_s : tuple of (float, float)
        Quiet-standing windows used (empty without quiet standing).
    quiet_standing : bool
        Neutral is quiet, still, upright standing.
    from_image_vertical : bool
        No upright stance was seen: angles are from the image vertical.
    trunk_image_inclination_deg : float
        The trunk line's inclination from the image vertical at neutral (camera roll or lean).
    view : ViewEstimate
        The shot's view, estimated at this stance.
    """

    shot_s: tuple[float, float]
    neutral_s: tuple[float, float] | None
    still_windows_s: tuple[tuple[float, float], ...]
    quiet_standing: bool
    from_image_vertical: bool
    trunk_image_inclination_deg: float
    view: ViewEstimate


@dataclass(frozen=True, kw_only=True)
class RepetitionDetail:
    """The figures of one repetition (the summary figures are the best of these).

    ``figures`` maps a figure name to its value in that repetition (None when unseen);
    ``confidence`` is ``high``/``moderate``/``low`` for an estimate that has one (rotation).
    """

    side: Side | None
    peak_s: float
    figures: Mapping[str, float | None]
    confidence: str | None = None


@dataclass(frozen=True, kw_only=True)
class GaitEvent:
    """A heel strike or toe off; ``used`` False with ``why`` when it was left out."""

    kind: str
    side: Side
    time_s: float
    used: bool = True
    why: str = ""


@dataclass(frozen=True, kw_only=True)
class StepRecord:
    """One step of a walking pass; ``used`` False with ``why`` when it was left out."""

    side: Side
    start_s: float
    end_s: float
    used: bool
    why: str = ""


@dataclass(frozen=True, kw_only=True)
class PassRecord:
    """One walking pass: its view, steps and events, and what was left out."""

    start_s: float
    end_s: float
    view: View
    facing: Facing
    steps: tuple[StepRecord, ...]
    events: tuple[GaitEvent, ...]
    camera_moved: bool
    label_repair_frames: int


@dataclass(frozen=True, kw_only=True)
class Signal:
    """A figure over time (for charts and the annotated video): ``values`` at ``time_s``.

    NaN where the figure could not be measured (outside the measured shots, gaps).
    """

    name: str
    unit: str
    time_s: FloatArray
    values: FloatArray

    def __post_init__(self) -> None:
        if self.time_s.shape != self.values.shape or self.time_s.ndim != 1:
            raise ValueError(
                "time_s and values must be 1-D of one length, got "
                f"{self.time_s.shape} and {self.values.shape}"
            )


@dataclass(frozen=True, kw_only=True)
class MovementResult:
    """The outcome of one movement analysis.

    Parameters
    ----------
    movement : str
        Registry name of the movement.
    view : ViewEstimate or None
        The camera view (with its estimated angle); None when the body was never seen.
    measurements, omissions : tuple
        The figures, and the figures withheld with their reasons.
    repetitions, repetition_details : tuple
        Every repetition (times, peak) and its figures.
    warnings : tuple of str
        Quality problems in plain words.
    parameters : mapping
        The analyzer's settings (provenance).
    quality : Quality or None
        Coverage, visibility and framing.
    norms : tuple of Norm
        Normal ranges of the figures, with sources.
    neutral : tuple of NeutralRecord
        Where neutral was taken, per shot.
    passes : tuple of PassRecord
        Walking passes (gait).
    signals : tuple of Signal
        The movement's main angle over time.
    """

    movement: str
    view: ViewEstimate | None
    measurements: tuple[Measurement, ...]
    omissions: tuple[Omission, ...] = ()
    repetitions: tuple[Repetition, ...] = ()
    repetition_details: tuple[RepetitionDetail, ...] = ()
    warnings: tuple[str, ...] = ()
    parameters: Mapping[str, object] = field(default_factory=dict)
    quality: Quality | None = None
    norms: tuple[Norm, ...] = ()
    neutral: tuple[NeutralRecord, ...] = ()
    passes: tuple[PassRecord, ...] = ()
    signals: tuple[Signal, ...] = ()

    @property
    def facing(self) -> Facing | None:
        """The image direction the patient faces."""
        return self.view.facing if self.view is not None else None

    @property
    def view_name(self) -> View | None:
        """The view label: side, front or back."""
        return self.view.view if self.view is not None else None

    @property
    def gait_events(self) -> tuple[GaitEvent, ...]:
        """Every heel strike and toe off used, in time order."""
        return tuple(sorted((e for p in self.passes for e in p.events if e.used), key=lambda e: e.time_s))

    @property
    def steps_used(self) -> int:
        """Steady steps that the gait figures rest on."""
        return sum(s.used for p in self.passes for s in p.steps)

    def event_times_s(self, kind: str, side: Side) -> list[float]:
        """Times of the used events of one kind (``heel_strike``/``toe_off``) and foot."""
        return [e.time_s for e in self.gait_events if e.kind == kind and e.side is side]

    def measurement(self, name: str, side: str | None = None) -> Measurement:
        """The measurement called ``name`` (for ``side``); KeyError if it was not measured."""
        for m in self.measurements:
            if m.name == name and (side is None or m.side == side):
                return m
        raise KeyError(f"{name} ({side}) was not measured")

    def norm(self, name: str) -> Norm | None:
        """The normal range of a figure, or None."""
        return next((n for n in self.norms if n.name == name), None)
