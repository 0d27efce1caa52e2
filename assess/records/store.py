"""Use cases on the records: patients, visits, saving a session, files, measurements.

Every function takes an open :class:`~assess.records.db.Database`; every write is one
transaction (all of it or nothing). Errors a user can act on are :class:`InputError` whose
message names the patient only by the pseudonymous id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from assess.errors import InputError
from assess.records.db import Database, hold_if_testing
from assess.records.schema import AssessmentRow, FileRow, MeasurementRow, PatientRow, VisitRow

if TYPE_CHECKING:
    from assess.assessment import Assessment
    from assess.session import Patient, Session, Visit

#: Kinds of files kept for a patient.
FILE_KINDS: Final = ("landmarks", "pdf", "fhir", "selfcheck", "other")
LANDMARKS_MEDIA_TYPE: Final = "application/x-npz"


@dataclass(frozen=True, kw_only=True)
class PatientSummary:
    """A patient in the list: id, number of visits, first and last visit date."""

    patient_id: str
    n_visits: int
    first_visit: dt.date | None
    last_visit: dt.date | None


@dataclass(frozen=True, kw_only=True)
class VisitSummary:
    """A visit in a patient's list."""

    visit_id: int
    patient_id: str
    date: dt.date
    therapist: str | None
    notes: str | None
    movements: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class StoredMeasurement:
    """One stored figure with the visit it belongs to."""

    patient_id: str
    visit_id: int
    date: dt.date
    assessment_id: int
    movement: str
    name: str
    side: str | None
    value: float
    unit: str


@dataclass(frozen=True, kw_only=True)
class StoredAssessment:
    """One stored clip of a visit."""

    assessment_id: int
    movement: str
    clip_sha256: str
    clip_path: str | None
    pain_0_10: int | None
    notes: str | None
    measurements: tuple[StoredMeasurement, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class VisitDetail:
    """A visit with its clips."""

    visit: VisitSummary
    assessments: tuple[StoredAssessment, ...]


# ----------------------------------------------------------------------------------- patients


def _patient_row(s: OrmSession, patient_id: str, /) -> PatientRow:
    row = s.scalars(select(PatientRow).where(PatientRow.patient_id == patient_id)).one_or_none()
    if row is None:
        raise InputError(
            f"no patient {patient_id!r} in the records; add it with 'assess patient add {patient_id}'"
        )
    return row


def _new_patient(s: OrmSession, patient: Patient, /) -> PatientRow:
    taken = s.scalar(select(PatientRow.id).where(PatientRow.patient_id == patient.patient_id))
    if taken is not None:
        raise InputError(f"patient {patient.patient_id!r} already exists in the records")
    row = PatientRow(
        patient_id=patient.patient_id,
        name=patient.name,
        birth_year=patient.birth_year,
        height_cm=patient.height_cm,
    )
    s.add(row)
    s.flush()
    return row


def _integrity(patient_id: str, /) -> InputError:
    # Two programs created the same patient at once; the constraint kept one.
    return InputError(f"patient {patient_id!r} already exists in the records (saved by another program)")


def add_patient(db: Database, patient: Patient, /) -> None:
    """Add a patient; InputError when the id is taken."""
    try:
        with db.transaction() as s:
            _new_patient(s, patient)
    except IntegrityError:
        raise _integrity(patient.patient_id) from None


def get_patient(db: Database, patient_id: str, /) -> Patient:
    """The stored patient (with height, for analysing their clips); InputError when unknown."""
    from assess.session import Patient

    with db.transaction() as s:
        row = _patient_row(s, patient_id)
        return Patient(
            patient_id=row.patient_id, name=row.name, birth_year=row.birth_year, height_cm=row.height_cm
        )


def list_patients(db: Database, /) -> list[PatientSummary]:
    """Every patient, by id, with their number of visits and first and last visit."""
    query = (
        select(
            PatientRow.patient_id, func.count(VisitRow.id), func.min(VisitRow.date), func.max(VisitRow.date)
        )
        .outerjoin(VisitRow, VisitRow.patient_pk == PatientRow.id)
        .group_by(PatientRow.id, PatientRow.patient_id)
        .order_by(PatientRow.patient_id)
    )
    with db.transaction() as s:
        return [
            PatientSummary(patient_id=pid, n_visits=n, first_visit=first, last_visit=last)
            for pid, n, first, last in s.execute(query)
        ]


def delete_patient(db: Database, patient_id: str, /) -> int:
    """Delete a patient and everything stored for them (visits, results, files); return visits deleted."""
    with db.transaction() as s:
        row = _patient_row(s, patient_id)
        n_visits = s.scalar(select(func.count(VisitRow.id)).where(VisitRow.patient_pk == row.id)) or 0
        # Children first, explicitly: the result does not depend on the database's cascade.
        visit_ids = select(VisitRow.id).where(VisitRow.patient_pk == row.id).scalar_subquery()
        assessment_ids = (
            select(AssessmentRow.id).where(AssessmentRow.visit_id.in_(visit_ids)).scalar_subquery()
        )
        s.execute(delete(FileRow).where(FileRow.patient_pk == row.id))
        s.execute(delete(MeasurementRow).where(MeasurementRow.assessment_id.in_(assessment_ids)))
        s.execute(delete(AssessmentRow).where(AssessmentRow.visit_id.in_(visit_ids)))
        s.execute(delete(VisitRow).where(VisitRow.patient_pk == row.id))
        s.execute(delete(PatientRow).where(PatientRow.id == row.id))
    if db.is_sqlite:
        # Deleted pages are zeroed (secure_delete); fold the write-ahead log back so no old copy stays.
        checkpoint(db)
    return int(n_visits)


def checkpoint(db: Database, /) -> None:
    """SQLite: copy the write-ahead log into the database file and empty it (no-op elsewhere)."""
    if not db.is_sqlite:
        return
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        raw.close()


# ----------------------------------------------------------------------------------- visits


def _visit_row(s: OrmSession, visit_id: int, /) -> VisitRow:
    row = s.get(VisitRow, visit_id)
    if row is None:
        raise InputError(f"no visit {visit_id} in the records; see 'assess visit list PATIENT'")
    return row


def _new_visit(s: OrmSession, patient: PatientRow, visit: Visit, /) -> VisitRow:
    row = VisitRow(patient_pk=patient.id, date=visit.date, therapist=visit.therapist, notes=visit.notes)
    s.add(row)
    s.flush()
    return row


def add_visit(db: Database, patient_id: str, visit: Visit, /) -> int:
    """Add a visit for a patient; return its id."""
    with db.transaction() as s:
        return _new_visit(s, _patient_row(s, patient_id), visit).id


def _summary(row: VisitRow, /) -> VisitSummary:
    return VisitSummary(
        visit_id=row.id,
        patient_id=row.patient.patient_id,
        date=row.date,
        therapist=row.therapist,
        notes=row.notes,
        movements=tuple(a.movement for a in row.assessments),
    )


def list_visits(db: Database, patient_id: str, /) -> list[VisitSummary]:
    """A patient's visits, oldest first."""
    with db.transaction() as s:
        patient = _patient_row(s, patient_id)
        rows = s.scalars(
            select(VisitRow).where(VisitRow.patient_pk == patient.id).order_by(VisitRow.date, VisitRow.id)
        ).all()
        return [_summary(r) for r in rows]


def _stored_measurement(m: MeasurementRow, a: AssessmentRow, v: VisitRow, /) -> StoredMeasurement:
    return StoredMeasurement(
        patient_id=v.patient.patient_id,
        visit_id=v.id,
        date=v.date,
        assessment_id=a.id,
        movement=a.movement,
        name=m.name,
        side=m.side,
        value=m.value,
        unit=m.unit,
    )


def visit_detail(db: Database, visit_id: int, /) -> VisitDetail:
    """A visit with every clip and its figures."""
    with db.transaction() as s:
        v = _visit_row(s, visit_id)
        assessments = tuple(
            StoredAssessment(
                assessment_id=a.id,
                movement=a.movement,
                clip_sha256=a.clip_sha256,
                clip_path=a.clip_path,
                pain_0_10=a.pain_0_10,
                notes=a.notes,
                measurements=tuple(_stored_measurement(m, a, v) for m in a.measurements),
                warnings=tuple(str(w) for w in a.result.get("warnings", ())),
            )
            for a in v.assessments
        )
        return VisitDetail(visit=_summary(v), assessments=assessments)


# ----------------------------------------------------------------------------------- sessions


def _landmarks_npz(assessment: Assessment, /) -> bytes:
    """The assessment's landmark cache as the bytes of a ``landmarks.npz``."""
    from assess.io.cache import save_landmarks
    from assess.service import cached_landmarks

    with tempfile.TemporaryDirectory(prefix="assess-") as tmp:
        path = Path(tmp) / "landmarks.npz"
        save_landmarks(path, cached_landmarks(assessment))
        return path.read_bytes()


def _add_file(
    s: OrmSession,
    patient: PatientRow,
    /,
    *,
    kind: str,
    name: str,
    content: bytes,
    media_type: str,
    visit_id: int | None = None,
    assessment_id: int | None = None,
) -> FileRow:
    if kind not in FILE_KINDS:
        raise ValueError(f"file kind must be one of {FILE_KINDS}, got {kind!r}")
    row = FileRow(
        patient_pk=patient.id,
        visit_id=visit_id,
        assessment_id=assessment_id,
        kind=kind,
        name=name,
        media_type=media_type,
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    s.add(row)
    s.flush()
    return row


def save_session(
    db: Database, session: Session, /, *, visit_id: int | None = None, create_patient: bool = False
) -> int:
    """Save a session's results to a visit in one transaction; return the visit's id.

    Without ``visit_id`` a new visit is made from ``session.visit``; with it, the clips are added
    to that visit (which must be the patient's). The patient must be in the records unless
    ``create_patient`` (then ``session.patient`` is added). Each clip's full result document,
    its figures at full precision, the clip's sha256 and path, the pain, the notes and its
    landmark cache are stored; a failure or a killed process stores none of it.
    """
    from assess.reporting.json_report import report_document

    documents = [report_document(item.assessment) for item in session.items]
    caches = [_landmarks_npz(item.assessment) for item in session.items]
    pid = session.patient.patient_id
    try:
        with db.transaction() as s:
            patient = s.scalars(select(PatientRow).where(PatientRow.patient_id == pid)).one_or_none()
            if patient is None:
                if not create_patient:
                    _patient_row(s, pid)  # raises the "add it first" error
                patient = _new_patient(s, session.patient)
            if visit_id is None:
                visit = _new_visit(s, patient, session.visit)
            else:
                visit = _visit_row(s, visit_id)
                if visit.patient_pk != patient.id:
                    raise InputError(f"visit {visit_id} is not a visit of patient {pid!r}")
            for item, document, cache in zip(session.items, documents, caches, strict=True):
                _add_assessment(
                    s, patient, visit, item.assessment, document, cache, item.pain_0_10, item.notes
                )
                hold_if_testing()
            return visit.id
    except IntegrityError:
        raise _integrity(pid) from None


def _add_assessment(
    s: OrmSession,
    patient: PatientRow,
    visit: VisitRow,
    assessment: Assessment,
    document: dict[str, object],
    cache: bytes,
    pain_0_10: int | None,
    notes: str | None,
    /,
) -> AssessmentRow:
    row = AssessmentRow(
        visit_id=visit.id,
        movement=assessment.movement,
        result=document,
        clip_sha256=assessment.video_sha256,
        clip_path=assessment.video.path,
        pain_0_10=pain_0_10,
        notes=notes,
    )
    s.add(row)
    s.flush()
    s.add_all(
        MeasurementRow(
            assessment_id=row.id,
            name=m.name,
            side=m.side.value if m.side else None,
            value=float(m.value),
            unit=m.unit,
            view=m.view.value if m.view else None,
        )
        for m in assessment.measurements
    )
    _add_file(
        s,
        patient,
        kind="landmarks",
        name=f"assessment-{row.id}-landmarks.npz",
        content=cache,
        media_type=LANDMARKS_MEDIA_TYPE,
        visit_id=visit.id,
        assessment_id=row.id,
    )
    return row


def attach_file(
    db: Database,
    patient_id: str,
    /,
    *,
    kind: str,
    name: str,
    content: bytes,
    media_type: str,
    visit_id: int | None = None,
    assessment_id: int | None = None,
) -> int:
    """Keep a file (a PDF or FHIR export) with a patient's records; return its id.

    It is exported, imported and deleted with the patient. ``name`` is unique per patient and kind.
    """
    try:
        with db.transaction() as s:
            patient = _patient_row(s, patient_id)
            if visit_id is not None and _visit_row(s, visit_id).patient_pk != patient.id:
                raise InputError(f"visit {visit_id} is not a visit of patient {patient_id!r}")
            return _add_file(
                s,
                patient,
                kind=kind,
                name=name,
                content=content,
                media_type=media_type,
                visit_id=visit_id,
                assessment_id=assessment_id,
            ).id
    except IntegrityError:
        raise InputError(f"patient {patient_id!r} already has a {kind} file named {name!r}") from None


# ----------------------------------------------------------------------------------- queries


def list_files(db: Database, patient_id: str, /, *, kind: str) -> list[tuple[str, bytes]]:
    """A patient's kept files of one kind (name and content), oldest first."""
    with db.transaction() as s:
        patient = _patient_row(s, patient_id)
        rows = s.scalars(
            select(FileRow).where(FileRow.patient_pk == patient.id, FileRow.kind == kind).order_by(FileRow.id)
        ).all()
        return [(r.name, bytes(r.content)) for r in rows]


def measurements(
    db: Database,
    patient_id: str,
    /,
    *,
    names: Sequence[str] = (),
    side: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[StoredMeasurement]:
    """A patient's stored figures, oldest visit first, filtered by name, side and date."""
    with db.transaction() as s:
        patient = _patient_row(s, patient_id)
        query = (
            select(MeasurementRow, AssessmentRow, VisitRow)
            .join(AssessmentRow, MeasurementRow.assessment_id == AssessmentRow.id)
            .join(VisitRow, AssessmentRow.visit_id == VisitRow.id)
            .where(VisitRow.patient_pk == patient.id)
            .order_by(VisitRow.date, VisitRow.id, AssessmentRow.id, MeasurementRow.id)
        )
        if names:
            query = query.where(MeasurementRow.name.in_(list(names)))
        if side is not None:
            query = query.where(MeasurementRow.side == side)
        if since is not None:
            query = query.where(VisitRow.date >= since)
        if until is not None:
            query = query.where(VisitRow.date <= until)
        return [_stored_measurement(m, a, v) for m, a, v in s.execute(query)]
