"""Trend charts of a patient's figures as PNG, drawn with Pillow (no plotting library).

One chart per figure: the value at each visit against the visit date, the band of the
intake value plus and minus the minimal detectable change shaded (a point outside it is a real
change from intake, drawn filled; a point inside is hollow), or no band when no MDC is known.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from assess.io.atomic import atomic_path
from assess.records.progress import FigureProgress, Progress

WIDTH_PX, HEIGHT_PX = 800, 450
MARGIN_LEFT_PX, MARGIN_RIGHT_PX, MARGIN_TOP_PX, MARGIN_BOTTOM_PX = 80, 30, 50, 70
FONT_PX: Final = 14
MARKER_RADIUS_PX: Final = 6
#: Room between the axes' ends and the first and last visit (their date labels fit).
INSET_PX: Final = 45
N_TICKS: Final = 5
BACKGROUND, AXIS, LINE, BAND, TEXT = "white", (60, 60, 60), (31, 119, 180), (214, 230, 245), (20, 20, 20)
FILE_MODE: Final = 0o600
DIR_MODE: Final = 0o700


def chart_name(figure: FigureProgress, /) -> str:
    """The chart's file name: the figure's name and side."""
    return f"{figure.name}_{figure.side}.png" if figure.side else f"{figure.name}.png"


def _ticks(low: float, high: float, /) -> list[float]:
    step_raw = (high - low) / N_TICKS
    magnitude = 10 ** math.floor(math.log10(step_raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step_raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def draw_trend(figure: FigureProgress, /) -> Image.Image:
    """The trend chart of one figure."""
    image = Image.new("RGB", (WIDTH_PX, HEIGHT_PX), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=FONT_PX)
    values = [p.value for p in figure.points]
    intake = values[0]
    band = (intake - figure.mdc, intake + figure.mdc) if figure.mdc is not None else None
    low, high = min(values + list(band or ())), max(values + list(band or ()))
    pad = max((high - low) * 0.1, 1e-6 + abs(high) * 0.05, 0.5 if figure.unit == "deg" else 0.01)
    low, high = low - pad, high + pad
    days = [(p.visit.date - figure.points[0].visit.date).days for p in figure.points]
    span = max(days) or 1
    x0, x1 = MARGIN_LEFT_PX, WIDTH_PX - MARGIN_RIGHT_PX
    y0, y1 = HEIGHT_PX - MARGIN_BOTTOM_PX, MARGIN_TOP_PX

    def xy(day: int, value: float) -> tuple[float, float]:
        x = x0 + INSET_PX + (x1 - x0 - 2 * INSET_PX) * (day / span if max(days) else 0.5)
        return x, y0 + (y1 - y0) * (value - low) / (high - low)

    if band is not None:
        draw.rectangle((x0, xy(0, band[1])[1], x1, xy(0, band[0])[1]), fill=BAND)
    draw.line((x0, y1, x0, y0, x1, y0), fill=AXIS, width=1)
    for tick in _ticks(low, high):
        _, y = xy(0, tick)
        draw.line((x0 - 5, y, x0, y), fill=AXIS)
        draw.text((x0 - 8, y), f"{tick:g}", fill=TEXT, font=font, anchor="rm")
    points = [xy(d, v) for d, v in zip(days, values, strict=True)]
    if len(points) > 1:
        draw.line(points, fill=LINE, width=2)
    for p, (x, y) in zip(figure.points, points, strict=True):
        real = p.from_intake.real if p.from_intake is not None else None
        box = (x - MARKER_RADIUS_PX, y - MARKER_RADIUS_PX, x + MARKER_RADIUS_PX, y + MARKER_RADIUS_PX)
        draw.ellipse(box, fill=LINE if real else BACKGROUND, outline=LINE, width=2)
        draw.text((x, y0 + 8), p.visit.date.isoformat(), fill=TEXT, font=font, anchor="mt")
    draw.text((x0, 15), f"{figure.label} [{figure.unit}]", fill=TEXT, font=font)
    if figure.mdc is not None:
        note = f"shaded: intake +- MDC {figure.mdc:g} {figure.unit}; filled point: real change from intake"
    else:
        note = "no published minimal detectable change: no change can be called real"
    draw.text((x0, HEIGHT_PX - 25), note, fill=TEXT, font=font)
    return image


def write_charts(progress: Progress, out_dir: Path, /) -> list[Path]:
    """Write one PNG per figure into ``out_dir`` (owner-only files); return their paths."""
    if not out_dir.exists():
        out_dir.mkdir(mode=DIR_MODE, parents=True)
    paths = []
    for figure in progress.figures:
        path = out_dir / chart_name(figure)
        with atomic_path(path) as tmp:
            draw_trend(figure).save(tmp, format="PNG")
            os.chmod(tmp, FILE_MODE)
        paths.append(path)
    return paths
