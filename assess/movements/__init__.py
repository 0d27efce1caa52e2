"""Movement analyzers and the registry from movement name to analyzer."""

from __future__ import annotations

from collections.abc import Callable

from assess.movements.base import AnalysisContext, Analyzer, MovementResult
from assess.movements.posture import Posture

#: Movement name -> analyzer factory (default parameters).
REGISTRY: dict[str, Callable[[], Analyzer]] = {
    "posture": Posture,
}

__all__ = ["REGISTRY", "AnalysisContext", "Analyzer", "MovementResult"]
