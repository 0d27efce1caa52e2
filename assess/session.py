"""One visit's intake: who, when, by whom, and the assessment of each clip.

Patient and visit fields are checked here; a bad value is a ``ValueError`` that says what was
expected (the command line turns it into its one-line error). Identifying fields are optional:
a pseudonymous id is enough.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from assess.assessment import Assessment

#: A pseudonymous patient id: letters, digits, '-', '_' and '.', 1-64 characters.
PATIENT_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_BIRTH_YEAR: Final = 1900
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 50.0, 250.0
MAX_TEXT_CHARS: Final = 2000


def _text(value: str | None, what: str, /) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT_CHARS or any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise ValueError(f"{what} must be plain text of at most {MAX_TEXT_CHARS} characters")
    return value


@dataclass(frozen=True, kw_only=True)
class Patient:
    """The patient, pseudonymous by default.

    Parameters
    ----------
    patient_id : str
        Pseudonymous id (letters, digits, '-', '_', '.'; no spaces), never a name.
    name : str, optional
        Full name, only if the clinic wants it on the chart summary.
    birth_year : int, optional
        Year of birth (for age-related norms).
    height_cm : float, optional
        Standing height, for figures in centimetres and metres.
    """

    patient_id: str
    name: str | None = None
    birth_year: int | None = None
    height_cm: float | None = None

    def __post_init__(self) -> None:
        if not PATIENT_ID_PATTERN.match(self.patient_id):
            raise ValueError(
                f"patient id {self.patient_id!r} must be 1-64 letters, digits, '-', '_' or '.' (a pseudonym, "
                "not a name)"
            )
        object.__setattr__(self, "name", _text(self.name, "the patient's name"))
        this_year = dt.date.today().year
        if self.birth_year is not None and not MIN_BIRTH_YEAR <= self.birth_year <= this_year:
            raise ValueError(f"birth year {self.birth_year} must be between {MIN_BIRTH_YEAR} and {this_year}")
        if self.height_cm is not None and not MIN_HEIGHT_CM <= self.height_cm <= MAX_HEIGHT_CM:
            raise ValueError(
                f"height {self.height_cm:g} cm is not a possible standing height "
                f"({MIN_HEIGHT_CM:g}-{MAX_HEIGHT_CM:g} cm)"
            )


@dataclass(frozen=True, kw_only=True)
class Visit:
    """A visit: its date, the therapist and free notes."""

    date: dt.date
    therapist: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        if self.date > dt.date.today():
            raise ValueError(f"visit date {self.date.isoformat()} is in the future")
        object.__setattr__(self, "therapist", _text(self.therapist, "the therapist"))
        object.__setattr__(self, "notes", _text(self.notes, "the visit notes"))


@dataclass(frozen=True, kw_only=True)
class SessionItem:
    """One clip of the visit: its assessment, the pain reported during it (0-10) and notes."""

    assessment: Assessment
    pain_0_10: int | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        if self.pain_0_10 is not None and not 0 <= self.pain_0_10 <= 10:
            raise ValueError(f"pain {self.pain_0_10} must be a whole number from 0 to 10")
        object.__setattr__(self, "notes", _text(self.notes, "the movement notes"))


@dataclass(frozen=True, kw_only=True)
class Session:
    """One visit's intake: the patient, the visit and every clip's assessment, in order."""

    patient: Patient
    visit: Visit
    items: tuple[SessionItem, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a session needs at least one clip")

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        """Every clip's assessment, in order."""
        return tuple(item.assessment for item in self.items)
