"""A visit's figures as a spreadsheet: one CSV row per figure, pseudonymous, for research.

Rows
----
One row per measurement (a figure, and its side when it has one), in clip order, then, for
the same clip, one row per figure the analysis withheld: ``value`` empty and
``not_measured_reason`` filled. Withheld figures are exactly the analysis's own list
(:attr:`assess.assessment.Assessment.omissions`), never every catalogue figure of the movement
that happens to be missing, so a row always says *why*. A clip that gave no figure at all
still has its withheld rows.

Columns (:data:`COLUMNS`, in this order)
----------------------------------------
``session_date`` (ISO date of the visit), ``patient_id`` (the pseudonymous id), ``clip`` (the
clip's file name, without folders), ``clip_sha256``, ``movement``, ``figure`` (the catalogue
name), ``display_name``, ``side`` (``left``/``right``/empty: the patient's anatomical side),
``value`` (rounded by unit, as in ``report.json``; empty when not measured), ``unit`` (UCUM:
``deg``, ``cm``, ``m``, ``s``, ``/min``, ``m/s``, ``%``, ``1``), ``view`` (the camera view of
the figure: ``front``, ``side``, ``back``, with ``-oblique`` when the clip's estimate says so),
``view_angle_deg`` (the clip's estimated view angle, when the figure's view is the clip's),
``spread`` (max - min over repetitions, same unit), ``norm_low``, ``norm_high`` and
``norm_source`` (the normal range in the figure's unit and where it comes from, or why there is
none), ``pain_0_10`` (the pain reported during the clip), ``warnings`` (every warning of the
clip joined with " | "), ``not_measured_reason``, ``model`` and ``model_sha256``.

Privacy: the patient's name, birth year, height, the therapist and free-text notes are never
written. A clip file name that contains a word of the patient's name (3 letters or more) is
replaced by :data:`CLIP_NAME_WITHHELD`; the clip stays identified by its sha256.

Format: UTF-8 without a byte-order mark, comma separated, a header row, fields quoted when they
need it and lines ending in CRLF (RFC 4180). Numbers use a dot and a fixed number of decimals
per unit.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Final

from assess.assessment import Assessment
from assess.catalogue import FIGURES
from assess.io.atomic import atomic_path
from assess.reporting.common import norm_of
from assess.reporting.json_report import DECIMALS, rounded
from assess.session import Patient, Session, SessionItem
from assess.types import Side, View

COLUMNS: Final = (
    "session_date",
    "patient_id",
    "clip",
    "clip_sha256",
    "movement",
    "figure",
    "display_name",
    "side",
    "value",
    "unit",
    "view",
    "view_angle_deg",
    "spread",
    "norm_low",
    "norm_high",
    "norm_source",
    "pain_0_10",
    "warnings",
    "not_measured_reason",
    "model",
    "model_sha256",
)
#: Separator of the warnings in one cell.
WARNING_SEPARATOR: Final = " | "
#: What the ``clip`` cell holds when the file name contains a word of the patient's name.
CLIP_NAME_WITHHELD: Final = "(file name withheld: it contains the patient's name)"
#: Name words shorter than this are not looked for in file names (initials match too much).
MIN_NAME_WORD_CHARS: Final = 3


def number(value: float | None, unit: str, /) -> str:
    """``value`` rounded for its UCUM ``unit``, as text with fixed decimals ('' when missing)."""
    r = rounded(value, unit)
    if r is None:
        return ""
    text = f"{r:.{DECIMALS.get(unit, 2)}f}"
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text  # no "-0.0"


def _clip_name(a: Assessment, patient: Patient) -> str:
    name = Path(a.video.path).name
    if patient.name:
        words = [w for w in re.split(r"\W+", patient.name.casefold()) if len(w) >= MIN_NAME_WORD_CHARS]
        if any(w in name.casefold() for w in words):
            return CLIP_NAME_WITHHELD
    return name


def _view(a: Assessment, view: View | None) -> tuple[str, str]:
    """The view cell and the view-angle cell for a figure measured from ``view``."""
    est = a.view
    if est is None:
        return (view.value if view else "", "")
    if view is None or view is est.view:
        return est.label, number(est.angle_deg, "deg")
    return view.value, ""


def _row(
    session: Session,
    item: SessionItem,
    *,
    name: str,
    side: Side | None,
    value: float | None,
    unit: str,
    view: View | None,
    spread: float | None,
    reason: str,
) -> dict[str, str]:
    a = item.assessment
    entry = FIGURES.get(name)
    norm = norm_of(a, name, unit)
    view_cell, angle_cell = _view(a, view)
    return {
        "session_date": session.visit.date.isoformat(),
        "patient_id": session.patient.patient_id,
        "clip": _clip_name(a, session.patient),
        "clip_sha256": a.video_sha256,
        "movement": a.movement,
        "figure": name,
        "display_name": entry.display if entry else name,
        "side": side.value if side else "",
        "value": number(value, unit),
        "unit": unit,
        "view": view_cell,
        "view_angle_deg": angle_cell,
        "spread": number(spread, unit),
        "norm_low": number(norm.low, unit) if norm else "",
        "norm_high": number(norm.high, unit) if norm else "",
        "norm_source": norm.source if norm else "",
        "pain_0_10": "" if item.pain_0_10 is None else str(item.pain_0_10),
        "warnings": WARNING_SEPARATOR.join(a.warnings),
        "not_measured_reason": reason,
        "model": a.model.name,
        "model_sha256": a.model.sha256,
    }


def csv_rows(session: Session, /) -> list[dict[str, str]]:
    """The rows of the spreadsheet: measurements, then figures not measured, clip by clip."""
    rows: list[dict[str, str]] = []
    for item in session.items:
        a = item.assessment
        for m in a.measurements:
            rows.append(
                _row(
                    session,
                    item,
                    name=m.name,
                    side=m.side,
                    value=m.value,
                    unit=m.unit,
                    view=m.view,
                    spread=m.spread,
                    reason="",
                )
            )
        for o in a.omissions:
            entry = FIGURES.get(o.name)
            rows.append(
                _row(
                    session,
                    item,
                    name=o.name,
                    side=o.side,
                    value=None,
                    unit=entry.unit if entry else "",
                    view=None,
                    spread=None,
                    reason=o.reason,
                )
            )
    return rows


def write_csv(session: Session, path: Path, /) -> Path:
    """Write the session's spreadsheet to ``path`` atomically; returns ``path``."""
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(csv_rows(session))
    return path
