"""Gait results in the plain shape the tests compare: events by kind and foot, passes as dicts."""

from __future__ import annotations

from typing import Any

from assess.results import MovementResult
from assess.types import Side


def gait_events(result: MovementResult) -> dict[str, dict[str, list[float]]]:
    """``{"heel_strike_s": {"left": [...], "right": [...]}, "toe_off_s": {...}}`` of the events used."""
    return {
        f"{kind}_s": {side.value: result.event_times_s(kind, side) for side in Side}
        for kind in ("heel_strike", "toe_off")
    }


def passes(result: MovementResult) -> list[dict[str, Any]]:
    """Each pass's view, camera motion and label repairs."""
    return [
        {
            "view": p.view.value,
            "facing": p.facing.value,
            "camera_moved": p.camera_moved,
            "label_repairs_frames": p.label_repair_frames,
            "steps_used": sum(s.used for s in p.steps),
            "start_s": p.start_s,
            "end_s": p.end_s,
            "steady_steps": [{"side": s.side.value, "start_s": s.start_s, "end_s": s.end_s} for s in p.steps if s.used],
        }
        for p in result.passes
    ]
