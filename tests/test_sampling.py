"""Sparse sampling for the spine movements and skipping frames with nobody: what is skipped
leaves the figures within their documented error, and gait always gets every frame."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from assess.gait import Gait
from assess.io.cache import CachedLandmarks, load_landmarks, save_landmarks
from assess.io.model import SHIPPED_PATH
from assess.io.pose import EmptyProbe
from assess.io.video import iter_frames, iter_pending
from assess.movements.base import SLOW_MOVEMENT_RATE_HZ, AnalysisContext
from assess.pipeline import frame_step_for
from assess.registry import REGISTRY
from tests.synthetic import series_from_bodies, still

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "forward_bend_side.mp4"
FOOTAGE = REPO.parent / "shared" / "footage"
MODEL = SHIPPED_PATH
#: README: forward bend trunk_flexion_rom against the rendered truth, worst 2.8 deg.
FORWARD_BEND_WORST_DEG = 2.8
#: README: the 3-D reference of the balancing trial, his bend to the left.
BALANCING_LEFT_BEND_DEG = 44.3


@pytest.mark.parametrize(("fps", "step"), [(60.0, 5), (59.7, 4), (30.0, 2), (25.0, 2), (24.0, 2), (12.0, 1)])
def test_the_spine_step_keeps_at_least_the_spine_rate(fps: float, step: int) -> None:
    assert frame_step_for(fps, SLOW_MOVEMENT_RATE_HZ) == step
    assert fps / step >= SLOW_MOVEMENT_RATE_HZ


@pytest.mark.parametrize("fps", [24.0, 30.0, 59.7, 60.0, 120.0, math.nan])
def test_gait_is_never_sampled_sparsely(fps: float) -> None:
    assert Gait().model_rate_hz is None
    assert frame_step_for(fps, Gait().model_rate_hz) == 1


def test_every_other_movement_is_sampled_at_the_slow_movement_rate() -> None:
    rates = {name: make().model_rate_hz for name, make in REGISTRY.items()}
    assert rates.pop("gait") is None
    assert set(rates) == {"posture", "forward_bend", "extension", "side_bend", "rotation"}
    assert set(rates.values()) == {SLOW_MOVEMENT_RATE_HZ}


def test_a_sparse_step_keeps_the_real_timestamps_of_every_kth_frame() -> None:
    every = [f.time_s for f in iter_frames(SAMPLE)]
    sparse = list(iter_pending(SAMPLE, frame_step=3))
    assert [f.time_s for f in sparse] == every[::3]


def test_a_frame_left_unconverted_converts_to_the_same_picture() -> None:
    first = next(iter_frames(SAMPLE, max_side_px=200))
    pending = next(iter_pending(SAMPLE, max_side_px=200, convert=lambda t: False))
    assert pending.rgb is None
    assert np.array_equal(pending.upright().rgb, first.rgb)


def test_empty_probe_looks_at_every_frame_until_nobody_was_seen_for_a_while() -> None:
    probe = EmptyProbe(after_s=0.5, probe_s=0.1)
    dt = 1 / 60
    looked = []
    for i in range(120):  # 2 s at 60 fps: a person until 0.5 s, then nobody, back at 1.5 s
        t = i * dt
        if probe.wants(t):
            looked.append(t)
            probe.looked(t, found=t < 0.5 or t >= 1.5)
    gaps = np.diff(looked)
    dense = [t for t in looked if t < 1.0]
    assert np.allclose(np.diff(dense), dt)  # every frame while someone was seen 0.5 s ago
    assert gaps.max() == pytest.approx(0.1, abs=dt)  # then one frame every 0.1 s
    back = [t for t in looked if t >= 1.5]
    assert back[0] < 1.5 + 0.1 + dt  # found at most one probe late
    assert np.allclose(np.diff(back), dt)  # and every frame again


def _cached(step: int) -> CachedLandmarks:
    return CachedLandmarks(
        series=series_from_bodies(still(10)),
        video={},
        video_sha256="x",
        model={},
        tracking={},
        frame_step=step,
    )


def test_the_cache_records_the_sampling(tmp_path: Path) -> None:
    save_landmarks(tmp_path / "l.npz", _cached(5))
    assert load_landmarks(tmp_path / "l.npz").frame_step == 5


def test_a_sparse_cache_never_serves_an_analysis_that_needs_every_frame() -> None:
    assert not _cached(2).serves(frame_step=1)
    assert not _cached(2).serves(frame_step=5)
    assert _cached(2).serves(frame_step=4)
    assert _cached(1).serves(frame_step=5)


def test_the_service_does_not_reuse_a_sparse_cache_for_gait(tmp_path: Path) -> None:
    from assess.io.model import resolve_model
    from assess.pipeline import sha256_of
    from assess.service import _from_cache

    fps = 24.0
    model = resolve_model()
    cache = CachedLandmarks(
        series=series_from_bodies(still(10)),
        video={},
        video_sha256=sha256_of(SAMPLE),
        model=model.to_dict(),
        tracking={"point_px": None},
        frame_step=frame_step_for(fps, SLOW_MOVEMENT_RATE_HZ),
    )
    save_landmarks(tmp_path / "landmarks.npz", cache)
    assert _from_cache(SAMPLE, tmp_path / "landmarks.npz", None, None, Gait().model_rate_hz) is None
    reused = _from_cache(
        SAMPLE, tmp_path / "landmarks.npz", None, None, REGISTRY["forward_bend"]().model_rate_hz
    )
    assert reused is not None
    assert reused.frame_step == cache.frame_step


def _reps(series: object) -> list[float]:
    result = REGISTRY["forward_bend"]().analyze(series, AnalysisContext())  # type: ignore[arg-type]
    return [r.peak_value for r in result.repetitions]


@pytest.mark.model
def test_sparse_forward_bend_stays_within_its_documented_error() -> None:
    from assess.pipeline import extract_landmarks

    truth = json.loads(SAMPLE.with_name(SAMPLE.name + ".truth.json").read_text())
    full = extract_landmarks(SAMPLE, workers=1)
    sparse = extract_landmarks(SAMPLE, workers=1, target_rate_hz=SLOW_MOVEMENT_RATE_HZ)
    assert sparse.frame_step == frame_step_for(truth["fps"], SLOW_MOVEMENT_RATE_HZ) > 1
    assert sparse.series.n_frames < 0.6 * full.series.n_frames
    true_peaks = [r["peak_value"] for r in truth["repetitions"]]
    for ex in (full, sparse):
        peaks = _reps(ex.series)
        assert len(peaks) == len(true_peaks)
        assert max(abs(a - b) for a, b in zip(peaks, true_peaks, strict=True)) <= FORWARD_BEND_WORST_DEG
    diffs = [abs(a - b) for a, b in zip(_reps(full.series), _reps(sparse.series), strict=True)]
    print("sparse - full forward bend peaks:", diffs)
    assert max(diffs) <= 1.0


@pytest.mark.model
@pytest.mark.footage
@pytest.mark.skipif(not FOOTAGE.is_dir(), reason=f"real footage not found at {FOOTAGE}")
def test_sparse_side_bend_of_a_real_clip_matches_every_frame() -> None:
    """The real man bending 44.3 deg to his left (cam02, 60 fps, 1.65 s): every 5th frame reads
    within 1.5 deg of every frame (the peak sample may sit two frames off the peak), and stays
    within a degree of the 3-D reference (every frame: +0.7, as documented)."""
    from assess.pipeline import extract_landmarks

    clip = FOOTAGE / "pose2sim_s00" / "S00_P00_T01_BalancingTrial" / "cam02.mp4"
    values = []
    for rate in (None, SLOW_MOVEMENT_RATE_HZ):
        series = extract_landmarks(clip, workers=1, target_rate_hz=rate).series
        result = REGISTRY["side_bend"]().analyze(series, AnalysisContext())
        values.append(result.measurement("lateral_flexion_rom", side="left").value)
    print("lateral flexion left, every frame / sparse:", values)
    assert abs(values[0] - values[1]) <= 1.5
    assert abs(values[1] - BALANCING_LEFT_BEND_DEG) <= 1.0


@pytest.mark.model
@pytest.mark.footage
@pytest.mark.skipif(not FOOTAGE.is_dir(), reason=f"real footage not found at {FOOTAGE}")
def test_gait_after_a_spine_run_gets_every_frame(tmp_path: Path) -> None:
    """A spine analysis leaves a sparse cache; gait into the same folder runs the model again."""
    from assess.io.video import probe
    from assess.service import analyze_clip

    clip = FOOTAGE / "walk_side_outdoor_60fps.mp4"
    analyze_clip(clip, movement="forward_bend", out_dir=tmp_path)
    assert load_landmarks(tmp_path / "landmarks.npz").frame_step == 4
    report = json.loads(analyze_clip(clip, movement="gait", out_dir=tmp_path)[1].read_text())
    assert report["landmarks_reused"] is False
    cached = load_landmarks(tmp_path / "landmarks.npz")
    assert cached.frame_step == 1
    assert cached.series.n_frames == probe(clip).n_frames
