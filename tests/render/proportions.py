"""Body proportions as the pose model reads them: widths and leg over torso length.

Shared by ``tests/render/test_render_vs_real.py`` and ``tests/render/measure_proportions.py``.
Ratios are medians over the chosen frames of per-frame ratios:

* ``shoulder``: distance between the model's two shoulder points / torso length;
* ``hip``: distance between its two hip points / torso length;
* ``leg``: hip centre -> ankle centre / torso length;

where torso length is hip centre -> shoulder centre. ``image`` uses the picture's (x, y) in
pixels, ``world`` the model's 3-D world landmarks (metres). Widths seen from a camera
``view_deg`` off straight in front or behind are divided by ``|cos(view_deg)|`` (image only:
the world landmarks are already 3-D).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assess.landmarks import LandmarkSeries

SHOULDERS = (11, 12)
HIPS = (23, 24)
ANKLES = (27, 28)
RATIO_NAMES = ("shoulder", "hip", "leg")

#: Real clips with a person square (or nearly) to the camera and standing:
#: (label, path under ../shared/footage, view angle deg from pose2sim_s00/README.md, first seconds used).
REAL_CLIPS = (
    ("static cam02 (back, -165)", "pose2sim_s00/S00_P00_T00_StaticTrial/cam02.mp4", -165.0, None),
    ("static cam04 (front, +30)", "pose2sim_s00/S00_P00_T00_StaticTrial/cam04.mp4", 30.0, None),
    ("balancing cam02 (front, +22)", "pose2sim_s00/S00_P00_T01_BalancingTrial/cam02.mp4", 22.0, 0.25),
)


@dataclass(frozen=True, kw_only=True)
class Ratios:
    """Median proportions of one clip, image and world.

    Parameters
    ----------
    image, world : dict
        ``shoulder``, ``hip``, ``leg`` -> ratio to torso length (dimensionless).
    n_frames : int
        Frames used.
    """

    image: dict[str, float]
    world: dict[str, float]
    n_frames: int


def _per_frame(xyz: np.ndarray, *, width_scale: float) -> dict[str, np.ndarray]:
    sh = np.linalg.norm(xyz[:, SHOULDERS[0]] - xyz[:, SHOULDERS[1]], axis=1)
    hp = np.linalg.norm(xyz[:, HIPS[0]] - xyz[:, HIPS[1]], axis=1)
    hip_c = xyz[:, HIPS].mean(axis=1)
    torso = np.linalg.norm(xyz[:, SHOULDERS].mean(axis=1) - hip_c, axis=1)
    leg = np.linalg.norm(xyz[:, ANKLES].mean(axis=1) - hip_c, axis=1)
    return {"shoulder": sh / torso * width_scale, "hip": hp / torso * width_scale, "leg": leg / torso}


def ratios(series: LandmarkSeries, *, view_deg: float = 0.0, until_s: float | None = None) -> Ratios:
    """Median proportions over the frames where the subject was found.

    Parameters
    ----------
    series : LandmarkSeries
        The subject's landmarks.
    view_deg : float
        Camera angle from straight in front (0) or behind (180); image widths are divided by
        ``|cos(view_deg)|``.
    until_s : float or None
        Use only frames up to this time after the first one (seconds).
    """
    keep = series.visibility[:, list(SHOULDERS + HIPS)].min(axis=1) > 0.0
    if until_s is not None:
        keep &= series.time_s <= series.time_s[0] + until_s
    if not keep.any():
        raise ValueError("no frame with the subject's shoulders and hips")
    scale = 1.0 / abs(math.cos(math.radians(view_deg)))
    img = _per_frame(series.image_px[keep][:, :, :2], width_scale=scale)
    wld = _per_frame(series.world_m[keep], width_scale=1.0)
    return Ratios(
        image={k: float(np.median(v)) for k, v in img.items()},
        world={k: float(np.median(v)) for k, v in wld.items()},
        n_frames=int(keep.sum()),
    )


def clip_ratios(path: Path, *, view_deg: float = 0.0, until_s: float | None = None) -> Ratios:
    """Run the shipped pose model over a clip and measure its proportions."""
    from assess.pipeline import extract_landmarks

    return ratios(extract_landmarks(path, workers=1).series, view_deg=view_deg, until_s=until_s)
