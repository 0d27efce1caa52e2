"""The one module that talks to MediaPipe: frames in, pose candidates out.

MediaPipe's normalised x, y are converted to pixels here, once. Every pose the model finds
in a frame is kept as a candidate; choosing the subject is the tracker's job
(:mod:`assess.tracking`), not the model's.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np

from assess.candidates import CandidateFrames
from assess.errors import InputError
from assess.io.model import ModelInfo
from assess.io.video import Frame, PendingFrame, prefetched
from assess.landmarks import N_LANDMARKS

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null while native code logs (Python's logging can't)."""
    import sys

    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class PoseEstimator:
    """MediaPipe PoseLandmarker in video mode, created once per clip; use as a context manager.

    Parameters
    ----------
    model : ModelInfo
        The ``.task`` file.
    max_people : int
        How many poses the model may return per frame (1 is fastest).
    min_confidence : float
        Detection, presence and tracking confidence thresholds.
    video_mode : bool
        True for a timestamped stream (tracking between frames); False treats frames alone.
    """

    def __init__(
        self,
        model: ModelInfo,
        *,
        max_people: int = 1,
        min_confidence: float = 0.5,
        video_mode: bool = True,
    ) -> None:
        if max_people < 1:
            raise ValueError(f"max_people must be >= 1, got {max_people}")
        self.max_people = max_people
        self._video_mode = video_mode
        self._last_ms = -1
        with _native_stderr_silenced():
            from mediapipe.tasks.python.core.base_options import BaseOptions
            from mediapipe.tasks.python.vision import (
                PoseLandmarker,
                PoseLandmarkerOptions,
                RunningMode,
            )

            options = PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(model.path)),
                running_mode=RunningMode.VIDEO if video_mode else RunningMode.IMAGE,
                num_poses=max_people,
                min_pose_detection_confidence=min_confidence,
                min_pose_presence_confidence=min_confidence,
                min_tracking_confidence=min_confidence,
            )
            try:
                self._landmarker: Any = PoseLandmarker.create_from_options(options)
            except (RuntimeError, ValueError) as exc:
                raise InputError(
                    f"pose model {model.path} could not be loaded ({type(exc).__name__}); "
                    "give a MediaPipe pose landmarker .task file"
                ) from exc

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the native landmarker (left to the garbage collector it prints at exit)."""
        if self._landmarker is not None:
            with _native_stderr_silenced():
                self._landmarker.close()
            self._landmarker = None

    def detect(
        self, frame: Frame, *, frame_size_px: tuple[int, int] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Poses in one frame.

        ``frame_size_px`` is the (width, height) the pixel coordinates refer to when the frame
        was shrunk for speed; by default the frame's own size.

        Returns
        -------
        image_px, world_m, visibility : ndarray
            Shapes (k, 33, 3), (k, 33, 3), (k, 33) for the k poses found (k may be 0).
        """
        import mediapipe as mp

        if self._landmarker is None:
            raise ValueError("detect() called after close()")
        width, height = frame_size_px or (frame.rgb.shape[1], frame.rgb.shape[0])
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.rgb)
        if self._video_mode:
            ms = max(round(frame.time_s * 1000.0), self._last_ms + 1)
            self._last_ms = ms
            result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect(image)
        k = len(result.pose_landmarks)
        image_px = np.empty((k, N_LANDMARKS, 3))
        world_m = np.full((k, N_LANDMARKS, 3), np.nan)
        vis = np.empty((k, N_LANDMARKS))
        for p, pose in enumerate(result.pose_landmarks):
            arr = np.array([(lm.x, lm.y, lm.z, lm.visibility or 0.0) for lm in pose])
            image_px[p, :, 0] = arr[:, 0] * width
            image_px[p, :, 1] = arr[:, 1] * height
            image_px[p, :, 2] = arr[:, 2] * width
            vis[p] = arr[:, 3]
            if p < len(result.pose_world_landmarks):
                world_m[p] = [(lm.x, lm.y, lm.z) for lm in result.pose_world_landmarks[p]]
        return image_px, world_m, vis


#: Frame times are rounded by the container: intervals are compared within this.
_TIME_TOLERANCE_S = 1e-6


@dataclass(kw_only=True)
class EmptyProbe:
    """Where nobody is in view, run the model only on frames ``probe_s`` apart.

    The model's person detector runs on every frame while nobody is tracked, which makes
    frames with nobody (title or logo frames, an empty room) as costly as frames with a
    person. Once no pose has been found for ``after_s``, only frames at least ``probe_s``
    apart go through the model; the frames between are recorded as frames with nobody (they
    keep their timestamps). When a pose is found, every frame is looked at again. A person
    stepping into view is therefore found at most ``probe_s`` late.

    Shared between the decoding thread (which then skips the colour conversion of the frames
    the model will not see) and the model's thread; a stale read only costs a conversion.

    Parameters
    ----------
    after_s : float
        Time with nobody found after which the model looks only every ``probe_s``.
    probe_s : float
        Time between the frames the model looks at while nobody is in view.
    """

    after_s: float
    probe_s: float
    _last_seen_s: float | None = None
    _last_probe_s: float = -math.inf

    def wants(self, time_s: float) -> bool:
        """Whether the frame at ``time_s`` should go through the model."""
        if self._last_seen_s is None or time_s - self._last_seen_s < self.after_s:
            return True
        return time_s - self._last_probe_s >= self.probe_s - _TIME_TOLERANCE_S

    def looked(self, time_s: float, *, found: bool) -> None:
        """Record that the model looked at the frame at ``time_s`` and whether it found anyone."""
        self._last_probe_s = time_s
        if found or self._last_seen_s is None:
            self._last_seen_s = time_s


def collect(
    frames: Iterator[PendingFrame],
    model: ModelInfo,
    /,
    *,
    max_people: int = 1,
    frame_size_px: tuple[int, int],
    on_frame: Callable[[], None] | None = None,
    empty_probe: EmptyProbe | None = None,
) -> tuple[CandidateFrames, int]:
    """Run the landmarker over frames and gather every candidate pose into arrays.

    Frames that ``empty_probe`` lets pass without the model are kept as frames with nobody.

    Returns
    -------
    CandidateFrames
        Every frame yielded by ``frames``, with its candidate poses.
    int
        How many of those frames went through the model.
    """
    times: list[float] = []
    images: list[np.ndarray] = []
    worlds: list[np.ndarray] = []
    viss: list[np.ndarray] = []
    nobody = (np.empty((0, N_LANDMARKS, 3)), np.empty((0, N_LANDMARKS, 3)), np.empty((0, N_LANDMARKS)))
    looked = 0
    with PoseEstimator(model, max_people=max_people) as estimator:
        for pending in prefetched(frames):
            t = pending.time_s
            if empty_probe is None or empty_probe.wants(t):
                image_px, world_m, vis = estimator.detect(pending.upright(), frame_size_px=frame_size_px)
                looked += 1
                if empty_probe is not None:
                    empty_probe.looked(t, found=image_px.shape[0] > 0)
            else:
                image_px, world_m, vis = nobody
            times.append(t)
            images.append(image_px)
            worlds.append(world_m)
            viss.append(vis)
            if on_frame is not None:
                on_frame()
    cands = CandidateFrames.from_lists(
        times, images, worlds, viss, max_people=max_people, frame_size_px=frame_size_px
    )
    return cands, looked
