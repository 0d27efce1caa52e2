"""The annotated video: drawing on one frame, the text drawn, and whole clips written as H.264.

The drawing and a whole synthetic clip (a skeleton series analysed by the real side-bend
analyzer, drawn over a textured clip) need no pose model; one test annotates a bundled sample
clip through the real model and checks the output against the clip and its truth.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from assess.assessment import Assessment
from assess.errors import InputError
from assess.io.model import ModelInfo
from assess.io.video import VideoInfo, iter_frames
from assess.landmarks import INDEX, N_LANDMARKS, LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.movements.spine import SideBend
from assess.pipeline import Extraction
from assess.registry import REGISTRY
from assess.reporting.drawing import (
    LEFT_COLOUR,
    RIGHT_COLOUR,
    blur_face,
    draw_label,
    draw_skeleton,
    face_box,
)
from assess.reporting.video import annotate_frame, annotation_text, drawing_series, write_annotated
from assess.tracking import TrackingReport
from tests.conftest import REPO, write_clip
from tests.gait.walker import record, side_camera, straight_walk
from tests.spine.synthetic import Camera, movement

SAMPLE = REPO / "sample_videos" / "side_bend_front.mp4"
#: The blurred face keeps at most this share of the region's variance (a sharp one keeps about all).
MAX_BLURRED_VARIANCE_RATIO = 0.1
SIZE_PX = (320, 240)
#: The synthetic clip: large enough that the text lines (top left) stay clear of the face.
CLIP_SIZE_PX = (480, 360)


def _body_px(size_px: tuple[int, int] = SIZE_PX) -> np.ndarray:
    """A standing figure's 33 landmarks in pixels, front view, facing the camera."""
    body = movement("lateral_deg", (25.0,), Camera(view="front", size_px=size_px, px_per_m=110.0))
    return np.asarray(body.image_px[0])


def _textured(h: int, w: int, *, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(120, 45, (h, w, 3)), 0, 255).astype(np.uint8)


def _colour_distance(pixel: np.ndarray, colour: tuple[int, int, int]) -> float:
    return float(np.linalg.norm(pixel.astype(float) - np.array(colour, float)))


def _patch(rgb: np.ndarray, xy: np.ndarray) -> np.ndarray:
    x, y = round(float(xy[0])), round(float(xy[1]))
    return np.median(rgb[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3), axis=0)


def _box_variance(rgb: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    h, w = rgb.shape[:2]
    region = rgb[max(y0, 0) : min(y1, h), max(x0, 0) : min(x1, w)].astype(float)
    return float(region.var(axis=(0, 1)).mean())


def _face(px: np.ndarray) -> tuple[int, int, int, int]:
    """The face proper: the box of the face landmarks (clear of the skeleton drawn over the blur)."""
    face = px[: INDEX["mouth_right"] + 1, :2]
    (x0, y0), (x1, y1) = np.floor(face.min(axis=0)), np.ceil(face.max(axis=0))
    return int(x0), int(y0), int(x1), int(y1)


# --- drawing on one frame -------------------------------------------------------------------


def test_skeleton_draws_each_side_in_its_colour_at_the_joints() -> None:
    px = _body_px()
    vis = np.full(N_LANDMARKS, 0.99)
    frame = np.zeros((SIZE_PX[1], SIZE_PX[0], 3), np.uint8)
    drawn = draw_skeleton(frame, px, vis)
    assert not frame.any(), "the input frame must not be modified"
    assert _colour_distance(np.array(LEFT_COLOUR), RIGHT_COLOUR) > 150, "the sides must look different"
    for side, colour in (("left", LEFT_COLOUR), ("right", RIGHT_COLOUR)):
        for joint in ("shoulder", "elbow", "hip", "knee", "ankle"):
            xy = px[INDEX[f"{side}_{joint}"]]
            assert _colour_distance(_patch(drawn, xy), colour) < 30, (side, joint)
    # Pixels far from the body stay untouched.
    assert not drawn[:, :20].any()


def test_skeleton_leaves_out_points_below_the_visibility_gate() -> None:
    px = _body_px()
    vis = np.full(N_LANDMARKS, 0.99)
    vis[INDEX["left_knee"]] = 0.1
    drawn = draw_skeleton(np.zeros((SIZE_PX[1], SIZE_PX[0], 3), np.uint8), px, vis)
    assert not _patch(drawn, px[INDEX["left_knee"]]).any()
    assert _colour_distance(_patch(drawn, px[INDEX["right_knee"]]), RIGHT_COLOUR) < 30


def test_a_subject_not_found_draws_nothing_and_blurs_nothing() -> None:
    frame = _textured(SIZE_PX[1], SIZE_PX[0])
    nan = np.full((N_LANDMARKS, 3), np.nan)
    zero = np.zeros(N_LANDMARKS)
    assert np.array_equal(draw_skeleton(frame, nan, zero), frame)
    assert np.array_equal(blur_face(frame, nan, zero), frame)
    assert face_box(nan) is None


def test_face_box_is_blurred_and_the_rest_of_the_frame_kept() -> None:
    px = _body_px()
    vis = np.full(N_LANDMARKS, 0.99)
    frame = _textured(SIZE_PX[1], SIZE_PX[0])
    box = face_box(px)
    assert box is not None
    # The box covers every face landmark with room to spare.
    face = px[: INDEX["mouth_right"] + 1, :2]
    assert (face[:, 0] > box[0]).all()
    assert (face[:, 0] < box[2]).all()
    assert (face[:, 1] > box[1]).all()
    assert (face[:, 1] < box[3]).all()
    blurred = blur_face(frame, px, vis)
    ratio = _box_variance(blurred, box) / _box_variance(frame, box)
    assert ratio < MAX_BLURRED_VARIANCE_RATIO, ratio
    outside = np.ones(frame.shape[:2], bool)
    outside[max(box[1], 0) : box[3], max(box[0], 0) : box[2]] = False
    assert np.array_equal(blurred[outside], frame[outside])


def test_face_landmarks_missing_blurs_the_region_above_the_shoulders() -> None:
    px = _body_px()
    head = px[: INDEX["mouth_right"] + 1].copy()
    px[: INDEX["mouth_right"] + 1] = np.nan
    vis = np.full(N_LANDMARKS, 0.99)
    frame = _textured(SIZE_PX[1], SIZE_PX[0])
    box = face_box(px)
    assert box is not None
    # Where the head was (its landmarks are gone) is inside the box.
    assert (head[:, 0] > box[0]).all()
    assert (head[:, 0] < box[2]).all()
    assert (head[:, 1] > box[1]).all()
    assert (head[:, 1] < box[3]).all()
    blurred = blur_face(frame, px, vis)
    assert _box_variance(blurred, box) / _box_variance(frame, box) < MAX_BLURRED_VARIANCE_RATIO


def test_label_draws_ascii_on_a_dark_box_and_refuses_other_text() -> None:
    frame = np.full((60, 200, 3), 200, np.uint8)
    drawn = draw_label(frame, "Side bend 23 deg", origin=(5, 5), scale=0.5)
    box = drawn[5:25, 5:150]
    assert (box < 100).mean() > 0.5, "dark background box"
    assert (box > 180).any(), "white text on it"
    with pytest.raises(ValueError, match="ASCII"):
        draw_label(frame, "23\N{DEGREE SIGN}", origin=(5, 5), scale=0.5)


# --- a synthetic assessment (real analyzer, no pose model) ------------------------------------


def _assessment(
    series: LandmarkSeries, clip: Path, *, mirrored: bool = False, analyzer: Any = None
) -> Assessment:
    n = series.n_frames
    video = VideoInfo(
        path=str(clip), fps=30.0, n_frames=n, duration_s=n / 30.0,
        width_px=series.frame_size_px[0], height_px=series.frame_size_px[1], rotation_deg=0,
    )  # fmt: skip
    extraction = Extraction(
        series=series, video=video, video_sha256="1" * 64,
        model=ModelInfo(path=Path("pose.task"), name="pose_landmarker_full", sha256="0" * 64),
        tracking=TrackingReport(max_people_seen=1, subject_frames=n, rejected_frames=0), warnings=(),
    )  # fmt: skip
    context = AnalysisContext(height_cm=175.0, mirrored=mirrored)
    analysed = series.flipped_horizontally() if mirrored else series
    result = (analyzer or SideBend()).analyze(analysed, context)
    return Assessment.of(extraction, result, context=context)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assessment, Path, Path]:
    """A side bend right 25 then left 20 deg, drawn over a textured clip, annotated."""
    series = movement(
        "lateral_deg", (25.0, -20.0), Camera(view="front", size_px=CLIP_SIZE_PX, px_per_m=110.0)
    )
    # The subject is lost for the last 10 frames.
    image, vis = series.image_px.copy(), series.visibility.copy()
    image[-10:], vis[-10:] = np.nan, 0.0
    series = replace(series, image_px=image, visibility=vis)
    folder = tmp_path_factory.mktemp("synthetic")
    texture = _textured(CLIP_SIZE_PX[1], CLIP_SIZE_PX[0], seed=1)
    clip = write_clip(folder / "clip.mp4", [texture] * series.n_frames, fps=30.0)
    assessment = _assessment(series, clip)
    out = write_annotated(assessment, folder / "annotated.mp4")
    return assessment, clip, out


def _decoded(path: Path) -> list[np.ndarray]:
    return [f.rgb for f in iter_frames(path)]


def test_synthetic_output_is_h264_yuv420p_with_every_frame_and_the_duration(
    synthetic: tuple[Assessment, Path, Path],
) -> None:
    _, clip, out = synthetic
    with av.open(str(out)) as c, av.open(str(clip)) as src:
        s, si = c.streams.video[0], src.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        assert (s.width, s.height) == (si.width, si.height)
        assert float(s.duration * s.time_base) == pytest.approx(float(si.duration * si.time_base), abs=0.04)
    assert len(_decoded(out)) == len(_decoded(clip))


def test_synthetic_output_shows_the_skeleton_blurs_the_face_and_draws_nothing_when_lost(
    synthetic: tuple[Assessment, Path, Path],
) -> None:
    assessment, clip, out = synthetic
    series = assessment.series
    frames_in, frames_out = _decoded(clip), _decoded(out)
    for i in range(0, series.n_frames - 10, 25):
        px = series.image_px[i]
        for side, colour in (("left", LEFT_COLOUR), ("right", RIGHT_COLOUR)):
            xy = px[INDEX[f"{side}_knee"]]
            assert _colour_distance(_patch(frames_out[i], xy), colour) < 60, (i, side)
            assert _colour_distance(_patch(frames_in[i], xy), colour) > 60, (i, side)
        box = _face(px)
        ratio = _box_variance(frames_out[i], box) / _box_variance(frames_in[i], box)
        assert ratio < MAX_BLURRED_VARIANCE_RATIO, (i, ratio)
    # Subject lost: below the text lines and above the legend, the frame is the input (codec noise only).
    last_in, last_out = frames_in[-1].astype(float), frames_out[-1].astype(float)
    body = slice(CLIP_SIZE_PX[1] // 4, CLIP_SIZE_PX[1] * 3 // 4)
    assert np.abs(last_out[body] - last_in[body]).mean() < 6


def test_without_face_blur_the_face_stays_sharp(
    synthetic: tuple[Assessment, Path, Path], tmp_path: Path
) -> None:
    assessment, clip, _ = synthetic
    out = write_annotated(assessment, tmp_path / "sharp.mp4", blur_faces=False)
    px = assessment.series.image_px[0]
    box = _face(px)
    first_in, first_out = next(iter_frames(clip)).rgb, next(iter_frames(out)).rgb
    assert _box_variance(first_out, box) / _box_variance(first_in, box) > 0.5


def test_counter_counts_a_repetition_once_its_peak_has_passed(
    synthetic: tuple[Assessment, Path, Path],
) -> None:
    assessment, _, _ = synthetic
    reps = sorted(assessment.repetitions, key=lambda r: r.peak_s)
    assert [r.side.value if r.side else None for r in reps] == ["right", "left"]
    t = assessment.series.time_s
    assert annotation_text(assessment, float(t[0]))[1] == "rep 0/2"
    before, after = (
        annotation_text(assessment, reps[0].peak_s - 0.05),
        annotation_text(assessment, reps[0].peak_s),
    )
    assert before[1] == "rep 0/2"
    assert after[1].startswith("rep 1/2")
    assert "(right)" in after[1]
    assert annotation_text(assessment, float(t[-1]))[1].startswith("rep 2/2")
    # The live angle at the first peak names its side and its size.
    assert after[0].startswith("Side bend")
    assert after[0].endswith("deg (right)")
    assert abs(int(after[0].split()[2]) - 25) <= 2


def test_gait_counts_heel_strikes_and_shows_each_as_it_happens(tmp_path: Path) -> None:
    series = record(straight_walk(n_steps=8), side_camera(), fps=30, noise_px=1.0).series
    walk = _assessment(series, tmp_path / "unused.mp4", analyzer=REGISTRY["gait"]())
    strikes = sorted((e for e in walk.gait_events if e.kind == "heel_strike"), key=lambda e: e.time_s)
    assert len(strikes) >= 6
    n = len(strikes)
    assert annotation_text(walk, strikes[0].time_s - 0.01) == [f"step 0/{n}"]
    third = strikes[2]
    assert annotation_text(walk, third.time_s + 0.05) == [f"step 3/{n}", f"heel strike ({third.side.value})"]
    assert annotation_text(walk, float(series.time_s[-1]))[0] == f"step {n}/{n}"


def test_mirrored_clip_draws_on_the_body_in_the_picture_with_anatomical_colours(tmp_path: Path) -> None:
    series = movement("lateral_deg", (25.0,), Camera(view="front", size_px=SIZE_PX, px_per_m=110.0))
    mirrored = _assessment(series, tmp_path / "unused.mp4", mirrored=True)
    # The drawn points are where the model put them in the picture; only the side labels swap.
    drawn = drawing_series(mirrored)
    assert np.allclose(np.sort(drawn.image_px[0], axis=0), np.sort(series.image_px[0], axis=0))
    frame = annotate_frame(np.zeros((SIZE_PX[1], SIZE_PX[0], 3), np.uint8), mirrored, drawn, 0, 0.0)
    model_left_knee = series.image_px[0, INDEX["left_knee"]]
    assert _colour_distance(_patch(frame, model_left_knee), RIGHT_COLOUR) < 30


def test_a_failed_write_leaves_the_earlier_file_whole_and_no_temporary(tmp_path: Path) -> None:
    series = movement("lateral_deg", (25.0,), Camera(view="front", size_px=SIZE_PX, px_per_m=110.0))
    assessment = _assessment(series, tmp_path / "gone.mp4")
    out = tmp_path / "annotated.mp4"
    out.write_bytes(b"earlier video")
    with pytest.raises(InputError, match="no such file"):
        write_annotated(assessment, out)
    assert out.read_bytes() == b"earlier video"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.mp4"]


def test_output_name_must_end_in_mp4(tmp_path: Path) -> None:
    series = movement("lateral_deg", (25.0,), Camera(view="front", size_px=SIZE_PX, px_per_m=110.0))
    with pytest.raises(InputError, match=r"\.mp4"):
        write_annotated(_assessment(series, SAMPLE), tmp_path / "annotated.avi")
    assert not any(tmp_path.iterdir())


def test_cli_refuses_an_output_not_ending_in_mp4_with_one_line(tmp_path: Path) -> None:
    out = tmp_path / "annotated.mov"
    proc = subprocess.run(
        [sys.executable, "-m", "assess", "annotate", str(SAMPLE), "-m", "side_bend", "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "must end in .mp4" in lines[0], proc.stderr
    assert not any(tmp_path.iterdir())


# --- through the real pose model -------------------------------------------------------------


@pytest.mark.model
def test_sample_side_bend_annotated_through_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assess.service as service

    truth = json.loads(SAMPLE.with_name(SAMPLE.name + ".truth.json").read_text())
    n_true = len(truth["repetitions"])
    out = tmp_path / "side_bend.mp4"
    assert service.annotate_clip(SAMPLE, movement="side_bend", out=out) == out
    own = service.annotation_landmarks(out)
    assert own.is_file()
    assessment = service.assess_clip(SAMPLE, movement="side_bend", landmarks_cache=own)
    assert assessment.landmarks_reused

    with av.open(str(out)) as c, av.open(str(SAMPLE)) as src:
        s, si = c.streams.video[0], src.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        assert float(s.duration * s.time_base) == pytest.approx(float(si.duration * si.time_base), abs=0.04)
    frames_in = list(iter_frames(SAMPLE))
    frames_out = list(iter_frames(out))
    assert abs(len(frames_out) - len(frames_in)) <= 1

    series = assessment.series
    checked = 0
    for i in range(0, min(len(frames_in), len(frames_out)), 30):
        # Spine movements are sampled (about 12 frames a second): the frame's nearest sample.
        j = int(np.argmin(np.abs(series.time_s - frames_in[i].time_s)))
        px, vis = series.image_px[j], series.visibility[j]
        if not np.isfinite(px[:, 0]).any():
            continue
        for side, colour in (("left", LEFT_COLOUR), ("right", RIGHT_COLOUR)):
            k = INDEX[f"{side}_knee"]
            if vis[k] >= 0.5:
                assert _colour_distance(_patch(frames_out[i].rgb, px[k]), colour) < 60, (i, side)
                assert _colour_distance(_patch(frames_in[i].rgb, px[k]), colour) > 60, (i, side)
        box = _face(px)
        ratio = _box_variance(frames_out[i].rgb, box) / _box_variance(frames_in[i].rgb, box)
        assert ratio < MAX_BLURRED_VARIANCE_RATIO, (i, ratio)
        checked += 1
    assert checked >= 8

    # The counter drawn is the analysis's: the true count by the end.
    last = annotation_text(assessment, float(series.time_s[-1]))
    assert last[1].startswith(f"rep {n_true}/{n_true}"), last

    # A second run (faces not blurred) reuses the landmarks: the model must not run.
    def no_model(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the landmarks beside the output should have been reused")

    monkeypatch.setattr(service, "extract_landmarks", no_model)
    service.annotate_clip(SAMPLE, movement="side_bend", out=out, blur_faces=False)
