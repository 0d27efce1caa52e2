"""Export one patient to one zip archive, and import it into another database.

The archive holds ``manifest.json`` (format, version, the patient's id, every file with its
sha256), ``patient.json`` (the patient, visits, assessments with their full result documents
and figures) and ``files/`` (landmark caches, PDF and FHIR files kept with the patient). Import
checks every checksum first and writes everything in one transaction; a patient id already in
the database is refused unless the patient is imported under another id (``rename``).

The archive holds whatever identifying fields were entered: keep it as safe as the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assess.errors import InputError
from assess.io.atomic import atomic_path
from assess.records.db import Database
from assess.records.schema import AssessmentRow, FileRow, MeasurementRow, PatientRow, VisitRow
from assess.records.store import _patient_row

ARCHIVE_FORMAT: Final = "assess-patient-archive"
ARCHIVE_VERSION: Final = 1
MANIFEST: Final = "manifest.json"
RECORDS: Final = "patient.json"
FILE_MODE: Final = 0o600


def _file_entry(row: FileRow, /) -> dict[str, Any]:
    return {
        "path": f"files/{row.id:06d}-{row.kind}",
        "kind": row.kind,
        "name": row.name,
        "media_type": row.media_type,
        "sha256": row.sha256,
        "visit_id": row.visit_id,
        "assessment_id": row.assessment_id,
    }


def _records(patient: PatientRow, files: list[FileRow], /) -> dict[str, Any]:
    visits = []
    for v in patient.visits:
        assessments = []
        for a in v.assessments:
            assessments.append(
                {
                    "ref": a.id,
                    "movement": a.movement,
                    "result": a.result,
                    "clip_sha256": a.clip_sha256,
                    "clip_path": a.clip_path,
                    "pain_0_10": a.pain_0_10,
                    "notes": a.notes,
                    "created_at": a.created_at.isoformat(),
                    "measurements": [
                        {"name": m.name, "side": m.side, "value": m.value, "unit": m.unit, "view": m.view}
                        for m in a.measurements
                    ],
                }
            )
        visits.append(
            {
                "ref": v.id,
                "date": v.date.isoformat(),
                "therapist": v.therapist,
                "notes": v.notes,
                "created_at": v.created_at.isoformat(),
                "assessments": assessments,
            }
        )
    return {
        "patient": {
            "patient_id": patient.patient_id,
            "name": patient.name,
            "birth_year": patient.birth_year,
            "height_cm": patient.height_cm,
            "created_at": patient.created_at.isoformat(),
        },
        "visits": visits,
        "files": [_file_entry(f) for f in files],
    }


def export_patient(db: Database, patient_id: str, out: Path, /) -> Path:
    """Write one patient's records and files to the zip ``out`` (owner-only, atomic); return it."""
    if out.is_dir():
        out = out / f"{patient_id}.zip"
    with db.transaction() as s:
        patient = _patient_row(s, patient_id)
        files = list(s.scalars(select(FileRow).where(FileRow.patient_pk == patient.id).order_by(FileRow.id)))
        records = _records(patient, files)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "patient_id": patient_id,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "records_sha256": "",
            "files": [{"path": e["path"], "sha256": e["sha256"]} for e in records["files"]],
        }
        records_bytes = json.dumps(records, indent=1, sort_keys=True).encode()
        manifest["records_sha256"] = hashlib.sha256(records_bytes).hexdigest()
        with atomic_path(out) as tmp:
            os.chmod(tmp, FILE_MODE)
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(MANIFEST, json.dumps(manifest, indent=1))
                zf.writestr(RECORDS, records_bytes)
                for row, entry in zip(files, records["files"], strict=True):
                    zf.writestr(entry["path"], row.content)
    return out


def _read(zf: zipfile.ZipFile, member: str, sha256: str, archive: Path, /) -> bytes:
    try:
        data = zf.read(member)
    except KeyError:
        raise InputError(f"{archive}: {member} is missing; the archive is incomplete") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InputError(f"{archive}: {member} does not match its checksum; the archive is damaged")
    return data


def _load(archive: Path, /) -> tuple[dict[str, Any], dict[str, bytes]]:
    if not archive.is_file():
        raise InputError(
            f"{archive}: no such archive; export one with 'assess patient export ID -o FILE.zip'"
        )
    try:
        with zipfile.ZipFile(archive) as zf:
            manifest = json.loads(zf.read(MANIFEST))
            if manifest.get("format") != ARCHIVE_FORMAT:
                raise InputError(f"{archive} is not a patient archive written by 'assess patient export'")
            if manifest.get("version") != ARCHIVE_VERSION:
                raise InputError(f"{archive} was written by another version of assess; update assess")
            records = json.loads(_read(zf, RECORDS, manifest["records_sha256"], archive))
            files = {e["path"]: _read(zf, e["path"], e["sha256"], archive) for e in manifest["files"]}
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        raise InputError(f"{archive} is not a patient archive written by 'assess patient export'") from None
    return records, files


def import_patient(db: Database, archive: Path, /, *, rename: str | None = None) -> str:
    """Import a patient archive in one transaction; return the patient's id in this database.

    Raises
    ------
    InputError
        When the archive is damaged or the id is already in the database (give ``rename``).
    """
    from assess.session import Patient

    records, files = _load(archive)
    p = records["patient"]
    original_id = str(p["patient_id"])
    try:
        patient = Patient(
            patient_id=rename or original_id,
            name=p["name"],
            birth_year=p["birth_year"],
            height_cm=p["height_cm"],
        )
    except ValueError as exc:
        raise InputError(f"--rename: {exc}") from None
    pid = patient.patient_id
    clash = f"patient {pid!r} already exists in the records; import it under another id with --rename NEW_ID"
    try:
        with db.transaction() as s:
            if s.scalar(select(PatientRow.id).where(PatientRow.patient_id == pid)) is not None:
                raise InputError(clash)
            row = PatientRow(
                patient_id=pid,
                name=patient.name,
                birth_year=patient.birth_year,
                height_cm=patient.height_cm,
                created_at=dt.datetime.fromisoformat(p["created_at"]),
            )
            s.add(row)
            s.flush()
            visit_ids, assessment_ids = _import_visits(s, row, records["visits"])
            for entry in records["files"]:
                a_id = assessment_ids.get(entry["assessment_id"]) if entry["assessment_id"] else None
                name = (
                    f"assessment-{a_id}-landmarks.npz"
                    if entry["kind"] == "landmarks" and a_id
                    else entry["name"]
                )
                content = files[entry["path"]]
                s.add(
                    FileRow(
                        patient_pk=row.id,
                        visit_id=visit_ids.get(entry["visit_id"]) if entry["visit_id"] else None,
                        assessment_id=a_id,
                        kind=entry["kind"],
                        name=name,
                        media_type=entry["media_type"],
                        sha256=entry["sha256"],
                        content=content,
                    )
                )
    except IntegrityError:
        raise InputError(clash) from None
    return pid


def _import_visits(
    s: Any, patient: PatientRow, visits: list[dict[str, Any]], /
) -> tuple[dict[int, int], dict[int, int]]:
    """Insert the visits and their assessments; return the old -> new ids of each."""
    visit_ids: dict[int, int] = {}
    assessment_ids: dict[int, int] = {}
    for v in visits:
        visit = VisitRow(
            patient_pk=patient.id,
            date=dt.date.fromisoformat(v["date"]),
            therapist=v["therapist"],
            notes=v["notes"],
            created_at=dt.datetime.fromisoformat(v["created_at"]),
        )
        s.add(visit)
        s.flush()
        visit_ids[v["ref"]] = visit.id
        for a in v["assessments"]:
            assessment = AssessmentRow(
                visit_id=visit.id,
                movement=a["movement"],
                result=a["result"],
                clip_sha256=a["clip_sha256"],
                clip_path=a["clip_path"],
                pain_0_10=a["pain_0_10"],
                notes=a["notes"],
                created_at=dt.datetime.fromisoformat(a["created_at"]),
            )
            s.add(assessment)
            s.flush()
            assessment_ids[a["ref"]] = assessment.id
            s.add_all(MeasurementRow(assessment_id=assessment.id, **m) for m in a["measurements"])
    return visit_ids, assessment_ids
