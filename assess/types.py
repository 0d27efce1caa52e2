"""Vocabulary shared by every layer: sides, views, measurements, repetitions.

The patient's anatomical side (:class:`Side`) and the direction the patient faces in
the image (:class:`Facing`) are different types on purpose: a patient facing the camera
who bends toward image-left bends to their *right*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

#: UCUM codes the project reports in.
UCUM_UNITS = frozenset({"deg", "cm", "m", "s", "/min", "m/s", "%", "1"})


class Side(StrEnum):
    """The patient's anatomical side."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        """The opposite anatomical side."""
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class View(StrEnum):
    """Where the camera stands relative to the patient."""

    SIDE = "side"
    FRONT = "front"
    BACK = "back"


class Facing(StrEnum):
    """The image direction the patient faces."""

    LEFT = "left"
    RIGHT = "right"
    CAMERA = "camera"
    AWAY = "away"


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """One reported figure: a name, a value in a UCUM unit, and the patient's side or None.

    Parameters
    ----------
    name : str
        Stable identifier, e.g. ``"trunk_flexion_rom"``.
    value : float
        The figure, finite.
    unit : str
        UCUM code (``deg``, ``cm``, ``s``, ``/min``, ``m/s``, ``%``).
    side : Side or None
        The patient's anatomical side when the figure belongs to one.
    view : View or None
        The camera view the figure was measured from.
    spread : float or None
        Range (max - min) of the figure across repetitions, same unit, when repeated.
    """

    name: str
    value: float
    unit: str
    side: Side | None = None
    view: View | None = None
    spread: float | None = None

    def __post_init__(self) -> None:
        if self.unit not in UCUM_UNITS:
            raise ValueError(f"unit must be a UCUM code in {sorted(UCUM_UNITS)}, got {self.unit!r}")
        if not math.isfinite(self.value):
            raise ValueError(f"measurement {self.name!r} must be finite, got {self.value!r}")


@dataclass(frozen=True, kw_only=True)
class Omission:
    """A figure that could not be measured, and why (reported instead of a number)."""

    name: str
    reason: str
    side: Side | None = None


@dataclass(frozen=True, kw_only=True)
class Repetition:
    """One repetition of a movement: start, peak and end times, and the peak value."""

    side: Side | None
    start_s: float
    peak_s: float
    end_s: float
    peak_value: float
    unit: str = "deg"

    def __post_init__(self) -> None:
        if not self.start_s <= self.peak_s <= self.end_s:
            raise ValueError(
                f"repetition times must satisfy start <= peak <= end, got "
                f"{self.start_s}, {self.peak_s}, {self.end_s}"
            )
