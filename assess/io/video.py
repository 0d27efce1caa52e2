"""Video input: files through PyAV (real timestamps, rotation applied) and webcams through OpenCV.

Frames are streamed one at a time, so memory does not grow with the length of the clip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import av
import numpy as np
from numpy.typing import NDArray

from assess.errors import InputError

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"})
RgbFrame = NDArray[np.uint8]


@dataclass(frozen=True, kw_only=True)
class VideoInfo:
    """What a clip is: its frame rate, length and upright frame size."""

    path: str
    fps: float
    n_frames: int
    duration_s: float
    width_px: int
    height_px: int
    rotation_deg: int

    def to_dict(self) -> dict[str, object]:
        """The ``video`` block of ``report.json``."""
        return {
            "path": self.path,
            "fps": round(self.fps, 3),
            "n_frames": self.n_frames,
            "duration_s": round(self.duration_s, 3),
            "width_px": self.width_px,
            "height_px": self.height_px,
        }


@dataclass(frozen=True)
class Frame:
    """One decoded, upright RGB frame and its presentation time in seconds."""

    time_s: float
    rgb: RgbFrame


def _check_path(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path and try again")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the path of one video file")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes); record or copy the clip again")


def _open(path: Path) -> av.container.InputContainer:
    _check_path(path)
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"{path} is not a video that can be read ({type(exc).__name__}); "
            "export it as mp4, mov, avi, webm or mkv"
        ) from exc
    if not container.streams.video:
        container.close()
        raise InputError(f"{path} holds no video stream; give a video file (mp4, mov, webm, ...)")
    return container


def _upright(frame: av.VideoFrame, max_side_px: int | None = None) -> RgbFrame:
    if max_side_px is not None and max(frame.width, frame.height) > max_side_px:
        # Scale in the decoder's colour conversion (cheap); the aspect ratio is kept.
        f = max_side_px / max(frame.width, frame.height)
        frame = frame.reformat(width=2 * round(frame.width * f / 2), height=2 * round(frame.height * f / 2))
    # PyAV pads rows to an alignment; MediaPipe needs a contiguous buffer.
    rgb: RgbFrame = np.ascontiguousarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
    quarter_turns = round(frame.rotation / 90) % 4
    if quarter_turns:
        # The display matrix rotates counter-clockwise by frame.rotation degrees.
        rgb = np.ascontiguousarray(np.rot90(rgb, k=quarter_turns))
    return rgb


def probe(path: Path) -> VideoInfo:
    """Read a clip's metadata and decode its first frame.

    Raises
    ------
    InputError
        When the path is missing, a directory, empty, not a video, or has no decodable frame.
    """
    with _open(path) as container:
        stream = container.streams.video[0]
        try:
            first = next(container.decode(stream))
        except (StopIteration, av.error.FFmpegError) as exc:
            raise InputError(
                f"{path}: no frame could be decoded; the file is damaged or not a video"
            ) from exc
        rgb = _upright(first)
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else math.nan
        duration_s = math.nan
        if stream.duration is not None and stream.time_base is not None:
            duration_s = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration_s = container.duration / 1e6
        n_frames = int(stream.frames) if stream.frames else 0
        if n_frames <= 0 and math.isfinite(duration_s) and math.isfinite(fps):
            n_frames = round(duration_s * fps)
        return VideoInfo(
            path=str(path),
            fps=fps,
            n_frames=n_frames,
            duration_s=duration_s,
            width_px=int(rgb.shape[1]),
            height_px=int(rgb.shape[0]),
            rotation_deg=int(first.rotation),
        )


def _timed(
    path: Path, start_s: float | None, end_s: float | None, *, snap_back_s: float = 0.0
) -> Iterator[tuple[float, av.VideoFrame]]:
    """Decoded, still unconverted frames with ``start_s <= time_s < end_s``, times increasing.

    When the key frame the seek lands on is at most ``snap_back_s`` before ``start_s``, the
    frames start there instead (nothing is decoded only to be dropped).
    """
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"
        if start_s is not None and start_s > 0 and stream.time_base is not None:
            container.seek(int(start_s / stream.time_base), stream=stream, backward=True)
        last_t = -math.inf
        first = True
        for frame in _decoded(container, stream):
            if frame.time is None:
                continue
            t = float(frame.time)
            if first and start_s is not None and start_s - t <= snap_back_s:
                start_s = min(start_s, t)  # the key frame the seek landed on
            first = False
            if t <= last_t:  # duplicate or out-of-order timestamps are dropped
                continue
            if start_s is not None and t < start_s:
                continue
            if end_s is not None and t >= end_s:
                break
            last_t = t
            yield t, frame


def iter_frames(
    path: Path,
    /,
    *,
    start_s: float | None = None,
    end_s: float | None = None,
    max_side_px: int | None = None,
    snap_back_s: float = 0.0,
) -> Iterator[Frame]:
    """Decode upright RGB frames with their real presentation times.

    Parameters
    ----------
    path : Path
        The clip.
    start_s, end_s : float, optional
        Yield only frames with ``start_s <= time_s < end_s``; seeking lands on the key
        frame before ``start_s`` and decodes forward, so the first frame is exact.
    max_side_px : int, optional
        Shrink frames whose longer side exceeds this (aspect ratio kept).
    snap_back_s : float
        Start at the key frame before ``start_s`` instead when it is at most this much earlier
        (for samples that need not start at an exact time: no frame is decoded in vain).

    Notes
    -----
    A file cut short or damaged mid-way ends the iteration at the last good frame; the
    caller sees fewer frames than the header promised and warns about it.
    """
    for t, frame in _timed(path, start_s, end_s, snap_back_s=snap_back_s):
        yield Frame(t, _upright(frame, max_side_px))


@dataclass(frozen=True)
class PendingFrame:
    """A decoded frame whose RGB conversion (the costly part of decoding) may not be done yet.

    ``rgb`` is None when the decoder left the conversion to whoever needs the picture;
    :meth:`upright` converts it then.
    """

    time_s: float
    rgb: RgbFrame | None
    raw: av.VideoFrame
    max_side_px: int | None

    def upright(self) -> Frame:
        """The upright RGB frame, converted now if it was not yet."""
        rgb = self.rgb if self.rgb is not None else _upright(self.raw, self.max_side_px)
        return Frame(self.time_s, rgb)


def iter_pending(
    path: Path,
    /,
    *,
    start_s: float | None = None,
    end_s: float | None = None,
    max_side_px: int | None = None,
    frame_step: int = 1,
    convert: Callable[[float], bool] | None = None,
) -> Iterator[PendingFrame]:
    """Decode every ``frame_step``-th frame, converting to RGB only the frames ``convert`` wants.

    Every frame must be decoded (frames depend on earlier ones), but frames left out by
    ``frame_step`` are never converted nor yielded. ``convert(time_s)`` (default: always)
    decides whether a yielded frame is converted here (in the decoding thread) or left
    pending. Options as in :func:`iter_frames`.
    """
    if frame_step < 1:
        raise ValueError(f"frame_step must be >= 1, got {frame_step}")
    for i, (t, frame) in enumerate(_timed(path, start_s, end_s)):
        if i % frame_step:
            continue
        rgb = _upright(frame, max_side_px) if convert is None or convert(t) else None
        yield PendingFrame(t, rgb, frame, max_side_px)


def _decoded(container: av.container.InputContainer, stream: av.VideoStream) -> Iterator[av.VideoFrame]:
    """Decoded frames in presentation order, up to the first damaged packet.

    At a truncated or corrupt packet the decoder still holds good frames (reordered B-frames,
    frame threads): they are flushed out before stopping.
    """
    try:
        for packet in container.demux(stream):
            yield from stream.decode(packet)
        return
    except av.error.FFmpegError:
        pass
    try:
        flushed = stream.decode(None)
    except av.error.FFmpegError:
        return
    for frame in flushed:
        frame.time_base = stream.time_base  # a flushed frame carries its pts but no time base
        yield frame


def iter_webcam(index: int, /, *, max_frames: int | None = None) -> Iterator[Frame]:
    """Frames from a webcam by device index, timestamped by a monotonic clock.

    Raises
    ------
    InputError
        When the camera cannot be opened.
    """
    import time

    import cv2  # OpenCV is used only for cameras; files go through PyAV.

    cap = cv2.VideoCapture(index)
    if not cap.isOpened():
        raise InputError(f"webcam {index} could not be opened; check that it is connected and not in use")
    t0 = time.monotonic()
    count = 0
    try:
        while max_frames is None or count < max_frames:
            ok, bgr = cap.read()
            if not ok:
                break
            count += 1
            yield Frame(time.monotonic() - t0, np.ascontiguousarray(bgr[:, :, ::-1]))
    finally:
        cap.release()


T = TypeVar("T")


def prefetched(items: Iterator[T], depth: int = 4) -> Iterator[T]:
    """``items`` produced in a background thread, ``depth`` ahead, so decoding overlaps the model.

    An exception in the producer is raised in the consumer.
    """
    import queue
    import threading

    q: queue.Queue[T | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for f in items:
                if stop.is_set():
                    return
                q.put(f)
            q.put(None)
        except BaseException as exc:  # re-raised in the consumer  # noqa: BLE001
            q.put(exc)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while (item := q.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while not q.empty():
            q.get_nowait()
