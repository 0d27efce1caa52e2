"""The app through Streamlit's AppTest with a fake backend (no pose model): widgets found by key."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assess.catalogue import FIGURES
from tests.app.fake_backend import FakeBackend

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT_S = 60


def _app(backend: FakeBackend) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state["backend"] = backend
    return at.run()


def _by_key(elements, key: str):  # type: ignore[no-untyped-def]
    found = [e for e in elements if getattr(e, "key", None) == key]
    assert found, f"no element with key {key!r}"
    return found[0]


def _text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "success", "error", "warning")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def _create_patient(at: AppTest, pid: str = "LBP-0042", height: float = 175.0) -> AppTest:
    at.text_input(key="new_patient_id").set_value(pid)
    at.number_input(key="new_height_cm").set_value(height)
    at.button(key="create_patient").click()
    return at.run()


def test_therapist_flow_create_patient_upload_results_export() -> None:
    be = FakeBackend()
    at = _app(be)
    assert not at.exception
    at = _create_patient(at)
    assert [p.patient_id for p in be.patients()] == ["LBP-0042"]
    assert at.selectbox(key="patient_select").value == "LBP-0042"
    at.text_input(key="therapist").set_value("PT Example")
    uploader = _by_key(at.get("file_uploader"), "clips_upload")
    uploader.set_value(
        [("bend.mp4", b"forward_bend clip", "video/mp4"), ("lean.mp4", b"side_bend clip", "video/mp4")]
    )
    at = at.run()
    at.button(key="analyse").click()
    at = at.run()
    assert not at.exception, at.exception
    # The movement of each clip is suggested from the motion found, and can be changed.
    suggested = sorted(sb.value for sb in at.selectbox if sb.key and sb.key.startswith("movement_"))
    assert suggested == ["forward_bend", "side_bend"]
    assert sum(1 for c in be.calls if c[0] == "suggest") == 2
    assert {c[1][1] for c in be.calls if c[0] == "analyse"} == {"forward_bend", "side_bend"}
    # Height from the patient reaches the analysis.
    assert all(c[1][2] == 175.0 for c in be.calls if c[0] == "analyse")

    at.sidebar.radio(key="page").set_value("Review")
    at = at.run()
    assert not at.exception, at.exception
    display = FIGURES["trunk_flexion_rom"].display
    flex = next(t.value for t in at.table if display in set(t.value.index))
    value = float(flex.loc[display, "value"])
    assert 78.0 <= value <= 82.0  # the synthetic bend's deeper repetition is 80 deg
    assert "normal range" in flex.columns
    # Pain per movement goes into the session and the save.
    pain_keys = [sb.key for sb in at.selectbox if sb.key and sb.key.startswith("pain_")]
    assert len(pain_keys) == 2
    at.selectbox(key=pain_keys[0]).set_value(6)
    at = at.run()
    text = _text(at)
    assert "pain 6" in text
    assert "CSV export not available in this build" in text
    labels = {b.key: b for b in at.get("download_button")}
    assert {"dl_json", "dl_pdf", "dl_fhir"} <= set(labels)
    assert "dl_csv" not in labels
    at.button(key="save_visit").click()
    at = at.run()
    assert "Saved as visit" in _text(at)
    prog = be.progress("LBP-0042")
    assert len(prog.visits) == 1
    assert 6 in prog.visits[0].pain_0_10.values()
    assert any(f.name == "trunk_flexion_rom" for f in prog.visits[0].figures)

    at.sidebar.radio(key="page").set_value("Progress")
    at = at.run()
    assert not at.exception
    trend = at.dataframe[0].value  # the only table on the page (AppTest gives dataframes no key)
    assert "verdict" in trend.columns
    assert set(trend["verdict"]) == {"one visit"}


def test_wrong_file_type_is_refused_with_a_message() -> None:
    be = FakeBackend()
    at = _create_patient(_app(be))
    _by_key(at.get("file_uploader"), "clips_upload").set_value([("notes.txt", b"hello", "text/plain")])
    at = at.run()
    assert any("is not a video this app reads" in e.value for e in at.error), [e.value for e in at.error]
    assert not any(b.key == "analyse" for b in at.button)


def test_duplicate_patient_id_is_refused() -> None:
    be = FakeBackend()
    at = _create_patient(_app(be))
    at.selectbox(key="patient_select").set_value("+ New patient")
    at = _create_patient(at.run())
    assert any("already on record" in e.value for e in at.error)


def test_selfcheck_upload_flow_saves_to_the_record() -> None:
    be = FakeBackend()
    at = _create_patient(_app(be))
    at.sidebar.radio(key="page").set_value("Self-check")
    at = at.run()
    assert not at.exception, at.exception
    at.selectbox(key="sc_movement").set_value("side_bend")
    at = at.run()
    assert any("Face the camera" in m.value for m in at.markdown)
    _by_key(at.get("file_uploader"), "sc_upload").set_value(("me.mp4", b"side_bend clip", "video/mp4"))
    at = at.run()
    assert not at.exception, at.exception
    metric = at.metric[0]
    assert int(metric.value) == 2  # one bend to each side
    at.button(key="sc_save").click()
    at = at.run()
    checks = be.progress("LBP-0042").self_checks
    assert len(checks) == 1
    assert checks[0]["movement"] == "side_bend"
    assert checks[0]["repetitions"] == 2
    assert set(checks[0]["best_deg"]) == {"left", "right"}


@pytest.mark.parametrize("pdf", [True, False])
def test_pdf_button_only_when_the_build_has_it(pdf: bool) -> None:
    be = FakeBackend(pdf=pdf)
    at = _create_patient(_app(be))
    _by_key(at.get("file_uploader"), "clips_upload").set_value(
        [("bend.mp4", b"forward_bend clip", "video/mp4")]
    )
    at = at.run()
    at.button(key="analyse").click()
    at = at.run()
    at.sidebar.radio(key="page").set_value("Review")
    at = at.run()
    keys = {b.key for b in at.get("download_button")}
    assert ("dl_pdf" in keys) is pdf
    assert ("PDF export not available in this build" in _text(at)) is (not pdf)


def test_twists_are_offered_by_upload_only() -> None:
    at = _create_patient(_app(FakeBackend()))
    at.sidebar.radio(key="page").set_value("Self-check")
    at = at.run()
    assert any(r.key == "sc_source" for r in at.radio)
    at.selectbox(key="sc_movement").set_value("rotation")
    at = at.run()
    assert not any(r.key == "sc_source" for r in at.radio)
    assert any(u.key == "sc_upload" for u in at.get("file_uploader"))


def test_choices_survive_moving_between_pages() -> None:
    be = FakeBackend()
    at = _create_patient(_app(be))
    _by_key(at.get("file_uploader"), "clips_upload").set_value(
        [("bend.mp4", b"forward_bend clip", "video/mp4")]
    )
    at = at.run()
    at.button(key="analyse").click()
    at = at.run()
    key = next(sb.key for sb in at.selectbox if sb.key and sb.key.startswith("movement_"))
    at.selectbox(key=key).set_value("extension")  # the therapist overrides the suggestion
    at = at.run()
    at.sidebar.radio(key="page").set_value("Review")
    at = at.run()
    assert any("Backward bend" in h.value for h in at.subheader), [h.value for h in at.subheader]
    pain_key = next(sb.key for sb in at.selectbox if sb.key and sb.key.startswith("pain_"))
    at.selectbox(key=pain_key).set_value(3)
    at = at.run()
    at.sidebar.radio(key="page").set_value("Intake")
    at = at.run()
    assert at.selectbox(key=key).value == "extension"
    at.sidebar.radio(key="page").set_value("Review")
    at = at.run()
    assert at.selectbox(key=pain_key).value == 3


def test_progress_flags_a_change_beyond_the_mdc() -> None:
    import datetime as dt

    from tests.records.sessions import session

    be = FakeBackend()
    at = _create_patient(_app(be))
    # An earlier visit on record: trunk flexion 50 deg (the synthetic clip now reads 80).
    be.save_visit(session("LBP-0042", dt.date(2025, 6, 1), (50.0,)))
    _by_key(at.get("file_uploader"), "clips_upload").set_value(
        [("bend.mp4", b"forward_bend clip", "video/mp4")]
    )
    at = at.run()
    at.button(key="analyse").click()
    at = at.run()
    at.sidebar.radio(key="page").set_value("Review")
    at = at.run()
    at.button(key="save_visit").click()
    at = at.run()
    at.sidebar.radio(key="page").set_value("Progress")
    at = at.run()
    trend = at.dataframe[0].value
    row = trend[trend["figure"] == FIGURES["trunk_flexion_rom"].display].iloc[0]
    assert row["first"] == 50.0
    assert 78.0 <= row["latest"] <= 82.0
    assert row["verdict"] == "real change"
    assert any("since the first visit" in s.value for s in at.success)


@pytest.mark.parametrize(
    ("name", "size", "expected"),
    [
        ("clip.mp4", 10_000, None),
        ("clip.MOV", 10_000, None),
        ("notes.txt", 10, "is not a video this app reads"),
        ("clip", 10, "is not a video this app reads"),
        ("huge.mp4", 501 * 2**20, "more than 500 MB"),
        ("empty.mp4", 0, "is empty"),
    ],
)
def test_upload_check_says_what_is_wrong(name: str, size: int, expected: str | None) -> None:
    from assess.app.state import check_upload

    problem = check_upload(name, size)
    assert (problem is None) if expected is None else (expected in (problem or ""))
