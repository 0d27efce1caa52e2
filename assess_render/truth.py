"""Ground-truth angles computed from the rendered figure's 3D joints.

The definitions match what the analysis measures from landmarks, so a rendered clip
tests the whole chain. All angles are in degrees, distances in centimetres, measured in
the subject's own frame: forward = the heading of the feet, up = +Y, right = the
patient's right (see :mod:`assess_render.body`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from assess_render.body import SIDES, Skeleton, Vec, yaw_matrix

#: Names of the per-frame truth series (all deg unless they end in ``_cm``).
TRUTH_NAMES = (
    "trunk_sagittal_deg",
    "trunk_frontal_deg",
    "trunk_rotation_deg",
    "pelvis_rotation_deg",
    "pelvis_shift_cm",
    "shoulder_tilt_deg",
    "hip_tilt_deg",
    "hip_flexion_left_deg",
    "hip_flexion_right_deg",
    "knee_flexion_left_deg",
    "knee_flexion_right_deg",
    "fingertip_floor_cm",
    "fingertip_drop_left_cm",
    "fingertip_drop_right_cm",
)


def _angle_between_deg(a: Vec, b: Vec) -> float:
    cos = float(a @ b) / (float(np.linalg.norm(a)) * float(np.linalg.norm(b)))
    return math.degrees(math.acos(min(1.0, max(-1.0, cos))))


def _yaw_deg(v: Vec) -> float:
    """Yaw of a left->right line in the body frame: 0 when it points right, + when its front turns right."""
    return math.degrees(math.atan2(-float(v[0]), float(v[2])))


def _wrap_deg(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def truth_angles(
    skel: Skeleton, *, heading_deg: float = 0.0, neutral: Skeleton | None = None
) -> dict[str, float]:
    """Truth measurements of one posed figure.

    Parameters
    ----------
    skel : Skeleton
        The posed figure.
    heading_deg : float
        Yaw of the subject's own frame (the feet's heading) in the world.
    neutral : Skeleton or None
        The same figure standing in neutral, for shift, drop and rotation references;
        None uses the zero-shift / zero-yaw references of the heading frame.

    Returns
    -------
    dict[str, float]
        One value per name in :data:`TRUTH_NAMES`.
        ``trunk_sagittal_deg``: hip centre -> shoulder centre from the vertical in the
        sagittal plane, + forward. ``trunk_frontal_deg``: the same in the frontal plane,
        + toward the patient's right. ``trunk_rotation_deg``: horizontal yaw of the shoulder
        line relative to the hip line, + toward the right. ``pelvis_rotation_deg``: yaw of the
        hip line relative to neutral. ``pelvis_shift_cm``: lateral hip-centre displacement,
        + right. ``shoulder_tilt_deg`` / ``hip_tilt_deg``: frontal tilt of the line, + when the
        right end is lower. ``hip_flexion_*``: angle between the trunk line and the thigh
        (hip -> knee reversed), 0 when straight, + when the trunk is ahead of the thigh.
        ``knee_flexion_*``: 180 - hip-knee-ankle angle. ``fingertip_floor_cm``: lowest
        fingertip's height. ``fingertip_drop_*``: fingertip lowering from neutral.
    """
    to_body = yaw_matrix(heading_deg).T  # world -> subject frame (x fwd, y up, z right)

    def p(name: str, sk: Skeleton = skel) -> Vec:
        return to_body @ sk[name]

    out: dict[str, float] = {}
    trunk = p("shoulder_centre") - p("hip_centre")
    out["trunk_sagittal_deg"] = math.degrees(math.atan2(trunk[0], trunk[1]))
    out["trunk_frontal_deg"] = math.degrees(math.atan2(trunk[2], trunk[1]))
    sh_line = p("shoulder_right") - p("shoulder_left")
    hip_line = p("hip_right") - p("hip_left")
    out["trunk_rotation_deg"] = _wrap_deg(_yaw_deg(sh_line) - _yaw_deg(hip_line))
    neutral_hip_yaw = 0.0
    if neutral is not None:
        neutral_hip_yaw = _yaw_deg(p("hip_right", neutral) - p("hip_left", neutral))
    out["pelvis_rotation_deg"] = _wrap_deg(_yaw_deg(hip_line) - neutral_hip_yaw)
    ref_z = 0.0 if neutral is None else float(p("hip_centre", neutral)[2])
    out["pelvis_shift_cm"] = 100.0 * (float(p("hip_centre")[2]) - ref_z)
    out["shoulder_tilt_deg"] = math.degrees(math.atan2(-sh_line[1], math.hypot(sh_line[0], sh_line[2])))
    out["hip_tilt_deg"] = math.degrees(math.atan2(-hip_line[1], math.hypot(hip_line[0], hip_line[2])))
    for s in SIDES:
        thigh_up = p(f"hip_{s}") - p(f"knee_{s}")
        mag = _angle_between_deg(trunk, thigh_up)
        ahead = math.atan2(trunk[0], trunk[1]) - math.atan2(thigh_up[0], thigh_up[1])
        out[f"hip_flexion_{s}_deg"] = mag if ahead >= 0 else -mag
        out[f"knee_flexion_{s}_deg"] = 180.0 - _angle_between_deg(
            p(f"hip_{s}") - p(f"knee_{s}"), p(f"ankle_{s}") - p(f"knee_{s}")
        )
    tips = {s: float(skel[f"fingertip_{s}"][1]) for s in SIDES}
    out["fingertip_floor_cm"] = 100.0 * min(tips.values())
    for s in SIDES:
        ref = tips[s] if neutral is None else float(neutral[f"fingertip_{s}"][1])
        out[f"fingertip_drop_{s}_cm"] = 100.0 * (ref - tips[s])
    return out


def truth_series(
    skeletons: Sequence[Skeleton], *, heading_deg: float = 0.0, neutral: Skeleton | None = None
) -> dict[str, NDArray[np.float64]]:
    """:func:`truth_angles` for every frame, as name -> (n_frames,) arrays."""
    rows = [truth_angles(s, heading_deg=heading_deg, neutral=neutral) for s in skeletons]
    return {name: np.array([r[name] for r in rows], dtype=float) for name in TRUTH_NAMES}
