"""Posture through the real model on the project's own rendered sample: numbers against truth."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.model
SAMPLE = REPO / "sample_videos" / "posture_side.mp4"


def test_bundled_posture_sample_reads_the_rendered_trunk_lean(tmp_path: Path) -> None:
    assert SAMPLE.exists(), "sample_videos/posture_side.mp4 is missing: run 'python -m assess_render.samples'"
    proc = subprocess.run(
        [sys.executable, "-m", "assess", "analyze", str(SAMPLE), "-m", "posture", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    truth = json.loads(SAMPLE.with_name(SAMPLE.name + ".truth.json").read_text())
    assert report["view"] == "side"
    assert report["facing"] == truth["facing"]
    lean = {m["name"]: m for m in report["measurements"]}["trunk_lean"]
    true_lean = float(np.median(truth["angles"]["trunk_sagittal_deg"]))
    # Absolute posture angles carry the model's keypoint placement: about 2 deg here (README).
    assert lean["value"] == pytest.approx(true_lean, abs=3.0)
    assert lean["unit"] == "deg"
    assert {o["name"] for o in report["not_measured"]} == {"shoulder_tilt", "pelvic_obliquity"}


@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize("obliquity_deg", [-8.0, 8.0])
def test_pelvic_obliquity_side_is_the_patients_own(tmp_path: Path, view: str, obliquity_deg: float) -> None:
    from assess_render import render_clip

    clip = tmp_path / "stand.mp4"
    truth = render_clip(
        movement="standing", out_path=clip, view=view, pelvis_obliquity_deg=obliquity_deg, duration_s=2.5
    )
    lower = "right" if float(np.median(truth.angles["hip_tilt_deg"])) > 0 else "left"
    proc = subprocess.run(
        [sys.executable, "-m", "assess", "analyze", str(clip), "-m", "posture", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["view"] == view
    pelvis = {m["name"]: m for m in report["measurements"]}["pelvic_obliquity"]
    assert pelvis["side"] == lower
    assert any("iliac crests" in w for w in report["warnings"])
