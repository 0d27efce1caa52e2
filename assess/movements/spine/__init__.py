"""Spinal range of motion: forward bend, backward bend, side bends and twists.

Every analyzer measures from the patient's own neutral posture found in the clip
(:mod:`assess.neutral`), segments every repetition (:mod:`assess.repetitions`) and reports the
largest repetition with the spread across repetitions, the view used, the normal range with its
source, and what it could not measure and why.
"""

from __future__ import annotations

from assess.movements.spine.lateral import SideBend
from assess.movements.spine.rotation import Rotation
from assess.movements.spine.sagittal import Extension, ForwardBend

__all__ = ["Extension", "ForwardBend", "Rotation", "SideBend"]
