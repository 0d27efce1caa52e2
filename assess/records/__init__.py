"""Patient records: patients, visits, every assessment's results, progress across visits.

A SQLite file in the user's data folder by default, or PostgreSQL; schema migrations with
Alembic run when a database is opened. The use cases the command line, the app and the
exports call:

- :func:`open_database` (``with open_database(db) as records: ...``);
- :func:`save_session` (a session's results to a visit), :func:`get_patient`, :func:`add_patient`;
- :func:`progress_table` (every figure across visits against the minimal detectable change);
- :func:`export_patient` / :func:`import_patient` (one zip per patient), :func:`delete_patient`.
"""

from assess.records.archive import export_patient, import_patient
from assess.records.db import Database, open_database, resolve_url
from assess.records.progress import Change, FigureProgress, Point, Progress, VisitRef, progress_table
from assess.records.store import (
    PatientSummary,
    StoredAssessment,
    StoredMeasurement,
    VisitDetail,
    VisitSummary,
    add_patient,
    add_visit,
    attach_file,
    delete_patient,
    get_patient,
    list_files,
    list_patients,
    list_visits,
    measurements,
    save_session,
    visit_detail,
)

__all__ = [
    "Change",
    "Database",
    "FigureProgress",
    "PatientSummary",
    "Point",
    "Progress",
    "StoredAssessment",
    "StoredMeasurement",
    "VisitDetail",
    "VisitRef",
    "VisitSummary",
    "add_patient",
    "add_visit",
    "attach_file",
    "delete_patient",
    "export_patient",
    "get_patient",
    "import_patient",
    "list_files",
    "list_patients",
    "list_visits",
    "measurements",
    "open_database",
    "progress_table",
    "resolve_url",
    "save_session",
    "visit_detail",
]
