"""``assess patient ...`` and ``assess visit ...``: the records on the command line.

Each command opens the records database named by ``--db`` (a file or a URL), else by
``ASSESS_DATABASE_URL``, else the default file in the user's data folder. Errors are one line
naming the patient by their pseudonymous id only.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from assess.errors import InputError

if TYPE_CHECKING:
    from assess.records.progress import Change

T = TypeVar("T")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Records database: a SQLite file or a postgresql:// URL (default: ASSESS_DATABASE_URL, "
        "else the user's data folder).",
        show_default=False,
    ),
]

patient_app = typer.Typer(
    no_args_is_help=True, help="Patients: add, list, show, progress, export, import, delete."
)
visit_app = typer.Typer(no_args_is_help=True, help="Visits of a patient: add, list, show.")


def _checked(make: Callable[[], T], /) -> T:
    """Build a checked value object, turning its ValueError into the one-line input error."""
    try:
        return make()
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _print(*renderables: object) -> None:
    from rich.console import Console

    Console().print(*renderables)


# ----------------------------------------------------------------------------------- patient


@patient_app.command("add")
def patient_add(
    patient_id: Annotated[str, typer.Argument(help="Pseudonymous id (letters, digits, '-', '_', '.').")],
    name: Annotated[str | None, typer.Option(help="Full name (optional, identifying).")] = None,
    birth_year: Annotated[int | None, typer.Option(help="Year of birth (optional).")] = None,
    height_cm: Annotated[
        float | None, typer.Option(help="Standing height in cm (for cm and m figures).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a patient."""
    from assess.records import add_patient, open_database
    from assess.session import Patient

    patient = _checked(
        lambda: Patient(patient_id=patient_id, name=name, birth_year=birth_year, height_cm=height_cm)
    )
    with open_database(db) as records:
        add_patient(records, patient)
    typer.echo(f"added patient {patient_id}")


@patient_app.command("list")
def patient_list(db: DbOption = None) -> None:
    """List the patients with their number of visits and first and last visit."""
    from rich.table import Table

    from assess.records import list_patients, open_database

    with open_database(db) as records:
        patients = list_patients(records)
    table = Table("patient", "visits", "first visit", "last visit")
    for p in patients:
        first = p.first_visit.isoformat() if p.first_visit else "-"
        last = p.last_visit.isoformat() if p.last_visit else "-"
        table.add_row(p.patient_id, str(p.n_visits), first, last)
    _print(table)


@patient_app.command("show")
def patient_show(patient_id: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Show a patient and their visits."""
    from rich.table import Table

    from assess.records import get_patient, list_visits, open_database

    with open_database(db) as records:
        patient = get_patient(records, patient_id)
        visits = list_visits(records, patient_id)
    typer.echo(f"patient {patient.patient_id}")
    for label, value in (
        ("name", patient.name),
        ("birth year", patient.birth_year),
        ("height", patient.height_cm),
    ):
        if value is not None:
            typer.echo(f"  {label}: {value}{' cm' if label == 'height' else ''}")
    table = Table("visit", "date", "therapist", "movements")
    for v in visits:
        table.add_row(str(v.visit_id), v.date.isoformat(), v.therapist or "", ", ".join(v.movements))
    _print(table)


@patient_app.command("delete")
def patient_delete(
    patient_id: Annotated[str, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Delete a patient and everything stored for them (visits, results, landmark caches, files)."""
    from assess.records import delete_patient, open_database

    if not yes:
        if not sys.stdin.isatty():
            raise InputError(f"deleting patient {patient_id!r} cannot be undone; add --yes to confirm")
        typer.confirm(f"Delete patient {patient_id} and all their visits and files?", abort=True)
    with open_database(db) as records:
        n_visits = delete_patient(records, patient_id)
    typer.echo(f"deleted patient {patient_id} ({n_visits} visits)")


@patient_app.command("export")
def patient_export(
    patient_id: Annotated[str, typer.Argument()],
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip file (or a folder for ID.zip).")],
    db: DbOption = None,
) -> None:
    """Export a patient's records and files to one zip archive."""
    from assess.records import export_patient, open_database

    with open_database(db) as records:
        path = export_patient(records, patient_id, output)
    typer.echo(str(path))


@patient_app.command("import")
def patient_import(
    archive: Annotated[Path, typer.Argument(help="A zip written by 'assess patient export'.")],
    rename: Annotated[str | None, typer.Option(help="Import under this id (when the id is taken).")] = None,
    db: DbOption = None,
) -> None:
    """Import a patient archive (refused when the id exists, unless --rename)."""
    from assess.records import import_patient, open_database

    with open_database(db) as records:
        patient_id = import_patient(records, archive, rename=rename)
    typer.echo(f"imported patient {patient_id}")


def _change(change: Change | None, unit: str, /) -> str:
    from assess.reporting.json_report import rounded

    if change is None:
        return ""
    verdict = {True: "real", False: "within MDC", None: "no MDC"}[change.real]
    return f"{rounded(change.delta, unit) or 0.0:+g} {verdict}"


@patient_app.command("progress")
def patient_progress(
    patient_id: Annotated[str, typer.Argument()],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for one trend chart (PNG) per figure.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Every figure across visits, the change from intake and from the last visit, against the MDC."""
    from rich.table import Table

    from assess.records import open_database, progress_table
    from assess.reporting.json_report import rounded

    with open_database(db) as records:
        progress = progress_table(records, patient_id)
    if not progress.figures:
        typer.echo(f"patient {patient_id} has no stored figures yet")
        return
    table = Table(
        "figure",
        "unit",
        "MDC",
        *(v.date.isoformat() for v in progress.visits),
        "change from intake",
        "change from last visit",
        title=f"patient {patient_id}",
    )
    for f in progress.figures:
        cells = []
        for v in progress.visits:
            point = f.point(v.visit_id)
            cells.append("-" if point is None else f"{rounded(point.value, f.unit)}")
        mdc = "none known" if f.mdc is None else f"{f.mdc:g}"
        table.add_row(
            f.label,
            f.unit,
            mdc,
            *cells,
            _change(f.latest.from_intake, f.unit),
            _change(f.latest.from_previous, f.unit),
        )
    _print(table)
    typer.echo(
        "real: the change reaches the minimal detectable change (MDC95); within MDC: it may be measurement "
        "noise; no MDC: none is published for this figure, so no change can be called real"
    )
    if out is not None:
        from assess.records.chart import write_charts

        paths = write_charts(progress, out)
        typer.echo(f"{len(paths)} charts in {out}")


# ----------------------------------------------------------------------------------- visit


@visit_app.command("add")
def visit_add(
    patient_id: Annotated[str, typer.Argument()],
    date: Annotated[str | None, typer.Option(help="Visit date YYYY-MM-DD (default: today).")] = None,
    therapist: Annotated[str | None, typer.Option()] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    db: DbOption = None,
) -> None:
    """Add a visit for a patient; print its id."""
    from assess.records import add_visit, open_database
    from assess.session import Visit

    day = parse_date(date) if date else dt.date.today()
    visit = _checked(lambda: Visit(date=day, therapist=therapist, notes=notes))
    with open_database(db) as records:
        visit_id = add_visit(records, patient_id, visit)
    typer.echo(f"added visit {visit_id} for patient {patient_id}")


@visit_app.command("list")
def visit_list(patient_id: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """List a patient's visits."""
    from rich.table import Table

    from assess.records import list_visits, open_database

    with open_database(db) as records:
        visits = list_visits(records, patient_id)
    table = Table("visit", "date", "therapist", "movements", "notes")
    for v in visits:
        table.add_row(
            str(v.visit_id), v.date.isoformat(), v.therapist or "", ", ".join(v.movements), v.notes or ""
        )
    _print(table)


@visit_app.command("show")
def visit_show(visit_id: Annotated[int, typer.Argument()], db: DbOption = None) -> None:
    """Show a visit: every clip, its pain and its figures."""
    from rich.table import Table

    from assess.records import open_database, visit_detail
    from assess.reporting.json_report import rounded

    with open_database(db) as records:
        detail = visit_detail(records, visit_id)
    v = detail.visit
    typer.echo(
        f"visit {v.visit_id} of patient {v.patient_id} on {v.date.isoformat()}"
        + (f", {v.therapist}" if v.therapist else "")
    )
    if v.notes:
        typer.echo(f"  notes: {v.notes}")
    table = Table("movement", "pain", "figure", "side", "value", "unit")
    for a in detail.assessments:
        pain = "" if a.pain_0_10 is None else str(a.pain_0_10)
        for m in a.measurements:
            table.add_row(a.movement, pain, m.name, m.side or "", f"{rounded(m.value, m.unit)}", m.unit)
        if not a.measurements:
            table.add_row(a.movement, pain, "(nothing measured)", "", "", "")
    _print(table)


def parse_date(value: str, /) -> dt.date:
    """A date given as YYYY-MM-DD; InputError otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--date {value!r} must be a date as YYYY-MM-DD") from None
