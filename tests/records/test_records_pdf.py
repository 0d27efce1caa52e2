"""A visit that is not the first: the PDF shows every figure against the intake and the last visit."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from assess.records import Database, progress_table, save_session
from assess.reporting.pdf import pdf_bytes
from tests.records.sessions import session


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_the_second_visit_pdf_shows_progress_and_flags_only_the_real_change(db: Database) -> None:
    save_session(db, session("P-9", dt.date(2026, 9, 1), (40.0,)), create_patient=True)
    second = session("P-9", dt.date(2026, 9, 29), (55.0,))
    visit_id = save_session(db, second)
    text = _text(pdf_bytes(second, progress=(progress_table(db, "P-9", up_to_visit_id=visit_id), visit_id)))
    assert "Progress since intake (2026-09-01, 2 visits)" in text
    row = next(line for line in text.splitlines() if line.startswith("Trunk inclination, forward bend") and "real" in line)
    # 40 -> 55 deg is beyond the 13 deg MDC of trunk flexion: a real change.
    assert "+15" in row
    assert "real change" in row
    # The first visit has no progress section.
    first_only = session("P-8", dt.date(2026, 9, 1), (40.0,))
    first_id = save_session(db, first_only, create_patient=True)
    text1 = _text(pdf_bytes(first_only, progress=(progress_table(db, "P-8", up_to_visit_id=first_id), first_id)))
    assert "Progress since intake" not in text1


def test_a_change_within_the_mdc_is_not_called_real(db: Database) -> None:
    save_session(db, session("P-7", dt.date(2026, 9, 1), (55.0,)), create_patient=True)
    later = session("P-7", dt.date(2026, 9, 29), (56.0,))
    visit_id = save_session(db, later)
    text = _text(pdf_bytes(later, progress=(progress_table(db, "P-7", up_to_visit_id=visit_id), visit_id)))
    row = next(line for line in text.splitlines() if line.startswith("Trunk inclination, forward bend") and "MDC" in line)
    assert "within MDC" in row
    assert "real change" not in row
