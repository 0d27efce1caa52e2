from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assess.errors import InputError
from assess.io.cache import load_landmarks, save_landmarks
from assess.io.model import resolve_model
from assess.io.video import probe
from assess.pipeline import Extraction
from assess.service import _from_cache, cached_landmarks
from assess.tracking import TrackingReport
from tests.conftest import marker_frames, write_clip
from tests.synthetic import series_from_bodies, still


def _extraction(video: Path, *, point_px: tuple[float, float] | None = None) -> Extraction:
    from assess.pipeline import sha256_of

    series = series_from_bodies(still(30), view="front", noise_px=0.5)
    tracking = TrackingReport(max_people_seen=1, subject_frames=30, rejected_frames=0, point_px=point_px)
    return Extraction(
        series=series,
        video=probe(video),
        video_sha256=sha256_of(video),
        model=resolve_model(),
        tracking=tracking,
        warnings=(),
    )


def test_landmarks_round_trip_exactly(tmp_path: Path) -> None:
    video = write_clip(tmp_path / "v.mp4", marker_frames(5))
    ex = _extraction(video)
    save_landmarks(tmp_path / "l.npz", cached_landmarks(ex))
    back = load_landmarks(tmp_path / "l.npz")
    np.testing.assert_array_equal(back.series.image_px, ex.series.image_px)
    np.testing.assert_array_equal(back.series.time_s, ex.series.time_s)
    assert back.model["sha256"] == ex.model.sha256
    assert back.video_sha256 == ex.video_sha256


def test_cache_is_reused_only_for_the_same_clip_model_and_subject_choice(tmp_path: Path) -> None:
    video = write_clip(tmp_path / "v.mp4", marker_frames(5))
    cache = tmp_path / "landmarks.npz"
    save_landmarks(cache, cached_landmarks(_extraction(video)))
    assert _from_cache(video, cache, None, None) is not None
    assert _from_cache(video, cache, None, (100.0, 200.0)) is None  # another subject choice
    other = write_clip(tmp_path / "other.mp4", marker_frames(6))
    assert _from_cache(other, cache, None, None) is None  # another clip
    save_landmarks(cache, cached_landmarks(_extraction(video, point_px=(100.0, 200.0))))
    assert _from_cache(video, cache, None, (100.0, 200.0)) is not None
    assert _from_cache(video, cache, None, None) is None


def test_not_a_landmark_file_is_a_one_line_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"nonsense")
    with pytest.raises(InputError, match="not a landmark file") as info:
        load_landmarks(bad)
    assert "\n" not in str(info.value)
