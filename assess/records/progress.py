"""A patient's progress: every figure across visits, and which changes are real.

For each figure (and side) the value at each visit is compared with the first visit (intake)
and with the visit before. A change is *real* when its size reaches the figure's minimal
detectable change (MDC95, from the catalogue's norm, in the figure's unit): a smaller change is
within what measuring the same patient twice gives. A figure without a published MDC says so
(``real`` is None) rather than guessing. When a visit has several clips giving one figure, the
last clip saved counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from assess.catalogue import FIGURES
from assess.records.db import Database
from assess.records.store import StoredMeasurement, list_visits, measurements

NO_MDC: Final = "no published minimal detectable change"


@dataclass(frozen=True, kw_only=True)
class Change:
    """A change between two visits, in the figure's unit, judged against the MDC.

    ``real`` is True when ``abs(delta) >= mdc``, False when smaller, None when no MDC is known.
    """

    delta: float
    mdc: float | None

    @property
    def real(self) -> bool | None:
        """The change reaches the minimal detectable change (None: no MDC known)."""
        return None if self.mdc is None else abs(self.delta) >= self.mdc


@dataclass(frozen=True, kw_only=True)
class VisitRef:
    """A visit in the progress table."""

    visit_id: int
    date: dt.date


@dataclass(frozen=True, kw_only=True)
class Point:
    """A figure's value at one visit, with its change from intake and from the previous value."""

    visit: VisitRef
    value: float
    from_intake: Change | None
    from_previous: Change | None


@dataclass(frozen=True, kw_only=True)
class FigureProgress:
    """One figure (and side) across a patient's visits."""

    name: str
    side: str | None
    display: str
    unit: str
    mdc: float | None
    mdc_source: str
    points: tuple[Point, ...]

    @property
    def label(self) -> str:
        """Display name with the side."""
        return f"{self.display} ({self.side})" if self.side else self.display

    @property
    def latest(self) -> Point:
        """The last visit's point."""
        return self.points[-1]

    def point(self, visit_id: int, /) -> Point | None:
        """The point of a visit, or None when this figure was not measured then."""
        return next((p for p in self.points if p.visit.visit_id == visit_id), None)


@dataclass(frozen=True, kw_only=True)
class Progress:
    """A patient's figures across their visits (oldest first)."""

    patient_id: str
    visits: tuple[VisitRef, ...]
    figures: tuple[FigureProgress, ...]

    def figure(self, name: str, side: str | None = None) -> FigureProgress:
        """The progress of one figure (and side); KeyError when it was never measured."""
        for f in self.figures:
            if f.name == name and f.side == side:
                return f
        raise KeyError(f"{name} ({side}) was not measured at any visit of patient {self.patient_id!r}")


def _mdc(name: str, unit: str, /) -> tuple[float | None, str]:
    entry = FIGURES.get(name)
    norm = entry.norm if entry is not None else None
    if norm is None or norm.mdc is None or (norm.unit is not None and norm.unit != unit):
        return None, NO_MDC
    return norm.mdc, norm.mdc_source or "catalogue"


def _figure(key: tuple[str, str | None], rows: Sequence[StoredMeasurement], /) -> FigureProgress:
    name, side = key
    unit = rows[-1].unit
    mdc, source = _mdc(name, unit)
    last_per_visit: dict[int, StoredMeasurement] = {}
    for r in rows:  # oldest visit first, last clip of a visit last
        last_per_visit[r.visit_id] = r
    points: list[Point] = []
    for r in last_per_visit.values():
        intake, previous = (points[0].value, points[-1].value) if points else (None, None)
        points.append(
            Point(
                visit=VisitRef(visit_id=r.visit_id, date=r.date),
                value=r.value,
                from_intake=None if intake is None else Change(delta=r.value - intake, mdc=mdc),
                from_previous=None if previous is None else Change(delta=r.value - previous, mdc=mdc),
            )
        )
    entry = FIGURES.get(name)
    return FigureProgress(
        name=name,
        side=side,
        display=entry.display if entry else name,
        unit=unit,
        mdc=mdc,
        mdc_source=source,
        points=tuple(points),
    )


def progress_table(db: Database, patient_id: str, /, *, up_to_visit_id: int | None = None) -> Progress:
    """Every figure of a patient across visits with changes from intake and from the previous visit.

    ``up_to_visit_id`` stops at that visit (for a report of that visit): later visits are left out.
    Figures are in catalogue order, then by side.
    """
    visits = [VisitRef(visit_id=v.visit_id, date=v.date) for v in list_visits(db, patient_id)]
    if up_to_visit_id is not None:
        ids = [v.visit_id for v in visits]
        if up_to_visit_id not in ids:
            raise ValueError(f"visit {up_to_visit_id} is not a visit of patient {patient_id!r}")
        visits = visits[: ids.index(up_to_visit_id) + 1]
    kept = {v.visit_id for v in visits}
    by_figure: dict[tuple[str, str | None], list[StoredMeasurement]] = {}
    for m in measurements(db, patient_id):
        if m.visit_id in kept:
            by_figure.setdefault((m.name, m.side), []).append(m)
    order = {name: i for i, name in enumerate(FIGURES)}
    keys = sorted(by_figure, key=lambda k: (order.get(k[0], len(order)), k[0], k[1] or ""))
    return Progress(
        patient_id=patient_id, visits=tuple(visits), figures=tuple(_figure(k, by_figure[k]) for k in keys)
    )
