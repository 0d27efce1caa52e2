"""The real model on real clips: numbers asserted, not just 'it ran'."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assess import pipeline
from assess.io.cache import load_landmarks
from assess.movements.base import AnalysisContext
from assess.movements.posture import Posture
from tests.conftest import GOLDEN, footage
from tests.golden.store import load_golden

pytestmark = pytest.mark.model
SPORTS2D_GOLDEN = GOLDEN / "sports2d_demo.landmarks.npz"


def _assess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assess", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def sports2d_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``assess landmarks`` once (the model runs), then ``assess analyze`` into the same folder."""
    clip = footage("sports2d_demo.mp4")
    out = tmp_path_factory.mktemp("sports2d")
    proc = _assess("landmarks", str(clip), "-o", str(out / "landmarks.npz"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no native log chatter, no traceback at exit
    proc = _assess("analyze", str(clip), "--movement", "posture", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return out


def test_walker_is_followed_and_never_the_man_on_the_box(sports2d_run: Path) -> None:
    series = load_landmarks(sports2d_run / "landmarks.npz").series
    height = series.frame_size_px[1]
    hip_y = series.mid_px("hip")[:, 1] / height
    present = np.isfinite(hip_y)
    # The man on the box has his hips at about 0.25 of the frame height, the walker at 0.75.
    assert np.all(hip_y[present] > 0.55)
    # She is in view from about frame 60 until she leaves at the left edge near frame 200; at the
    # edge (x < 0.1 of the width) a detection that jumps more than a torso away is left as a gap.
    assert present[62:180].all()
    assert present[60:200].mean() > 0.95


def test_sports2d_posture_reports_side_view_and_no_invented_figure(sports2d_run: Path) -> None:
    report = json.loads((sports2d_run / "report.json").read_text())
    assert report["view"] == "side"
    assert report["facing"] == "left"  # she walks right to left
    assert report["measurements"] == []
    reasons = " ".join(o["reason"] for o in report["not_measured"])
    assert "no quiet standing" in reasons
    assert any("2 people" in w for w in report["warnings"])
    assert report["model"]["sha256"]
    assert report["video"]["n_frames"] == 230


def test_analysis_reuses_the_saved_landmarks(sports2d_run: Path) -> None:
    # Same clip, same model (both checked by sha256): the pose model is not run again.
    assert json.loads((sports2d_run / "report.json").read_text())["landmarks_reused"] is True


def test_extraction_matches_the_golden_landmarks(sports2d_run: Path) -> None:
    assert SPORTS2D_GOLDEN.exists(), f"golden file {SPORTS2D_GOLDEN} is missing: run python tests/golden/regenerate.py --update-golden --only sports2d_demo"
    golden = load_golden(SPORTS2D_GOLDEN).series
    fresh = load_landmarks(sports2d_run / "landmarks.npz").series
    np.testing.assert_allclose(fresh.time_s, golden.time_s)
    assert (fresh.present == golden.present).mean() > 0.98
    both = fresh.present & golden.present
    diff = np.abs(fresh.image_px[both, :, :2] - golden.image_px[both, :, :2])
    assert np.median(diff) < 2.0  # pixels on a 1768 px frame


def test_golden_landmarks_give_the_same_posture_verdict_without_the_model() -> None:
    assert SPORTS2D_GOLDEN.exists(), f"golden file {SPORTS2D_GOLDEN} is missing: run python tests/golden/regenerate.py --update-golden --only sports2d_demo"
    series = load_landmarks(SPORTS2D_GOLDEN).series
    result = Posture().analyze(series, AnalysisContext())
    assert result.view is not None
    assert result.view.view.value == "side"
    assert result.measurements == ()


def test_parallel_segments_join_without_a_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    clip = footage("sports2d_demo.mp4")
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_MODEL_FRAMES", 0)
    two = pipeline.extract_landmarks(clip, workers=2, max_people=2)
    golden = load_golden(SPORTS2D_GOLDEN).series
    np.testing.assert_allclose(two.series.time_s, golden.time_s)
    assert np.all(np.diff(two.series.time_s) > 0)
    both = two.series.present & golden.present
    assert both.sum() >= 120
    diff = np.abs(two.series.image_px[both, :, :2] - golden.image_px[both, :, :2])
    assert np.median(diff) < 3.0
