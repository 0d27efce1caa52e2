"""Save and load a landmark series so a clip is not run through the pose model twice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assess.errors import InputError
from assess.io.atomic import atomic_path
from assess.landmarks import LANDMARK_NAMES, LandmarkSeries

CACHE_FORMAT = 1


@dataclass(frozen=True, kw_only=True)
class CachedLandmarks:
    """A landmark series with where it came from.

    ``frame_step`` is the sampling the series was made with: 1 when every frame of the clip went
    through the model, k when every k-th frame did. Files written before the sampling was
    recorded were made from every frame.
    """

    series: LandmarkSeries
    video: dict[str, object]
    video_sha256: str
    model: dict[str, str]
    tracking: dict[str, object]
    frame_step: int = 1

    def serves(self, *, frame_step: int) -> bool:
        """Whether this series can stand for an extraction with ``frame_step``.

        A series made from every frame serves any sampling; a sparse one serves only the same
        or a sparser sampling that it divides, never an analysis that needs every frame.
        """
        return frame_step % self.frame_step == 0


def save_landmarks(path: Path, cached: CachedLandmarks) -> None:
    """Write an ``.npz`` atomically (the old file, if any, stays until the new one is whole)."""
    s = cached.series
    meta = {
        "format": CACHE_FORMAT,
        "video": cached.video,
        "video_sha256": cached.video_sha256,
        "model": cached.model,
        "tracking": cached.tracking,
        "frame_step": cached.frame_step,
        "frame_size_px": list(s.frame_size_px),
        "landmark_names": list(s.names),
    }
    with atomic_path(path) as tmp:
        with tmp.open("wb") as fh:
            np.savez_compressed(
                fh,
                time_s=s.time_s,
                image_px=s.image_px,
                world_m=s.world_m,
                visibility=s.visibility,
                meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            )


def load_landmarks(path: Path) -> CachedLandmarks:
    """Read an ``.npz`` written by :func:`save_landmarks`.

    Raises
    ------
    InputError
        When the file is missing or is not a landmark file of this format.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such landmark file; create it with 'assess landmarks VIDEO -o {path}'")
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            keys = ("time_s", "image_px", "world_m", "visibility")
            arrays = {k: np.asarray(data[k], dtype=float) for k in keys}
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"{path} is not a landmark file written by assess; create it with 'assess landmarks'"
        ) from exc
    if meta.get("format") != CACHE_FORMAT or tuple(meta.get("landmark_names", ())) != LANDMARK_NAMES:
        raise InputError(f"{path} was written by another version of assess; run 'assess landmarks' again")
    series = LandmarkSeries(
        time_s=arrays["time_s"],
        image_px=arrays["image_px"],
        world_m=arrays["world_m"],
        visibility=arrays["visibility"],
        frame_size_px=(int(meta["frame_size_px"][0]), int(meta["frame_size_px"][1])),
    )
    return CachedLandmarks(
        series=series,
        video=meta["video"],
        video_sha256=meta["video_sha256"],
        model=meta["model"],
        tracking=meta["tracking"],
        frame_step=int(meta.get("frame_step", 1)),
    )
