"""Showing an assessment: the chart of the angle over time, the figure table, warnings in plain words.

Display only: every number comes from the :class:`~assess.assessment.Assessment`, rounded by the
report writer's rule.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from assess.assessment import Assessment
from assess.catalogue import FIGURES
from assess.reporting.json_report import DECIMALS, rounded

MOVEMENT_NAMES = {
    "posture": "Standing posture",
    "forward_bend": "Forward bend",
    "extension": "Backward bend",
    "side_bend": "Side bends",
    "rotation": "Twists",
    "gait": "Walking",
}


def movement_label(name: str) -> str:
    """A movement's plain name."""
    return MOVEMENT_NAMES.get(name, name.replace("_", " "))


def figure_rows(a: Assessment, /) -> list[dict[str, Any]]:
    """One row per figure: name, side, value with unit, normal range and where the value lies."""
    rows = []
    for m in a.measurements:
        entry = FIGURES.get(m.name)
        norm = a.result.norm(m.name)
        value = rounded(m.value, m.unit)
        if norm is not None and norm.low is not None and norm.high is not None:
            normal = f"{norm.low:g}-{norm.high:g} {norm.unit or m.unit}"
            where = "below" if m.value < norm.low else "above" if m.value > norm.high else "within"
        else:
            normal, where = "no published range", ""
        rows.append(
            {
                "figure": entry.display if entry else m.name,
                "side": m.side.value if m.side else "",
                "value": "" if value is None else f"{value:.{DECIMALS.get(m.unit, 2)}f}",
                "unit": m.unit,
                "normal range": normal,
                "compared": where,
                "key": m.name,
            }
        )
    return rows


def angle_chart(a: Assessment, /) -> alt.LayerChart | None:
    """The movement's main angle over time with the repetitions marked (hover for values)."""
    if not a.signals:
        return None
    sig = a.signals[0]
    entry = FIGURES.get(sig.name)
    title = entry.display if entry else sig.name.replace("_", " ")
    df = pd.DataFrame(
        {"time (s)": sig.time_s, "value": [v if math.isfinite(v) else None for v in sig.values]}
    )
    hover = alt.selection_point(fields=["time (s)"], nearest=True, on="pointerover", empty=False)
    line = (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=alt.X("time (s):Q"),
            y=alt.Y("value:Q", title=f"{title} ({sig.unit})"),
        )
    )
    points = (
        line.mark_point(size=60)
        .encode(opacity=alt.condition(hover, alt.value(1), alt.value(0)), tooltip=["time (s):Q", "value:Q"])
        .add_params(hover)
    )
    layers: list[Any] = [line, points]
    if a.repetitions:
        reps = pd.DataFrame(
            [
                {
                    "repetition": i + 1,
                    "side": r.side.value if r.side else "",
                    "start (s)": round(r.start_s, 2),
                    "peak (s)": round(r.peak_s, 2),
                    "end (s)": round(r.end_s, 2),
                    "peak": rounded(r.peak_value, r.unit),
                }
                for i, r in enumerate(a.repetitions)
            ]
        )
        band = (
            alt.Chart(reps)
            .mark_rect(opacity=0.12, color="orange")
            .encode(x=alt.X("start (s):Q", title="time (s)"), x2="end (s):Q", tooltip=list(reps.columns))
        )
        peak = (
            alt.Chart(reps)
            .mark_rule(color="orange", strokeDash=[4, 3])
            .encode(x=alt.X("peak (s):Q", title="time (s)"), tooltip=list(reps.columns))
        )
        layers = [band, peak, *layers]
    chart: alt.LayerChart = alt.layer(*layers).properties(height=260)  # type: ignore[assignment]
    return chart


def plain_warning(text: str) -> str:
    """A warning as shown to a therapist: first letter capitalised, ending with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def show_assessment(a: Assessment, /, *, key: str) -> None:
    """The chart, the figure table, what was not measured and the warnings of one clip."""
    view = a.view
    st.caption(
        f"{movement_label(a.movement)} - view: {view.label if view else 'not found'}"
        + (f" ({view.angle_deg:+.0f} deg from straight on)" if view else "")
        + f" - {len(a.repetitions)} repetition(s) - subject seen in {a.subject_coverage:.0%} of frames"
    )
    chart = angle_chart(a)
    if chart is not None:
        st.altair_chart(chart, width="stretch", key=f"chart_{key}")
    rows = figure_rows(a)
    if rows:
        # A static table: its text is in the page (a browser test and a screen reader can read it).
        st.table(pd.DataFrame(rows).drop(columns=["key"]).set_index("figure"))
    else:
        st.info("No figure could be measured from this clip; see why below.")
    for o in a.omissions:
        side = f" ({o.side.value})" if o.side else ""
        entry = FIGURES.get(o.name)
        st.markdown(f"- **{entry.display if entry else o.name}{side}** not measured: {o.reason}")
    for w in a.warnings:
        st.warning(plain_warning(w))
