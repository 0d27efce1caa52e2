"""The app's entry point: one page per task, chosen in the sidebar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import streamlit as st

from assess.app import intake, progress, review, selfcheck

PAGES: Final[dict[str, Callable[[], None]]] = {
    "Intake": intake.page,
    "Review": review.page,
    "Progress": progress.page,
    "Self-check": selfcheck.page,
}


def main() -> None:
    """Render the page chosen in the sidebar."""
    st.set_page_config(page_title="assess", layout="wide")
    with st.sidebar:
        st.title("assess")
        st.caption("Movement of people with low back pain, from video. Everything stays on this computer.")
        choice = st.radio("Page", list(PAGES), key="page")
        st.caption("Therapists: Intake, then Review and Progress. Patients at home: Self-check.")
    PAGES[choice]()
