"""An Extraction of a synthetic series, as if a clip had been read (no video, no model)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from assess.io.model import ModelInfo
from assess.io.video import VideoInfo
from assess.landmarks import LandmarkSeries
from assess.pipeline import Extraction
from assess.tracking import TrackingReport

MODEL_SHA = "0" * 64


def synthetic_extraction(
    series: LandmarkSeries,
    /,
    *,
    path: str = "synthetic.mp4",
    sha: str | None = None,
    model_sha: str = MODEL_SHA,
    warnings: tuple[str, ...] = (),
) -> Extraction:
    """The series as read from a clip at ``path`` (sha256 of the path unless ``sha`` is given)."""
    n = len(series.time_s)
    duration_s = float(series.time_s[-1] - series.time_s[0])
    video = VideoInfo(
        path=path, fps=(n - 1) / duration_s, n_frames=n, duration_s=duration_s,
        width_px=int(series.frame_size_px[0]), height_px=int(series.frame_size_px[1]), rotation_deg=0,
    )  # fmt: skip
    model = ModelInfo(path=Path("pose_landmarker_full.task"), name="pose_landmarker_full", sha256=model_sha)
    tracking = TrackingReport(max_people_seen=1, subject_frames=n, rejected_frames=0)
    return Extraction(
        series=series, video=video, video_sha256=sha or hashlib.sha256(path.encode()).hexdigest(),
        model=model, tracking=tracking, warnings=warnings,
    )  # fmt: skip
