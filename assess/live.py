"""Live analysis of a camera stream: the same pose stage and subject lock, decided frame by frame."""

from __future__ import annotations

import math
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np

from assess.io.model import ModelInfo
from assess.io.pose import PoseEstimator
from assess.io.video import Frame, VideoInfo
from assess.landmarks import LandmarkSeries, empty_frames
from assess.pipeline import Extraction
from assess.tracking import OnlineTracker, TrackingReport

if TYPE_CHECKING:
    from assess.coach import CoachState, Pose


class LiveSession:
    """Feed frames as they arrive; read the subject's landmarks of the latest frame at once."""

    def __init__(self, model: ModelInfo, *, max_people: int = 2) -> None:
        self.model = model
        self._estimator = PoseEstimator(model, max_people=max_people)
        self._tracker = OnlineTracker()
        self._times: list[float] = []
        self._image: list[np.ndarray] = []
        self._world: list[np.ndarray] = []
        self._vis: list[np.ndarray] = []
        self._size: tuple[int, int] | None = None
        self._others = 0

    def __enter__(self) -> LiveSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the pose model."""
        self._estimator.close()

    def push(self, frame: Frame) -> np.ndarray | None:
        """Process one frame; return the subject's (33, 3) image landmarks or None if not found."""
        if self._times and frame.time_s <= self._times[-1]:
            return None
        self._size = (int(frame.rgb.shape[1]), int(frame.rgb.shape[0]))
        image_px, world_m, vis = self._estimator.detect(frame)
        pick = self._tracker.choose(frame.time_s, image_px)
        img, wld, v = empty_frames(1)
        if pick is not None:
            img[0], wld[0], v[0] = image_px[pick], world_m[pick], vis[pick]
        elif image_px.shape[0]:
            self._others += 1
        self._times.append(frame.time_s)
        self._image.append(img[0])
        self._world.append(wld[0])
        self._vis.append(v[0])
        return None if pick is None else img[0]

    def series(self) -> LandmarkSeries:
        """Everything recorded so far as a landmark series."""
        if self._size is None:
            raise ValueError("no frame has been pushed yet")
        return LandmarkSeries(
            time_s=np.asarray(self._times),
            image_px=np.asarray(self._image),
            world_m=np.asarray(self._world),
            visibility=np.asarray(self._vis),
            frame_size_px=self._size,
        )

    def extraction(self, *, source: str) -> Extraction:
        """The recording so far, in the same form as a clip's extraction."""
        from assess.errors import InputError

        if len(self._times) < 2:
            raise InputError(f"{source} gave fewer than two frames; check the camera and try again")
        s = self.series()
        duration = float(s.time_s[-1] - s.time_s[0])
        fps = (s.n_frames - 1) / duration if duration > 0 else math.nan
        info = VideoInfo(
            path=source,
            fps=fps,
            n_frames=s.n_frames,
            duration_s=duration,
            width_px=s.frame_size_px[0],
            height_px=s.frame_size_px[1],
            rotation_deg=0,
        )
        tracking = TrackingReport(
            max_people_seen=self._estimator.max_people,
            subject_frames=int(s.present.sum()),
            rejected_frames=self._others,
        )
        return Extraction(
            series=s, video=info, video_sha256="", model=self.model, tracking=tracking, warnings=()
        )


class LiveCoachSession:
    """A patient's self-check on a live stream: the pose model on every ``pose_every``-th frame.

    Between two model runs the last pose is held (the display keeps the camera's frame rate; the
    angle is low-passed anyway). Frames are shrunk to ``max_side_px`` before the model, whose
    inputs are 256 px. One person is followed (a self-check at home).
    """

    def __init__(
        self, model: ModelInfo, movement: str, *, pose_every: int = 2, max_side_px: int = 640
    ) -> None:
        from assess.coach import Coach

        if pose_every < 1:
            raise ValueError(f"pose_every must be >= 1, got {pose_every}")
        self.pose_every = pose_every
        self.max_side_px = max_side_px
        self.coach = Coach(movement)
        self._estimator = PoseEstimator(model, max_people=1)
        self._n = 0
        self._pose: Pose | None = None
        self._last_t = -math.inf

    def __enter__(self) -> LiveCoachSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the pose model."""
        self._estimator.close()

    def push(self, time_s: float, rgb: np.ndarray) -> tuple[Pose | None, CoachState]:
        """One camera frame (RGB, any size): the pose used and what to show."""
        from assess.coach import Pose, mean_luma

        h, w = rgb.shape[:2]
        if time_s <= self._last_t:
            time_s = self._last_t + 1e-3
        self._last_t = time_s
        if self._n % self.pose_every == 0:
            small = _shrink(rgb, self.max_side_px)
            image_px, world_m, vis = self._estimator.detect(Frame(time_s, small), frame_size_px=(w, h))
            self._pose = (
                Pose(image_px=image_px[0], world_m=world_m[0], visibility=vis[0])
                if image_px.shape[0]
                else None
            )
        self._n += 1
        state = self.coach.update(time_s, self._pose, frame_size_px=(w, h), luma=mean_luma(rgb))
        return self._pose, state


def _shrink(rgb: np.ndarray, max_side_px: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = max_side_px / max(h, w)
    if scale >= 1.0:
        return np.ascontiguousarray(rgb)
    import cv2

    size = (round(w * scale), round(h * scale))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
