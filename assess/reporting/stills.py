"""A still frame for a report: the clip at one moment, the skeleton drawn, the face blurred.

Kept small on purpose (the annotated video has its own, fuller drawing). The face is always
blurred: a generous box around the nose, eyes, ears and mouth (or, when those were not seen,
above the shoulders; with neither, the whole picture). When the clip cannot be read the
skeleton is drawn on a plain background and the still says so (``from_video`` False).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from assess.errors import InputError
from assess.io.video import iter_frames
from assess.landmarks import INDEX, LandmarkSeries

RgbImage = NDArray[np.uint8]

#: Landmarks below this visibility are not drawn.
MIN_VISIBILITY: Final = 0.5
#: The face landmarks whose box is blurred.
FACE_LANDMARKS: Final = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right",
)  # fmt: skip
#: The blurred box is at least this many torso lengths (hip centre to shoulder centre) square:
#: a head is about 0.45 torso lengths tall, so the box holds the whole head, hair and all, with
#: room to spare wherever in the head the face landmarks' centre lies.
FACE_BOX_TORSO_LENGTHS: Final = 1.0
#: ... and at least this many times the spread of the face landmarks themselves.
FACE_BOX_SPREAD_FACTOR: Final = 2.2
#: Without face landmarks the head is taken this many torso lengths above the shoulder centre.
HEAD_ABOVE_SHOULDERS_TORSO_LENGTHS: Final = 0.4
#: Pixel blocks across the blurred box (then smoothed): nothing of a face survives.
FACE_BLOCKS: Final = 6
#: The crop around the body adds this share of the body's size on each side.
CROP_MARGIN: Final = 0.12
#: The still's longer side in pixels (enough for a 60 mm print at 250 dpi).
MAX_SIDE_PX: Final = 640
#: A frame is taken within this many seconds of the time asked for.
FRAME_TOLERANCE_S: Final = 0.25
BACKGROUND_RGB: Final = (236, 236, 236)

_EDGES: Final = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"), ("left_ankle", "left_heel"),
    ("left_heel", "left_foot_index"), ("left_ankle", "left_foot_index"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"), ("right_ankle", "right_heel"),
    ("right_heel", "right_foot_index"), ("right_ankle", "right_foot_index"),
)  # fmt: skip
#: The patient's left in orange, right in blue, the trunk line in white (the measured line).
_LEFT_RGB: Final = (255, 140, 0)
_RIGHT_RGB: Final = (30, 144, 255)
_CENTRE_RGB: Final = (255, 255, 255)
_OUTLINE_RGB: Final = (20, 20, 20)


@dataclass(frozen=True, kw_only=True)
class Still:
    """A report's still: the picture, the moment it shows, and whether it came from the clip."""

    rgb: RgbImage
    time_s: float
    from_video: bool


def frame_at(path: Path, time_s: float, /) -> tuple[float, RgbImage] | None:
    """The clip's frame nearest ``time_s`` (its time and RGB pixels), or None if unreadable."""
    best: tuple[float, RgbImage] | None = None
    try:
        for frame in iter_frames(path, start_s=max(0.0, time_s - FRAME_TOLERANCE_S)):
            if best is None or abs(frame.time_s - time_s) < abs(best[0] - time_s):
                best = (frame.time_s, frame.rgb)
            if frame.time_s >= time_s:
                break
    except (InputError, av.error.FFmpegError, OSError):
        return None
    if best is None or abs(best[0] - time_s) > FRAME_TOLERANCE_S:
        return None
    return best


def _points(series: LandmarkSeries, i: int) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    pts = np.asarray(series.image_px[i, :, :2], dtype=float)
    seen = np.isfinite(pts).all(axis=1) & (series.visibility[i] >= MIN_VISIBILITY)
    return pts, seen


def _torso_px(pts: NDArray[np.float64]) -> float | None:
    hip = 0.5 * (pts[INDEX["left_hip"]] + pts[INDEX["right_hip"]])
    shoulder = 0.5 * (pts[INDEX["left_shoulder"]] + pts[INDEX["right_shoulder"]])
    length = float(np.linalg.norm(shoulder - hip))
    return length if np.isfinite(length) and length > 0 else None


def face_box_px(pts: NDArray[np.float64], /) -> tuple[float, float, float, float] | None:
    """The box to blur (x0, y0, x1, y1 in pixels) from one frame's landmarks; None if unknown."""
    face = pts[[INDEX[n] for n in FACE_LANDMARKS]]
    face = face[np.isfinite(face).all(axis=1)]
    torso = _torso_px(pts)
    if len(face):
        centre = face.mean(axis=0)
        spread = float(np.ptp(face, axis=0).max())
        size = max(spread * FACE_BOX_SPREAD_FACTOR, FACE_BOX_TORSO_LENGTHS * (torso or 0.0))
        if size <= 0:
            return None
    elif torso is not None:
        hip = 0.5 * (pts[INDEX["left_hip"]] + pts[INDEX["right_hip"]])
        shoulder = 0.5 * (pts[INDEX["left_shoulder"]] + pts[INDEX["right_shoulder"]])
        centre = shoulder + (shoulder - hip) / torso * HEAD_ABOVE_SHOULDERS_TORSO_LENGTHS * torso
        size = FACE_BOX_TORSO_LENGTHS * torso
    else:
        return None
    half = size / 2
    return (
        float(centre[0] - half),
        float(centre[1] - half),
        float(centre[0] + half),
        float(centre[1] + half),
    )


def blur_box(rgb: RgbImage, box: tuple[float, float, float, float] | None, /) -> RgbImage:
    """A copy of ``rgb`` with ``box`` pixelated and smoothed; the whole picture when ``box`` is None."""
    out = rgb.copy()
    h, w = out.shape[:2]
    if box is None:
        x0, y0, x1, y1 = 0, 0, w, h
    else:
        x0, y0 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
        x1, y1 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return out
    region = out[y0:y1, x0:x1]
    small = cv2.resize(region, (FACE_BLOCKS, FACE_BLOCKS), interpolation=cv2.INTER_AREA)
    blocks = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    k = max(3, (min(x1 - x0, y1 - y0) // FACE_BLOCKS) | 1)
    out[y0:y1, x0:x1] = cv2.GaussianBlur(blocks, (k, k), 0)
    return out


def _side_colour(a: str, b: str) -> tuple[int, int, int]:
    if a.startswith("left_") and b.startswith("left_"):
        return _LEFT_RGB
    if a.startswith("right_") and b.startswith("right_"):
        return _RIGHT_RGB
    return _CENTRE_RGB


def draw_skeleton(rgb: RgbImage, pts: NDArray[np.float64], seen: NDArray[np.bool_], /) -> RgbImage:
    """A copy of ``rgb`` with the limbs, the hip and shoulder lines and the trunk line drawn."""
    out = np.ascontiguousarray(rgb.copy())
    scale = max(out.shape[:2]) / 480
    width = max(2, round(2.5 * scale))

    def line(p: NDArray[np.float64], q: NDArray[np.float64], colour: tuple[int, int, int]) -> None:
        a, b = (round(p[0]), round(p[1])), (round(q[0]), round(q[1]))
        cv2.line(out, a, b, _OUTLINE_RGB, width + 2, cv2.LINE_AA)
        cv2.line(out, a, b, colour, width, cv2.LINE_AA)

    for a, b in _EDGES:
        if seen[INDEX[a]] and seen[INDEX[b]]:
            line(pts[INDEX[a]], pts[INDEX[b]], _side_colour(a, b))
    hips, shoulders = (
        [INDEX[f"{s}_hip"] for s in ("left", "right")],
        [INDEX[f"{s}_shoulder"] for s in ("left", "right")],
    )
    if seen[hips].all() and seen[shoulders].all():
        line(pts[hips].mean(axis=0), pts[shoulders].mean(axis=0), _CENTRE_RGB)
    for name, i in INDEX.items():
        if seen[i] and name not in FACE_LANDMARKS:
            c = (round(pts[i, 0]), round(pts[i, 1]))
            cv2.circle(out, c, width + 1, _OUTLINE_RGB, -1, cv2.LINE_AA)
            cv2.circle(out, c, width, _side_colour(name, name), -1, cv2.LINE_AA)
    return out


def _crop(rgb: RgbImage, pts: NDArray[np.float64], box: tuple[float, float, float, float] | None) -> RgbImage:
    h, w = rgb.shape[:2]
    finite = pts[np.isfinite(pts).all(axis=1)]
    if box is not None:
        finite = np.vstack([finite, [[box[0], box[1]], [box[2], box[3]]]])
    if not len(finite):
        return rgb
    lo, hi = finite.min(axis=0), finite.max(axis=0)
    pad = CROP_MARGIN * (hi - lo).max()
    x0, y0 = max(0, int(lo[0] - pad)), max(0, int(lo[1] - pad))
    x1, y1 = min(w, int(np.ceil(hi[0] + pad))), min(h, int(np.ceil(hi[1] + pad)))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return rgb
    return rgb[y0:y1, x0:x1]


def _fit(rgb: RgbImage) -> RgbImage:
    h, w = rgb.shape[:2]
    if max(h, w) <= MAX_SIDE_PX:
        return rgb
    f = MAX_SIDE_PX / max(h, w)
    return np.asarray(cv2.resize(rgb, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA), np.uint8)


def still(series: LandmarkSeries, video: Path, time_s: float, /) -> Still:
    """The clip at ``time_s`` with the skeleton drawn and the face blurred, cropped to the body.

    When the clip cannot be read the skeleton is drawn on a plain background (``from_video`` False).
    """
    found = frame_at(video, time_s)
    if found is not None:
        t, rgb = found
    else:
        w, h = series.frame_size_px
        t, rgb = time_s, np.full((h, w, 3), BACKGROUND_RGB, np.uint8)
    i = int(np.argmin(np.abs(series.time_s - t)))
    pts, seen = _points(series, i)
    box = face_box_px(pts)
    # Blur before drawing (the skeleton stays sharp) and on the full frame (no face at a crop edge).
    picture = draw_skeleton(blur_box(rgb, box), pts, seen)
    return Still(rgb=_fit(_crop(picture, np.where(seen[:, None], pts, np.nan), box)), time_s=t,
                 from_video=found is not None)  # fmt: skip


def jpeg_bytes(rgb: RgbImage, /, *, quality: int = 85) -> bytes:
    """``rgb`` encoded as a JPEG."""
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"could not encode a {rgb.shape} image as JPEG")
    return bytes(buf.tobytes())
