"""A patient's trend across visits, with changes beyond the minimal detectable change flagged."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from assess.app import state
from assess.app.backend import TrendRow
from assess.reporting.json_report import rounded


def flag(row: TrendRow) -> str:
    """A plain word on whether the change from the first visit is real."""
    if row.change is None:
        return "one visit"
    if row.real_change is None:
        return "no MDC published"
    return "real change" if row.real_change else "within measurement error"


def page() -> None:
    """The progress page."""
    st.header("Progress")
    be = state.backend()
    pid = state.pick_patient("Patient", key="progress_patient")
    if pid is None:
        st.info("No patient on record yet.")
        return
    prog = be.progress(pid)
    st.caption(f"{len(prog.visits)} visit(s) on record")
    if prog.trends:
        table = [
            {
                "figure": r.display,
                "side": r.side or "",
                "unit": r.unit,
                "first": rounded(r.values[0], r.unit),
                "latest": rounded(r.values[-1], r.unit),
                "change": None if r.change is None else rounded(r.change, r.unit),
                "MDC": r.mdc,
                "verdict": flag(r),
            }
            for r in prog.trends
        ]
        st.dataframe(table, hide_index=True, width="stretch", key="trend_table")
        long = pd.DataFrame(
            [
                {"date": d, "value": v, "figure": f"{r.display} {r.side or ''} ({r.unit})".strip()}
                for r in prog.trends
                for d, v in zip(r.dates, r.values, strict=True)
            ]
        )
        chart = (
            alt.Chart(long)
            .mark_line(point=True)
            .encode(x="date:T", y="value:Q", color="figure:N", tooltip=["date:T", "figure:N", "value:Q"])
            .properties(height=280)
        )
        st.altair_chart(chart, width="stretch", key="trend_chart")
        real = [r for r in prog.trends if r.real_change]
        for r in real:
            assert r.change is not None
            st.success(
                f"{r.display} {r.side or ''}: {r.change:+.1f} {r.unit} since the first visit (MDC {r.mdc:g})."
            )
    if prog.self_checks:
        st.subheader("Self-checks at home")
        st.dataframe(
            [
                {
                    "time": c["time"],
                    "movement": c["movement"],
                    "repetitions": c["repetitions"],
                    "largest angle": ", ".join(f"{k} {v:.0f} deg" for k, v in c["best_deg"].items()),
                }
                for c in prog.self_checks
            ],
            hide_index=True,
            key="selfcheck_table",
        )
