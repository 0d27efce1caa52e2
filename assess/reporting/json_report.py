"""The ``report.json`` contract (schema version 1): stable field names, UCUM units."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from assess.io.atomic import atomic_text
from assess.movements.base import MovementResult
from assess.pipeline import Extraction
from assess.types import Measurement, Omission, Repetition

SCHEMA_VERSION = 1


def _measurement(m: Measurement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": m.name,
        "value": m.value,
        "unit": m.unit,
        "side": m.side.value if m.side else None,
    }
    if m.view is not None:
        out["view"] = m.view.value
    if m.spread is not None:
        out["spread"] = m.spread
    return out


def _omission(o: Omission) -> dict[str, Any]:
    return {"name": o.name, "side": o.side.value if o.side else None, "reason": o.reason}


def _repetition(r: Repetition) -> dict[str, Any]:
    return {
        "side": r.side.value if r.side else None,
        "start_s": round(r.start_s, 3),
        "peak_s": round(r.peak_s, 3),
        "end_s": round(r.end_s, 3),
        "peak_value": round(r.peak_value, 1),
        "unit": r.unit,
    }


def _clean(value: Any) -> Any:
    """Replace non-finite floats by None so the file is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def build_report(
    extraction: Extraction, result: MovementResult, *, warnings: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Assemble the ``report.json`` document for one clip and one movement."""
    extra = dict(result.extra)
    quality: dict[str, Any] = dict(extra.pop("quality", {}))
    quality["subject_coverage"] = round(extraction.series.coverage, 3)
    all_warnings = list(dict.fromkeys((*extraction.warnings, *warnings, *result.warnings)))
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "movement": result.movement,
        "video": extraction.video.to_dict(),
        "model": extraction.model.to_dict(),
        "view": result.view.value if result.view else None,
        "facing": result.facing.value if result.facing else None,
        "measurements": [_measurement(m) for m in result.measurements],
        "not_measured": [_omission(o) for o in result.omissions],
        "repetitions": [_repetition(r) for r in result.repetitions],
        "warnings": all_warnings,
        "quality": quality,
        "parameters": result.parameters,
    }
    report.update(extra)
    return _clean(report)  # type: ignore[no-any-return]


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write ``report.json`` atomically."""
    with atomic_text(path) as fh:
        json.dump(report, fh, indent=2, allow_nan=False)
        fh.write("\n")
