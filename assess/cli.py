"""The ``assess`` command line: thin wrappers over :mod:`assess.pipeline` and the analyzers.

Bad input ends with one line on stderr (what is wrong, what to do) and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from assess.errors import InputError

EXIT_BAD_INPUT = 2
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 50.0, 250.0

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Measure how a person with low back pain moves, from ordinary video, offline.",
)


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; a no-op callback otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=sys.stderr)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} frames"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def _check_height(height_cm: float | None) -> None:
    if height_cm is not None and not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        raise InputError(
            f"--height-cm {height_cm:g} is not a possible standing height; give the patient's "
            f"height in centimetres ({MIN_HEIGHT_CM:g}-{MAX_HEIGHT_CM:g})"
        )


def _parse_point(point: str | None) -> tuple[float, float] | None:
    if point is None:
        return None
    try:
        x, y = (float(v) for v in point.split(","))
    except ValueError as exc:
        raise InputError(f"--point {point!r} must be two pixel coordinates as X,Y (e.g. 640,400)") from exc
    return x, y


@app.command()
def analyze(
    video: Annotated[Path, typer.Argument(help="The clip (mp4, mov, avi, webm, mkv).")],
    movement: Annotated[str, typer.Option("--movement", "-m", help="Which movement the clip shows.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for report.json.")] = None,
    height_cm: Annotated[float | None, typer.Option(help="Patient's height, for figures in cm.")] = None,
    model: Annotated[Path | None, typer.Option(help="Another MediaPipe pose .task file.")] = None,
    mirrored: Annotated[bool, typer.Option(help="The clip is mirrored (selfie webcam).")] = False,
    point: Annotated[str | None, typer.Option(help="Follow the person nearest X,Y (pixels).")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes for the pose model.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON, not a table.")] = False,
) -> None:
    """Analyse one clip, write OUT/report.json (and OUT/landmarks.npz, reused), print the figures."""
    from assess.reporting.json_report import report_document
    from assess.service import analyze_clip, known_movements

    if movement not in known_movements():
        raise InputError(f"unknown movement {movement!r}; choose one of: {', '.join(known_movements())}")
    _check_height(height_cm)
    out_dir = out if out is not None else Path("assess-out") / video.stem
    with _progress(f"{video.name}: pose") as update:
        assessment, report_path = analyze_clip(
            video,
            movement=movement,
            out_dir=out_dir,
            height_cm=height_cm,
            model_path=model,
            mirrored=mirrored,
            point_px=_parse_point(point),
            workers=workers,
            progress=update,
        )
    if as_json:
        typer.echo(json.dumps(report_document(assessment), indent=2))
        return
    from assess.reporting.terminal import print_assessment

    print_assessment(assessment)
    typer.echo(f"report: {report_path}")


def _parse_clip(spec: str) -> tuple[Path, str]:
    from assess.service import known_movements

    path, sep, movement = spec.rpartition(":")
    if not sep or not path:
        raise InputError(f"{spec!r} must be CLIP:MOVEMENT, e.g. bend.mp4:forward_bend")
    if movement not in known_movements():
        choices = ", ".join(known_movements())
        raise InputError(f"unknown movement {movement!r} in {spec!r}; choose one of: {choices}")
    return Path(path), movement


def _parse_pain(items: list[str]) -> dict[str, int]:
    pain: dict[str, int] = {}
    for item in items:
        movement, sep, value = item.partition("=")
        try:
            score = int(value)
        except ValueError:
            score = -1
        if not sep or not 0 <= score <= 10:
            raise InputError(f"--pain {item!r} must be MOVEMENT=N with N a whole number from 0 to 10")
        pain[movement] = score
    return pain


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--visit-date {value!r} must be a date as YYYY-MM-DD") from exc


@app.command()
def session(
    clips: Annotated[list[str], typer.Argument(help="CLIP:MOVEMENT pairs, e.g. bend.mp4:forward_bend.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the PDF, CSV, FHIR and reports.")],
    patient_id: Annotated[str, typer.Option(help="Pseudonymous patient id (no names).")],
    name: Annotated[str | None, typer.Option(help="Patient's name, printed on the PDF only.")] = None,
    birth_year: Annotated[int | None, typer.Option(help="Year of birth.")] = None,
    height_cm: Annotated[float | None, typer.Option(help="Patient's height, for figures in cm.")] = None,
    visit_date: Annotated[str | None, typer.Option(help="Visit date YYYY-MM-DD (default today).")] = None,
    therapist: Annotated[str | None, typer.Option(help="Therapist's name.")] = None,
    pain: Annotated[list[str] | None, typer.Option(help="MOVEMENT=N, pain 0-10 during it (repeat).")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes for the visit.")] = None,
    model: Annotated[Path | None, typer.Option(help="Another MediaPipe pose .task file.")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes for the pose model.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON, not tables.")] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Save the visit to the patient's records (added if new).")
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Records database (SQLite file or postgresql:// URL).")
    ] = None,
) -> None:
    """Analyse a visit's clips; write OUT/session.pdf, session.csv, session.fhir.json and reports.

    With --save the visit and its results (and the PDF and FHIR files) go into the patient's records.
    """
    from assess.reporting.session_outputs import write_session
    from assess.reporting.terminal import print_assessment
    from assess.service import assess_session
    from assess.session import Patient, Visit

    pairs = [_parse_clip(c) for c in clips]
    try:
        patient = Patient(patient_id=patient_id, name=name, birth_year=birth_year, height_cm=height_cm)
        visit = Visit(date=_parse_date(visit_date), therapist=therapist, notes=notes)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder for the session")
    with _progress("session: pose") as update:
        result = assess_session(
            pairs, patient=patient, visit=visit, pain_0_10=_parse_pain(pain or []), out_dir=out,
            model_path=model, workers=workers, progress=update,
        )  # fmt: skip
    if not save:
        files = write_session(result, out)
    else:
        from assess.records import attach_file, open_database, progress_table, save_session

        with open_database(db) as records:
            visit_id = save_session(records, result, create_patient=True)
            table = progress_table(records, patient.patient_id, up_to_visit_id=visit_id)
            files = write_session(result, out, progress=(table, visit_id))
            for path, kind, media in (
                (files.pdf, "pdf", "application/pdf"), (files.fhir, "fhir", "application/fhir+json")
            ):
                attach_file(
                    records, patient.patient_id, kind=kind, name=path.name, content=path.read_bytes(),
                    media_type=media, visit_id=visit_id,
                )  # fmt: skip
        typer.echo(f"saved as visit {visit_id} of patient {patient.patient_id}", err=True)
    if as_json:
        from assess.reporting.json_report import report_document

        typer.echo(json.dumps([report_document(a) for a in result.assessments], indent=2))
        return
    for a in result.assessments:
        print_assessment(a)
    for path in (files.pdf, files.csv, files.fhir, *files.reports):
        typer.echo(str(path))


@app.command()
def annotate(
    video: Annotated[Path, typer.Argument(help="The clip (mp4, mov, avi, webm, mkv).")],
    movement: Annotated[str, typer.Option("--movement", "-m", help="Which movement the clip shows.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The annotated video to write (.mp4).")],
    height_cm: Annotated[float | None, typer.Option(help="Patient's height, for figures in cm.")] = None,
    model: Annotated[Path | None, typer.Option(help="Another MediaPipe pose .task file.")] = None,
    mirrored: Annotated[bool, typer.Option(help="The clip is mirrored (selfie webcam).")] = False,
    point: Annotated[str | None, typer.Option(help="Follow the person nearest X,Y (pixels).")] = None,
    blur_faces: Annotated[bool, typer.Option(help="Blur the subject's face (on unless turned off).")] = True,
    workers: Annotated[int | None, typer.Option(help="Processes for the pose model.")] = None,
) -> None:
    """Write the clip with the skeleton, the live angle and the repetition count drawn on (H.264 mp4)."""
    from assess.service import annotate_clip, known_movements

    if out.suffix.lower() != ".mp4":
        raise InputError(f"-o {out} must end in .mp4 (the annotated video is an H.264 mp4)")
    if movement not in known_movements():
        raise InputError(f"unknown movement {movement!r}; choose one of: {', '.join(known_movements())}")
    _check_height(height_cm)
    with _progress(f"{video.name}: pose") as update:
        path = annotate_clip(
            video, movement=movement, out=out, height_cm=height_cm, model_path=model, mirrored=mirrored,
            point_px=_parse_point(point), blur_faces=blur_faces, workers=workers, progress=update,
        )  # fmt: skip
    typer.echo(str(path))


@app.command()
def landmarks(
    video: Annotated[Path, typer.Argument(help="The clip, or a webcam index with --webcam.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .npz file to write.")],
    model: Annotated[Path | None, typer.Option(help="Another MediaPipe pose .task file.")] = None,
    point: Annotated[str | None, typer.Option(help="Follow the person nearest X,Y (pixels).")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes for the pose model.")] = None,
) -> None:
    """Run the pose model over a clip and save the subject's landmark series."""
    from assess.service import save_clip_landmarks

    if output.suffix != ".npz":
        raise InputError(f"--output {output} must end in .npz")
    with _progress(f"{video.name}: pose") as update:
        save_clip_landmarks(
            video, output, model_path=model, point_px=_parse_point(point), workers=workers, progress=update
        )
    typer.echo(str(output))


@app.command()
def webcam(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .npz file to write.")],
    index: Annotated[int, typer.Option(help="Webcam device index.")] = 0,
    seconds: Annotated[float, typer.Option(help="How long to record.")] = 10.0,
    model: Annotated[Path | None, typer.Option(help="Another MediaPipe pose .task file.")] = None,
) -> None:
    """Record landmarks live from a webcam (causal: each frame is used as it arrives)."""
    from assess.service import record_webcam

    record_webcam(index, output, seconds=seconds, model_path=model)
    typer.echo(str(output))


BATCH_OUT = Path("assess-out")


@app.command()
def batch(
    source: Annotated[Path, typer.Argument(help="A folder of clips, or a list file of CLIP,MOVEMENT lines.")],
    movement: Annotated[str | None, typer.Option("--movement", "-m", help="Movement (folder).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports.")] = BATCH_OUT,
    height_cm: Annotated[float | None, typer.Option(help="For a folder: the patient's height.")] = None,
    model: Annotated[Path | None, typer.Option(help="Another MediaPipe pose .task file.")] = None,
    force: Annotated[bool, typer.Option(help="Analyse again the clips already done.")] = False,
    ray: Annotated[
        str | None,
        typer.Option("--ray", envvar="ASSESS_RAY_ADDRESS", help="Run on the Ray cluster at HOST:PORT."),
    ] = None,
    ray_workers: Annotated[int | None, typer.Option(min=1, help="Ray workers (default: its CPUs).")] = None,
) -> None:
    """Analyse many clips into OUT/<clip>_<movement>/ and OUT/summary.csv; exit 1 if a clip failed."""
    from rich.console import Console

    from assess.batch import batch_items, run_batch
    from assess.batch.display import BatchDisplay, print_summary
    from assess.service import known_movements

    items = batch_items(source, movement=movement, height_cm=height_cm, known_movements=known_movements())
    try:
        with BatchDisplay(Console(file=sys.stderr), total=len(items)) as display:
            outcome = run_batch(
                items, out_dir=out, events=display, model_path=model, force=force, ray_address=ray or None,
                ray_workers=ray_workers,
            )  # fmt: skip
    except KeyboardInterrupt:
        print(f"assess: interrupted; the clips done are in {out / 'summary.csv'}; run again to resume",
              file=sys.stderr)  # fmt: skip
        raise typer.Exit(130) from None
    print_summary(outcome.rows, console=Console())
    typer.echo(f"summary: {outcome.summary} ({outcome.failed} of {len(outcome.rows)} failed)")
    if outcome.failed:
        raise typer.Exit(1)


@app.command()
def movements() -> None:
    """List the movements that can be analysed."""
    from assess.service import known_movements

    for name in known_movements():
        typer.echo(name)


# --- records: `assess patient ...`, `assess visit ...` (assess/records_cli.py) -----------------
from assess.records_cli import patient_app, visit_app  # noqa: E402

app.add_typer(patient_app, name="patient")
app.add_typer(visit_app, name="visit")
# --- end records ----------------------------------------------------------------------------


def _quiet_native_stderr() -> None:
    """Send native (C++) log lines to /dev/null while Python keeps writing to the real stderr."""
    try:
        saved = os.dup(2)
    except OSError:
        return
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(saved, "w", buffering=1, encoding="utf-8", errors="replace")


def main() -> None:
    """Console entry point: run the app, turning bad input into one line and exit code 2."""
    _quiet_native_stderr()
    try:
        code = app(standalone_mode=False)
    except InputError as exc:
        print(f"assess: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        print("assess: interrupted; nothing was written", file=sys.stderr)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        # Usage errors from the argument parser carry a one-line message of their own.
        format_message = getattr(exc, "format_message", None)
        if callable(format_message):
            print(f"assess: error: {format_message()} (see 'assess --help')", file=sys.stderr)
            sys.exit(EXIT_BAD_INPUT)
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        if os.environ.get("ASSESS_DEBUG"):
            raise
        print(
            f"assess: internal error: {type(exc).__name__}: {exc} "
            "(set ASSESS_DEBUG=1 for details and report it)",
            file=sys.stderr,
        )
        sys.exit(1)
    if isinstance(code, int) and code:
        sys.exit(code)  # a command's typer.Exit(code), returned when not standalone
