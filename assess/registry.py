"""The registry from movement name to analyzer: the one place that knows every movement.

It sits above the spine, posture and gait packages (which share :mod:`assess.results` below
them), so no analyzer package imports another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from assess.gait import Gait
from assess.movements.base import Analyzer
from assess.movements.posture import Posture
from assess.movements.spine import Extension, ForwardBend, Rotation, SideBend

#: Movement name -> analyzer factory (default parameters).
REGISTRY: Final[dict[str, Callable[[], Analyzer]]] = {
    "posture": Posture,
    "gait": Gait,
    "forward_bend": ForwardBend,
    "extension": Extension,
    "side_bend": SideBend,
    "rotation": Rotation,
}
