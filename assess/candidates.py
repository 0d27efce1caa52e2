"""Every pose the model found in each frame, before one subject is chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assess.landmarks import N_LANDMARKS

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class CandidateFrames:
    """Up to ``k`` candidate poses per frame; absent candidates are NaN.

    Parameters
    ----------
    time_s : ndarray, shape (n,)
        Frame times in seconds.
    image_px, world_m : ndarray, shape (n, k, 33, 3)
        Candidate landmarks in pixels and metres.
    visibility : ndarray, shape (n, k, 33)
        Candidate visibilities (0 for absent candidates).
    frame_size_px : tuple of int
        (width, height) of the upright frame.
    """

    time_s: FloatArray
    image_px: FloatArray
    world_m: FloatArray
    visibility: FloatArray
    frame_size_px: tuple[int, int]

    def __post_init__(self) -> None:
        n = self.time_s.shape[0]
        if self.image_px.ndim != 4 or self.image_px.shape[0] != n:
            raise ValueError(f"image_px must have shape (n={n}, k, 33, 3), got {self.image_px.shape}")

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.time_s.shape[0])

    @property
    def max_people(self) -> int:
        """Candidate slots per frame."""
        return int(self.image_px.shape[1])

    @property
    def present(self) -> NDArray[np.bool_]:
        """(n, k) mask of candidates that exist."""
        return np.asarray(np.isfinite(self.image_px[:, :, :, 0]).any(axis=2))

    @classmethod
    def from_lists(
        cls,
        time_s: Sequence[float],
        image_px: Sequence[FloatArray],
        world_m: Sequence[FloatArray],
        visibility: Sequence[FloatArray],
        *,
        max_people: int,
        frame_size_px: tuple[int, int],
    ) -> CandidateFrames:
        """Pack per-frame arrays of shape (k_i, 33, ...) into padded (n, k, 33, ...) arrays."""
        n = len(time_s)
        img = np.full((n, max_people, N_LANDMARKS, 3), np.nan)
        wld = np.full((n, max_people, N_LANDMARKS, 3), np.nan)
        vis = np.zeros((n, max_people, N_LANDMARKS))
        for i in range(n):
            k = min(image_px[i].shape[0], max_people)
            img[i, :k] = image_px[i][:k]
            wld[i, :k] = world_m[i][:k]
            vis[i, :k] = visibility[i][:k]
        return cls(
            time_s=np.asarray(time_s, dtype=float),
            image_px=img,
            world_m=wld,
            visibility=vis,
            frame_size_px=frame_size_px,
        )

    @classmethod
    def concatenate(cls, parts: Sequence[CandidateFrames]) -> CandidateFrames:
        """Join consecutive segments of one clip (times must not overlap)."""
        if not parts:
            raise ValueError("concatenate needs at least one segment")
        k = max(p.max_people for p in parts)

        def pad(a: FloatArray, fill: float) -> FloatArray:
            extra = k - a.shape[1]
            if extra == 0:
                return a
            shape = (a.shape[0], extra, *a.shape[2:])
            return np.concatenate([a, np.full(shape, fill)], axis=1)

        return cls(
            time_s=np.concatenate([p.time_s for p in parts]),
            image_px=np.concatenate([pad(p.image_px, np.nan) for p in parts]),
            world_m=np.concatenate([pad(p.world_m, np.nan) for p in parts]),
            visibility=np.concatenate([pad(p.visibility, 0.0) for p in parts]),
            frame_size_px=parts[0].frame_size_px,
        )
