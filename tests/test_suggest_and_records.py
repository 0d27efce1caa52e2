"""Movement suggestion from every analyzer's result, and the adapter over the patient records (no model)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assess.app.backend import LocalBackend
from assess.catalogue import FIGURES
from assess.coach import CoachSummary
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.registry import REGISTRY
from assess.session import Patient
from assess.suggest import suggest
from tests.gait.walker import record, side_camera, straight_walk
from tests.spine.synthetic import Camera, movement


def _suggested(series: LandmarkSeries) -> str | None:
    return suggest({m: REGISTRY[m]().analyze(series, AnalysisContext()) for m in REGISTRY}).movement


@pytest.mark.parametrize(
    ("expected", "make"),
    [
        ("forward_bend", lambda: movement("flexion_deg", (60.0, 70.0), Camera(view="side", facing="left"))),
        ("extension", lambda: movement("flexion_deg", (-20.0, -25.0), Camera(view="side", facing="right"))),
        ("side_bend", lambda: movement("lateral_deg", (25.0, -25.0), Camera(view="front"))),
        ("gait", lambda: record(straight_walk(n_steps=8), side_camera(), fps=30, noise_px=1.0).series),
    ],
)
def test_the_movement_shown_is_suggested(expected: str, make) -> None:  # type: ignore[no-untyped-def]
    assert _suggested(make()) == expected


def _session(date: dt.date, peak_deg: float):  # type: ignore[no-untyped-def]
    from tests.records.sessions import session

    return session("P1", date, (peak_deg,))


def test_change_beyond_the_mdc_is_flagged_real_and_within_it_is_not(tmp_path: Path) -> None:
    """The progress the app shows is the records' (assess.records.progress_table), not its own maths."""
    mdc = FIGURES["trunk_flexion_rom"].norm.mdc  # type: ignore[union-attr]
    assert mdc is not None
    real = LocalBackend(data_dir=tmp_path, database=str(tmp_path / "real.sqlite3"))
    real.save_visit(_session(dt.date(2026, 1, 10), 50.0))
    real.save_visit(_session(dt.date(2026, 2, 10), 50.0 + mdc + 1.0))
    noise = LocalBackend(data_dir=tmp_path, database=str(tmp_path / "noise.sqlite3"))
    noise.save_visit(_session(dt.date(2026, 1, 10), 50.0))
    noise.save_visit(_session(dt.date(2026, 2, 10), 50.0 + mdc - 1.0))
    row = next(t for t in real.progress("P1").trends if t.name == "trunk_flexion_rom")
    quiet = next(t for t in noise.progress("P1").trends if t.name == "trunk_flexion_rom")
    assert row.real_change is True
    assert quiet.real_change is False
    assert row.change == pytest.approx(mdc + 1.0, abs=1.0)
    assert row.dates == ("2026-01-10", "2026-02-10")
    # The visit's PDF and FHIR are kept with the patient's records.
    from assess.records import list_files, open_database

    with open_database(str(tmp_path / "real.sqlite3")) as db:
        assert len(list_files(db, "P1", kind="pdf")) == 2
        assert len(list_files(db, "P1", kind="fhir")) == 2


def test_records_survive_a_restart_and_refuse_a_taken_id(tmp_path: Path) -> None:
    db = str(tmp_path / "records.sqlite3")
    be = LocalBackend(data_dir=tmp_path, database=db)
    be.create_patient(Patient(patient_id="P1", height_cm=170.0))
    with pytest.raises(ValueError, match="P1"):
        be.create_patient(Patient(patient_id="P1"))
    summary = CoachSummary(
        movement="side_bend", duration_s=12.0, repetitions=2, repetitions_by_side={"left": 1, "right": 1},
        best_deg={"left": 21.0, "right": 22.0}, peaks_deg=(22.0, 21.0), checks_passed=True,
    )  # fmt: skip
    be.save_self_check("P1", summary)
    again = LocalBackend(data_dir=tmp_path, database=db)
    assert [p.patient_id for p in again.patients()] == ["P1"]
    assert again.patients()[0].height_cm == 170.0
    checks = again.progress("P1").self_checks
    assert len(checks) == 1
    assert checks[0]["repetitions"] == 2
    assert dt.datetime.fromisoformat(checks[0]["time"])


def test_in_memory_records_write_nothing(tmp_path: Path) -> None:
    be = LocalBackend(data_dir=tmp_path, in_memory=True)
    be.create_patient(Patient(patient_id="P2"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("method", "module"),
    [
        ("export_pdf", "assess.reporting.pdf"),
        ("export_csv", "assess.reporting.csv_export"),  # write_csv
        ("export_fhir", "assess.reporting.fhir"),
    ],
)
def test_an_export_is_offered_exactly_when_its_module_is_in_the_build(method: str, module: str) -> None:
    import importlib.util

    from assess.session import Session, SessionItem, Visit
    from tests.app.fake_backend import _extraction, _series

    ex = _extraction(_series("forward_bend"), "bend.mp4")
    from assess.assessment import Assessment

    a = Assessment.of(
        ex, REGISTRY["forward_bend"]().analyze(ex.series, AnalysisContext()), context=AnalysisContext()
    )
    session = Session(
        patient=Patient(patient_id="P3"),
        visit=Visit(date=dt.date(2026, 1, 5)),
        items=(SessionItem(assessment=a),),
    )
    out = getattr(LocalBackend(in_memory=True), method)(session)
    present = importlib.util.find_spec(module) is not None
    assert (out is not None) is present
    if present:
        assert isinstance(out, bytes)
        assert out
