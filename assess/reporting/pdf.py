"""The intake summary as a PDF for the patient's record: one visit, every clip, one or two A4 pages.

Sections, top to bottom: the header (patient, visit, therapist, what produced the figures), one
table of every figure of every clip (value rounded by unit, normal range and its source, the
right-minus-left difference where both sides were measured, the pain reported during the
movement, figures not measured with the reason), the warnings per movement, for each spine
movement a chart of its angle over time with the repetitions and a still at the deepest point
(skeleton drawn, face always blurred), and the method with each figure's known error.

Drawn with fpdf2's own primitives and the vendored DejaVu Sans (degree sign, ≥, ±); no plotting
library. Values come rounded by :func:`assess.reporting.json_report.rounded`, as in ``report.json``.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import io
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from assess import __version__
from assess.assessment import Assessment
from assess.catalogue import FIGURES
from assess.io.atomic import atomic_path
from assess.reporting.json_report import DECIMALS, rounded
from assess.reporting.stills import Still, jpeg_bytes, still
from assess.results import Norm, Signal
from assess.session import Session, SessionItem
from assess.types import Measurement, Side

if TYPE_CHECKING:
    from assess.records.progress import Change, Progress

TITLE: Final = "Movement assessment (video)"
FONT: Final = "DejaVu"
MOVEMENT_NAMES: Final = {
    "posture": "Standing posture",
    "forward_bend": "Forward bend",
    "extension": "Backward bend",
    "side_bend": "Side bend",
    "rotation": "Twist (rotation)",
    "gait": "Walking",
}
SIDED_SIGNALS: Final = frozenset({"side_bend", "rotation"})

# Page geometry, mm (A4 portrait).
MARGIN_MM: Final = 14.0
PAGE_W_MM: Final = 210.0
CONTENT_W_MM: Final = PAGE_W_MM - 2 * MARGIN_MM
FOOTER_MM: Final = 12.0
# Table columns: figure, side, value, normal range, source, MDC, right minus left.
COLUMNS: Final = ("Figure", "Side", "Value", "Normal range (source)", "MDC", "R − L")
COL_W_MM: Final = (62.0, 13.0, 22.0, 50.0, 15.0, 20.0)
# Chart and still blocks: two per row.
BLOCK_W_MM: Final = (CONTENT_W_MM - 6.0) / 2
BLOCK_H_MM: Final = 45.0
STILL_W_MM: Final = 30.0
#: Share of a chart's height kept free above (and below) the extreme peak for its label.
LABEL_ROOM: Final = 0.14

_GREY: Final = (90, 90, 90)
_LIGHT: Final = (235, 235, 235)
_RULE: Final = (160, 160, 160)
_SPAN_FILL: Final = (222, 234, 246)
_LINE: Final = (20, 70, 140)
_PEAK: Final = (200, 60, 20)


def _font_path(name: str) -> Path:
    return Path(str(importlib.resources.files("assess.reporting") / "fonts" / name))


def plain(text: str, /) -> str:
    """A warning or method text with typographic units: '25 deg' -> '25°', '+-' -> '±', '>=' -> '≥'."""
    text = re.sub(r"(\d) ?deg\b", "\\1°", text)
    return text.replace("+-", "±").replace(">=", "≥").replace("<=", "≤")


def unit_text(unit: str, /) -> str:
    """How a UCUM unit is printed after a value."""
    return {"deg": "°", "1": " × hip width", "%": " %"}.get(unit, f" {unit}")


def value_text(value: float, unit: str, /) -> str:
    """A value rounded by its unit (as in ``report.json``) with its unit."""
    r = rounded(value, unit)
    if r is None:
        return "—"
    r += 0.0  # no "-0.0"
    return f"{r:.{DECIMALS.get(unit, 2)}f}{unit_text(unit)}"


def norm_range_text(norm: Norm | None, /) -> str:
    """'20–30°', '≥ 0.94 m/s' or '—' when no range is published."""
    if norm is None or (norm.low is None and norm.high is None):
        return "—"
    unit = unit_text(norm.unit or "")
    if norm.low is not None and norm.high is not None:
        return f"{norm.low:g}–{norm.high:g}{unit}"
    if norm.low is not None:
        return f"≥ {norm.low:g}{unit}"
    return f"≤ {norm.high:g}{unit}"


def norm_source_text(norm: Norm | None, /) -> str:
    """The norm's source, short: author and year ('Magee 2014'), or '' without a range."""
    if norm is None or (norm.low is None and norm.high is None):
        return ""
    return re.split(r" \(|,", norm.source, maxsplit=1)[0].strip()


def norm_text(norm: Norm | None, /) -> str:
    """'20–30° (Magee 2014)', or '—' when no range is published."""
    source = norm_source_text(norm)
    return f"{norm_range_text(norm)} ({source})" if source else norm_range_text(norm)


def mdc_text(norm: Norm | None, unit: str, /) -> str:
    """The minimal detectable change with its unit, or ''."""
    if norm is None or norm.mdc is None:
        return ""
    return f"{norm.mdc:g}{unit_text(norm.unit or unit)}"


def asymmetry(measurements: Sequence[Measurement], name: str, /) -> float | None:
    """Right minus left of a figure measured on both sides, or None."""
    sides = {m.side: m.value for m in measurements if m.name == name and m.side is not None}
    if Side.LEFT in sides and Side.RIGHT in sides:
        return sides[Side.RIGHT] - sides[Side.LEFT]
    return None


def deepest_repetition_s(a: Assessment, /) -> float | None:
    """Time of the largest repetition peak, or None without repetitions."""
    if not a.repetitions:
        return None
    return max(a.repetitions, key=lambda r: abs(r.peak_value)).peak_s


def _movement_name(movement: str) -> str:
    return MOVEMENT_NAMES.get(movement, movement.replace("_", " ").capitalize())


def _signed_deg(value: float) -> str:
    text = f"{round(value) + 0:+d}°"
    return text.replace("-", "−")


def _view_short(a: Assessment) -> str:
    if a.view is None:
        return "view unknown"
    return f"{a.view.label} {_signed_deg(a.view.angle_deg)}"


def _view_text(a: Assessment) -> str:
    if a.view is None:
        return "view unknown"
    return f"{a.view.label} view ({_signed_deg(a.view.angle_deg)} from straight on)"


class _Document(FPDF):
    """A4 pages with the patient and visit in every footer."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(True, margin=MARGIN_MM + FOOTER_MM / 2)
        self.add_font(FONT, "", str(_font_path("DejaVuSans.ttf")))
        self.add_font(FONT, "B", str(_font_path("DejaVuSans-Bold.ttf")))
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-(MARGIN_MM + 2))
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)
        self.line(MARGIN_MM, self.get_y(), PAGE_W_MM - MARGIN_MM, self.get_y())
        self.set_font(FONT, "", 7)
        self.set_text_color(*_GREY)
        self.cell(CONTENT_W_MM * 0.75, 5, self._footer_text, align="L")
        self.cell(CONTENT_W_MM * 0.25, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    @contextmanager
    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = (0, 0, 0)) -> Iterator[None]:
        """Use a font size, style and colour inside the block."""
        before = (self.font_size_pt, self.font_style)
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)
        try:
            yield
        finally:
            self.set_font(FONT, before[1], before[0])
            self.set_text_color(0, 0, 0)

    def heading(self, text: str) -> None:
        """A section heading with a rule under it; starts a new page when too near the bottom."""
        if self.get_y() > self.page_break_trigger - 20:
            self.add_page()
        self.ln(2.5)
        with self.font(10.5, "B", (20, 50, 100)):
            self.cell(CONTENT_W_MM, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(20, 50, 100)
        self.set_line_width(0.3)
        self.line(MARGIN_MM, self.get_y(), PAGE_W_MM - MARGIN_MM, self.get_y())
        self.ln(1.5)

    def paragraph(self, text: str, *, size: float = 8.0, colour: tuple[int, int, int] = (0, 0, 0),
                  indent_mm: float = 0.0, bullet: str = "", markdown: bool = False) -> None:  # fmt: skip
        """Flowing text (wrapped, left aligned), optionally as a bullet."""
        with self.font(size, "", colour):
            h = size * 0.45
            width = CONTENT_W_MM - indent_mm - (3.5 if bullet else 0.0)
            lines = self.multi_cell(width, h, text, dry_run=True, output="LINES", markdown=markdown)
            assert isinstance(lines, list)
            if self.get_y() + len(lines) * h > self.page_break_trigger:  # keep a paragraph on one page
                self.add_page()
            if bullet:
                self.set_x(MARGIN_MM + indent_mm)
                self.cell(3.5, h, bullet)
                indent_mm += 3.5
            self.set_x(MARGIN_MM + indent_mm)
            self.multi_cell(CONTENT_W_MM - indent_mm, h, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                            markdown=markdown)  # fmt: skip


# --------------------------------------------------------------------------------------- header


def _header(pdf: _Document, session: Session, generated: dt.datetime) -> None:
    with pdf.font(15, "B"):
        pdf.cell(CONTENT_W_MM * 0.7, 8, TITLE)
    with pdf.font(9, "", _GREY):
        pdf.cell(CONTENT_W_MM * 0.3, 8, "Intake summary", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    patient, visit = session.patient, session.visit
    left = [("Patient ID", patient.patient_id)]
    if patient.name:
        left.append(("Name", patient.name))
    if patient.birth_year is not None:
        left.append(("Birth year", str(patient.birth_year)))
    right = [("Visit date", visit.date.isoformat()), ("Therapist", visit.therapist or "—")]
    if patient.height_cm is not None:
        right.append(("Height", f"{patient.height_cm:g} cm"))
    rows = max(len(left), len(right))
    top, row_h = pdf.get_y() + 1, 5.0
    pdf.set_fill_color(*_LIGHT)
    pdf.rect(MARGIN_MM, top, CONTENT_W_MM, rows * row_h + 2, style="F")
    half = CONTENT_W_MM / 2
    for col, pairs in enumerate((left, right)):
        for i, (key, val) in enumerate(pairs):
            pdf.set_xy(MARGIN_MM + 2 + col * half, top + 1 + i * row_h)
            with pdf.font(8.5, "", _GREY):
                pdf.cell(22, row_h, key)
            with pdf.font(9.5, "B"):
                pdf.cell(half - 26, row_h, val)
    pdf.set_xy(MARGIN_MM, top + rows * row_h + 3)
    if visit.notes:
        pdf.paragraph(f"Visit notes: {visit.notes}", size=8)
    models = sorted({a.model.name for a in session.assessments})
    pdf.paragraph(
        f"Generated {generated:%Y-%m-%d %H:%M} by assess {__version__} from {len(session.items)} video "
        f"clip{'s' if len(session.items) != 1 else ''}; pose model {', '.join(models)}. Camera measures of "
        "the trunk line, not lumbar goniometry; read with the method notes at the end.",
        size=7,
        colour=_GREY,
    )


# ---------------------------------------------------------------------------------------- table


@dataclass(frozen=True)
class _Row:
    """One table row: a figure measured, or (``reason`` set) a figure not measured.

    ``asym_rows`` is how many rows the R − L cell spans: 2 on the first of a left/right pair,
    0 on the second (covered), 1 otherwise.
    """

    figure: str
    side: str
    value: str = ""
    norm: str = ""
    mdc: str = ""
    asym: str = ""
    asym_rows: int = 1
    reason: str | None = None


def _order(m: Measurement) -> tuple[int, str]:
    return (
        list(FIGURES).index(m.name) if m.name in FIGURES else len(FIGURES),
        m.side.value if m.side else "",
    )


def _figure_rows(a: Assessment, /) -> list[_Row]:
    """The rows of one clip: its figures in catalogue order (left before right), then those not measured."""
    rows: list[_Row] = []
    measured = sorted(a.measurements, key=_order)
    for i, m in enumerate(measured):
        entry = FIGURES.get(m.name)
        norm = a.result.norm(m.name) or (entry.norm if entry else None)
        asym, span = "", 1
        pair = asymmetry(a.measurements, m.name)
        if pair is not None:
            follows = i > 0 and measured[i - 1].name == m.name
            leads = i + 1 < len(measured) and measured[i + 1].name == m.name
            span = 0 if follows else 2 if leads else 1
            asym = value_text(pair, m.unit) if span else ""
        rows.append(_Row(
            figure=entry.display if entry else m.name, side=m.side.value if m.side else "",
            value=value_text(m.value, m.unit), norm=norm_text(norm), mdc=mdc_text(norm, m.unit),
            asym=asym, asym_rows=span,
        ))  # fmt: skip
    for o in a.omissions:
        entry = FIGURES.get(o.name)
        rows.append(_Row(figure=entry.display if entry else o.name, side=o.side.value if o.side else "",
                         reason=plain(o.reason)))  # fmt: skip
    return rows


def _group_title(item: SessionItem) -> str:
    a = item.assessment
    pain = f"pain {item.pain_0_10}/10" if item.pain_0_10 is not None else "pain not recorded"
    return f"{_movement_name(a.movement)}  ·  {_view_text(a)}  ·  {pain}  ·  clip {Path(a.video.path).name}"


def _table(pdf: _Document, session: Session) -> None:
    pdf.heading("Measurements")
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.15)
    pdf.set_fill_color(255, 255, 255)  # table cells take the current fill colour as their background
    group = FontFace(emphasis="BOLD", fill_color=_LIGHT, size_pt=7.8)
    grey = FontFace(color=_GREY, size_pt=7.2)
    with pdf.font(7.6), pdf.table(
        col_widths=COL_W_MM, width=CONTENT_W_MM, line_height=3.3, text_align=("LEFT", "LEFT", "RIGHT", "LEFT",
        "RIGHT", "RIGHT"), borders_layout="HORIZONTAL_LINES", padding=(0.45, 1.2, 0.45, 1.2),
        headings_style=FontFace(emphasis="BOLD", size_pt=7.8, fill_color=(210, 220, 235)), v_align="MIDDLE",
    ) as table:  # fmt: skip
        table.row(COLUMNS)
        for item in session.items:
            table.row().cell(_group_title(item), colspan=len(COLUMNS), style=group, align="LEFT")
            if item.notes:
                table.row().cell(f"Notes: {item.notes}", colspan=len(COLUMNS), style=grey, align="LEFT")
            for r in _figure_rows(item.assessment):
                row = table.row()
                if r.reason is not None:
                    row.cell(r.figure, style=grey)
                    row.cell(r.side, style=grey)
                    row.cell(f"not measured: {r.reason}", colspan=len(COLUMNS) - 2, style=grey, align="L")
                    continue
                for text in (r.figure, r.side, r.value, r.norm, r.mdc):
                    row.cell(text)
                if r.asym_rows:
                    row.cell(r.asym, rowspan=r.asym_rows)
    with pdf.font(6.5, "", _GREY):
        pdf.ln(0.8)
        pdf.multi_cell(
            CONTENT_W_MM, 3,
            "Side: the patient's own. R − L: right minus left where both sides were measured. Normal ranges "
            "are lumbar norms from inclinometry (see method); MDC: minimal detectable change between visits "
            "(95 %). Values rounded as in report.json.",
            align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip


# ------------------------------------------------------------------------------------- warnings


def _warnings(pdf: _Document, session: Session) -> None:
    grouped: dict[str, dict[str, None]] = {}
    for a in session.assessments:
        grouped.setdefault(a.movement, {}).update(dict.fromkeys(plain(w) for w in a.warnings))
    if not any(grouped.values()):
        return
    pdf.heading("Warnings")
    for movement, warnings in grouped.items():
        if not warnings:
            continue
        if pdf.get_y() > pdf.page_break_trigger - 12:  # no movement name alone at a page's foot
            pdf.add_page()
        with pdf.font(8, "B"):
            pdf.cell(CONTENT_W_MM, 4.2, _movement_name(movement), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for w in warnings:
            pdf.paragraph(w[0].upper() + w[1:], size=7.2, indent_mm=2, bullet="•")
        pdf.ln(0.8)


# --------------------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = max(span, 1e-9) / ticks
    mag = 10.0 ** math.floor(math.log10(raw))
    return next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)


def _chart(pdf: _Document, a: Assessment, signal: Signal, box: _Box) -> None:
    """The angle over time: repetitions shaded start to end, peaks marked, axes with units."""
    t, v = signal.time_s, signal.values
    finite = np.isfinite(v)
    if not finite.any():
        return
    vmin, vmax = min(0.0, float(np.nanmin(v))), max(0.0, float(np.nanmax(v)))
    step = _nice_step(vmax - vmin)
    lo, hi = math.floor(vmin / step + 0.1) * step, math.ceil(vmax / step - 0.1) * step  # ignore slivers
    # Room above the highest and below the lowest peak for its label.
    while hi - vmax < LABEL_ROOM * (hi - lo):
        hi += step
    while vmin < 0 and vmin - lo < LABEL_ROOM * (hi - lo):
        lo -= step
    t0, t1 = float(t[0]), float(t[-1])
    plot = _Box(box.x + 9.0, box.y + 2.0, box.w - 11.0, box.h - 10.0)

    def px(time_s: float) -> float:
        return plot.x + (time_s - t0) / max(t1 - t0, 1e-9) * plot.w

    def py(value: float) -> float:
        return plot.y + plot.h - (value - lo) / (hi - lo) * plot.h

    pdf.set_fill_color(*_SPAN_FILL)
    for r in a.repetitions:
        pdf.rect(px(r.start_s), plot.y, max(px(r.end_s) - px(r.start_s), 0.2), plot.h, style="F")
    # Grid and ticks.
    pdf.set_line_width(0.1)
    with pdf.font(6, "", _GREY):
        value = lo
        while value <= hi + 1e-9:
            y = py(value)
            pdf.set_draw_color(*((120, 120, 120) if abs(value) < 1e-9 else (215, 215, 215)))
            pdf.line(plot.x, y, plot.x + plot.w, y)
            pdf.set_xy(box.x, y - 1.5)
            pdf.cell(8.5, 3, f"{value:g}°".replace("-", "−"), align="R")
            value += step
        tstep = _nice_step(t1 - t0, 5)
        tick = math.ceil(t0 / tstep) * tstep
        while tick <= t1 + 1e-9:
            x = px(tick)
            pdf.set_draw_color(*_RULE)
            pdf.line(x, plot.y + plot.h, x, plot.y + plot.h + 0.8)
            pdf.set_xy(x - 5, plot.y + plot.h + 0.8)
            pdf.cell(10, 2.6, f"{tick:g}", align="C")
            tick += tstep
        pdf.set_xy(plot.x, plot.y + plot.h + 3.4)
        pdf.cell(plot.w, 2.6, "time (s)", align="C")
    pdf.set_draw_color(*_RULE)
    pdf.rect(plot.x, plot.y, plot.w, plot.h)
    # The angle, one polyline per stretch without gaps.
    pdf.set_draw_color(*_LINE)
    pdf.set_line_width(0.35)
    edges = np.flatnonzero(np.diff(np.r_[0, finite.astype(np.int8), 0]))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        pts = [(px(float(t[i])), py(float(v[i]))) for i in range(start, stop)]
        if len(pts) > 1:
            pdf.polyline(pts)
    # Peaks.
    pdf.set_fill_color(*_PEAK)
    pdf.set_draw_color(*_PEAK)
    for r in a.repetitions:
        at = float(np.interp(r.peak_s, t[finite], v[finite]))
        x, y = px(r.peak_s), py(at)
        pdf.circle(x, y, 0.7, style="F")
        label = value_text(r.peak_value, r.unit) + (f" {r.side.value[0].upper()}" if r.side else "")
        with pdf.font(5.8, "B", _PEAK):
            below = at < 0
            pdf.set_xy(x - 6, y + (0.9 if below else -3.6))
            pdf.cell(12, 2.6, label, align="C")


def _still_image(pdf: _Document, picture: Still, box: _Box) -> None:
    h_px, w_px = picture.rgb.shape[:2]
    scale = min(box.w / w_px, box.h / h_px)
    w, h = w_px * scale, h_px * scale
    x, y = box.x + (box.w - w) / 2, box.y + (box.h - h) / 2
    pdf.image(jpeg_bytes(picture.rgb), x=x, y=y, w=w, h=h, alt_text="still frame, face blurred")
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.1)
    pdf.rect(x, y, w, h)


#: The movements whose main angle is charted (with a still at the deepest repetition), and the
#: catalogue figure each one's signal shows.
_CHARTED_FIGURE: Final = {
    "forward_bend": "trunk_flexion_rom",
    "extension": "trunk_extension_rom",
    "side_bend": "lateral_flexion_rom",
    "rotation": "trunk_rotation_rom",
}


def _block(pdf: _Document, a: Assessment, signal: Signal, box: _Box) -> None:
    entry = FIGURES.get(_CHARTED_FIGURE.get(a.movement, ""))
    display = entry.display if entry else signal.name
    pdf.set_xy(box.x, box.y)
    with pdf.font(8, "B"):
        pdf.cell(box.w, 4, _movement_name(a.movement), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(box.x)
    sign = ", + right / − left" if a.movement in SIDED_SIGNALS else ""
    with pdf.font(6.5, "", _GREY):
        pdf.cell(box.w, 3, f"{display} (°){sign}; shaded: repetitions", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    body = _Box(box.x, box.y + 8, box.w, box.h - 8)
    _chart(pdf, a, signal, _Box(body.x, body.y, body.w - STILL_W_MM - 1.5, body.h))
    peak_s = deepest_repetition_s(a)
    if peak_s is None:
        return
    picture = still(a.series, Path(a.video.path), peak_s)
    img = _Box(body.x + body.w - STILL_W_MM, body.y + 1.0, STILL_W_MM, body.h - 8.0)
    _still_image(pdf, picture, img)
    caption = (
        f"deepest point, {picture.time_s:.1f} s" if picture.from_video else "clip not readable: skeleton only"
    )
    with pdf.font(5.8, "", _GREY):
        pdf.set_xy(img.x - 4, img.y + img.h + 0.6)
        pdf.multi_cell(img.w + 8, 2.4, f"{caption}\nface blurred", align="C")


def _charts(pdf: _Document, session: Session) -> None:
    charted = [(a, a.signals[0]) for a in session.assessments if a.movement in _CHARTED_FIGURE and a.signals]
    if not charted:
        return
    pdf.heading("Movement over time")
    for i, (a, signal) in enumerate(charted):
        col = i % 2
        if col == 0:
            if pdf.get_y() + BLOCK_H_MM > pdf.page_break_trigger:
                pdf.add_page()
            top = pdf.get_y()
        _block(pdf, a, signal, _Box(MARGIN_MM + col * (BLOCK_W_MM + 6.0), top, BLOCK_W_MM, BLOCK_H_MM))
        pdf.set_xy(MARGIN_MM, top + (BLOCK_H_MM + 2.0 if col == 1 or i == len(charted) - 1 else 0.0))


# --------------------------------------------------------------------------------------- method


def _known_errors(session: Session) -> list[tuple[str, str]]:
    """Per movement: the known error of each figure measured, as one sentence list."""
    out: dict[str, list[str]] = {}
    for a in session.assessments:
        texts = out.setdefault(_movement_name(a.movement), [])
        for name in dict.fromkeys(m.name for m in a.measurements):
            entry = FIGURES.get(name)
            if entry is not None and entry.known_error:
                error = plain(entry.known_error).replace(" against rendered truth", "")
                text = f"{entry.display}: {error}"
                if text not in texts:
                    texts.append(text)
    return [(movement, ". ".join(texts) + ".") for movement, texts in out.items() if texts]


def _method(pdf: _Document, session: Session) -> None:
    pdf.heading("Method")
    models = sorted({f"{a.model.name} (sha256 {a.model.sha256[:12]}…)" for a in session.assessments})
    views = ", ".join(f"{_movement_name(a.movement).lower()} {_view_short(a)}" for a in session.assessments)
    pdf.paragraph(
        f"Pose model {', '.join(models)} (MediaPipe, 33 body landmarks per frame), run offline on each clip; "
        f"angles are measured from the patient's own neutral standing posture in that clip. Camera view, "
        f"estimated from the body (0° = camera straight in front, 90° = side on): {views}. Trunk inclination "
        "is not lumbar flexion: one camera sees the line from the hip centre to the shoulder centre, which "
        "moves with the hips (pelvis) as well as the lumbar spine.",
        size=7.5,
    )
    known = _known_errors(session)
    if known:
        pdf.ln(0.6)
        with pdf.font(7.5, "B"):
            pdf.cell(CONTENT_W_MM, 3.6, "Known error of each figure", new_x=XPos.END)
        with pdf.font(7.0, "", _GREY):
            pdf.cell(0, 3.6, "  (the real model against rendered figures of known angles, unless stated)",
                     new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
        for movement, text in known:
            pdf.paragraph(f"**{movement}** – {text}", size=7.0, indent_mm=2, bullet="•", markdown=True)
    pdf.ln(0.6)
    pdf.paragraph(
        "Normal ranges are published lumbar norms from inclinometry and disagree between sources: compare "
        "with the patient's own earlier visits first, against the minimal detectable change (MDC), before "
        "comparing with a norm.",
        size=7.5,
    )


# ------------------------------------------------------------------------------------ progress

#: At most this many trend charts (those with a real change from intake first).
MAX_TRENDS: Final = 4


def _change_text(change: Change | None, unit: str, /) -> str:
    if change is None:
        return ""
    verdict = "no MDC known" if change.real is None else ("real change" if change.real else "within MDC")
    value = rounded(change.delta, unit) or 0.0
    return f"{value:+g} {unit_text(unit)} ({verdict})".replace("  ", " ")


def _progress(pdf: _Document, progress: Progress, visit_id: int, /) -> None:
    """Every figure of this visit against the intake and the previous visit, and trend charts."""
    points = [(f, f.point(visit_id)) for f in progress.figures]
    rows = [(f, p) for f, p in points if p is not None and p.from_intake is not None]
    if len(progress.visits) < 2 or not rows:
        return
    first = progress.visits[0].date.isoformat()
    pdf.heading(f"Progress since intake ({first}, {len(progress.visits)} visits)")
    with pdf.font(7.6), pdf.table(
        col_widths=(60, 24, 24, 36, 36), width=CONTENT_W_MM, line_height=3.3,
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", size_pt=7.8, fill_color=(210, 220, 235)),
    ) as table:  # fmt: skip
        table.row(("Figure", "Intake", "This visit", "Change from intake", "Change from last visit"))
        for f, p in rows:
            intake = f.points[0]
            table.row((
                f.label, value_text(intake.value, f.unit), value_text(p.value, f.unit),
                _change_text(p.from_intake, f.unit), _change_text(p.from_previous, f.unit),
            ))  # fmt: skip
    with pdf.font(6.5, "", _GREY):
        pdf.ln(0.8)
        pdf.multi_cell(
            CONTENT_W_MM, 3,
            "A change counts as real when it reaches the figure's minimal detectable change (MDC, 95 %); "
            "figures without a published MDC are shown without a verdict.",
            align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip
    from assess.records.chart import draw_trend

    trends = sorted(rows, key=lambda fp: not (fp[1].from_intake and fp[1].from_intake.real))[:MAX_TRENDS]
    width = (CONTENT_W_MM - 4.0) / 2
    for i, (f, _) in enumerate(trends):
        if i % 2 == 0:
            if pdf.will_page_break(width * 0.5 + 4):
                pdf.add_page()
            y = pdf.get_y() + 2
        buffer = io.BytesIO()
        draw_trend(f).save(buffer, format="PNG")
        pdf.image(buffer, x=pdf.l_margin + (i % 2) * (width + 4.0), y=y, w=width)
        if i % 2 == 1 or i == len(trends) - 1:
            pdf.set_y(y + width * 0.5 + 2)


# ------------------------------------------------------------------------------------ the file


def _document(
    session: Session, generated: dt.datetime, progress: tuple[Progress, int] | None = None
) -> _Document:
    p = session.patient
    pdf = _Document(f"Patient {p.patient_id}  ·  visit {session.visit.date.isoformat()}  ·  {TITLE}")
    pdf.set_title(f"{TITLE}: {p.patient_id}, {session.visit.date.isoformat()}")
    pdf.set_subject("Intake summary: range of motion, posture and gait measured from video")
    pdf.set_author(session.visit.therapist or "")
    pdf.set_creator(f"assess {__version__}")
    pdf.set_creation_date(generated.astimezone(dt.UTC))
    pdf.add_page()
    _header(pdf, session, generated)
    _table(pdf, session)
    if progress is not None:
        _progress(pdf, *progress)
    _warnings(pdf, session)
    _charts(pdf, session)
    _method(pdf, session)
    return pdf


def pdf_bytes(
    session: Session,
    /,
    *,
    generated: dt.datetime | None = None,
    progress: tuple[Progress, int] | None = None,
) -> bytes:
    """The intake summary of ``session`` as PDF bytes (``generated`` defaults to now).

    ``progress`` is the patient's progress table and this visit's id in the records: when the
    visit is not the first, the summary shows every figure against the intake and the last visit.
    """
    return bytes(_document(session, generated or dt.datetime.now().astimezone(), progress).output())


def write_pdf(
    session: Session,
    path: Path,
    /,
    *,
    generated: dt.datetime | None = None,
    progress: tuple[Progress, int] | None = None,
) -> Path:
    """Write the intake summary to ``path`` atomically (a reader never sees half a file); return it."""
    data = pdf_bytes(session, generated=generated, progress=progress)
    with ExitStack() as stack:
        tmp = stack.enter_context(atomic_path(path))
        tmp.write_bytes(data)
    return path
