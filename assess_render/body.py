"""Body dimensions and forward kinematics of the rendered figure.

World frame (metres, right-handed): **X** is the direction the figure faces in its
neutral stance (heading 0), **Y** is up, **Z** is the figure's *right* in that stance.
The floor is the plane ``Y = 0``.

Yaw angles (heading, pelvis rotation, trunk rotation) are about +Y and positive when
the front of the body turns toward the patient's right (from +X toward +Z).
Segment lengths follow the classic fractions of body height (Drillis & Contini 1966,
as tabulated by Winter, *Biomechanics and Motor Control of Human Movement*).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Vec = NDArray[np.float64]
SIDES = ("left", "right")
#: +1 for the patient's right, -1 for the left: lateral offsets are ``sign * width`` along +Z.
SIDE_SIGN = {"left": -1.0, "right": 1.0}


def yaw_matrix(yaw_deg: float) -> Vec:
    """Rotation about +Y taking +X toward +Z by ``yaw_deg`` (a turn to the patient's right)."""
    a = math.radians(yaw_deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])


def flexion_matrix(angle_deg: float) -> Vec:
    """Rotation about +Z taking +Y (up) toward +X (forward) by ``angle_deg``."""
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])


def lateral_matrix(angle_deg: float) -> Vec:
    """Rotation about +X taking +Y (up) toward +Z (the patient's right) by ``angle_deg``."""
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


# Fractions of standing height H. "D&C" = Drillis & Contini (1966), as drawn in Winter,
# *Biomechanics and Motor Control of Human Movement*, 4th ed. (2009), Fig. 4.1.
#: Shoulder (acromion) height, D&C.
SHOULDER_HEIGHT_FRACTION = 0.818
#: Hip (greater trochanter) height, D&C; the figure's hip joint centres sit at this height.
HIP_HEIGHT_FRACTION = 0.530
#: Ankle height, D&C.
ANKLE_HEIGHT_FRACTION = 0.039
#: Upper arm, forearm, hand, thigh, shank lengths, D&C.
UPPER_ARM_FRACTION = 0.186
FOREARM_FRACTION = 0.146
HAND_FRACTION = 0.108
THIGH_FRACTION = 0.245
SHANK_FRACTION = 0.246
#: Foot length, D&C; split 0.032 behind and 0.118 in front of the ankle centre (0.150 H).
HEEL_BACK_FRACTION = 0.032
TOE_FRONT_FRACTION = 0.118
#: Distance between the shoulder joint centres. D&C give 0.259 H for the shoulder breadth over
#: the deltoids; the joint centres sit about a deltoid's thickness (the drawn upper arm's radius,
#: 0.032 H) inside each side: 0.259 - 2 x 0.032 = 0.195, rounded to 0.20 H (0.35 m at 1.75 m).
SHOULDER_JOINT_SPACING_FRACTION = 0.20
#: Distance between the hip joint centres. 0.175 m at 1.75 m; the pose model's own hip points on
#: the real man of ``pose2sim_s00`` sit 0.19-0.20 m apart in the 4-camera 3-D reference
#: (``../shared/footage/pose2sim_s00/README.md``); D&C's hip breadth over the trochanters is
#: 0.191 H, and the drawn pelvis (0.356 m wide at 1.75 m) spans it.
HIP_JOINT_SPACING_FRACTION = 0.10
#: Chin height 0.870 H (D&C: head height 0.130 H): shoulder centre -> head pivot -> head centre,
#: head centre 0.0674 H above the chin (the head ellipsoid's up radius, 0.118 m at 1.75 m).
NECK_FRACTION = 0.080
HEAD_CENTRE_FRACTION = 0.040
#: Ankle-to-ankle distance in quiet stance (a comfortable stance, not from D&C).
STANCE_WIDTH_FRACTION = 0.12


@dataclass(frozen=True, kw_only=True)
class Body:
    """Segment dimensions of the figure, all in metres.

    Build one with :meth:`from_height`; the fields are the anthropometric fractions
    already multiplied by the height.
    """

    height_m: float
    trunk_m: float  #: hip centre -> shoulder centre
    hip_half_width_m: float  #: half the distance between the hip joint centres
    shoulder_half_width_m: float  #: half the distance between the shoulder joint centres
    neck_m: float  #: shoulder centre -> head pivot
    head_centre_m: float  #: head pivot -> head centre
    head_radii_m: tuple[float, float, float]  #: head ellipsoid semi-axes (front, up, side)
    upper_arm_m: float
    forearm_m: float
    hand_m: float
    thigh_m: float
    shank_m: float
    ankle_height_m: float
    heel_back_m: float  #: heel behind the ankle centre
    toe_front_m: float  #: toe tip in front of the ankle centre
    stance_width_m: float  #: distance between the ankles in quiet stance

    @classmethod
    def from_height(cls, height_m: float = 1.75) -> Body:
        """Dimensions of an adult of the given height.

        Parameters
        ----------
        height_m : float
            Standing height in metres (0.5 to 2.5).
        """
        if not 0.5 <= height_m <= 2.5:
            raise ValueError(f"height_m must be between 0.5 and 2.5 m, got {height_m!r}")
        h = height_m
        k = h / 1.75
        return cls(
            height_m=h,
            trunk_m=(SHOULDER_HEIGHT_FRACTION - HIP_HEIGHT_FRACTION) * h,
            hip_half_width_m=HIP_JOINT_SPACING_FRACTION / 2 * h,
            shoulder_half_width_m=SHOULDER_JOINT_SPACING_FRACTION / 2 * h,
            neck_m=NECK_FRACTION * h,
            head_centre_m=HEAD_CENTRE_FRACTION * h,
            head_radii_m=(0.102 * k, 0.118 * k, 0.078 * k),
            upper_arm_m=UPPER_ARM_FRACTION * h,
            forearm_m=FOREARM_FRACTION * h,
            hand_m=HAND_FRACTION * h,
            thigh_m=THIGH_FRACTION * h,
            shank_m=SHANK_FRACTION * h,
            ankle_height_m=ANKLE_HEIGHT_FRACTION * h,
            heel_back_m=HEEL_BACK_FRACTION * h,
            toe_front_m=TOE_FRONT_FRACTION * h,
            stance_width_m=STANCE_WIDTH_FRACTION * h,
        )

    def leg_reach_m(self, knee_flexion_deg: float) -> float:
        """Hip-joint to ankle distance for a knee flexed by ``knee_flexion_deg``."""
        a, b = self.thigh_m, self.shank_m
        return math.sqrt(a * a + b * b + 2 * a * b * math.cos(math.radians(knee_flexion_deg)))


LR = tuple[float, float]
XYZ = tuple[float, float, float]


@dataclass(frozen=True, kw_only=True)
class Pose:
    """Pose parameters of the figure (degrees unless the name says metres).

    Per-side fields are ``(left, right)`` pairs. Trunk angles are absolute, relative to
    the upright body (not to the pelvis): the trunk line, hip centre -> shoulder centre,
    leans ``trunk_flexion_deg`` forward in the body's sagittal plane, and for a pure side
    bend ``trunk_lateral_deg`` toward the patient's right.

    Parameters
    ----------
    position_m : (float, float)
        Floor position (x, z) of the stance centre, midway between the ankles.
    heading_deg : float
        Yaw of the feet (and of the whole body when ``pelvis_rotation_deg`` is 0).
    pelvis_rotation_deg : float
        Yaw of everything above the feet relative to the heading, + toward the right.
    pelvis_shift_m, pelvis_forward_m : float
        Hip-centre offset from above the stance centre: lateral (+ right), sagittal (+ forward).
    pelvis_drop_m : float
        Lowers the hip centre below the highest height the legs reach (bends the knees).
    pelvis_obliquity_deg : float
        Frontal tilt of the hip line, + when the right hip is lower.
    hip_share : float
        Fraction of ``trunk_flexion_deg`` done by pelvic tilt (only changes the drawn spine curve).
    trunk_flexion_deg, trunk_lateral_deg, trunk_rotation_deg : float
        Sagittal lean (+ forward), lateral lean (+ right), axial turn of the shoulders
        relative to the pelvis (+ toward the right).
    head_flexion_deg, head_rotation_deg : float
        Head relative to the trunk: nod (+ chin down) and turn (+ toward the right).
    shoulder_flexion_deg, shoulder_abduction_deg, elbow_flexion_deg : (float, float)
        Arm angles relative to the trunk, per side.
    knee_flexion_min_deg : float
        Knee flexion of the straightest leg when the hip height is automatic.
    ankle_m : ((x, y, z), (x, y, z)) or None
        World ankle-centre targets (left, right); None puts the feet in quiet stance.
    foot_pitch_deg : (float, float)
        World pitch of each foot, + toes up.
    hip_height_m : float or None
        World height of the hip centre; None chooses the highest the legs reach.
    """

    position_m: tuple[float, float] = (0.0, 0.0)
    heading_deg: float = 0.0
    pelvis_rotation_deg: float = 0.0
    pelvis_shift_m: float = 0.0
    pelvis_forward_m: float = 0.0
    pelvis_drop_m: float = 0.0
    pelvis_obliquity_deg: float = 0.0
    hip_share: float = 0.6
    trunk_flexion_deg: float = 0.0
    trunk_lateral_deg: float = 0.0
    trunk_rotation_deg: float = 0.0
    head_flexion_deg: float = 0.0
    head_rotation_deg: float = 0.0
    shoulder_flexion_deg: LR = (0.0, 0.0)
    shoulder_abduction_deg: LR = (6.0, 6.0)
    elbow_flexion_deg: LR = (12.0, 12.0)
    knee_flexion_min_deg: float = 3.0
    ankle_m: tuple[XYZ, XYZ] | None = None
    foot_pitch_deg: LR = (0.0, 0.0)
    hip_height_m: float | None = None


@dataclass(frozen=True)
class Skeleton:
    """World joint positions (metres) and segment orientations of one posed figure.

    Attributes
    ----------
    points : Mapping[str, ndarray]
        Name -> (3,) world position. Names: ``head_centre``, ``head_top``, ``nose``,
        ``eye_{side}``, ``ear_{side}``, ``mouth``, ``neck``, ``shoulder_centre``,
        ``hip_centre``, and per side ``shoulder``, ``elbow``, ``wrist``, ``fingertip``,
        ``hip``, ``knee``, ``ankle``, ``heel``, ``toe`` suffixed ``_left`` / ``_right``.
    frames : Mapping[str, ndarray]
        Name -> (3, 3) rotation whose columns are the segment's forward, up and right
        axes in the world: ``pelvis``, ``trunk``, ``head``, ``upper_arm_{side}``,
        ``forearm_{side}``, ``foot_{side}``, ``body`` (yaw only).
    """

    points: Mapping[str, Vec]
    frames: Mapping[str, Vec]

    def __getitem__(self, name: str) -> Vec:
        return self.points[name]


def _leg_knee(hip: Vec, ankle: Vec, forward: Vec, body: Body) -> Vec:
    """Knee position from two-link inverse kinematics, knee bending toward ``forward``."""
    d_vec = ankle - hip
    d = float(np.linalg.norm(d_vec))
    a, b = body.thigh_m, body.shank_m
    d = min(max(d, abs(a - b) + 1e-6), a + b - 1e-9)
    axis = d_vec / max(float(np.linalg.norm(d_vec)), 1e-12)
    along = (a * a - b * b + d * d) / (2.0 * d)
    perp = math.sqrt(max(a * a - along * along, 0.0))
    fwd = forward - axis * float(forward @ axis)
    n = float(np.linalg.norm(fwd))
    fwd = fwd / n if n > 1e-9 else np.array([1.0, 0.0, 0.0])
    return hip + axis * along + fwd * perp


def forward_kinematics(pose: Pose, body: Body) -> Skeleton:
    """Place every joint of the figure for one pose.

    Parameters
    ----------
    pose : Pose
        The pose parameters.
    body : Body
        Segment dimensions.

    Returns
    -------
    Skeleton
        World joint positions and segment frames.
    """
    pts: dict[str, Vec] = {}
    frames: dict[str, Vec] = {}
    base = np.array([pose.position_m[0], 0.0, pose.position_m[1]])
    r_feet = yaw_matrix(pose.heading_deg)
    r_body = yaw_matrix(pose.heading_deg + pose.pelvis_rotation_deg)
    r_pel_hips = r_body @ lateral_matrix(pose.pelvis_obliquity_deg)
    r_pelvis = r_pel_hips @ flexion_matrix(pose.hip_share * pose.trunk_flexion_deg)
    r_trunk = (
        r_body
        @ flexion_matrix(pose.trunk_flexion_deg)
        @ lateral_matrix(pose.trunk_lateral_deg)
        @ yaw_matrix(pose.trunk_rotation_deg)
    )
    frames.update(body=r_body, pelvis=r_pelvis, trunk=r_trunk)

    # Feet.
    if pose.ankle_m is None:
        ankles = {
            s: base + r_feet @ np.array([0.0, body.ankle_height_m, SIDE_SIGN[s] * body.stance_width_m / 2])
            for s in SIDES
        }
    else:
        ankles = {s: np.asarray(pose.ankle_m[i], dtype=float) for i, s in enumerate(SIDES)}

    # Pelvis.
    hip_offsets = {s: r_pel_hips @ np.array([0.0, 0.0, SIDE_SIGN[s] * body.hip_half_width_m]) for s in SIDES}
    centre_xz = base + r_feet @ np.array([pose.pelvis_forward_m, 0.0, pose.pelvis_shift_m])
    if pose.hip_height_m is None:
        reach = body.leg_reach_m(pose.knee_flexion_min_deg)
        heights = []
        for s in SIDES:
            hip_xz = centre_xz + hip_offsets[s]
            d_h = math.hypot(hip_xz[0] - ankles[s][0], hip_xz[2] - ankles[s][2])
            heights.append(ankles[s][1] + math.sqrt(max(reach**2 - d_h**2, 0.0)) - hip_offsets[s][1])
        hip_y = min(heights) - pose.pelvis_drop_m
    else:
        hip_y = pose.hip_height_m
    hip_centre = np.array([centre_xz[0], hip_y, centre_xz[2]])
    pts["hip_centre"] = hip_centre

    for i, s in enumerate(SIDES):
        hip = hip_centre + hip_offsets[s]
        r_foot = r_feet @ flexion_matrix(-pose.foot_pitch_deg[i])
        knee = _leg_knee(hip, ankles[s], r_feet[:, 0] + 0.3 * r_body[:, 0], body)
        pts[f"hip_{s}"] = hip
        pts[f"knee_{s}"] = knee
        pts[f"ankle_{s}"] = ankles[s]
        down = body.ankle_height_m * 0.8
        pts[f"heel_{s}"] = ankles[s] + r_foot @ np.array([-body.heel_back_m, -down, 0.0])
        pts[f"toe_{s}"] = ankles[s] + r_foot @ np.array([body.toe_front_m, -down, 0.0])
        frames[f"foot_{s}"] = r_foot

    # Trunk, head.
    shoulder_centre = hip_centre + r_trunk @ np.array([0.0, body.trunk_m, 0.0])
    pts["shoulder_centre"] = shoulder_centre
    r_head = r_trunk @ flexion_matrix(pose.head_flexion_deg) @ yaw_matrix(pose.head_rotation_deg)
    frames["head"] = r_head
    neck = shoulder_centre + r_trunk @ np.array([-0.005 * body.height_m, body.neck_m, 0.0])
    pts["neck"] = neck
    head_c = neck + r_head @ np.array([0.006 * body.height_m, body.head_centre_m, 0.0])
    pts["head_centre"] = head_c
    fx, fy, fz = body.head_radii_m
    pts["head_top"] = head_c + r_head @ np.array([0.0, fy, 0.0])
    pts["nose"] = head_c + r_head @ np.array([fx * 1.08, -0.16 * fy, 0.0])
    pts["mouth"] = head_c + r_head @ np.array([fx * 0.92, -0.47 * fy, 0.0])
    for s in SIDES:
        sg = SIDE_SIGN[s]
        pts[f"eye_{s}"] = head_c + r_head @ np.array([fx * 0.84, 0.13 * fy, sg * 0.41 * fz])
        pts[f"ear_{s}"] = head_c + r_head @ np.array([-0.05 * fx, 0.0, sg * fz])

    # Arms.
    for i, s in enumerate(SIDES):
        sg = SIDE_SIGN[s]
        sh = shoulder_centre + r_trunk @ np.array([0.0, 0.0, sg * body.shoulder_half_width_m])
        r_ua = (
            r_trunk
            @ flexion_matrix(-pose.shoulder_flexion_deg[i])
            @ lateral_matrix(-sg * pose.shoulder_abduction_deg[i])
        )
        elbow = sh + r_ua @ np.array([0.0, -body.upper_arm_m, 0.0])
        r_fa = r_ua @ flexion_matrix(-pose.elbow_flexion_deg[i])
        wrist = elbow + r_fa @ np.array([0.0, -body.forearm_m, 0.0])
        r_hand = r_fa @ flexion_matrix(-6.0)
        tip = wrist + r_hand @ np.array([0.0, -body.hand_m, 0.0])
        pts[f"shoulder_{s}"] = sh
        pts[f"elbow_{s}"] = elbow
        pts[f"wrist_{s}"] = wrist
        pts[f"fingertip_{s}"] = tip
        frames[f"upper_arm_{s}"] = r_ua
        frames[f"forearm_{s}"] = r_fa
        frames[f"hand_{s}"] = r_hand
    return Skeleton(points=pts, frames=frames)
