"""Which movement a clip shows, suggested from every analyzer's result on its landmarks.

The therapist confirms the suggestion; it saves choosing from a list for each clip of a visit.
Walking passes with steady steps mean gait; otherwise the spine movement whose repetitions are
clearest (largest peak against the movement's usual range) wins; quiet standing with no
repetition means posture.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from assess.catalogue import FIGURES
from assess.results import MovementResult
from assess.view import ViewEstimate

#: The main figure of each spine movement, whose norm's upper end scales its repetitions.
MAIN_FIGURE: Final = {
    "forward_bend": "trunk_flexion_rom",
    "extension": "trunk_extension_rom",
    "side_bend": "lateral_flexion_rom",
    "rotation": "trunk_rotation_rom",
}
#: Steady steps that make a clip a walk.
MIN_GAIT_STEPS: Final = 2
#: Rotation is an estimate from foreshortening; its score is scaled down so a bend wins a tie.
ROTATION_WEIGHT: Final = 0.5


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """The suggested movement (None when no movement is clear), why, the view and every score."""

    movement: str | None
    reason: str
    view: ViewEstimate | None
    scores: Mapping[str, float]


def repetition_score(movement: str, result: MovementResult, /) -> float:
    """Largest repetition peak over the upper end of the movement's normal range (0 when none)."""
    figure = MAIN_FIGURE[movement]
    if not result.repetitions or not any(m.name == figure for m in result.measurements):
        return 0.0
    norm = FIGURES[figure].norm
    scale = norm.high if norm is not None and norm.high else 30.0
    weight = ROTATION_WEIGHT if movement == "rotation" else 1.0
    return weight * max(abs(r.peak_value) for r in result.repetitions) / scale


def suggest(results: Mapping[str, MovementResult], /) -> Suggestion:
    """Suggest a movement from the results of the analyzers run on one clip (name -> result)."""
    gait = results.get("gait")
    view = next((r.view for r in results.values() if r.view is not None), None)
    if gait is not None and gait.steps_used >= MIN_GAIT_STEPS:
        return Suggestion(
            movement="gait",
            reason=f"walking: {gait.steps_used} steady steps found",
            view=gait.view or view,
            scores={"gait": float(gait.steps_used)},
        )
    scores = {m: repetition_score(m, r) for m, r in results.items() if m in MAIN_FIGURE}
    best = max(scores, key=lambda m: scores[m], default=None)
    if best is not None and scores[best] > 0:
        r = results[best]
        n = len(r.repetitions)
        seen = r.view.label if r.view else "camera"
        return Suggestion(
            movement=best,
            reason=f"{n} repetition{'s' if n != 1 else ''} found, seen from the {seen}",
            view=r.view or view,
            scores=scores,
        )
    posture = results.get("posture")
    if posture is not None and posture.measurements:
        return Suggestion(
            movement="posture", reason="quiet standing, no movement repeated", view=view, scores=scores
        )
    return Suggestion(movement=None, reason="no clear movement found: choose it", view=view, scores=scores)
