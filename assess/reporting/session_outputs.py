"""Everything a visit's intake writes: one report per clip, the PDF, the CSV and the FHIR bundle.

Each file is written whole or not at all (temporary file, then rename); every clip is analysed
before the first file is written, so bad input leaves the output folder as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assess.io.atomic import atomic_path
from assess.session import Session

if TYPE_CHECKING:
    from assess.records.progress import Progress

PDF_FILE = "session.pdf"
CSV_FILE = "session.csv"
FHIR_FILE = "session.fhir.json"


@dataclass(frozen=True, kw_only=True)
class SessionFiles:
    """Where a session's outputs were written."""

    pdf: Path
    csv: Path
    fhir: Path
    reports: tuple[Path, ...]


def write_session(
    session: Session, out_dir: Path, /, *, progress: tuple[Progress, int] | None = None
) -> SessionFiles:
    """Write the session's PDF, CSV, FHIR bundle and each clip's ``report.json`` into ``out_dir``.

    ``progress`` (the patient's progress table and this visit's id) adds progress to the PDF.
    """
    from assess.reporting.csv_export import write_csv
    from assess.reporting.fhir import write_fhir
    from assess.reporting.pdf import pdf_bytes
    from assess.service import save_assessment, session_folder

    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir} is a file; give a folder for the session")
    pdf = pdf_bytes(session, progress=progress)  # rendered first: a failure here leaves nothing written
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = tuple(
        save_assessment(a, session_folder(out_dir, Path(a.video.path), a.movement))
        for a in session.assessments
    )
    pdf_path = out_dir / PDF_FILE
    with atomic_path(pdf_path) as tmp:
        tmp.write_bytes(pdf)
    csv_path = write_csv(session, out_dir / CSV_FILE)
    fhir_path = write_fhir(session, out_dir / FHIR_FILE, pdf=pdf)
    return SessionFiles(pdf=pdf_path, csv=csv_path, fhir=fhir_path, reports=reports)
