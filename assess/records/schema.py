"""The records' tables (SQLAlchemy 2 declarative); the migrations in ``migrations/`` create them.

One patient has visits; a visit has assessments (one clip, one movement: the full result
document, the clip's sha256 and path, the pain reported); an assessment has its measurements
(one row per figure and side, full precision, queryable by name, side and the visit's date).
Files that belong to a patient (landmark caches, PDF and FHIR exports) are stored in the
database as well, so deleting, exporting and backing up a patient covers them.

Every child row is deleted with its parent (``ON DELETE CASCADE`` in the database and in the ORM).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Constraint names fixed here so that migrations name them the same on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of the records' tables."""

    metadata = MetaData(naming_convention=NAMING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PatientRow(Base):
    """A patient: a pseudonymous id, identifying fields only if the clinic enters them."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    visits: Mapped[list[VisitRow]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", passive_deletes=True, order_by="VisitRow.date"
    )


class VisitRow(Base):
    """A visit: its date, the therapist and notes."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_patient_date", "patient_pk", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_pk: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    therapist: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    patient: Mapped[PatientRow] = relationship(back_populates="visits")
    assessments: Mapped[list[AssessmentRow]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AssessmentRow.id",
    )


class AssessmentRow(Base):
    """One clip of a visit: the movement, the full result document, the clip, the pain."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    movement: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    clip_sha256: Mapped[str] = mapped_column(String(64))
    clip_path: Mapped[str | None] = mapped_column(Text)
    pain_0_10: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    visit: Mapped[VisitRow] = relationship(back_populates="assessments")
    measurements: Mapped[list[MeasurementRow]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MeasurementRow.id",
    )


class MeasurementRow(Base):
    """One figure of an assessment, at full precision, in its UCUM unit."""

    __tablename__ = "measurements"
    __table_args__ = (Index("ix_measurements_name_side", "name", "side"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    side: Mapped[str | None] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    view: Mapped[str | None] = mapped_column(String(8))

    assessment: Mapped[AssessmentRow] = relationship(back_populates="measurements")


class FileRow(Base):
    """A file kept for a patient: a landmark cache, a PDF or FHIR export; its bytes and sha256."""

    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("patient_pk", "kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_pk: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
