"""The documented ``report.json`` contract, written and read back, with no pose model.

Synthetic skeleton series go through the real analyzers and ``assess.reporting.json_report``;
the file read back must hold what the README section "report.json" promises.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from assess.assessment import Assessment
from assess.landmarks import LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.movements.spine import ForwardBend, Rotation, SideBend
from assess.pipeline import Extraction
from assess.registry import REGISTRY
from assess.reporting.json_report import report_document, write_report
from tests.extraction import synthetic_extraction
from tests.gait.walker import record, side_camera, straight_walk
from tests.spine.synthetic import Camera, movement

#: The UCUM codes the README allows; "1" is the unit of pelvis_shift as a fraction of hip width.
UNITS = {"deg", "cm", "m", "s", "/min", "m/s", "%", "1"}
SIDES = {"left", "right", None}
VIEWS = {"side", "front", "back"}
FACINGS = {"left", "right", "camera", "away"}
KEYS = {
    "schema_version",
    "movement",
    "video",
    "model",
    "view",
    "facing",
    "measurements",
    "not_measured",
    "repetitions",
    "warnings",
    "quality",
    "parameters",
}
VIDEO_KEYS = {"path": str, "fps": float, "n_frames": int, "duration_s": float, "width_px": int, "height_px": int}


def _extraction(series: LandmarkSeries) -> Extraction:
    return synthetic_extraction(series, sha="1" * 64)


def _side_bend() -> tuple[LandmarkSeries, object, AnalysisContext]:
    return movement("lateral_deg", (25.0, -20.0), Camera(view="front")), SideBend(), AnalysisContext(height_cm=175.0)


def _forward_bend_without_height() -> tuple[LandmarkSeries, object, AnalysisContext]:
    # No height: the fingertip-floor distance cannot be measured and must say why.
    return (
        movement("flexion_deg", (45.0, 80.0), Camera(view="side", facing="left")),
        ForwardBend(),
        AnalysisContext(height_cm=None),
    )


def _rotation() -> tuple[LandmarkSeries, object, AnalysisContext]:
    s = movement("twist_deg", (35.0, -35.0), Camera(view="front"), hands_forward=True)
    return s, Rotation(depth_ratio=0.0), AnalysisContext(height_cm=175.0)


def _gait() -> tuple[LandmarkSeries, object, AnalysisContext]:
    series = record(straight_walk(n_steps=8), side_camera(), fps=30, noise_px=1.0).series
    return series, REGISTRY["gait"](), AnalysisContext(height_cm=175.0)


CASES: dict[str, tuple[str, Callable[[], tuple[LandmarkSeries, Any, AnalysisContext]]]] = {
    "side_bend": ("side_bend", _side_bend),
    "forward_bend_no_height": ("forward_bend", _forward_bend_without_height),
    "rotation": ("rotation", _rotation),
    "gait": ("gait", _gait),
}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture(scope="module", params=list(CASES))
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    name, make = CASES[request.param]
    series, analyzer, context = make()
    result = analyzer.analyze(series, context)
    path = tmp_path_factory.mktemp(request.param) / "report.json"
    write_report(path, report_document(Assessment.of(_extraction(series), result, context=context)))
    return name, json.loads(path.read_text())


def test_top_level_keys_and_schema_version(report: tuple[str, dict]) -> None:
    movement_name, doc = report
    assert KEYS <= set(doc), KEYS - set(doc)
    assert type(doc["schema_version"]) is int
    assert doc["schema_version"] == 2
    assert doc["movement"] == movement_name
    assert doc["view"] in VIEWS
    assert doc["facing"] in FACINGS
    assert isinstance(doc["parameters"], dict)
    assert doc["parameters"]
    assert all(isinstance(w, str) and w.strip() for w in doc["warnings"])


def test_video_and_model_blocks(report: tuple[str, dict]) -> None:
    _, doc = report
    assert set(doc["video"]) == set(VIDEO_KEYS)
    for key, kind in VIDEO_KEYS.items():
        value = doc["video"][key]
        assert isinstance(value, kind) or (kind is float and _number(value)), (key, value)
    assert doc["video"]["n_frames"] > 1
    assert doc["video"]["duration_s"] > 0
    assert doc["model"] == {"name": "pose_landmarker_full", "sha256": "0" * 64}
    assert 0.0 <= doc["quality"]["subject_coverage"] <= 1.0


def test_measurements_have_names_finite_values_ucum_units_and_sides(report: tuple[str, dict]) -> None:
    _, doc = report
    assert doc["measurements"], "a synthetic movement must give figures"
    for m in doc["measurements"]:
        assert {"name", "value", "unit", "side"} <= set(m), m
        assert set(m) <= {"name", "value", "unit", "side", "view", "spread"}, m
        assert isinstance(m["name"], str)
        assert m["name"]
        assert _number(m["value"]), m
        assert m["unit"] in UNITS, m
        assert m["side"] in SIDES, m
        if "view" in m:
            assert m["view"] in VIEWS, m
        if "spread" in m:
            assert _number(m["spread"]), m
    from assess.catalogue import FIGURES

    for m in doc["measurements"]:
        assert m["name"] in FIGURES, f"{m['name']} is not in the figure catalogue"
        expected = {FIGURES[m["name"]].unit} | ({"1"} if m["name"] == "pelvis_shift" else set())
        assert m["unit"] in expected, m
    keys = [(m["name"], m["side"]) for m in doc["measurements"]]
    assert len(keys) == len(set(keys)), "one figure per name and side"


def test_not_measured_entries_give_a_reason(report: tuple[str, dict]) -> None:
    movement_name, doc = report
    for o in doc["not_measured"]:
        assert set(o) == {"name", "side", "reason"}, o
        assert isinstance(o["name"], str)
        assert o["name"]
        assert o["side"] in SIDES, o
        assert isinstance(o["reason"], str)
        assert o["reason"].strip(), o
    measured = {(m["name"], m["side"]) for m in doc["measurements"]}
    assert not measured & {(o["name"], o["side"]) for o in doc["not_measured"]}
    if movement_name == "forward_bend":
        # Given no height, this figure is listed as not measured, never guessed.
        assert "fingertip_floor_distance" in {o["name"] for o in doc["not_measured"]}
        assert "fingertip_floor_distance" not in {m["name"] for m in doc["measurements"]}


def test_repetitions_are_ordered_in_time_with_sides_and_units(report: tuple[str, dict]) -> None:
    movement_name, doc = report
    if movement_name != "gait":
        assert doc["repetitions"], "the synthetic movement repeats"
    for r in doc["repetitions"]:
        assert set(r) == {"side", "start_s", "peak_s", "end_s", "peak_value", "unit"}, r
        assert r["side"] in SIDES, r
        assert r["start_s"] <= r["peak_s"] <= r["end_s"], r
        assert _number(r["peak_value"]), r
        assert r["unit"] in UNITS, r
