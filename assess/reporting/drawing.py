"""Drawing on one RGB frame with OpenCV: the body's skeleton, a blurred face, a text label.

Pure functions: each returns a new frame and leaves its input unchanged. Landmarks are the
33 BlazePose points in the frame's own pixels (x right, y down); NaN marks a point not found.
OpenCV's Hershey fonts are ASCII only, so angles are written with "deg".
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from assess.landmarks import INDEX, N_LANDMARKS

RgbFrame = NDArray[np.uint8]
FloatArray = NDArray[np.float64]
Colour = tuple[int, int, int]

#: Colours (RGB) of the patient's left and right side and of the midline.
LEFT_COLOUR: Final[Colour] = (255, 140, 0)
RIGHT_COLOUR: Final[Colour] = (0, 170, 255)
MID_COLOUR: Final[Colour] = (235, 235, 235)

#: Body connections (face left out: the face is blurred), by landmark name.
_BONES: Final = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_wrist", "left_index"), ("right_wrist", "right_index"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"), ("left_ankle", "left_foot_index"),
    ("right_ankle", "right_heel"), ("right_heel", "right_foot_index"), ("right_ankle", "right_foot_index"),
)  # fmt: skip
_JOINTS: Final = tuple(
    f"{s}_{j}" for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
    for s in ("left", "right")
)  # fmt: skip
_FACE: Final = tuple(range(INDEX["mouth_right"] + 1))  # nose, eyes, ears, mouth

#: Line width and joint radius as fractions of the frame's shorter side (with a floor in pixels).
LINE_WIDTH_FRACTION: Final = 1 / 240
JOINT_RADIUS_FRACTION: Final = 1 / 160

#: Half the face box's side: the largest of these multiples of the body's own lengths (px).
FACE_HALF_PER_SHOULDER_WIDTH: Final = 0.5
FACE_HALF_PER_EAR_DISTANCE: Final = 1.0
FACE_HALF_PER_TORSO_LENGTH: Final = 0.32
FACE_HALF_PER_FACE_SPREAD: Final = 1.0
#: The box reaches further up than down from the face landmarks (the skull above the eyes).
FACE_UP_FACTOR: Final = 1.4
FACE_DOWN_FACTOR: Final = 1.1
#: Smallest half side of a face box (px), for a far-away subject.
MIN_FACE_HALF_PX: Final = 12.0
#: Pixelation: the blurred box is at most this many cells across before smoothing.
PIXEL_CELLS: Final = 6


def _check(rgb: RgbFrame, landmarks_px: FloatArray, visibility: FloatArray) -> None:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be an (h, w, 3) uint8 frame, got {rgb.shape} {rgb.dtype}")
    if landmarks_px.shape[0] != N_LANDMARKS or landmarks_px.shape[1] < 2:
        raise ValueError(f"landmarks_px must have shape (33, 2 or 3), got {landmarks_px.shape}")
    if visibility.shape != (N_LANDMARKS,):
        raise ValueError(f"visibility must have shape (33,), got {visibility.shape}")


def _colour(name: str) -> Colour:
    if name.startswith("left_"):
        return LEFT_COLOUR
    if name.startswith("right_"):
        return RIGHT_COLOUR
    return MID_COLOUR


def draw_skeleton(
    rgb: RgbFrame, landmarks_px: FloatArray, visibility: FloatArray, /, *, min_visibility: float = 0.5
) -> RgbFrame:
    """The frame with the body's connections and joints drawn, left and right in two colours.

    Points that are NaN or below ``min_visibility`` are not drawn, nor are bones touching them;
    a subject not found (all NaN) leaves the frame as it was.
    """
    _check(rgb, landmarks_px, visibility)
    out = rgb.copy()
    seen = np.isfinite(landmarks_px[:, :2]).all(axis=1) & (visibility >= min_visibility)
    if not seen.any():
        return out
    short = min(rgb.shape[:2])
    width = max(2, round(short * LINE_WIDTH_FRACTION))
    radius = max(3, round(short * JOINT_RADIUS_FRACTION))
    pts = np.where(seen[:, None], landmarks_px[:, :2], 0.0)
    xy = np.round(pts).astype(np.int64)
    for a, b in _BONES:
        ia, ib = INDEX[a], INDEX[b]
        if seen[ia] and seen[ib]:
            colour = _colour(a) if _colour(a) == _colour(b) else MID_COLOUR
            p, q = (int(xy[ia, 0]), int(xy[ia, 1])), (int(xy[ib, 0]), int(xy[ib, 1]))
            cv2.line(out, p, q, colour, width, cv2.LINE_AA)
    for name in _JOINTS:
        i = INDEX[name]
        if seen[i]:
            centre = (int(xy[i, 0]), int(xy[i, 1]))
            cv2.circle(out, centre, radius, _colour(name), -1, cv2.LINE_AA)
            cv2.circle(out, centre, radius, (20, 20, 20), 1, cv2.LINE_AA)
    return out


def _distance(landmarks_px: FloatArray, a: str, b: str) -> float:
    d = landmarks_px[INDEX[a], :2] - landmarks_px[INDEX[b], :2]
    return float(np.hypot(d[0], d[1]))


def _body_scale_px(landmarks_px: FloatArray) -> float:
    """Half the side of a face box from the body's own lengths (NaN lengths are skipped)."""
    xy = landmarks_px[:, :2]
    shoulders = _distance(landmarks_px, "left_shoulder", "right_shoulder")
    ears = _distance(landmarks_px, "left_ear", "right_ear")
    mid_sh = (xy[INDEX["left_shoulder"]] + xy[INDEX["right_shoulder"]]) / 2
    mid_hip = (xy[INDEX["left_hip"]] + xy[INDEX["right_hip"]]) / 2
    torso = float(np.hypot(*(mid_sh - mid_hip)))
    face = xy[list(_FACE)]
    face = face[np.isfinite(face).all(axis=1)]
    spread = float(np.ptp(face, axis=0).max()) if len(face) else np.nan
    candidates = [
        FACE_HALF_PER_SHOULDER_WIDTH * shoulders, FACE_HALF_PER_EAR_DISTANCE * ears,
        FACE_HALF_PER_TORSO_LENGTH * torso, FACE_HALF_PER_FACE_SPREAD * spread, MIN_FACE_HALF_PX,
    ]  # fmt: skip
    return float(max(c for c in candidates if np.isfinite(c)))


def face_box(landmarks_px: FloatArray, /) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1) to blur over the subject's face, or None when no body is found.

    Around the face landmarks (nose, eyes, ears, mouth) when any is found, sized by the shoulder
    width, the ear distance, the torso length and the face landmarks' own spread, whichever is
    largest; without face landmarks, the region above the shoulders. Not clipped to the frame.
    """
    xy = landmarks_px[:, :2]
    face = xy[list(_FACE)]
    face = face[np.isfinite(face).all(axis=1)]
    half = _body_scale_px(landmarks_px)
    if len(face):
        cx, cy = face.mean(axis=0)
    else:
        shoulders = xy[[INDEX["left_shoulder"], INDEX["right_shoulder"]]]
        shoulders = shoulders[np.isfinite(shoulders).all(axis=1)]
        if not len(shoulders):
            return None
        cx = float(shoulders[:, 0].mean())
        cy = float(shoulders[:, 1].min()) - FACE_DOWN_FACTOR * half  # the head sits above the shoulders
    x0, x1 = cx - FACE_UP_FACTOR * half, cx + FACE_UP_FACTOR * half
    y0, y1 = cy - FACE_UP_FACTOR * half, cy + FACE_DOWN_FACTOR * half
    return int(np.floor(x0)), int(np.floor(y0)), int(np.ceil(x1)), int(np.ceil(y1))


def blur_face(rgb: RgbFrame, landmarks_px: FloatArray, visibility: FloatArray, /) -> RgbFrame:
    """The frame with a generous box over the subject's face pixelated and smoothed.

    Every found landmark counts, whatever its visibility (a face turned away is still blurred);
    with no face landmark but the shoulders found, the region above the shoulders is blurred.
    A subject not found leaves the frame as it was.
    """
    _check(rgb, landmarks_px, visibility)
    out = rgb.copy()
    box = face_box(landmarks_px)
    if box is None:
        return out
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = max(box[0], 0), max(box[1], 0), min(box[2], w), min(box[3], h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return out
    region = out[y0:y1, x0:x1]
    cell = max(1, max(region.shape[:2]) // PIXEL_CELLS)
    small = cv2.resize(
        region,
        (max(1, region.shape[1] // cell), max(1, region.shape[0] // cell)),
        interpolation=cv2.INTER_AREA,
    )
    big = cv2.resize(small, (region.shape[1], region.shape[0]), interpolation=cv2.INTER_LINEAR)
    k = 2 * (cell // 2) + 1
    out[y0:y1, x0:x1] = cv2.GaussianBlur(big, (k, k), 0)
    return out


def draw_label(
    rgb: RgbFrame,
    text: str,
    /,
    *,
    origin: tuple[int, int],
    scale: float,
    colour: Colour = (255, 255, 255),
) -> RgbFrame:
    """The frame with ``text`` written on a dark box whose top-left corner is ``origin`` (px).

    ``text`` must be ASCII (the Hershey fonts have no other glyphs; write "deg" for degrees).
    """
    if not text.isascii():
        raise ValueError(f"label text must be ASCII (write 'deg' for the degree sign), got {text!r}")
    out = rgb.copy()
    thickness = max(1, round(2 * scale))
    (tw, th), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    pad = max(2, round(6 * scale))
    x, y = origin
    x1, y1 = x + tw + 2 * pad, y + th + baseline + 2 * pad
    h, w = out.shape[:2]
    xa, ya, xb, yb = max(x, 0), max(y, 0), min(x1, w), min(y1, h)
    if xb > xa and yb > ya:
        out[ya:yb, xa:xb] = (out[ya:yb, xa:xb].astype(np.uint16) * 3 // 10).astype(np.uint8)
    cv2.putText(
        out, text, (x + pad, y + pad + th), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA
    )
    return out


def label_height_px(scale: float, /) -> int:
    """The height of one :func:`draw_label` box at ``scale`` (px), for stacking lines."""
    thickness = max(1, round(2 * scale))
    (_, th), baseline = cv2.getTextSize("Ag", cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    return int(th + baseline + 2 * max(2, round(6 * scale)))
