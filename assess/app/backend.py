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
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

from assess.assessment import Assessment
from assess.catalogue import FIGURES
from assess.coach import CoachSummary
from assess.io.atomic import atomic_text
from assess.movements.base import AnalysisContext
from assess.pipeline import Extraction, extract_landmarks
from assess.reporting.json_report import report_document, rounded
from assess.service import known_movements, run_analysis
from assess.session import Patient, Session, Visit
from assess.suggest import Suggestion, suggest

ProgressFn = Callable[[int, int], None]

#: Clips whose landmarks stay in memory (a 1-minute clip's landmarks take about 4 MB).
MAX_CACHED_CLIPS: Final = 16
#: Where the stand-in records live unless ``ASSESS_DATA_DIR`` says otherwise.
DEFAULT_DATA_DIR: Final = Path.home() / ".assess"
RECORDS_FILE: Final = "records.json"


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


def visit_record(session: Session, /, *, visit_id: str) -> VisitRecord:
    """The figures of a session as they are saved to the record."""
    figures = tuple(
        FigureValue(
            movement=item.assessment.movement,
            name=m.name,
            side=m.side.value if m.side else None,
            value=float(rounded(m.value, m.unit) or 0.0),
            unit=m.unit,
        )
        for item in session.items
        for m in item.assessment.measurements
    )
    return VisitRecord(
        visit_id=visit_id,
        patient_id=session.patient.patient_id,
        date=session.visit.date.isoformat(),
        therapist=session.visit.therapist,
        notes=session.visit.notes,
        figures=figures,
        pain_0_10={item.assessment.movement: item.pain_0_10 for item in session.items},
        movement_notes={item.assessment.movement: item.notes for item in session.items},
    )


def trends(visits: Sequence[VisitRecord], /) -> tuple[TrendRow, ...]:
    """Each figure across visits (in date order), its change from the first and whether it is real."""
    ordered = sorted(visits, key=lambda v: v.date)
    series: dict[tuple[str, str | None], list[tuple[str, float, str]]] = {}
    for v in ordered:
        for f in v.figures:
            series.setdefault((f.name, f.side), []).append((v.date, f.value, f.unit))
    rows = []
    for (name, side), points in series.items():
        entry = FIGURES.get(name)
        mdc = entry.norm.mdc if entry is not None and entry.norm is not None else None
        change = points[-1][1] - points[0][1] if len(points) > 1 else None
        real = None if change is None or mdc is None else abs(change) > mdc
        rows.append(
            TrendRow(
                name=name,
                display=entry.display if entry is not None else name,
                side=side,
                unit=points[0][2],
                dates=tuple(p[0] for p in points),
                values=tuple(p[1] for p in points),
                change=change,
                mdc=mdc,
                real_change=real,
            )
        )
    return tuple(rows)


class LocalBackend:
    """The adapter over this build: analysis, suggestion, JSON report, stand-in records.

    Parameters
    ----------
    data_dir : Path, optional
        Folder of the stand-in records file; default ``$ASSESS_DATA_DIR`` or ``~/.assess``.
        None keeps records in memory only when ``in_memory`` is True.
    model_path : Path, optional
        Another pose model instead of the shipped one.
    in_memory : bool
        Keep records in memory (nothing written).
    """

    def __init__(
        self, *, data_dir: Path | None = None, model_path: Path | None = None, in_memory: bool = False
    ) -> None:
        env = os.environ.get("ASSESS_DATA_DIR")
        self.data_dir = data_dir or (Path(env) if env else DEFAULT_DATA_DIR)
        self.model_path = model_path
        self.in_memory = in_memory
        self._lock = threading.Lock()
        self._extractions: OrderedDict[str, Extraction] = OrderedDict()
        self._records: dict[str, Any] = self._load()

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

    # ------------------------------------------------------------------ records (stand-in)
    def _load(self) -> dict[str, Any]:
        path = self.data_dir / RECORDS_FILE
        if self.in_memory or not path.is_file():
            return {"patients": {}, "visits": [], "self_checks": []}
        return dict(json.loads(path.read_text()))

    def _save(self) -> None:
        if self.in_memory:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with atomic_text(self.data_dir / RECORDS_FILE) as fh:
            json.dump(self._records, fh, indent=1)

    def patients(self) -> list[Patient]:
        """Every patient on record, by id."""
        return [Patient(**p) for _, p in sorted(self._records["patients"].items())]

    def create_patient(self, patient: Patient) -> Patient:
        """Add a patient; ValueError when the id is already on record."""
        with self._lock:
            if patient.patient_id in self._records["patients"]:
                raise ValueError(f"patient id {patient.patient_id!r} is already on record; choose it instead")
            self._records["patients"][patient.patient_id] = asdict(patient)
            self._save()
        return patient

    def save_visit(self, session: Session) -> str:
        """Save the visit's figures, pain and notes to the patient's record; return its id."""
        with self._lock:
            if session.patient.patient_id not in self._records["patients"]:
                self._records["patients"][session.patient.patient_id] = asdict(session.patient)
            n = len(self._records["visits"]) + 1
            visit_id = f"{session.patient.patient_id}-{session.visit.date.isoformat()}-{n}"
            self._records["visits"].append(asdict(visit_record(session, visit_id=visit_id)))
            self._save()
        return visit_id

    def _visits(self, patient_id: str) -> tuple[VisitRecord, ...]:
        out = []
        for v in self._records["visits"]:
            if v["patient_id"] == patient_id:
                figures = tuple(FigureValue(**f) for f in v["figures"])
                out.append(VisitRecord(**{**v, "figures": figures}))
        return tuple(sorted(out, key=lambda v: v.date))

    def progress(self, patient_id: str) -> PatientProgress:
        """The patient's visits, trends (real change: beyond the MDC) and self-checks."""
        visits = self._visits(patient_id)
        checks = tuple(c for c in self._records["self_checks"] if c["patient_id"] == patient_id)
        return PatientProgress(
            patient_id=patient_id, visits=visits, trends=trends(visits), self_checks=checks
        )

    def save_self_check(self, patient_id: str, summary: CoachSummary) -> None:
        """Save a self-check's summary (movement, repetitions, largest angles) to the record."""
        with self._lock:
            self._records["self_checks"].append(
                {
                    "patient_id": patient_id,
                    "time": dt.datetime.now().isoformat(timespec="seconds"),
                    **asdict(summary),
                }
            )
            self._save()

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
