"""One clip's analysis inside a batch: the assessment, or the one-line reason it failed.

:class:`ClipWorker` lives as long as its process (the batch's own process when run locally, a
Ray actor on a cluster) and loads the pose model when it starts: importing MediaPipe and
creating the first landmarker cost 1-3 s, once per worker. Each clip then gets its own fresh
landmarkers (about 0.1 s each, measured here), so its tracking starts clean and its figures are
those ``assess analyze`` gives for the same clip; one landmarker kept across clips would carry
one clip's tracking into the next to save 2-4 % of a short clip's time.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from assess.assessment import Assessment
from assess.batch.inputs import BatchItem
from assess.errors import InputError
from assess.pipeline import ProgressFn

#: Longest failure reason kept in the summary (characters).
MAX_REASON_CHARS = 300


@dataclass(frozen=True, kw_only=True)
class ClipResult:
    """What one clip gave: its assessment, or the reason it failed, and how long it took.

    Parameters
    ----------
    assessment : Assessment or None
        The analysis, when it succeeded.
    reason : str or None
        One line saying why the clip failed (None when it succeeded).
    seconds : float
        Wall time of the clip's analysis.
    worker : str
        The process that analysed it, as ``host:pid``.
    """

    assessment: Assessment | None
    reason: str | None
    seconds: float
    worker: str


def worker_id() -> str:
    """The current process as ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def one_line_reason(exc: BaseException, /) -> str:
    """A failure as one line: an :class:`InputError`'s own message, else its type and message."""
    text = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= MAX_REASON_CHARS else line[: MAX_REASON_CHARS - 3] + "..."


class ClipWorker:
    """Analyses clips one at a time in its process, with the pose model loaded once.

    Parameters
    ----------
    model_path : Path or None
        Another pose ``.task`` file instead of the shipped model.
    workers : int or None
        Processes for one long clip (None: the pipeline's default; 1 on a Ray worker, where the
        batch runs one clip per CPU).
    """

    def __init__(self, *, model_path: Path | None = None, workers: int | None = None) -> None:
        self._model_path = model_path
        self._workers = workers
        self._load_s: float | None = None

    def load_model(self) -> tuple[str, float | None, str | None]:
        """Load the pose model in this process once; return (worker, seconds it took, failure)."""
        if self._load_s is not None:
            return worker_id(), self._load_s, None
        from assess.io.model import resolve_model
        from assess.io.pose import PoseEstimator

        start = time.perf_counter()
        try:
            PoseEstimator(resolve_model(self._model_path)).close()
        except Exception as exc:  # reported per worker; its clips then fail with the reason  # noqa: BLE001
            return worker_id(), None, one_line_reason(exc)
        self._load_s = time.perf_counter() - start
        return worker_id(), self._load_s, None

    def analyse(self, item: BatchItem, /, *, progress: ProgressFn | None = None) -> ClipResult:
        """Analyse one clip; any failure becomes its one-line reason, never an exception."""
        from assess.service import assess_clip

        start = time.perf_counter()
        assessment, reason = None, None
        try:
            assessment = assess_clip(
                item.clip,
                movement=item.movement,
                height_cm=item.height_cm,
                model_path=self._model_path,
                workers=self._workers,
                progress=progress,
            )
        except Exception as exc:  # one clip's failure must not stop the batch  # noqa: BLE001
            reason = one_line_reason(exc)
        return ClipResult(
            assessment=assessment,
            reason=reason,
            seconds=time.perf_counter() - start,
            worker=worker_id(),
        )
