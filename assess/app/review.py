"""Review each clip (video, chart, figures, warnings), record pain and notes, export and save."""

from __future__ import annotations

import streamlit as st

from assess.app import state
from assess.app.backend import Backend, new_session
from assess.app.views import figure_rows, movement_label, show_assessment
from assess.assessment import Assessment
from assess.errors import InputError
from assess.session import Patient, Session, SessionItem, Visit

NOT_ASKED = "not asked"
PAIN_OPTIONS: list[str | int] = [NOT_ASKED, *range(11)]


def reviewed(be: Backend, patient: Patient) -> list[tuple[state.Clip, Assessment]]:
    """Each analysed clip with the assessment for the movement the therapist confirmed.

    The assessment is made here when Intake was left before it was (the landmarks are cached, so
    this runs only the analyzer).
    """
    out = []
    mirrored = bool(st.session_state.get("mirrored_value", False))
    for clip in state.clips().values():
        if clip.suggestion is None or clip.error:
            continue
        movement = clip.movement or clip.suggestion.movement
        if movement is None:
            continue
        key = (movement, patient.height_cm, mirrored)
        if key not in clip.results:
            try:
                clip.results[key] = be.analyse(
                    clip.path, movement=movement, height_cm=patient.height_cm, mirrored=mirrored
                )
            except InputError as exc:
                st.error(f"{clip.name}: {exc}")
                continue
        out.append((clip, clip.results[key]))
    return out


def clip_review(be: Backend, clip: state.Clip, a: Assessment) -> SessionItem:
    """One clip: its video, chart, figures and warnings; pain and notes for its movement."""
    st.subheader(f"{movement_label(a.movement)} - {clip.name}")
    left, right = st.columns([2, 3])
    with left:
        video = be.annotated_video(a)
        if video is not None:
            st.video(str(video))
        else:
            st.video(str(clip.path))
            st.caption("Annotated video not available in this build: the clip as recorded.")
    with right:
        show_assessment(a, key=clip.clip_id)
    c1, c2 = st.columns([1, 3])
    state.keep(f"pain_{clip.clip_id}", clip.pain)
    state.keep(f"notes_{clip.clip_id}", clip.notes)
    pain = c1.selectbox("Pain (0-10)", PAIN_OPTIONS, key=f"pain_{clip.clip_id}")
    notes = c2.text_input("Notes on this movement", key=f"notes_{clip.clip_id}")
    clip.pain, clip.notes = pain, notes
    return SessionItem(assessment=a, pain_0_10=None if pain == NOT_ASKED else int(pain), notes=notes or None)


def downloads(be: Backend, session: Session) -> None:
    """Download buttons for every export this build has; a plain note for the others."""
    stem = f"assess_{session.patient.patient_id}_{session.visit.date.isoformat()}"
    cols = st.columns(4)
    cols[0].download_button(
        "Report (JSON)", be.report_json(session), f"{stem}.json", "application/json", key="dl_json"
    )
    exports = [
        ("PDF", be.export_pdf, "pdf", "application/pdf", "dl_pdf"),
        ("CSV", be.export_csv, "csv", "text/csv", "dl_csv"),
        ("FHIR", be.export_fhir, "fhir.json", "application/fhir+json", "dl_fhir"),
    ]
    for col, (label, fn, ext, mime, key) in zip(cols[1:], exports, strict=True):
        data = fn(session)
        if data is None:
            col.caption(f"{label} export not available in this build")
        else:
            col.download_button(label, data, f"{stem}.{ext}", mime, key=key)


def summary(session: Session) -> None:
    """The visit at a glance: every figure of every movement, with pain."""
    rows = []
    for item in session.items:
        a = item.assessment
        rows += [
            {"movement": movement_label(a.movement), **{k: v for k, v in r.items() if k != "key"}}
            for r in figure_rows(a)
        ]
        pain = item.pain_0_10 if item.pain_0_10 is not None else "not asked"
        st.caption(f"{movement_label(a.movement)}: pain {pain}" + (f"; {item.notes}" if item.notes else ""))
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", key="summary_table")


def page() -> None:
    """The review page."""
    st.header("Review")
    be = state.backend()
    patient: Patient | None = next(
        (p for p in be.patients() if p.patient_id == state.get("patient_id")), None
    )
    visit: Visit | None = state.get("visit")
    done = reviewed(be, patient) if patient is not None else []
    if not done or patient is None or visit is None:
        st.info("Analyse the visit's clips on the Intake page first.")
        return
    items = [clip_review(be, clip, a) for clip, a in done]
    session = new_session(patient, visit, items)
    st.divider()
    st.subheader("Visit summary")
    summary(session)
    downloads(be, session)
    if st.button("Save the visit to the patient's record", type="primary", key="save_visit"):
        visit_id = be.save_visit(session)
        st.session_state["saved_visit"] = visit_id
    if state.get("saved_visit"):
        st.success(f"Saved as visit {state.get('saved_visit')}. See Progress for the trend.")
