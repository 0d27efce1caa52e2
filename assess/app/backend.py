"""Everything the app asks of the rest of assess, in one adapter.

The pages call only :class:`Backend` methods; tests inject a fake one. :class:`LocalBackend`
implements it with what this build has: the analysis (``assess.service``), the movement
suggestion (``assess.suggest``), the JSON report, the live self-check (``assess.live``), and a
small JSON file of patients, visits and self-checks that stands in for ``assess.records``.
Exports and the annotated video come from modules built elsewhere; where they are missing the
method returns None and the page says the feature is not available in this build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

from assess.assessment import Assessment
from assess.coach import CoachSummary
from assess.movements.base import AnalysisContext
from assess.pipeline import Extraction, extract_landmarks
from assess.reporting.json_report import report_document
from assess.service import known_movements, run_analysis
from assess.session import Patient, Session, Visit
from assess.suggest import Suggestion, suggest

ProgressFn = Callable[[int, int], None]

#: Clips whose landmarks stay in memory (a 1-minute clip's landmarks take about 4 MB).
MAX_CACHED_CLIPS: Final = 16
#: Where annotated videos are kept unless ``ASSESS_DATA_DIR`` says otherwise.
DEFAULT_DATA_DIR: Final = Path.home() / ".assess"


@dataclass(frozen=True, kw_only=True)
class FigureValue:
    """One figure of a saved visit (rounded as reported)."""

    movement: str
    name: str
    side: str | None
    value: float
    unit: str


@dataclass(frozen=True, kw_only=True)
class VisitRecord:
    """A saved visit: when, by whom, its figures and the pain reported per movement."""

    visit_id: str
    patient_id: str
    date: str
    therapist: str | None
    notes: str | None
    figures: tuple[FigureValue, ...]
    pain_0_10: dict[str, int | None] = field(default_factory=dict)
    movement_notes: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class TrendRow:
    """One figure across visits: values by date, change from the first visit, and if it is real.

    ``real_change`` is True when the change exceeds the figure's minimal detectable change (MDC),
    False when it does not, None when no MDC is published.
    """

    name: str
    display: str
    side: str | None
    unit: str
    dates: tuple[str, ...]
    values: tuple[float, ...]
    change: float | None
    mdc: float | None
    real_change: bool | None


@dataclass(frozen=True, kw_only=True)
class PatientProgress:
    """A patient's visits, each figure's trend and the self-checks done at home."""

    patient_id: str
    visits: tuple[VisitRecord, ...]
    trends: tuple[TrendRow, ...]
    self_checks: tuple[dict[str, Any], ...]


class Backend(Protocol):
    """What the app needs; :class:`LocalBackend` is the real one, tests pass a fake."""

    def movements(self) -> list[str]:
        """Movement names the analysis knows."""
        ...

    def suggest_movement(
        self, video: Path, *, mirrored: bool = False, progress: ProgressFn | None = None
    ) -> Suggestion:
        """The movement this clip most likely shows, with the reason (the therapist confirms)."""
        ...

    def analyse(
        self,
        video: Path,
        *,
        movement: str,
        height_cm: float | None = None,
        mirrored: bool = False,
        progress: ProgressFn | None = None,
    ) -> Assessment:
        """Analyse one clip for one movement (the pose stage is cached per clip)."""
        ...

    def report_json(self, session: Session) -> bytes:
        """The JSON report of every clip of the visit."""
        ...

    def export_pdf(self, session: Session) -> bytes | None:
        """The visit's PDF report, or None when this build has no PDF export."""
        ...

    def export_csv(self, session: Session) -> bytes | None:
        """The visit's figures as CSV, or None when this build has no CSV export."""
        ...

    def export_fhir(self, session: Session) -> bytes | None:
        """The visit as a FHIR bundle (JSON), or None when this build has no FHIR export."""
        ...

    def annotated_video(self, assessment: Assessment) -> Path | None:
        """A browser-playable clip with the skeleton and angle drawn, or None when not available."""
        ...

    def patients(self) -> list[Patient]:
        """Every patient on record."""
        ...

    def create_patient(self, patient: Patient) -> Patient:
        """Add a patient (ValueError when the id is taken)."""
        ...

    def save_visit(self, session: Session) -> str:
        """Save a visit's figures to the patient's record; return the visit id."""
        ...

    def progress(self, patient_id: str) -> PatientProgress:
        """The patient's trend across visits with real changes flagged."""
        ...

    def save_self_check(self, patient_id: str, summary: CoachSummary) -> None:
        """Save a self-check's summary to the patient's record."""
        ...

    def live_session(self, movement: str) -> Any:
        """A live self-check session (``assess.live.LiveCoachSession``) for the webcam page."""
        ...


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """A function from a module that may not be in this build."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return None


def file_sha256(path: Path, /) -> str:
    """sha256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class LocalBackend:
    """The adapter over this build: analysis, suggestion, exports and the patient records.

    Parameters
    ----------
    data_dir : Path, optional
        Folder for annotated videos; default ``$ASSESS_DATA_DIR`` or ``~/.assess``.
    model_path : Path, optional
        Another pose model instead of the shipped one.
    database : str, optional
        The records database (a SQLite file or a ``postgresql://`` URL); default
        ``ASSESS_DATABASE_URL`` or the user's data folder, as for ``assess patient``.
    in_memory : bool
        Keep the records in a private temporary database that goes with the process (tests, demos).
    """

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        model_path: Path | None = None,
        database: str | None = None,
        in_memory: bool = False,
    ) -> None:
        env = os.environ.get("ASSESS_DATA_DIR")
        self.data_dir = data_dir or (Path(env) if env else DEFAULT_DATA_DIR)
        self.model_path = model_path
        if in_memory and database is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="assess-records-")
            database = str(Path(self._tmp.name) / "records.sqlite3")
        self.database = database
        self._lock = threading.Lock()
        self._extractions: OrderedDict[str, Extraction] = OrderedDict()

    # ------------------------------------------------------------------ analysis
    def movements(self) -> list[str]:
        """Movement names the analysis knows."""
        return known_movements()

    def _extraction(self, video: Path, progress: ProgressFn | None) -> Extraction:
        key = f"{file_sha256(video)}:{self.model_path}"
        with self._lock:
            if key in self._extractions:
                self._extractions.move_to_end(key)
                if progress is not None:
                    progress(1, 1)
                return self._extractions[key]
        extraction = extract_landmarks(video, model_path=self.model_path, progress=progress)
        with self._lock:
            self._extractions[key] = extraction
            while len(self._extractions) > MAX_CACHED_CLIPS:
                self._extractions.popitem(last=False)
        return extraction

    def suggest_movement(
        self, video: Path, *, mirrored: bool = False, progress: ProgressFn | None = None
    ) -> Suggestion:
        """Run every analyzer on the clip's landmarks (one pose-model run) and suggest one."""
        extraction = self._extraction(video, progress)
        context = AnalysisContext(mirrored=mirrored)
        results = {m: run_analysis(extraction, m, context) for m in known_movements()}
        return suggest(results)

    def analyse(
        self,
        video: Path,
        *,
        movement: str,
        height_cm: float | None = None,
        mirrored: bool = False,
        progress: ProgressFn | None = None,
    ) -> Assessment:
        """Analyse one clip for one movement; the pose stage is reused for the same clip."""
        extraction = self._extraction(video, progress)
        context = AnalysisContext(height_cm=height_cm, mirrored=mirrored)
        result = run_analysis(extraction, movement, context)
        return Assessment.of(extraction, result, context=context, reused=False)

    # ------------------------------------------------------------------ exports
    def report_json(self, session: Session) -> bytes:
        """The JSON report (``report.json`` schema) of every clip of the visit."""
        doc = {
            "patient_id": session.patient.patient_id,
            "visit_date": session.visit.date.isoformat(),
            "clips": [
                {**report_document(item.assessment), "pain_0_10": item.pain_0_10, "notes": item.notes}
                for item in session.items
            ],
        }
        return json.dumps(doc, indent=2).encode()

    def export_pdf(self, session: Session) -> bytes | None:
        """``assess.reporting.pdf.pdf_bytes(session)`` when that module is in this build."""
        fn = _optional("assess.reporting.pdf", "pdf_bytes")
        return None if fn is None else bytes(fn(session))

    def export_csv(self, session: Session) -> bytes | None:
        """The file ``assess.reporting.csv_export.write_csv(session, path)`` writes, when in this build."""
        fn = _optional("assess.reporting.csv_export", "write_csv")
        if fn is None:
            return None
        import tempfile

        with tempfile.TemporaryDirectory(prefix="assess-csv-") as tmp:
            path = Path(tmp) / "visit.csv"
            fn(session, path)
            return path.read_bytes()

    def export_fhir(self, session: Session) -> bytes | None:
        """``assess.reporting.fhir.fhir_bundle(session, pdf=...)`` as JSON, when in this build."""
        fn = _optional("assess.reporting.fhir", "fhir_bundle")
        if fn is None:
            return None
        return json.dumps(fn(session, pdf=self.export_pdf(session)), indent=2).encode()

    def annotated_video(self, assessment: Assessment) -> Path | None:
        """``assess.reporting.video.write_annotated(...)`` into the data folder, when in this build."""
        fn = _optional("assess.reporting.video", "write_annotated")
        if fn is None:
            return None
        mirrored = "_mirrored" if assessment.context.mirrored else ""
        name = f"{assessment.video_sha256[:16]}_{assessment.movement}{mirrored}.mp4"
        out = self.data_dir / "annotated" / name
        if out.is_file():
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        return Path(fn(assessment, out, blur_faces=True))

    # ------------------------------------------------------------------ records (assess.records)
    def _db(self) -> Any:
        from assess.records import open_database

        return open_database(self.database)

    def patients(self) -> list[Patient]:
        """Every patient on record, by id."""
        from assess.records import get_patient, list_patients

        with self._db() as db:
            return [get_patient(db, p.patient_id) for p in list_patients(db)]

    def create_patient(self, patient: Patient) -> Patient:
        """Add a patient; ValueError when the id is already on record."""
        from assess.errors import InputError
        from assess.records import add_patient

        with self._db() as db:
            try:
                add_patient(db, patient)
            except InputError as exc:
                raise ValueError(
                    f"patient id {patient.patient_id!r} is already on record; choose it instead"
                ) from exc
        return patient

    def save_visit(self, session: Session) -> str:
        """Save the visit (figures, pain, notes, its PDF and FHIR) to the patient's record; its id."""
        from assess.records import attach_file, save_session

        pdf = self.export_pdf(session)
        fhir = self.export_fhir(session)
        with self._db() as db:
            visit_id = save_session(db, session, create_patient=True)
            stem = f"visit-{visit_id}-{session.visit.date.isoformat()}"
            for kind, content, suffix, media in (
                ("pdf", pdf, "pdf", "application/pdf"), ("fhir", fhir, "fhir.json", "application/fhir+json"),
            ):  # fmt: skip
                if content is not None:
                    attach_file(
                        db, session.patient.patient_id, kind=kind, name=f"{stem}.{suffix}", content=content,
                        media_type=media, visit_id=visit_id,
                    )  # fmt: skip
        return str(visit_id)

    def progress(self, patient_id: str) -> PatientProgress:
        """The patient's visits, trends (real change: at least the MDC, from the records), self-checks."""
        from assess.records import list_files, list_visits, progress_table, visit_detail

        with self._db() as db:
            details = [visit_detail(db, v.visit_id) for v in list_visits(db, patient_id)]
            table = progress_table(db, patient_id)
            checks = tuple(json.loads(content) for _, content in list_files(db, patient_id, kind="selfcheck"))
        records = tuple(
            VisitRecord(
                visit_id=str(d.visit.visit_id), patient_id=patient_id, date=d.visit.date.isoformat(),
                therapist=d.visit.therapist, notes=d.visit.notes,
                figures=tuple(
                    FigureValue(movement=m.movement, name=m.name, side=m.side, value=m.value, unit=m.unit)
                    for a in d.assessments for m in a.measurements
                ),
                pain_0_10={a.movement: a.pain_0_10 for a in d.assessments},
                movement_notes={a.movement: a.notes for a in d.assessments},
            )
            for d in details
        )  # fmt: skip
        rows = []
        for f in table.figures:
            change = f.points[-1].from_intake
            rows.append(
                TrendRow(
                    name=f.name, display=f.display, side=f.side, unit=f.unit,
                    dates=tuple(p.visit.date.isoformat() for p in f.points),
                    values=tuple(p.value for p in f.points),
                    change=change.delta if change is not None else None, mdc=f.mdc,
                    real_change=change.real if change is not None else None,
                )
            )
        return PatientProgress(patient_id=patient_id, visits=records, trends=tuple(rows), self_checks=checks)

    def save_self_check(self, patient_id: str, summary: CoachSummary) -> None:
        """Save a self-check's summary (movement, repetitions, largest angles) to the patient's record."""
        from assess.records import attach_file, get_patient

        now = dt.datetime.now().astimezone()
        record = {"patient_id": patient_id, "time": now.isoformat(timespec="seconds"), **asdict(summary)}
        with self._db() as db:
            get_patient(db, patient_id)  # one-line error for an unknown patient
            attach_file(
                db, patient_id, kind="selfcheck", name=f"self-check-{now.strftime('%Y%m%dT%H%M%S%f')}.json",
                content=json.dumps(record).encode("utf-8"), media_type="application/json",
            )  # fmt: skip

    def live_session(self, movement: str) -> Any:
        """A live self-check on the shipped (or given) pose model."""
        from assess.io.model import resolve_model
        from assess.live import LiveCoachSession

        return LiveCoachSession(resolve_model(self.model_path), movement)


def new_session(patient: Patient, visit: Visit, items: Sequence[Any], /) -> Session:
    """A session from the reviewed clips (kept here so pages build no domain objects by hand)."""
    return Session(patient=patient, visit=visit, items=tuple(items))


#: The figure a self-check reports per movement (its largest angle).
SELF_CHECK_FIGURE: Final = {
    "forward_bend": "trunk_flexion_rom",
    "extension": "trunk_extension_rom",
    "side_bend": "lateral_flexion_rom",
    "rotation": "trunk_rotation_rom",
}


def summary_from_assessment(a: Assessment, /) -> CoachSummary:
    """A self-check summary from a recording analysed after the fact (the no-camera path)."""
    figure = SELF_CHECK_FIGURE.get(a.movement)
    best = {(m.side.value if m.side else "both"): float(m.value) for m in a.measurements if m.name == figure}
    by_side: dict[str, int] = {}
    for r in a.repetitions:
        if r.side is not None:
            by_side[r.side.value] = by_side.get(r.side.value, 0) + 1
    return CoachSummary(
        movement=a.movement,
        duration_s=float(a.video.duration_s),
        repetitions=len(a.repetitions),
        repetitions_by_side=by_side,
        best_deg=best,
        peaks_deg=tuple(float(r.peak_value) for r in a.repetitions),
        checks_passed=bool(a.measurements),
    )
