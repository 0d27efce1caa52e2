"""The landmark series: one subject's body landmarks over time.

Axis 0 is always time. Missing frames are NaN, never another person and never zeros.
Image coordinates are pixels with x to the image right and y down; world coordinates are
metres as given by the pose model (origin between the hips).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
from numpy.typing import NDArray

from assess.types import Side

FloatArray = NDArray[np.float64]

#: BlazePose GHUM 33-landmark topology, in model order.
LANDMARK_NAMES: Final[tuple[str, ...]] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip
N_LANDMARKS: Final = len(LANDMARK_NAMES)
INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(LANDMARK_NAMES)}


#: Hip-centre-to-ankle-centre over hip-centre-to-shoulder-centre length in the picture; legs outside
#: this band relative to the torso are the model's guesses (e.g. in a close-up). Joint centres give
#: about 1.57 (0.452 H / 0.288 H, Drillis & Contini), but MediaPipe's hip and shoulder keypoints on
#: real people standing read 1.08-1.45 (multi-view lab footage, outdoor walking; lowest with the
#: camera above the hips, which shortens the legs in the picture).
LEG_TO_TORSO_RANGE: Final = (0.9, 2.3)


def _mirror_permutation() -> NDArray[np.intp]:
    perm = np.arange(N_LANDMARKS)
    for name, i in INDEX.items():
        if name.startswith("left_"):
            perm[i] = INDEX["right_" + name[5:]]
        elif name.startswith("right_"):
            perm[i] = INDEX["left_" + name[6:]]
    return perm


#: Index permutation that exchanges every left landmark with its right counterpart.
LEFT_RIGHT_PERMUTATION: Final = _mirror_permutation()


def sided(name: str, side: Side) -> str:
    """Return the landmark name for a side, e.g. ``sided("hip", Side.LEFT) == "left_hip"``."""
    full = f"{side.value}_{name}"
    if full not in INDEX:
        raise ValueError(f"no landmark {full!r}; expected one of {LANDMARK_NAMES}")
    return full


@dataclass(frozen=True, kw_only=True)
class LandmarkSeries:
    """One subject's landmarks over time.

    Parameters
    ----------
    time_s : ndarray, shape (n,)
        Strictly increasing frame timestamps in seconds (real presentation times).
    image_px : ndarray, shape (n, 33, 3)
        x, y in pixels of the upright frame; z is the model's relative depth, scaled like x.
    world_m : ndarray, shape (n, 33, 3)
        The model's metric world coordinates (metres, hips at the origin, y down).
    visibility : ndarray, shape (n, 33)
        Model visibility in [0, 1]; 0 where the subject was not found.
    frame_size_px : tuple of int
        (width, height) of the upright frame.
    """

    time_s: FloatArray
    image_px: FloatArray
    world_m: FloatArray
    visibility: FloatArray
    frame_size_px: tuple[int, int]
    names: tuple[str, ...] = field(default=LANDMARK_NAMES)

    def __post_init__(self) -> None:
        n = self.time_s.shape[0]
        if self.time_s.ndim != 1:
            raise ValueError(f"time_s must be 1-D, got shape {self.time_s.shape}")
        expected = (n, len(self.names), 3)
        for label, arr in (("image_px", self.image_px), ("world_m", self.world_m)):
            if arr.shape != expected:
                raise ValueError(f"{label} must have shape {expected}, got {arr.shape}")
        if self.visibility.shape != expected[:2]:
            raise ValueError(f"visibility must have shape {expected[:2]}, got {self.visibility.shape}")
        if n > 1 and not np.all(np.diff(self.time_s) > 0):
            raise ValueError("time_s must be strictly increasing")

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.time_s.shape[0])

    @property
    def present(self) -> NDArray[np.bool_]:
        """Frames where the subject was found (any landmark finite)."""
        return np.asarray(np.isfinite(self.image_px[:, :, 0]).any(axis=1))

    @property
    def coverage(self) -> float:
        """Fraction of frames where the subject was found."""
        return float(self.present.mean()) if self.n_frames else 0.0

    @property
    def sample_rate_hz(self) -> float:
        """Median frame rate, from the timestamps."""
        if self.n_frames < 2:
            raise ValueError("a sample rate needs at least two frames")
        return float(1.0 / np.median(np.diff(self.time_s)))

    def px(self, name: str) -> FloatArray:
        """Image x, y of one landmark, shape (n, 2)."""
        return self.image_px[:, INDEX[name], :2]

    def world(self, name: str) -> FloatArray:
        """World x, y, z of one landmark, shape (n, 3)."""
        return self.world_m[:, INDEX[name], :]

    def vis(self, name: str) -> FloatArray:
        """Visibility of one landmark, shape (n,)."""
        return self.visibility[:, INDEX[name]]

    def mid_px(self, name: str) -> FloatArray:
        """Midpoint of the left and right landmark ``name`` (e.g. ``"hip"``), shape (n, 2)."""
        return 0.5 * (self.px(f"left_{name}") + self.px(f"right_{name}"))

    def centre_px(self, name: str) -> FloatArray:
        """Midpoint of the left and right landmark ``name``, or the one that is present.

        From the side the far landmark is often hidden (NaN after visibility gating); the near
        one alone then stands for the pair, which projects to nearly the same place.
        """
        pair = np.stack([self.px(f"left_{name}"), self.px(f"right_{name}")])
        out = np.full(pair.shape[1:], np.nan)
        ok = np.asarray(np.isfinite(pair).all(axis=2))
        both = np.asarray(ok.all(axis=0))
        out[both] = pair[:, both].mean(axis=0)
        only_l = ok[0] & ~ok[1]
        only_r = ok[1] & ~ok[0]
        out[only_l] = pair[0, only_l]
        out[only_r] = pair[1, only_r]
        return out

    def select(self, mask_or_slice: NDArray[np.bool_] | slice) -> LandmarkSeries:
        """Frames selected by a boolean mask or a slice."""
        return replace(
            self,
            time_s=self.time_s[mask_or_slice],
            image_px=self.image_px[mask_or_slice],
            world_m=self.world_m[mask_or_slice],
            visibility=self.visibility[mask_or_slice],
        )

    def between(self, start_s: float, end_s: float) -> LandmarkSeries:
        """Frames with ``start_s <= time_s < end_s``."""
        return self.select((self.time_s >= start_s) & (self.time_s < end_s))

    def swap_left_right(self) -> LandmarkSeries:
        """Exchange every left landmark with its right counterpart (labels only)."""
        perm = LEFT_RIGHT_PERMUTATION
        return replace(
            self,
            image_px=self.image_px[:, perm],
            world_m=self.world_m[:, perm],
            visibility=self.visibility[:, perm],
        )

    def flipped_horizontally(self) -> LandmarkSeries:
        """The series as a horizontally mirrored camera would see it.

        Image x becomes ``width - x`` and, because the model labels sides anatomically from
        the picture, left and right labels are exchanged as the model would do.
        """
        width = float(self.frame_size_px[0])
        image = self.image_px.copy()
        image[:, :, 0] = width - image[:, :, 0]
        world = self.world_m.copy()
        world[:, :, 0] = -world[:, :, 0]
        flipped = replace(self, image_px=image, world_m=world)
        return flipped.swap_left_right()


def empty_frames(n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """NaN image and world arrays and zero visibility for ``n`` frames without a subject."""
    image = np.full((n, N_LANDMARKS, 3), np.nan)
    world = np.full((n, N_LANDMARKS, 3), np.nan)
    vis = np.zeros((n, N_LANDMARKS))
    return image, world, vis
