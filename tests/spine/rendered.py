"""Rendered clips with known truth, through the real model (golden files), through the analyzers.

``python tests/spine/rendered.py`` prints the truth-vs-measured table quoted in the README.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assess.landmarks import LandmarkSeries  # noqa: E402
from assess.movements.base import AnalysisContext  # noqa: E402
from assess.registry import REGISTRY  # noqa: E402
from assess.results import MovementResult  # noqa: E402
from tests.golden.regenerate import CLIPS, MESSY, OUT  # noqa: E402
from tests.golden.store import load_golden  # noqa: E402

ALL_CLIPS = [*CLIPS, MESSY]
ROM_NAME = {
    "forward_bend": "trunk_flexion_rom",
    "extension": "trunk_extension_rom",
    "side_bend": "lateral_flexion_rom",
    "rotation": "trunk_rotation_rom",
}
#: Secondary figures compared per repetition (name in the analysis -> name in the truth block).
SECONDARY = {
    "forward_bend": ("hip_flexion_peak", "knee_flexion_peak", "fingertip_floor_distance"),
    "extension": ("knee_flexion_peak",),
    "side_bend": ("fingertip_drop", "pelvis_shift"),
    "rotation": ("pelvis_rotation_peak",),
}
_PER_REP_KEY = {"side_bend": "lateral_flexion", "rotation": "trunk_rotation"}


@dataclass(frozen=True, kw_only=True)
class RepComparison:
    """One true repetition and what the analysis made of it."""

    clip: str
    side: str | None
    truth: float
    measured: float | None
    figures: dict[str, tuple[float, float | None]]


def golden_path(name: str) -> Path:
    """The golden file of a clip."""
    return OUT / f"{name}.npz"


def analyse(name: str) -> tuple[MovementResult, dict[str, Any], LandmarkSeries]:
    """Run the clip's analyzer as the service does (un-mirroring a declared mirrored clip)."""
    golden = load_golden(golden_path(name), with_truth=True)
    series, truth = golden.series, golden.truth or {}
    context = AnalysisContext(height_cm=100.0 * truth["height_m"], mirrored=truth["mirrored"])
    if context.mirrored:
        series = series.flipped_horizontally()
    return REGISTRY[truth["movement"]]().analyze(series, context), truth, series


def compare(name: str, result: MovementResult, truth: dict[str, Any]) -> list[RepComparison]:
    """Match every true repetition with the found one nearest its peak time."""
    out = []
    figures = [d.figures for d in result.repetition_details]
    for rep in truth["repetitions"]:
        near = [
            (abs(r.peak_s - rep["peak_s"]), i)
            for i, r in enumerate(result.repetitions)
            if abs(r.peak_s - rep["peak_s"]) < 1.5
        ]
        if not near:
            out.append(
                RepComparison(clip=name, side=rep["side"], truth=rep["peak_value"], measured=None, figures={})
            )
            continue
        i = min(near)[1]
        found = result.repetitions[i]
        side_ok = (found.side.value if found.side else None) == rep["side"]
        values: dict[str, tuple[float, float | None]] = {}
        for fig in SECONDARY[truth["movement"]]:
            got = figures[i].get(fig) if i < len(figures) else None
            values[fig] = (rep["figures"].get(fig, math.nan), got)
        out.append(
            RepComparison(
                clip=name,
                side=rep["side"],
                truth=rep["peak_value"],
                measured=found.peak_value if side_ok else -found.peak_value,
                figures=values,
            )
        )
    return out


def table() -> str:
    """Markdown table of every golden clip: truth vs measured per repetition."""
    lines = [
        "| clip | view | roll | side | truth deg | measured deg | error | secondary (truth -> measured) |"
    ]
    lines.append("|---|---|---|---|---|---|---|---|")
    for name in ALL_CLIPS:
        if not golden_path(name).exists():
            lines.append(f"| {name} | missing golden file | | | | | | |")
            continue
        result, truth, _ = analyse(name)
        for c in compare(name, result, truth):
            err = "missed" if c.measured is None else f"{c.measured - c.truth:+.1f}"
            sec = "; ".join(
                f"{k} {t:.1f} -> {'-' if m is None else f'{m:.1f}'}" for k, (t, m) in c.figures.items()
            )
            lines.append(
                f"| {name} | {truth['view']}{' mirrored' if truth['mirrored'] else ''} | {truth['roll_deg']:g} "
                f"| {c.side or '-'} | {c.truth:.1f} | {'-' if c.measured is None else f'{c.measured:.1f}'} "
                f"| {err} | {sec} |"
            )
        extra = f"{len(result.repetitions)} found / {len(truth['repetitions'])} true"
        lines.append(f"| {name} | | | | | | | {extra} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
