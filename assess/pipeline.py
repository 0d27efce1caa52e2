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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from queue import Empty
from typing import Any

from assess.candidates import CandidateFrames
from assess.errors import InputError
from assess.io.model import ModelInfo, resolve_model, sha256_file
from assess.io.video import Frame, VideoInfo, iter_frames, iter_pending, prefetched, probe
from assess.landmarks import LandmarkSeries
from assess.tracking import TrackingReport, select_subject

ProgressFn = Callable[[int, int], None]
#: Below this many frames through the model one process does the whole clip (a worker process
#: costs about 1 s of start-up: Python, numpy, PyAV and MediaPipe imported again).
PARALLEL_MIN_MODEL_FRAMES = 300
WARMUP_S = 1.0
MAX_PEOPLE_CAP = 4
#: Frames are shrunk to this longer side before the model (its inputs are 224-256 px anyway);
#: landmarks are still reported in the clip's own pixels. (Full 1080p frames would save about
#: 2 ms a frame of shrinking, but changed which people the model's tracker kept in a second
#: segment of the real two-person clip: not taken.)
ANALYSIS_MAX_SIDE_PX = 1280
#: The people-count scan: bursts of consecutive frames spread over the clip, counted in
#: video mode (single images miss people the tracker finds).
PEOPLE_SCAN_BURSTS = 8
PEOPLE_SCAN_BURST_FRAMES = 3
#: A burst starts at the key frame before its time when that is at most this much earlier:
#: reaching an exact time means decoding every frame from that key frame on.
PEOPLE_SCAN_SNAP_S = 1.0
#: With nobody found for this long, the model looks at frames only this far apart
#: (see :class:`assess.io.pose.EmptyProbe`).
EMPTY_AFTER_S = 0.5
EMPTY_PROBE_S = 0.1


@dataclass(frozen=True, kw_only=True)
class Extraction:
    """The subject's landmarks from one clip, and where they came from.

    ``frame_step`` is the sampling: 1 when every frame went through the model, k when every
    k-th frame did (the series then holds only those frames, with their real timestamps).
    """

    series: LandmarkSeries
    video: VideoInfo
    video_sha256: str
    model: ModelInfo
    tracking: TrackingReport
    warnings: tuple[str, ...]
    frame_step: int = 1


def frame_step_for(fps: float, target_rate_hz: float | None) -> int:
    """Every how many frames the model must look to see at least ``target_rate_hz`` frames a second."""
    if target_rate_hz is None or not math.isfinite(fps) or fps <= 0:
        return 1
    if target_rate_hz <= 0:
        raise ValueError(f"target_rate_hz must be > 0, got {target_rate_hz}")
    return max(1, math.floor(fps / target_rate_hz + 1e-9))


def _burst_starts(info: VideoInfo) -> list[float]:
    duration = info.duration_s if math.isfinite(info.duration_s) else 0.0
    if duration <= 0:
        return [0.0]
    return [duration * (i + 0.5) / PEOPLE_SCAN_BURSTS for i in range(PEOPLE_SCAN_BURSTS)]


def _count_in_bursts(path: Path, model: ModelInfo, starts: list[float]) -> int:
    """Most people seen in a burst, a burst's count being the median over its frames.

    The median ignores a pose seen in one frame only: the model's tracker carries the last
    burst's region of interest across the jump to the next and may report a stray pose there.
    """

    def bursts() -> Iterator[tuple[int, Frame]]:
        for i, t in enumerate(starts):
            frames = iter_frames(
                path, start_s=t, max_side_px=ANALYSIS_MAX_SIDE_PX, snap_back_s=PEOPLE_SCAN_SNAP_S
            )
            yield from ((i, f) for f in itertools.islice(frames, PEOPLE_SCAN_BURST_FRAMES))

    frames = prefetched(bursts())  # decoded in a thread, ahead of the model
    from assess.io.pose import PoseEstimator

    counts: dict[int, list[int]] = {}
    with PoseEstimator(model, max_people=MAX_PEOPLE_CAP) as est:
        for i, frame in frames:
            counts.setdefault(i, []).append(est.detect(frame)[0].shape[0])
    return max((sorted(c)[len(c) // 2] for c in counts.values()), default=0)


def count_people(path: Path, info: VideoInfo, model: ModelInfo) -> int:
    """Most people seen in short bursts of consecutive frames spread over the clip."""
    return _count_in_bursts(path, model, _burst_starts(info))


def _people_to_track(seen: int, point_px: tuple[float, float] | None) -> int:
    return min(max(seen, 1), MAX_PEOPLE_CAP) if point_px is None else max(seen, 2)


@dataclass(frozen=True, kw_only=True)
class _Segment:
    """What one process does: count people in its bursts (unless told), then run the model."""

    path: str
    model: ModelInfo
    start_s: float
    end_s: float | None
    scan_starts: tuple[float, ...]
    max_people: int | None
    point_px: tuple[float, float] | None
    frame_step: int
    frame_size_px: tuple[int, int]

    def run(self, *, on_count: Callable[[int], int], on_frame: Callable[[], None]) -> CandidateFrames:
        """Candidates of frames in [start_s, end_s); ``on_count`` turns a count into the people to track."""
        from assess.io.pose import EmptyProbe, collect

        path = Path(self.path)
        if self.max_people is None:
            max_people = on_count(_count_in_bursts(path, self.model, list(self.scan_starts)))
        else:
            max_people = on_count(self.max_people)
        probe_empty = EmptyProbe(after_s=EMPTY_AFTER_S, probe_s=EMPTY_PROBE_S)
        frames = iter_pending(
            path,
            start_s=max(0.0, self.start_s - WARMUP_S) if self.start_s > 0 else None,
            end_s=self.end_s,
            max_side_px=ANALYSIS_MAX_SIDE_PX,
            frame_step=self.frame_step,
            convert=probe_empty.wants,
        )
        cands, _ = collect(
            frames,
            self.model,
            max_people=max_people,
            frame_size_px=self.frame_size_px,
            on_frame=on_frame,
            empty_probe=probe_empty,
        )
        keep = cands.time_s >= self.start_s
        return CandidateFrames(
            time_s=cands.time_s[keep],
            image_px=cands.image_px[keep],
            world_m=cands.world_m[keep],
            visibility=cands.visibility[keep],
            frame_size_px=self.frame_size_px,
        )


def _segment_worker(segment: _Segment, queue: Any, people: Any) -> None:
    def on_count(seen: int) -> int:
        queue.put(("count", seen))
        return int(people.get())

    def tick() -> None:
        queue.put(("tick", 1))

    try:
        cands = segment.run(on_count=on_count, on_frame=tick)
    except InputError as exc:
        queue.put(("input_error", str(exc)))
        return
    except Exception as exc:  # reported to the parent, which raises it  # noqa: BLE001
        queue.put(("error", f"{type(exc).__name__}: {exc}"))
        return
    queue.put(("done", cands))


def _segments(
    path: Path,
    info: VideoInfo,
    model: ModelInfo,
    *,
    n: int,
    max_people: int | None,
    point_px: tuple[float, float] | None,
    frame_step: int,
) -> list[_Segment]:
    bounds = [info.duration_s * i / n for i in range(n + 1)] if n > 1 else [0.0, math.inf]
    bursts = _burst_starts(info)
    last = n - 1
    return [
        _Segment(
            path=str(path),
            model=model,
            start_s=bounds[i],
            end_s=None if i == n - 1 else bounds[i + 1],
            scan_starts=tuple(t for t in bursts if bounds[i] <= t and (i == last or t < bounds[i + 1])),
            max_people=max_people,
            point_px=point_px,
            frame_step=frame_step,
            frame_size_px=(info.width_px, info.height_px),
        )
        for i in range(n)
    ]


def _run_segments(
    path: Path,
    info: VideoInfo,
    model: ModelInfo,
    *,
    max_people: int | None,
    point_px: tuple[float, float] | None,
    workers: int,
    frame_step: int,
    progress: ProgressFn | None,
) -> tuple[CandidateFrames, int]:
    """Candidates of the whole clip and the number of people looked for."""
    total = max(info.n_frames // frame_step, 1)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    def decide(seen: int) -> int:
        return seen if max_people is not None else _people_to_track(seen, point_px)

    model_frames = info.n_frames / frame_step
    if workers <= 1 or not math.isfinite(info.duration_s) or model_frames < PARALLEL_MIN_MODEL_FRAMES:
        workers = 1
    segments = _segments(
        path, info, model, n=workers, max_people=max_people, point_px=point_px, frame_step=frame_step
    )
    if workers == 1:
        tracked: list[int] = []

        def on_count(seen: int) -> int:
            tracked.append(decide(seen))
            return tracked[0]

        cands = segments[0].run(on_count=on_count, on_frame=tick)
        return cands, tracked[0]
    return _run_parallel(segments, tick=tick, decide=decide)


def _run_parallel(
    segments: list[_Segment], *, tick: Callable[[], None], decide: Callable[[int], int]
) -> tuple[CandidateFrames, int]:
    """Each segment in its own process; the people counts of all are pooled before the model runs."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    people = [ctx.Queue() for _ in segments]
    procs = [
        ctx.Process(target=_segment_worker, args=(seg, queue, people[i])) for i, seg in enumerate(segments)
    ]
    for p in procs:
        p.start()
    parts: list[CandidateFrames] = []
    counts: list[int] = []
    max_people = 0
    try:
        while len(parts) < len(segments):
            try:
                kind, payload = queue.get(timeout=5.0)
            except Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise RuntimeError("a pose worker process died") from None
                continue
            if kind == "input_error":
                raise InputError(str(payload))
            if kind == "error":
                raise RuntimeError(f"pose worker failed: {payload}")
            if kind == "tick":
                tick()
            elif kind == "count":
                counts.append(int(payload))
                if len(counts) == len(segments):
                    max_people = decide(max(counts))
                    for q in people:
                        q.put(max_people)
            else:
                parts.append(payload)
    except BaseException:
        for p in procs:  # a worker may be waiting for the people count: do not wait for it
            p.terminate()
        raise
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    parts.sort(key=lambda c: float(c.time_s[0]) if c.n_frames else math.inf)
    return CandidateFrames.concatenate(parts), max_people


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
    target_rate_hz: float | None = None,
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
    target_rate_hz : float, optional
        Frames per second the analysis needs (its analyzer's ``model_rate_hz``): the
        model then looks only at every k-th frame, k = floor(fps / target_rate_hz), and the
        series holds those frames with their real timestamps. Default: every frame.
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
    if workers is None:
        workers = max(1, min(os.cpu_count() or 1, 4))
    step = frame_step_for(info.fps, target_rate_hz)
    cands, _ = _run_segments(
        path,
        info,
        model,
        max_people=max_people,
        point_px=point_px,
        workers=workers,
        frame_step=step,
        progress=progress,
    )
    if cands.n_frames < 2:
        raise InputError(
            f"{path} has {cands.n_frames} decodable frame(s); an analysis needs a clip of at least "
            "a few seconds"
        )
    expected = info.n_frames // step
    if info.n_frames and cands.n_frames < 0.95 * expected:
        warnings.append(
            f"only about {cands.n_frames * step} of the {info.n_frames} frames the file announces could "
            "be decoded (the file may be cut short); figures rest on the frames that were read"
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
    if step == 1 or cands.n_frames < 0.95 * expected:
        info = replace(info, n_frames=cands.n_frames * step)
    return Extraction(
        series=series,
        video=info,
        video_sha256=sha256_of(path),
        model=model,
        tracking=tracking,
        warnings=tuple(warnings),
        frame_step=step,
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
