"""Patient records on SQLite and PostgreSQL: migrations, progress against the MDC, concurrent
writers, a writer killed mid-save, export/import and delete.

Every test runs on both databases (``database_url`` in conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from PIL import Image
from sqlalchemy import func, inspect, select

from assess.errors import InputError
from assess.records import (
    Database,
    add_patient,
    delete_patient,
    export_patient,
    import_patient,
    list_visits,
    measurements,
    open_database,
    progress_table,
    save_session,
)
from assess.records.chart import write_charts
from assess.records.db import HEAD_REVISION, TEST_HOLD_ENV
from assess.records.schema import AssessmentRow, Base, FileRow, MeasurementRow, PatientRow, VisitRow
from assess.session import Patient
from tests.records.sessions import session

REPO = Path(__file__).resolve().parents[2]
DAY1, DAY2, DAY3 = dt.date(2026, 1, 5), dt.date(2026, 1, 19), dt.date(2026, 2, 2)
TABLES = (PatientRow, VisitRow, AssessmentRow, MeasurementRow, FileRow)
WRITER_TIMEOUT_S = 180.0


def _count(db: Database, table: type[Base]) -> int:
    with db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _three_visits(db: Database, patient_id: str = "P-001") -> list[int]:
    add_patient(db, Patient(patient_id=patient_id, height_cm=175.0))
    return [
        save_session(db, session(patient_id, day, (peak,)))
        for day, peak in ((DAY1, 40.0), (DAY2, 55.0), (DAY3, 56.0))
    ]


# ----------------------------------------------------------------------------------- migrations


def test_migrations_bring_an_empty_database_to_the_models(database_url: str) -> None:
    script = ScriptDirectory.from_config(_alembic_config())
    assert script.get_current_head() == HEAD_REVISION
    with open_database(database_url) as db, db.engine.connect() as c:
        assert MigrationContext.configure(c).get_current_revision() == HEAD_REVISION
        assert {t.__tablename__ for t in TABLES} <= set(inspect(c).get_table_names())
        # The migrations create exactly what the models declare (types, indexes, keys).
        assert (
            compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata) == []
        )
    with open_database(database_url) as db:  # opening again migrates nothing and keeps data
        add_patient(db, Patient(patient_id="P1"))
    with open_database(database_url) as db:
        assert _count(db, PatientRow) == 1


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(REPO / "assess" / "records" / "migrations"))
    return cfg


# ----------------------------------------------------------------------------------- progress


def test_three_visits_flag_the_real_change_and_not_the_noise(db: Database, tmp_path: Path) -> None:
    v1, v2, v3 = _three_visits(db)
    progress = progress_table(db, "P-001")
    assert [v.visit_id for v in progress.visits] == [v1, v2, v3]

    rom = progress.figure("trunk_flexion_rom")
    assert rom.mdc == pytest.approx(13.0)
    assert [p.value for p in rom.points] == pytest.approx([40.0, 55.0, 56.0], abs=0.05)
    first, second, third = rom.points
    assert first.from_intake is None
    assert first.from_previous is None
    assert second.from_intake is not None
    assert second.from_intake.delta == pytest.approx(15.0, abs=0.05)
    assert second.from_intake.real is True  # 40 -> 55: beyond the 13 deg MDC
    assert third.from_previous is not None
    assert third.from_previous.delta == pytest.approx(1.0, abs=0.05)
    assert third.from_previous.real is False  # 55 -> 56: noise
    assert third.from_intake is not None
    assert third.from_intake.real is True

    # Fingertip-to-floor in cm against its own MDC (4.5 cm): about -9.6 cm is real, -0.7 cm is not.
    drop = progress.figure("fingertip_floor_distance")
    assert drop.unit == "cm"
    assert drop.mdc == pytest.approx(4.5)
    assert drop.points[1].from_previous is not None
    assert drop.points[1].from_previous.real is True
    assert drop.points[2].from_previous is not None
    assert drop.points[2].from_previous.real is False

    # A figure without a published MDC says so instead of judging.
    hip = progress.figure("hip_flexion_peak")
    assert hip.mdc is None
    assert "no published" in hip.mdc_source
    assert hip.latest.from_intake is not None
    assert hip.latest.from_intake.real is None

    # As of the second visit (a report of that visit) the third is left out.
    as_of_2 = progress_table(db, "P-001", up_to_visit_id=v2)
    assert [p.value for p in as_of_2.figure("trunk_flexion_rom").points] == pytest.approx(
        [40.0, 55.0], abs=0.05
    )

    paths = write_charts(progress, tmp_path / "charts")
    assert {p.name for p in paths} >= {"trunk_flexion_rom.png", "fingertip_floor_distance.png"}
    for path in paths:
        assert (path.stat().st_mode & 0o777) == 0o600
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (800, 450)
            assert len(image.getcolors(maxcolors=100_000) or ()) > 2  # something is drawn


def test_measurements_are_queryable_by_name_side_and_date(db: Database) -> None:
    _three_visits(db)
    rows = measurements(db, "P-001", names=["trunk_flexion_rom"], since=DAY2)
    assert [r.date for r in rows] == [DAY2, DAY3]
    assert [round(r.value) for r in rows] == [55, 56]
    assert measurements(db, "P-001", names=["trunk_flexion_rom"], side="left") == []


# ----------------------------------------------------------------------------------- integrity


def _writer(
    db_url: str, patient: str, n: int, first: dt.date, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.records.writer", db_url, patient, str(n), first.isoformat(), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WRITER_TIMEOUT_S
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"writer ended early: {proc.communicate()[1]}")
        assert time.monotonic() < deadline, f"writer never reached {path.name}"
        time.sleep(0.02)


def test_two_processes_saving_at_once_lose_nothing(database_url: str, tmp_path: Path) -> None:
    n_each, items = 6, 2
    with open_database(database_url) as db:
        add_patient(db, Patient(patient_id="P-A"))
        add_patient(db, Patient(patient_id="P-B"))
    go = tmp_path / "go"
    procs = [
        _writer(
            database_url,
            pid,
            n_each,
            DAY1,
            "--items",
            str(items),
            "--ready",
            str(tmp_path / pid),
            "--go",
            str(go),
        )
        for pid in ("P-A", "P-B")
    ]
    for pid, proc in zip(("P-A", "P-B"), procs, strict=True):
        _wait_for(tmp_path / pid, proc)
    go.touch()
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=WRITER_TIMEOUT_S)
        assert proc.returncode == 0, err
        ids += json.loads(out)
    assert len(set(ids)) == 2 * n_each
    with open_database(database_url) as db:
        for pid in ("P-A", "P-B"):
            assert [v.movements for v in list_visits(db, pid)] == [("forward_bend",) * items] * n_each
        per_clip = len(session("X", DAY1).items[0].assessment.measurements)
        assert _count(db, AssessmentRow) == 2 * n_each * items
        assert _count(db, MeasurementRow) == 2 * n_each * items * per_clip
        assert _count(db, FileRow) == 2 * n_each * items  # one landmark cache per clip


def test_a_writer_killed_mid_save_leaves_the_database_whole(database_url: str, tmp_path: Path) -> None:
    with open_database(database_url) as db:
        earlier = _three_visits(db)
        before = {t.__tablename__: _count(db, t) for t in TABLES}
        progress_before = progress_table(db, "P-001")
    marker = tmp_path / "inside-transaction"
    # Two clips: the hook holds the save after the first clip's rows are written, before commit.
    proc = _writer(
        database_url,
        "P-001",
        1,
        DAY3 + dt.timedelta(days=7),
        "--items",
        "2",
        env={TEST_HOLD_ENV: str(marker)},
    )
    _wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=WRITER_TIMEOUT_S)
    assert proc.returncode == -signal.SIGKILL
    with open_database(database_url) as db:
        if db.is_sqlite:
            with db.engine.connect() as c:
                assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert c.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert {t.__tablename__: _count(db, t) for t in TABLES} == before
        assert [v.visit_id for v in list_visits(db, "P-001")] == earlier
        assert progress_table(db, "P-001") == progress_before
        # Nothing is left locked: the next save goes through.
        save_session(db, session("P-001", DAY3 + dt.timedelta(days=8)))
        assert len(list_visits(db, "P-001")) == 4


# ----------------------------------------------------------------------------------- export, delete


def _dump(db: Database, patient_id: str) -> dict[str, Any]:
    """Everything stored for a patient, without database ids."""
    with db.transaction() as s:
        p = s.scalars(select(PatientRow).where(PatientRow.patient_id == patient_id)).one()
        files = s.scalars(select(FileRow).where(FileRow.patient_pk == p.id).order_by(FileRow.id)).all()
        return {
            "patient": (p.name, p.birth_year, p.height_cm),
            "visits": [
                (v.date, v.therapist, v.notes, [
                    (a.movement, a.result, a.clip_sha256, a.clip_path, a.pain_0_10, a.notes,
                     [(m.name, m.side, m.value, m.unit, m.view) for m in a.measurements])
                    for a in v.assessments
                ])
                for v in p.visits
            ],
            "files": sorted((f.kind, f.media_type, f.sha256, f.content) for f in files),
        }  # fmt: skip


def test_export_then_import_reproduces_the_patient(
    db: Database, new_database_url: Any, tmp_path: Path
) -> None:
    add_patient(db, Patient(patient_id="P-001", name="Ada Example", birth_year=1970, height_cm=175.0))
    for day, peak in ((DAY1, 40.0), (DAY2, 55.0)):
        save_session(db, session("P-001", day, (peak,)))
    from assess.records import attach_file

    attach_file(
        db, "P-001", kind="pdf", name="visit-2.pdf", content=b"%PDF-1.7 fake", media_type="application/pdf"
    )
    archive = export_patient(db, "P-001", tmp_path / "p.zip")
    assert (archive.stat().st_mode & 0o777) == 0o600
    original = _dump(db, "P-001")
    assert len(original["files"]) == 3

    with open_database(new_database_url()) as other:
        assert import_patient(other, archive) == "P-001"
        assert _dump(other, "P-001") == original
        assert progress_table(other, "P-001").figures == progress_table(db, "P-001").figures

    # Into the same database: the id clashes (one line, the id only), --rename imports a copy.
    with pytest.raises(InputError, match=r"already exists.*--rename") as err:
        import_patient(db, archive)
    assert "\n" not in str(err.value)
    assert "Ada" not in str(err.value)
    assert import_patient(db, archive, rename="P-001-copy") == "P-001-copy"
    assert _dump(db, "P-001-copy") == original


def test_delete_leaves_nothing_behind(db: Database) -> None:
    secret = "Zebulon Quixotic-Marker"
    add_patient(db, Patient(patient_id="P-GONE", name=secret, birth_year=1960))
    add_patient(db, Patient(patient_id="P-KEPT"))
    for day in (DAY1, DAY2):
        save_session(db, session("P-GONE", day, (40.0,), clip=f"/clips/{secret}.mp4", notes=secret))
    save_session(db, session("P-KEPT", DAY1, (50.0,)))
    kept = _dump(db, "P-KEPT")
    assert delete_patient(db, "P-GONE") == 2
    with pytest.raises(InputError, match="no patient 'P-GONE'"):
        list_visits(db, "P-GONE")
    # Only the kept patient's rows remain, in every table.
    assert {t.__tablename__: _count(db, t) for t in TABLES} == {
        "patients": 1,
        "visits": 1,
        "assessments": 1,
        "measurements": len(session("P", DAY1).items[0].assessment.measurements),
        "files": 1,
    }
    assert _dump(db, "P-KEPT") == kept
    if db.is_sqlite:
        # Not even the bytes stay: deleted pages are zeroed and the write-ahead log is folded back.
        assert db.path is not None
        for path in db.path.parent.glob(db.path.name + "*"):
            data = path.read_bytes()
            assert secret.encode() not in data, path.name
            assert b"P-GONE" not in data, path.name
