"""Drawing on live camera frames: the skeleton, the angle, the repetition count and one cue."""

from __future__ import annotations

from typing import Final

import numpy as np

from assess.coach import CoachState, Pose
from assess.landmarks import INDEX

#: Bones drawn on the picture.
BONES: Final = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_foot_index"), ("right_ankle", "right_foot_index"),
    ("nose", "left_ear"), ("nose", "right_ear"),
)  # fmt: skip
MIN_VISIBILITY: Final = 0.3
GREEN: Final = (40, 200, 80)
AMBER: Final = (250, 170, 20)
WHITE: Final = (255, 255, 255)


def draw(rgb: np.ndarray, pose: Pose | None, state: CoachState, /) -> np.ndarray:
    """A copy of the frame with the skeleton, the angle, the count and the first cue drawn on it."""
    import cv2

    out = np.ascontiguousarray(rgb.copy())
    h, w = out.shape[:2]
    thick = max(2, round(min(w, h) / 160))
    ok = all(c.ok for c in state.checks)
    colour = GREEN if ok else AMBER
    if pose is not None:
        p = pose.image_px
        for a, b in BONES:
            ia, ib = INDEX[a], INDEX[b]
            if min(pose.visibility[ia], pose.visibility[ib]) < MIN_VISIBILITY:
                continue
            pa = (int(p[ia, 0]), int(p[ia, 1]))
            pb = (int(p[ib, 0]), int(p[ib, 1]))
            cv2.line(out, pa, pb, colour, thick, cv2.LINE_AA)
    scale = min(w, h) / 480
    cv2.rectangle(out, (0, 0), (w, int(36 * scale)), (0, 0, 0), -1)
    angle = "--" if state.angle_deg is None else f"{round(state.angle_deg):+d} deg"
    text = f"angle {angle}   reps {state.repetitions}"
    cv2.putText(out, text, (int(8 * scale), int(26 * scale)), cv2.FONT_HERSHEY_SIMPLEX, 0.8 * scale, WHITE, 2)
    if state.cues:
        y = h - int(12 * scale)
        cv2.rectangle(out, (0, h - int(36 * scale)), (w, h), (0, 0, 0), -1)
        cv2.putText(
            out, state.cues[0][:60], (int(8 * scale), y), cv2.FONT_HERSHEY_SIMPLEX, 0.55 * scale, AMBER, 2
        )
    return out
