"""Real-world input variants through the real model: portrait phone clips, cut files, webcams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from assess.io import video as video_mod
from assess.io.cache import load_landmarks
from assess.io.video import iter_frames, probe
from assess_render import render_clip
from tests.conftest import REPO

pytestmark = pytest.mark.model
SAMPLE = REPO / "sample_videos" / "posture_side.mp4"


def analyze(clip: Path, out: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    proc = subprocess.run(
        [sys.executable, "-m", "assess", "analyze", str(clip), "-m", "posture", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "report.json").read_text())  # type: ignore[no-any-return]


def test_portrait_phone_clip_with_rotation_tag_is_analysed_upright(tmp_path: Path) -> None:
    clip = tmp_path / "phone.mp4"
    render_clip(
        movement="standing",
        out_path=clip,
        view="side",
        facing="right",
        size_px=(360, 640),
        portrait_rotation_tag=True,
        duration_s=3.0,
    )
    with av.open(str(clip)) as c:  # stored landscape, shown portrait
        s = c.streams.video[0]
        assert s.width > s.height
    info = probe(clip)
    assert (info.width_px, info.height_px) == (360, 640)
    report = analyze(clip, tmp_path / "out")
    assert report["video"]["height_px"] == 640
    assert report["view"] == "side"
    assert report["facing"] == "right"
    lean = {m["name"]: m["value"] for m in report["measurements"]}["trunk_lean"]
    assert abs(lean) < 4.0


def test_file_cut_short_gives_a_report_with_a_warning(tmp_path: Path) -> None:
    # Matroska keeps its header (and announced duration) at the front: a cut file stays readable.
    mkv = tmp_path / "whole.mkv"
    with av.open(str(SAMPLE)) as src, av.open(str(mkv), "w") as dst:
        s_in = src.streams.video[0]
        s_out = dst.add_stream_from_template(s_in)
        for packet in src.demux(s_in):
            if packet.dts is None:
                continue
            packet.stream = s_out
            dst.mux(packet)
    data = mkv.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    frames = list(iter_frames(cut))
    assert 0 < len(frames) < 120
    report = analyze(cut, tmp_path / "out")
    assert any("could be decoded" in w for w in report["warnings"])


def test_webcam_recording_uses_the_same_pipeline_causally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No camera here: frames of the rendered sample stand in for a webcam with index 0.
    def fake_webcam(index: int, /, *, max_frames: int | None = None):  # type: ignore[no-untyped-def]
        assert index == 0
        yield from iter_frames(SAMPLE)

    monkeypatch.setattr(video_mod, "iter_webcam", fake_webcam)
    from assess.service import record_webcam

    out = tmp_path / "live.npz"
    extraction = record_webcam(0, out, seconds=2.0)
    series = load_landmarks(out).series
    assert extraction.video.path == "webcam:0"
    assert series.time_s[-1] >= 2.0
    assert series.coverage > 0.9
    hip_y = series.mid_px("hip")[:, 1]
    assert np.nanmedian(hip_y) > series.mid_px("shoulder")[:, 1][0]
