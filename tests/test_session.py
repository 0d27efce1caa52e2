"""A visit's intake end to end through ``assess session``: PDF, CSV, FHIR and one report per clip.

Two sessions run the real model: one of the bundled samples (with known truth) and one of real
shared footage. Each output is opened and its content asserted.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, footage
from tests.test_cli_errors import assert_one_line_error

SAMPLES = REPO / "sample_videos"


def _assess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assess", *args], capture_output=True, text=True, timeout=900)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _bundle(path: Path) -> Any:
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate_json(path.read_text())


def _reports(out: Path) -> dict[str, dict[str, Any]]:
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(out.glob("*/report.json"))}


def _check_outputs(out: Path, *, patient_id: str, movements: set[str]) -> dict[str, dict[str, Any]]:
    """Every output exists and agrees with the per-clip reports; returns the reports."""
    reports = _reports(out)
    assert {r["movement"] for r in reports.values()} == movements
    measured = [(r["movement"], m) for r in reports.values() for m in r["measurements"]]
    assert measured, "the session must measure something"
    # CSV: one row per figure measured or withheld, values as in the reports.
    with (out / "session.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for movement, m in measured:
        row = next(
            r for r in rows
            if r["movement"] == movement and r["figure"] == m["name"] and r["side"] == (m["side"] or "") and r["value"]
        )  # fmt: skip
        assert float(row["value"]) == pytest.approx(m["value"], abs=1e-6)
        assert row["unit"] == m["unit"]
        assert row["patient_id"] == patient_id
    # FHIR: a valid collection with one Observation per figure (and side) measured.
    bundle = _bundle(out / "session.fhir.json")
    assert bundle.type == "collection"
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds.count("Patient") == 1
    assert kinds.count("DocumentReference") == 1
    values = [
        e.resource for e in bundle.entry
        if e.resource.__resource_type__ == "Observation" and e.resource.valueQuantity is not None
        and e.resource.code.coding[0].system == "urn:assess:figure"
    ]  # fmt: skip
    assert len(values) == len(measured)
    for obs in values:
        assert obs.valueQuantity.system == "http://unitsofmeasure.org"
        assert obs.valueQuantity.code == obs.valueQuantity.unit
    # PDF: the patient, every figure's value as printed in the report.
    text = _pdf_text(out / "session.pdf")
    assert patient_id in text
    for _, m in measured:
        assert f"{m['value']:g}" in text or f"{m['value']:.1f}" in text, (m, text[:2000])
    return reports


@pytest.mark.model
def test_a_session_of_the_bundled_samples(tmp_path: Path) -> None:
    out = tmp_path / "visit1"
    proc = _assess(
        "session",
        f"{SAMPLES / 'forward_bend_side.mp4'}:forward_bend",
        f"{SAMPLES / 'side_bend_front.mp4'}:side_bend",
        "--out", str(out), "--patient-id", "P-0042", "--height-cm", "175", "--visit-date", "2026-11-02",
        "--therapist", "A. Therapist", "--pain", "side_bend=3", "--save", "--db", str(tmp_path / "records.sqlite"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    reports = _check_outputs(out, patient_id="P-0042", movements={"forward_bend", "side_bend"})
    # The figures match the samples' truth within the README's rendered-truth errors.
    truth_fb = json.loads((SAMPLES / "forward_bend_side.mp4.truth.json").read_text())
    fb = next(r for r in reports.values() if r["movement"] == "forward_bend")
    rom = next(m for m in fb["measurements"] if m["name"] == "trunk_flexion_rom")
    assert rom["value"] == pytest.approx(max(r["peak_value"] for r in truth_fb["repetitions"]), abs=5.0)
    assert "trunk_flexion_rom" in proc.stdout or "Trunk inclination" in proc.stdout
    # --save put the visit, its figures and its files in the patient's records.
    from assess.records import list_visits, measurements, open_database

    with open_database(str(tmp_path / "records.sqlite")) as records:
        (visit,) = list_visits(records, "P-0042")
        stored = measurements(records, "P-0042", names=["trunk_flexion_rom"])
    assert set(visit.movements) == {"forward_bend", "side_bend"}
    assert visit.date.isoformat() == "2026-11-02"
    assert [round(m.value, 1) for m in stored] == [rom["value"]]
    # A second session into the same folder reuses the landmarks (no model run).
    again = _assess(
        "session", f"{SAMPLES / 'side_bend_front.mp4'}:side_bend", "--out", str(out), "--patient-id", "P-0042",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    sb = json.loads((out / "side_bend_front_side_bend" / "report.json").read_text())
    assert sb["landmarks_reused"] is True


@pytest.mark.model
@pytest.mark.footage
def test_a_session_of_real_footage(tmp_path: Path) -> None:
    side_bend = footage("pose2sim_s00/S00_P00_T01_BalancingTrial/cam02.mp4")
    walk = footage("walk_side_outdoor_60fps.mp4")
    out = tmp_path / "real"
    proc = _assess(
        "session", f"{side_bend}:side_bend", f"{walk}:gait", "--out", str(out), "--patient-id", "R-7",
        "--height-cm", "180",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    reports = _check_outputs(out, patient_id="R-7", movements={"side_bend", "gait"})
    sb = next(r for r in reports.values() if r["movement"] == "side_bend")
    left = next(m for m in sb["measurements"] if m["name"] == "lateral_flexion_rom" and m["side"] == "left")
    assert left["value"] == pytest.approx(44.3, abs=8.0)  # the 3-D reference (tests/spine/test_spine_real.py)
    gait = next(r for r in reports.values() if r["movement"] == "gait")
    cadence = next(m for m in gait["measurements"] if m["name"] == "cadence")
    assert cadence["value"] == pytest.approx(108.5, rel=0.03)  # counted by eye: 33 frames a step at 59.7 fps


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--patient-id", "Jane Doe"], "must be 1-64 letters"),
        (["--patient-id", "P1", "--pain", "side_bend=11"], "from 0 to 10"),
        (["--patient-id", "P1", "--pain", "forward_bend=2"], "which no clip of this session shows"),
        (["--patient-id", "P1", "--visit-date", "2.11.2026"], "YYYY-MM-DD"),
        (["--patient-id", "P1", "--birth-year", "1850"], "birth year 1850"),
    ],
    ids=["name-as-id", "pain-range", "pain-unknown-movement", "date-format", "birth-year"],
)
def test_bad_patient_or_visit_fields_are_one_line_errors_and_write_nothing(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    out = tmp_path / "out"
    proc = _assess("session", f"{SAMPLES / 'side_bend_front.mp4'}:side_bend", "--out", str(out), *args)
    assert_one_line_error(proc, fragment)
    assert not out.exists()


def test_a_clip_spec_without_a_movement_is_a_one_line_error(tmp_path: Path) -> None:
    proc = _assess("session", str(SAMPLES / "side_bend_front.mp4"), "--out", str(tmp_path / "o"), "--patient-id", "P1")
    assert_one_line_error(proc, "must be CLIP:MOVEMENT")
