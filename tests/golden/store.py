"""The golden landmark files: one format, one loader.

Every golden file is a landmark file in assess's own format (:mod:`assess.io.cache`, what
``assess landmarks`` writes): the series in float, the clip's and the model's identity and the
tracking summary. A rendered clip's truth sits beside it as plain JSON, ``<name>.truth.json``,
so a change of truth shows in a review diff. The tests never create these files: a missing
file fails its test; ``python tests/golden/regenerate.py --update-golden`` rewrites them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.io.cache import CachedLandmarks, load_landmarks, save_landmarks
from assess.landmarks import LandmarkSeries

GOLDEN = Path(__file__).resolve().parent
REGENERATE = "python tests/golden/regenerate.py --update-golden --only"


@dataclass(frozen=True, kw_only=True)
class Golden:
    """A golden landmark file and, for a rendered clip, its truth."""

    landmarks: CachedLandmarks
    truth: dict[str, Any] | None

    @property
    def series(self) -> LandmarkSeries:
        """The subject's landmark series."""
        return self.landmarks.series


def truth_path(path: Path) -> Path:
    """Where the truth of a golden file is kept: ``x.npz`` -> ``x.truth.json``."""
    return path.with_name(path.name.removesuffix(".npz") + ".truth.json")


def load_golden(path: Path, *, with_truth: bool = False) -> Golden:
    """Read a golden file (and its truth); a missing file fails with how to make it."""
    name = path.relative_to(GOLDEN).as_posix().removesuffix(".npz").removesuffix(".landmarks")
    if not path.is_file():
        raise FileNotFoundError(f"golden file {path} is missing: {REGENERATE} {name}")
    truth = None
    if with_truth:
        tpath = truth_path(path)
        if not tpath.is_file():
            raise FileNotFoundError(f"truth file {tpath} is missing: {REGENERATE} {name}")
        truth = json.loads(tpath.read_text(encoding="utf-8"))
    return Golden(landmarks=load_landmarks(path), truth=truth)


def save_golden(path: Path, landmarks: CachedLandmarks, truth: dict[str, Any] | None = None) -> None:
    """Write a golden file (and its truth); only ``regenerate.py`` calls this."""
    path.parent.mkdir(parents=True, exist_ok=True)
    save_landmarks(path, landmarks)
    if truth is not None:
        truth_path(path).write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
