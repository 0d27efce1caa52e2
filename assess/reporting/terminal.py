"""A readable table of an assessment's figures for the terminal (rich), with its warnings."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from assess.assessment import Assessment
from assess.catalogue import FIGURES
from assess.reporting.json_report import rounded


def _norm_text(a: Assessment, name: str) -> str:
    norm = a.result.norm(name)
    if norm is None or (norm.low is None and norm.high is None):
        return ""
    low = "" if norm.low is None else f"{norm.low:g}"
    high = "" if norm.high is None else f"{norm.high:g}"
    return f"{low}-{high} {norm.unit or ''}".strip()


def print_assessment(a: Assessment, /, *, console: Console | None = None) -> None:
    """Print the figures, the figures withheld with their reasons, and the warnings."""
    out = console or Console()
    view = a.view
    where = f"{view.label} view, {view.angle_deg:+.0f} deg" if view is not None else "view unknown"
    table = Table(title=f"{a.movement} - {a.video.path} ({where})", title_justify="left")
    for col, justify in (("figure", "left"), ("side", "left"), ("value", "right"), ("unit", "left"),
                         ("normal range", "left")):  # fmt: skip
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for m in a.measurements:
        entry = FIGURES.get(m.name)
        value = rounded(m.value, m.unit)
        shown = f"{value:g}" if value is not None else ""
        side = m.side.value if m.side else ""
        table.add_row(entry.display if entry else m.name, side, shown, m.unit, _norm_text(a, m.name))
    out.print(table)
    for o in a.omissions:
        side = f" ({o.side.value})" if o.side else ""
        out.print(f"not measured: {o.name}{side}: {o.reason}", highlight=False)
    for w in a.warnings:
        out.print(f"warning: {w}", highlight=False)
