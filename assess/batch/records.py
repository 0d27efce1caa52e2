"""A batch's files: one report folder per clip, a resume record in it, and ``summary.csv``.

``OUT/<clip stem>_<movement>/`` receives ``report.json`` and ``landmarks.npz`` (as ``assess
analyze --out`` writes them) and then ``batch.json``, the resume record: the clip's and the
model's sha256, the movement and the height. A later batch skips a clip whose record matches
(unless forced). ``OUT/summary.csv`` has one row per clip finished so far, in input order, and is
replaced atomically after each clip, so an interrupted batch keeps what it did.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assess.batch.inputs import BatchItem
from assess.batch.work import ClipResult, one_line_reason
from assess.io.atomic import atomic_text
from assess.io.model import sha256_file
from assess.reporting.json_report import report_document
from assess.service import REPORT_FILE, save_assessment

DONE_FILE = "batch.json"
SUMMARY_FILE = "summary.csv"
SUMMARY_COLUMNS = ("clip", "movement", "height_cm", "status", "reason", "seconds", "resumed", "report")


@dataclass(frozen=True, kw_only=True)
class ClipRow:
    """One clip's line in the summary.

    Parameters
    ----------
    item : BatchItem
        The clip and movement.
    status : str
        ``ok`` or ``failed``.
    reason : str
        Why it failed (empty when ok).
    seconds : float or None
        Wall time of its analysis (of the earlier run when resumed).
    resumed : bool
        Its report was done by an earlier batch and kept.
    figures : dict
        Column name (``name`` or ``name_side``) -> (value rounded by unit, unit).
    report : Path or None
        Its ``report.json``.
    worker : str
        The process that analysed it in this run (``host:pid``), empty when resumed.
    """

    item: BatchItem
    status: str
    reason: str = ""
    seconds: float | None = None
    resumed: bool = False
    figures: dict[str, tuple[float | None, str]] = field(default_factory=dict)
    report: Path | None = None
    worker: str = ""

    @property
    def ok(self) -> bool:
        """The clip was analysed."""
        return self.status == "ok"


def resume_key(item: BatchItem, /, *, model_sha256: str) -> dict[str, Any] | None:
    """What must match for a done report to be kept; None when the clip cannot be read here."""
    try:
        clip_sha256 = sha256_file(item.clip)
    except OSError:
        return None
    return {
        "clip_sha256": clip_sha256,
        "movement": item.movement,
        "model_sha256": model_sha256,
        "height_cm": item.height_cm,
    }


def _figures(document: dict[str, Any]) -> dict[str, tuple[float | None, str]]:
    out: dict[str, tuple[float | None, str]] = {}
    for m in document.get("measurements", []):
        column = f"{m['name']}_{m['side']}" if m.get("side") else str(m["name"])
        out[column] = (m.get("value"), str(m.get("unit", "")))
    return out


def done_row(item: BatchItem, out_dir: Path, /, *, key: dict[str, Any] | None) -> ClipRow | None:
    """The row of a clip an earlier batch already analysed the same way, or None."""
    folder = out_dir / item.folder_name
    if key is None or not (folder / DONE_FILE).is_file() or not (folder / REPORT_FILE).is_file():
        return None
    try:
        record = json.loads((folder / DONE_FILE).read_text(encoding="utf-8"))
        document = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key or document.get("movement") != item.movement:
        return None
    seconds = record.get("seconds")
    return ClipRow(
        item=item,
        status="ok",
        seconds=float(seconds) if isinstance(seconds, int | float) else None,
        resumed=True,
        figures=_figures(document),
        report=folder / REPORT_FILE,
    )


def save_result(
    item: BatchItem, result: ClipResult, out_dir: Path, /, *, key: dict[str, Any] | None
) -> ClipRow:
    """Write a clip's report folder (or nothing, when it failed) and return its row."""
    if result.assessment is None:
        return ClipRow(
            item=item,
            status="failed",
            reason=result.reason or "failed",
            seconds=result.seconds,
            worker=result.worker,
        )
    folder = out_dir / item.folder_name
    try:
        report = save_assessment(result.assessment, folder)
        if key is not None:
            with atomic_text(folder / DONE_FILE) as fh:
                json.dump(
                    {"clip": str(item.clip), "key": key, "seconds": round(result.seconds, 3)}, fh, indent=2
                )
    except Exception as exc:  # a clip whose files cannot be written fails alone  # noqa: BLE001
        return ClipRow(
            item=item,
            status="failed",
            reason=one_line_reason(exc),
            seconds=result.seconds,
            worker=result.worker,
        )
    return ClipRow(
        item=item,
        status="ok",
        seconds=result.seconds,
        figures=_figures(report_document(result.assessment)),
        report=report,
        worker=result.worker,
    )


def figure_columns(rows: Sequence[ClipRow], /) -> list[tuple[str, str]]:
    """(column, unit) of every figure in ``rows``, in order of first appearance."""
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        for column, (_, unit) in row.figures.items():
            seen.setdefault((column, unit), None)
    return list(seen)


def write_summary(path: Path, rows: Sequence[ClipRow], /) -> None:
    """Replace ``summary.csv`` atomically: one row per clip, a column per figure (``name_side [unit]``)."""
    figures = figure_columns(rows)
    with atomic_text(path) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([*SUMMARY_COLUMNS, *(f"{c} [{u}]" for c, u in figures)])
        for row in rows:
            values = [
                row.figures[c][0] if c in row.figures and row.figures[c][1] == u else None for c, u in figures
            ]
            writer.writerow(
                [
                    str(row.item.clip),
                    row.item.movement,
                    "" if row.item.height_cm is None else f"{row.item.height_cm:g}",
                    row.status,
                    row.reason,
                    "" if row.seconds is None else f"{row.seconds:.1f}",
                    "yes" if row.resumed else "no",
                    "" if row.report is None else str(row.report),
                    *("" if v is None else f"{v:g}" for v in values),
                ]
            )
