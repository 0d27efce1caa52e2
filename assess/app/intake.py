"""Therapist intake: the patient, the visit, the clips (uploaded or recorded) and their analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from assess.app import state
from assess.app.views import movement_label
from assess.errors import InputError
from assess.session import Patient, Visit

NEW_PATIENT = "+ New patient"


def patient_section() -> Patient | None:
    """Choose a patient on record or create one; the chosen patient or None."""
    be = state.backend()
    patients = {p.patient_id: p for p in be.patients()}
    options = [NEW_PATIENT, *patients]
    pending = st.session_state.pop("_select_patient", None)
    if pending in patients or st.session_state.get("patient_select") not in options:
        chosen = pending or st.session_state.get("patient_id")
        st.session_state["patient_select"] = chosen if chosen in patients else NEW_PATIENT
    pick = st.selectbox("Patient", options, key="patient_select")
    if pick != NEW_PATIENT:
        st.session_state["patient_id"] = pick
        return patients[pick]
    with st.container(border=True):
        st.markdown("**New patient** (a pseudonymous id, never a name)")
        pid = st.text_input("Patient id", key="new_patient_id", placeholder="e.g. LBP-0042")
        c1, c2 = st.columns(2)
        height = c1.number_input("Height (cm, 0 = unknown)", 0.0, 250.0, 0.0, step=1.0, key="new_height_cm")
        year = c2.number_input(
            "Year of birth (0 = unknown)", 0, dt.date.today().year, 0, key="new_birth_year"
        )
        created = st.button("Create patient", key="create_patient")
    if created:
        try:
            patient = be.create_patient(
                Patient(
                    patient_id=pid.strip(),
                    height_cm=height or None,
                    birth_year=int(year) or None,
                )
            )
        except ValueError as exc:
            st.error(str(exc))
            return None
        st.session_state["patient_id"] = patient.patient_id
        st.session_state["_select_patient"] = patient.patient_id
        st.rerun()
    return None


def visit_section() -> Visit | None:
    """The visit's date, therapist and notes."""
    c1, c2 = st.columns(2)
    date = c1.date_input("Visit date", value=dt.date.today(), max_value=dt.date.today(), key="visit_date")
    therapist = c2.text_input("Therapist", key="therapist")
    notes = st.text_area("Visit notes", key="visit_notes", height=80)
    try:
        return Visit(date=date, therapist=therapist or None, notes=notes or None)
    except ValueError as exc:
        st.error(str(exc))
        return None


def upload_section() -> None:
    """Uploads (several at once) or a webcam recording; refused files say why."""
    # No ``type=`` filter: check_upload refuses other files with a message saying what to give.
    files = st.file_uploader(
        "Clips of the movements (several at once)",
        accept_multiple_files=True,
        key="clips_upload",
        help=f"mp4, mov, avi, webm or mkv, up to {state.MAX_UPLOAD_MB} MB each",
    )
    clips = state.clips()
    for f in files or []:
        problem = state.check_upload(f.name, f.size)
        if problem:
            st.error(problem)
            continue
        saved: dict[str, str] = st.session_state.setdefault("saved_uploads", {})
        if f.file_id not in saved:  # hash and write each upload once, not on every rerun
            saved[f.file_id] = str(state.save_upload(f.name, f.getvalue()))
        path = Path(saved[f.file_id])
        clip_id = path.stem
        if clip_id not in clips:
            clips[clip_id] = state.Clip(clip_id=clip_id, name=f.name, path=path)
    if st.toggle("Record a clip with the webcam", key="record_toggle"):
        from assess.app.webcam import record_clip

        recorded = record_clip(state.upload_dir())
        if recorded is not None and recorded.stem not in clips:
            clips[recorded.stem] = state.Clip(clip_id=recorded.stem, name=recorded.name, path=recorded)


def analyse_section(patient: Patient | None) -> None:
    """Run the pose model once per clip, suggest its movement, analyse it; the therapist confirms."""
    clips = state.clips()
    if not clips:
        st.info("Upload the clips of this visit (or record them) to analyse them.")
        return
    be = state.backend()
    mirrored = st.checkbox("Clips are mirrored (selfie camera)", key="mirrored")
    st.session_state["mirrored_value"] = mirrored  # widget state is dropped on other pages
    pending = [c for c in clips.values() if c.suggestion is None and c.error is None]
    if pending and st.button(f"Analyse {len(pending)} clip(s)", type="primary", key="analyse"):
        bar = st.progress(0.0, text="Reading the clips...")
        for i, clip in enumerate(pending):

            def tick(done: int, total: int, i: int = i, name: str = clip.name) -> None:
                frac = (i + min(done / max(total, 1), 1.0)) / len(pending)
                bar.progress(frac, text=f"{name}: frame {done} of {total}")

            try:
                clip.suggestion = be.suggest_movement(clip.path, mirrored=mirrored, progress=tick)
            except InputError as exc:
                clip.error = str(exc)
        bar.progress(1.0, text="Done")
        st.rerun()  # show the clips as analysed, without the button
    movements = be.movements()
    for clip in clips.values():
        with st.container(border=True):
            st.markdown(f"**{clip.name}**")
            if clip.error:
                st.error(clip.error)
                continue
            if clip.suggestion is None:
                st.caption("not analysed yet")
                continue
            s = clip.suggestion
            default = clip.movement or (s.movement if s.movement in movements else movements[0])
            state.keep(f"movement_{clip.clip_id}", default)
            chosen = st.selectbox(
                "Movement",
                movements,
                format_func=movement_label,
                key=f"movement_{clip.clip_id}",
                help="suggested from the view and the motion found; change it if it is wrong",
            )
            clip.movement = chosen
            st.caption(f"Suggested: {movement_label(s.movement) if s.movement else 'none'} ({s.reason})")
            height = patient.height_cm if patient else None
            key = (chosen, height, mirrored)
            if key not in clip.results:
                try:
                    clip.results[key] = be.analyse(
                        clip.path, movement=chosen, height_cm=height, mirrored=mirrored
                    )
                except InputError as exc:
                    clip.error = str(exc)
                    st.error(clip.error)
                    continue
            a = clip.results[key]
            st.caption(f"{len(a.measurements)} figure(s), {len(a.warnings)} warning(s) - see Review")


def page() -> None:
    """The intake page."""
    st.header("Intake")
    patient = patient_section()
    if patient is None:
        st.info("Choose or create a patient to start the visit.")
        return
    st.caption(
        f"Patient {patient.patient_id}"
        + (f", {patient.height_cm:g} cm" if patient.height_cm else " (no height: figures in cm are left out)")
    )
    visit = visit_section()
    if visit is not None:
        st.session_state["visit"] = visit
    upload_section()
    analyse_section(patient)
