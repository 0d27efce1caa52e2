"""The research spreadsheet (CSV): written, read back with ``csv.DictReader``, checked cell by cell."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from assess.catalogue import FIGURES
from assess.reporting import csv_export
from assess.reporting.csv_export import CLIP_NAME_WITHHELD, COLUMNS, csv_rows, write_csv
from assess.reporting.json_report import rounded
from assess.types import UCUM_UNITS
from tests.reporting.sessions import NAMED_CLIP, ODD_WARNING, PATIENT_NAME, VISIT_DATE, assessments, session

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[dict[str, str]], list[str]]:
    path = write_csv(session(), tmp_path_factory.mktemp("csv") / "session.csv")
    raw = path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
    rows = list(reader)
    return raw, rows, list(reader.fieldnames or [])


def test_columns_are_exactly_the_documented_ones(
    written: tuple[bytes, list[dict[str, str]], list[str]],
) -> None:
    _, rows, header = written
    assert header == list(COLUMNS)
    assert header == [
        "session_date", "patient_id", "clip", "clip_sha256", "movement", "figure", "display_name", "side",
        "value", "unit", "view", "view_angle_deg", "spread", "norm_low", "norm_high", "norm_source",
        "pain_0_10", "warnings", "not_measured_reason", "model", "model_sha256",
    ]  # fmt: skip
    assert all(None not in row and set(row) == set(COLUMNS) for row in rows), (
        "a row has extra or missing cells"
    )


def test_the_readme_lists_the_same_columns() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Spreadsheet (CSV) and EHR record (FHIR R4)", 1)[1].split("\n#", 1)[0]
    documented = [c for c in re.findall(r"^\| ([a-z0-9_]+) \|", section, flags=re.M) if c != "column"]
    assert documented == list(COLUMNS)


def test_one_row_per_measurement_and_per_figure_not_measured(
    written: tuple[bytes, list[dict[str, str]], list[str]],
) -> None:
    _, rows, _ = written
    expected = sum(len(a.measurements) + len(a.omissions) for a in assessments())
    assert len(rows) == expected
    measured = [r for r in rows if r["value"]]
    withheld = [r for r in rows if not r["value"]]
    assert len(measured) == sum(len(a.measurements) for a in assessments())
    assert all(r["not_measured_reason"] == "" for r in measured)
    assert all(r["not_measured_reason"].strip() for r in withheld)


def test_values_are_the_measurements_rounded_by_unit_with_ucum_units(
    written: tuple[bytes, list[dict[str, str]], list[str]],
) -> None:
    _, rows, _ = written
    by_key = {(r["clip_sha256"], r["figure"], r["side"]): r for r in rows}
    for a in assessments():
        for m in a.measurements:
            row = by_key[(a.video_sha256, m.name, m.side.value if m.side else "")]
            assert float(row["value"]) == rounded(m.value, m.unit), (m, row["value"])
            assert row["unit"] == m.unit
            assert row["unit"] in UCUM_UNITS
            assert row["unit"] == FIGURES[m.name].unit or (m.name == "pelvis_shift" and m.unit == "1")
            assert row["display_name"] == FIGURES[m.name].display
            assert row["movement"] == a.movement
            assert row["model"] == "pose_landmarker_full"
            assert row["model_sha256"] == a.model.sha256
            if m.spread is not None:
                assert float(row["spread"]) == rounded(m.spread, m.unit)
    assert not any(r["value"].startswith("-0") and float(r["value"]) == 0 for r in rows), "negative zero"


def test_the_figure_needing_the_height_is_a_row_with_its_reason(
    written: tuple[bytes, list[dict[str, str]], list[str]],
) -> None:
    _, rows, _ = written
    (row,) = [r for r in rows if r["figure"] == "fingertip_floor_distance"]
    assert row["value"] == ""
    assert "height" in row["not_measured_reason"]
    assert row["unit"] == "cm"
    assert row["movement"] == "forward_bend"


def test_norms_view_pain_and_date(written: tuple[bytes, list[dict[str, str]], list[str]]) -> None:
    _, rows, _ = written
    side_bend = [r for r in rows if r["figure"] == "lateral_flexion_rom"]
    assert {r["side"] for r in side_bend} == {"left", "right"}
    norm = FIGURES["lateral_flexion_rom"].norm
    assert norm is not None
    for r in side_bend:
        assert (float(r["norm_low"]), float(r["norm_high"])) == (norm.low, norm.high)
        assert r["norm_source"] == norm.source
        assert r["view"] == "front"
        assert r["view_angle_deg"] != ""
        assert abs(float(r["view_angle_deg"])) < 10
        assert r["pain_0_10"] == "3"
    assert {r["pain_0_10"] for r in rows if r["movement"] == "rotation"} == {""}
    assert {r["view"] for r in rows if r["movement"] == "gait"} == {"side"}
    assert {r["session_date"] for r in rows} == {VISIT_DATE.isoformat()}
    assert {r["patient_id"] for r in rows} == {"P-0042"}
    (cadence,) = [r for r in rows if r["figure"] == "cadence"]
    assert (cadence["norm_low"], cadence["norm_high"]) == ("81.0", "138.0")
    (knee,) = [r for r in rows if r["figure"] == "knee_flexion_peak"]
    assert knee["norm_low"] == knee["norm_high"] == ""
    assert knee["norm_source"], "a norm without a range still says why"


def test_warnings_are_joined_and_quoted_per_rfc_4180(
    written: tuple[bytes, list[dict[str, str]], list[str]],
) -> None:
    raw, rows, _ = written
    side_bend = [r for r in rows if r["movement"] == "side_bend"]
    assert {r["warnings"] for r in side_bend} == {ODD_WARNING}
    gait = assessments()[3]
    assert len(gait.warnings) > 1
    assert {r["warnings"] for r in rows if r["movement"] == "gait"} == {" | ".join(gait.warnings)}
    # The quote inside is doubled and the field is quoted; every line ends in CRLF.
    assert b'"two people in view, the ""nearest"" one followed (size \xc2\xb1 5 %)"' in raw
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""
    assert not any(b"\n" in line for line in lines)
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"


def test_no_patient_name_anywhere(written: tuple[bytes, list[dict[str, str]], list[str]]) -> None:
    raw, rows, _ = written
    text = raw.decode("utf-8").casefold()
    for word in PATIENT_NAME.casefold().split():
        assert word not in text, word
    assert "1971" not in text, "the birth year is not exported"
    assert "therapist" not in text
    assert "felt a pull" not in text, "free-text notes are not exported"
    clips = {r["movement"]: r["clip"] for r in rows}
    assert clips["rotation"] == CLIP_NAME_WITHHELD, NAMED_CLIP
    assert clips["forward_bend"] == "forward_bend.mp4", "folders are dropped, the plain file name stays"


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out" / "session.csv"
    write_csv(session(), path)
    before = path.read_bytes()

    def broken(_: object) -> list[dict[str, str]]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(csv_export, "csv_rows", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_csv(session(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["session.csv"], "no temporary file left"


def test_rows_are_the_same_as_the_file(written: tuple[bytes, list[dict[str, str]], list[str]]) -> None:
    _, rows, _ = written
    assert rows == csv_rows(session())
