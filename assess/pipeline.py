"""One pipeline for the command line, the app and batch work: video -> landmarks -> analysis.

The pose model is the bottleneck (about 18 ms a 1080p frame here, decoding about 3 ms), so a
long clip is cut into time segments analysed by separate processes, each with its own
landmarker. Each segment starts decoding a little early so the model's frame-to-frame tracking
has settled by the segment's first frame; the warm-up frames are dropped, and the segments are
joined in time order: the series has no duplicated or missing frame at the seams.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing as mp
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from queue import Empty
from typing import Any

from assess.candidates import CandidateFrames
from assess.errors import InputError
from assess.io.model import ModelInfo, resolve_model, sha256_file
from assess.io.video import VideoInfo, iter_frames, probe
from assess.landmarks import LandmarkSeries
from assess.tracking import TrackingReport, select_subject

ProgressFn = Callable[[int, int], None]
#: Below this duration one process does the whole clip (starting workers costs ~2 s).
PARALLEL_MIN_DURATION_S = 10.0
WARMUP_S = 1.0
MAX_PEOPLE_CAP = 4
#: Frames are shrunk to this longer side before the model (its inputs are 224-256 px anyway);
#: landmarks are still reported in the clip's own pixels.
ANALYSIS_MAX_SIDE_PX = 1280


@dataclass(frozen=True, kw_only=True)
class Extraction:
    """The subject's landmarks from one clip, and where they came from."""

    series: LandmarkSeries
    video: VideoInfo
    video_sha256: str
    model: ModelInfo
    tracking: TrackingReport
    warnings: tuple[str, ...]


def count_people(
    path: Path, info: VideoInfo, model: ModelInfo, *, bursts: int = 8, burst_frames: int = 5
) -> int:
    """Most people seen in short bursts of consecutive frames spread over the clip.

    Single-image detection misses people that the video-mode tracker finds, so each burst
    runs a few consecutive frames in video mode.
    """
    from assess.io.pose import PoseEstimator

    duration = info.duration_s if math.isfinite(info.duration_s) else 0.0
    starts = [duration * (i + 0.5) / bursts for i in range(bursts)] if duration > 0 else [0.0]
    most = 0
    with PoseEstimator(model, max_people=MAX_PEOPLE_CAP) as est:
        for t in starts:
            frames = iter_frames(path, start_s=t, max_side_px=ANALYSIS_MAX_SIDE_PX)
            for frame in itertools.islice(frames, burst_frames):
                most = max(most, est.detect(frame)[0].shape[0])
    return most


def _segment_worker(
    path: str,
    model: ModelInfo,
    start_s: float,
    end_s: float | None,
    max_people: int,
    frame_size_px: tuple[int, int],
    queue: Any,
) -> None:
    from assess.io.pose import collect

    def tick() -> None:
        queue.put(("tick", 1))

    frames = iter_frames(
        Path(path), start_s=max(0.0, start_s - WARMUP_S), end_s=end_s, max_side_px=ANALYSIS_MAX_SIDE_PX
    )
    try:
        cands = collect(frames, model, max_people=max_people, frame_size_px=frame_size_px, on_frame=tick)
    except InputError as exc:
        queue.put(("input_error", str(exc)))
        return
    except Exception as exc:  # reported to the parent, which raises it  # noqa: BLE001
        queue.put(("error", f"{type(exc).__name__}: {exc}"))
        return
    keep = cands.time_s >= start_s
    queue.put(
        (
            "done",
            CandidateFrames(
                time_s=cands.time_s[keep],
                image_px=cands.image_px[keep],
                world_m=cands.world_m[keep],
                visibility=cands.visibility[keep],
                frame_size_px=frame_size_px,
            ),
        )
    )


def _run_segments(
    path: Path,
    info: VideoInfo,
    model: ModelInfo,
    *,
    max_people: int,
    workers: int,
    progress: ProgressFn | None,
) -> CandidateFrames:
    size = (info.width_px, info.height_px)
    total = max(info.n_frames, 1)
    if workers <= 1 or not math.isfinite(info.duration_s) or info.duration_s < PARALLEL_MIN_DURATION_S:
        from assess.io.pose import collect

        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total)

        frames = iter_frames(path, max_side_px=ANALYSIS_MAX_SIDE_PX)
        return collect(frames, model, max_people=max_people, frame_size_px=size, on_frame=tick)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    bounds = [info.duration_s * i / workers for i in range(workers + 1)]
    procs = []
    for i in range(workers):
        end = None if i == workers - 1 else bounds[i + 1]
        p = ctx.Process(
            target=_segment_worker,
            args=(str(path), model, bounds[i] if i else 0.0, end, max_people, size, queue),
        )
        p.start()
        procs.append((bounds[i], p))
    parts: list[tuple[float, CandidateFrames]] = []
    done = 0
    try:
        while len(parts) < workers:
            try:
                kind, payload = queue.get(timeout=5.0)
            except Empty:
                if any(p.exitcode not in (None, 0) for _, p in procs):
                    raise RuntimeError("a pose worker process died") from None
                continue
            if kind == "input_error":
                raise InputError(str(payload))
            if kind == "error":
                raise RuntimeError(f"pose worker failed: {payload}")
            if kind == "tick":
                done += 1
                if progress is not None:
                    progress(min(done, total), total)
            else:
                parts.append((float(payload.time_s[0]) if payload.n_frames else math.inf, payload))
    finally:
        for _, p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    parts.sort(key=lambda item: item[0])
    return CandidateFrames.concatenate([c for _, c in parts])


def sha256_of(path: Path) -> str:
    """sha256 of a video file."""
    return sha256_file(path)


def extract_landmarks(
    path: Path,
    /,
    *,
    model_path: Path | None = None,
    point_px: tuple[float, float] | None = None,
    max_people: int | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Extraction:
    """Run the pose model over a clip and follow one subject.

    Parameters
    ----------
    path : Path
        The clip.
    model_path : Path, optional
        Another ``.task`` file instead of the shipped model.
    point_px : (float, float), optional
        Follow the person nearest this image point instead of the most prominent person.
    max_people : int, optional
        Poses per frame to look for; by default, the most people seen in a quick scan.
    workers : int, optional
        Processes for long clips; default: the number of CPU cores.
    progress : callable, optional
        Called with (frames done, frames expected).

    Raises
    ------
    InputError
        When the clip cannot be read, has fewer than two frames, or shows nobody.
    """
    info = probe(path)
    model = resolve_model(model_path)
    warnings: list[str] = []
    if max_people is None:
        seen = count_people(path, info, model)
        max_people = min(max(seen, 1), MAX_PEOPLE_CAP) if point_px is None else max(seen, 2)
    if workers is None:
        workers = max(1, min(os.cpu_count() or 1, 4))
    cands = _run_segments(path, info, model, max_people=max_people, workers=workers, progress=progress)
    if cands.n_frames < 2:
        raise InputError(
            f"{path} has {cands.n_frames} decodable frame(s); an analysis needs a clip of at least "
            "a few seconds"
        )
    if info.n_frames and cands.n_frames < 0.95 * info.n_frames:
        warnings.append(
            f"only {cands.n_frames} of the {info.n_frames} frames the file announces could be decoded "
            "(the file may be cut short); figures rest on the frames that were read"
        )
    series, tracking = select_subject(cands, point_px=point_px)
    if tracking.subject_frames == 0:
        raise InputError(
            f"no person was found in {path}; film the whole body, well lit, with the patient in view"
        )
    warnings += tracking.warnings
    if tracking.rejected_frames:
        warnings.append(
            f"{tracking.rejected_frames} frames showed only someone else and were left out as gaps"
        )
    info = replace(info, n_frames=cands.n_frames)
    return Extraction(
        series=series,
        video=info,
        video_sha256=sha256_of(path),
        model=model,
        tracking=tracking,
        warnings=tuple(warnings),
    )


def tracking_dict(report: TrackingReport) -> dict[str, object]:
    """The tracking block stored with cached landmarks."""
    return {
        "max_people_seen": report.max_people_seen,
        "subject_frames": report.subject_frames,
        "rejected_frames": report.rejected_frames,
        "warnings": list(report.warnings),
        "point_px": None if report.point_px is None else list(report.point_px),
        "cut_times_s": list(report.cut_times_s),
        "whole_body_ranges_s": [list(r) for r in report.whole_body_ranges_s],
        "close_up_frames": report.close_up_frames,
    }


def tracking_from_dict(block: dict[str, Any], *, point_px: tuple[float, float] | None) -> TrackingReport:
    """The tracking report back from :func:`tracking_dict` (older files lack the cut fields)."""
    return TrackingReport(
        max_people_seen=int(block.get("max_people_seen", 1)),
        subject_frames=int(block.get("subject_frames", 0)),
        rejected_frames=int(block.get("rejected_frames", 0)),
        warnings=tuple(str(w) for w in block.get("warnings", [])),
        point_px=point_px,
        cut_times_s=tuple(float(t) for t in block.get("cut_times_s", [])),
        whole_body_ranges_s=tuple((float(a), float(b)) for a, b in block.get("whole_body_ranges_s", [])),
        close_up_frames=int(block.get("close_up_frames", 0)),
    )
