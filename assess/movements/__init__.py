"""Movement analyzers and the registry from movement name to analyzer."""

from __future__ import annotations

from collections.abc import Callable

from assess.gait import Gait
from assess.movements.base import AnalysisContext, Analyzer, MovementResult
from assess.movements.posture import Posture
from assess.movements.spine import Extension, ForwardBend, Rotation, SideBend

#: Movement name -> analyzer factory (default parameters).
REGISTRY: dict[str, Callable[[], Analyzer]] = {
    "posture": Posture,
    "gait": Gait,
    "forward_bend": ForwardBend,
    "extension": Extension,
    "side_bend": SideBend,
    "rotation": Rotation,
}

__all__ = ["REGISTRY", "AnalysisContext", "Analyzer", "MovementResult"]
