"""The ``report.json`` contract (schema version 2): stable field names, UCUM units.

Version 2 (from 1): values are rounded here by unit (the analyses keep full precision); a
``view_estimate`` block gives the estimated view angle; ``neutral`` entries name their view and
whether angles are from the image vertical; posture's ``standing_s`` stays, rotation's
``measured_error_deg`` is gone (its numbers are in the rotation warning); per-repetition
figures are keyed by figure name; ``tracking`` reports cuts and whole-body shots.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from assess.assessment import Assessment
from assess.io.atomic import atomic_text
from assess.results import NeutralRecord, Norm, PassRecord, RepetitionDetail
from assess.types import Measurement, Omission, Repetition, Side
from assess.view import ViewEstimate

SCHEMA_VERSION = 2
#: Decimals a value is reported with, by UCUM unit.
DECIMALS = {"deg": 1, "cm": 1, "m": 2, "m/s": 2, "s": 3, "/min": 1, "%": 1, "1": 2}
TIME_DECIMALS = 3


def rounded(value: float | None, unit: str, /) -> float | None:
    """``value`` rounded for its unit, or None when it is missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), DECIMALS.get(unit, 2))


def _t(value: float) -> float:
    return round(float(value), TIME_DECIMALS)


def _measurement(m: Measurement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": m.name,
        "value": rounded(m.value, m.unit),
        "unit": m.unit,
        "side": m.side.value if m.side else None,
    }
    if m.view is not None:
        out["view"] = m.view.value
    if m.spread is not None:
        out["spread"] = rounded(m.spread, m.unit)
    return out


def _omission(o: Omission) -> dict[str, Any]:
    return {"name": o.name, "side": o.side.value if o.side else None, "reason": o.reason}


def _repetition(r: Repetition) -> dict[str, Any]:
    return {
        "side": r.side.value if r.side else None,
        "start_s": _t(r.start_s),
        "peak_s": _t(r.peak_s),
        "end_s": _t(r.end_s),
        "peak_value": rounded(r.peak_value, r.unit),
        "unit": r.unit,
    }


def _view(view: ViewEstimate) -> dict[str, Any]:
    return {
        "angle_deg": rounded(view.angle_deg, "deg"),
        "label": view.label,
        "spread_deg": rounded(view.spread_deg, "deg"),
        "convention": "0 = camera in front of the patient, +-180 = behind, + = camera on their left",
    }


def _norm(n: Norm) -> dict[str, Any]:
    return {
        "low": n.low,
        "high": n.high,
        "unit": n.unit,
        "source": n.source,
        "other_sources": list(n.other_sources),
        "mdc": n.mdc,
        "mdc_source": n.mdc_source,
        "note": n.note,
    }


def _neutral(r: NeutralRecord) -> dict[str, Any]:
    return {
        "shot_s": [_t(r.shot_s[0]), _t(r.shot_s[1])],
        "neutral_s": [_t(r.neutral_s[0]), _t(r.neutral_s[1])] if r.neutral_s else None,
        "windows_s": [[_t(a), _t(b)] for a, b in r.still_windows_s],
        "quiet_standing": r.quiet_standing,
        "from_image_vertical": r.from_image_vertical,
        "trunk_image_inclination_deg": rounded(r.trunk_image_inclination_deg, "deg"),
        "view": r.view.label,
        "view_angle_deg": rounded(r.view.angle_deg, "deg"),
    }


def _detail(d: RepetitionDetail, units: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"side": d.side.value if d.side else None, "peak_s": _t(d.peak_s)}
    out |= {k: rounded(v, units.get(k, "1")) for k, v in d.figures.items()}
    if d.confidence is not None:
        out["confidence"] = d.confidence
    return out


def _pass(p: PassRecord) -> dict[str, Any]:
    return {
        "start_s": _t(p.start_s),
        "end_s": _t(p.end_s),
        "view": p.view.value,
        "facing": p.facing.value,
        "steps_found": len(p.steps),
        "steps_used": sum(s.used for s in p.steps),
        "steady_steps": [
            {"side": s.side.value, "start_s": _t(s.start_s), "end_s": _t(s.end_s)} for s in p.steps if s.used
        ],
        "camera_moved": p.camera_moved,
        "label_repairs_frames": p.label_repair_frames,
        "events_not_used": [
            {"side": e.side.value, "kind": e.kind, "time_s": _t(e.time_s), "why": e.why}
            for e in p.events
            if not e.used
        ],
        "steps_not_used": [
            {"side": s.side.value, "start_s": _t(s.start_s), "why": s.why} for s in p.steps if not s.used
        ],
    }


def _units(a: Assessment) -> dict[str, str]:
    from assess.catalogue import FIGURES

    units = {name: f.unit for name, f in FIGURES.items()}
    units |= {m.name: m.unit for m in a.measurements}
    units |= {"shoulder_turn_foreshortening": "deg", "shoulder_turn_depth": "deg", "direction_agreement": "1"}
    return units


def report_document(a: Assessment, /) -> dict[str, Any]:
    """The ``report.json`` document of one assessment."""
    quality: dict[str, Any] = {}
    if a.quality is not None:
        quality = {
            "median_visibility": round(a.quality.median_visibility, 3),
            "out_of_frame_fraction": round(a.quality.out_of_frame_fraction, 3),
        }
    quality["subject_coverage"] = round(a.subject_coverage, 3)
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "movement": a.movement,
        "video": a.video.to_dict(),
        "model": a.model.to_dict(),
        "view": a.view.view.value if a.view else None,
        "facing": a.view.facing.value if a.view else None,
        "measurements": [_measurement(m) for m in a.measurements],
        "not_measured": [_omission(o) for o in a.omissions],
        "repetitions": [_repetition(r) for r in a.repetitions],
        "warnings": list(a.warnings),
        "quality": quality,
        "parameters": dict(a.result.parameters),
        "landmarks_reused": a.landmarks_reused,
        "mirrored": a.context.mirrored,
        "tracking": {
            "people_seen": a.tracking.max_people_seen,
            "cut_times_s": [_t(t) for t in a.tracking.cut_times_s],
            "whole_body_ranges_s": [[_t(s), _t(e)] for s, e in a.tracking.whole_body_ranges_s],
        },
    }
    if a.view is not None:
        doc["view_estimate"] = _view(a.view)
    if a.norms:
        doc["norms"] = {n.name: _norm(n) for n in a.norms}
    if a.neutral:
        doc["neutral"] = [_neutral(r) for r in a.neutral]
        if a.movement == "posture":
            doc["standing_s"] = [[_t(s), _t(e)] for r in a.neutral for s, e in r.still_windows_s]
    if a.result.repetition_details:
        units = _units(a)
        doc["repetition_figures"] = [_detail(d, units) for d in a.result.repetition_details]
    if a.movement == "gait":
        doc["gait_events"] = {
            f"{kind}_s": {side.value: [_t(t) for t in a.result.event_times_s(kind, side)] for side in Side}
            for kind in ("heel_strike", "toe_off")
        }
        doc["steps_used"] = a.result.steps_used
        doc["passes"] = [_pass(p) for p in a.result.passes]
    return _clean(doc)  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    """Replace non-finite floats by None so the file is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write ``report.json`` atomically."""
    with atomic_text(path) as fh:
        json.dump(report, fh, indent=2, allow_nan=False)
        fh.write("\n")
