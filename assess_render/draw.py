"""Draw one frame of the figure: shaded meshes in painter's order, with OpenCV.

Every body part is a closed generalized cylinder (rings of an elliptical cross-section
along a possibly curved axis, with rounded ends). Quads facing away from the camera are
culled, the rest are Lambert-shaded and filled far to near. The head carries a face
photo (Grace Hopper, shipped with matplotlib) warped onto the front of the head when the
face turns toward the camera; otherwise it shows a modelled nose, eyes and ears.
The frame is drawn at ``supersample`` times the size and shrunk, which anti-aliases it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from assess_render.body import SIDES, Body, Skeleton, Vec
from assess_render.camera import Camera

RGB = tuple[int, int, int]
#: Heights above the hip centre (m, for a 1.75 m figure) over which the torso's cross-sections
#: turn from the pelvis's orientation to the chest's: the lumbar spine bends, the pelvis does not.
SPINE_BLEND_M = (0.0, 0.30)
Image = NDArray[np.uint8]

#: Region of the face photo used (x0, y0, x1, y1) and its eye row / eye centres (px).
_FACE_CROP = (150, 108, 380, 352)
_FACE_EYES_PX = ((215.0, 195.0), (315.0, 195.0))  # image-left eye = the person's right eye


@dataclass(frozen=True, kw_only=True)
class Style:
    """Colours (RGB 0-255) and look of the figure and the room.

    Parameters
    ----------
    shirt_rgb, trousers_rgb, skin_rgb, hair_rgb, shoe_rgb : (int, int, int)
        Clothing and body colours.
    wall_rgb, floor_rgb, skirting_rgb : (int, int, int)
        Room colours.
    face_photo : bool
        Put the face photo on the head when it faces the camera.
    wall_distance_m : float
        Distance of the wall behind the subject, along the camera's view.
    shadow : bool
        Draw a soft contact shadow under the feet.
    """

    shirt_rgb: RGB = (52, 96, 160)
    trousers_rgb: RGB = (48, 50, 62)
    skin_rgb: RGB = (222, 174, 142)
    hair_rgb: RGB = (72, 64, 58)
    shoe_rgb: RGB = (235, 235, 232)
    wall_rgb: RGB = (214, 207, 190)
    floor_rgb: RGB = (148, 124, 98)
    skirting_rgb: RGB = (236, 236, 230)
    face_photo: bool = True
    wall_distance_m: float = 2.0
    shadow: bool = True


# ----------------------------------------------------------------------------- geometry


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.asarray(v / np.maximum(n, 1e-12))


def _perp_frame(axis: Vec, hint: Vec) -> tuple[Vec, Vec]:
    """Two unit vectors orthogonal to ``axis``: ``u`` closest to ``hint``, and ``v = axis x u``."""
    a = axis / np.linalg.norm(axis)
    u = hint - a * float(hint @ a)
    if np.linalg.norm(u) < 1e-6:
        u = np.cross(a, [0.0, 0.0, 1.0]) if abs(a[2]) < 0.9 else np.cross(a, [1.0, 0.0, 0.0])
    u = u / np.linalg.norm(u)
    return u, np.cross(a, u)


@dataclass
class _Mesh:
    """Quads being collected for one frame."""

    quads: list[NDArray[np.float64]] = field(default_factory=list)  # (q, 4, 3)
    normals: list[NDArray[np.float64]] = field(default_factory=list)  # (q, 3)
    colours: list[NDArray[np.float64]] = field(default_factory=list)  # (q, 3)
    parts: list[NDArray[np.int_]] = field(default_factory=list)  # (q,) 1 for the head, else 0

    def add_tube(
        self,
        centres: NDArray[np.float64],
        u_axes: NDArray[np.float64],
        v_axes: NDArray[np.float64],
        radii_u: NDArray[np.float64],
        radii_v: NDArray[np.float64],
        colours: NDArray[np.float64] | RGB,
        *,
        n_around: int = 14,
        part: int = 0,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Add a tube; returns its quads' ring indices and angles (for colouring callers)."""
        theta = np.linspace(0.0, 2 * np.pi, n_around, endpoint=False)
        ct, st = np.cos(theta), np.sin(theta)
        ring = (
            centres[:, None, :]
            + radii_u[:, None, None] * ct[None, :, None] * u_axes[:, None, :]
            + radii_v[:, None, None] * st[None, :, None] * v_axes[:, None, :]
        )  # (m, n, 3)
        j1 = np.roll(np.arange(n_around), -1)
        q = np.stack([ring[:-1], ring[:-1][:, j1], ring[1:][:, j1], ring[1:]], axis=2)  # (m-1, n, 4, 3)
        q = q.reshape(-1, 4, 3)
        nrm = np.cross(q[:, 2] - q[:, 0], q[:, 3] - q[:, 1])
        mid_axis = (0.5 * (centres[:-1] + centres[1:]))[:, None, :].repeat(n_around, axis=1).reshape(-1, 3)
        outward = q.mean(axis=1) - mid_axis
        flip = np.einsum("ij,ij->i", nrm, outward) < 0
        nrm[flip] *= -1
        nrm = _unit(nrm)
        ok = np.linalg.norm(np.cross(q[:, 2] - q[:, 0], q[:, 3] - q[:, 1]), axis=1) > 1e-10
        rings = np.repeat(np.arange(len(centres) - 1), n_around)
        angles = np.tile(theta + np.pi / n_around, len(centres) - 1)
        if isinstance(colours, tuple):
            col = np.broadcast_to(np.asarray(colours, dtype=float), (len(q), 3))
        else:
            col = np.asarray(colours, dtype=float)
        self.quads.append(q[ok])
        self.normals.append(nrm[ok])
        self.colours.append(np.asarray(col)[ok])
        self.parts.append(np.full(int(ok.sum()), part, dtype=np.int_))
        return rings[ok], angles[ok]


def _capsule_profile(
    stations: list[tuple[float, float, float]], *, round_start: bool = True, round_end: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Positions along the axis and radii, with rounded ends, from ``(s, r_u, r_v)`` stations."""
    s = [st[0] for st in stations]
    ru = [st[1] for st in stations]
    rv = [st[2] for st in stations]
    caps = (80.0, 55.0, 28.0)
    if round_start:
        r0 = 0.5 * (ru[0] + rv[0])
        for phi in caps:
            p = math.radians(phi)
            s.insert(0, s[0] - 0.0)  # placeholder, fixed below
            ru.insert(0, ru[len(caps) - caps.index(phi) - 1] if False else 0.0)
            rv.insert(0, 0.0)
        base = s[len(caps)]
        for k, phi in enumerate(caps):
            p = math.radians(phi)
            s[k] = base - r0 * math.sin(p)
            ru[k] = ru[len(caps)] * math.cos(p)
            rv[k] = rv[len(caps)] * math.cos(p)
    if round_end:
        r1 = 0.5 * (ru[-1] + rv[-1])
        end_s, end_u, end_v = s[-1], ru[-1], rv[-1]
        for phi in reversed(caps):
            p = math.radians(phi)
            s.append(end_s + r1 * math.sin(p))
            ru.append(end_u * math.cos(p))
            rv.append(end_v * math.cos(p))
    return np.array(s), np.array(ru), np.array(rv)


def _segment(
    mesh: _Mesh,
    a: Vec,
    b: Vec,
    hint_u: Vec,
    stations: list[tuple[float, float, float]],
    colour: RGB | list[tuple[float, RGB]],
    *,
    n_around: int = 14,
    round_start: bool = True,
    round_end: bool = True,
) -> None:
    """A tube from ``a`` to ``b``; stations ``(fraction of length, r_u, r_v)``; colour or bands."""
    axis = b - a
    length = float(np.linalg.norm(axis))
    if length < 1e-9:
        return
    d = axis / length
    u, v = _perp_frame(d, hint_u)
    s, ru, rv = _capsule_profile(
        [(f * length, r1, r2) for f, r1, r2 in stations], round_start=round_start, round_end=round_end
    )
    m = len(s)
    centres = a[None, :] + s[:, None] * d[None, :]
    if isinstance(colour, tuple):
        cols: NDArray[np.float64] | RGB = colour
    else:
        mids = 0.5 * (s[:-1] + s[1:]) / length
        ring_cols = np.empty((m - 1, 3))
        for i, f in enumerate(mids):
            ring_cols[i] = next((c for lim, c in colour if f <= lim), colour[-1][1])
        cols = np.repeat(ring_cols, n_around, axis=0)
    mesh.add_tube(centres, np.tile(u, (m, 1)), np.tile(v, (m, 1)), ru, rv, cols, n_around=n_around)


def _ellipsoid(
    mesh: _Mesh, centre: Vec, frame: Vec, radii: tuple[float, float, float], colour: RGB, *, n: int = 10
) -> None:
    """An ellipsoid with semi-axes (forward, up, right) in ``frame``'s columns."""
    el = np.radians(np.linspace(-90, 90, n))
    up = frame[:, 1]
    centres = centre[None, :] + (radii[1] * np.sin(el))[:, None] * up[None, :]
    c = np.cos(el)
    mesh.add_tube(
        centres,
        np.tile(frame[:, 2], (n, 1)),
        np.tile(frame[:, 0], (n, 1)),
        radii[2] * c,
        radii[0] * c,
        colour,
        n_around=n + 2,
    )


def _rotvec_lerp(r0: Vec, r1: Vec, w: float) -> Vec:
    """Rotation ``w`` of the way from ``r0`` to ``r1`` (geodesic)."""
    rel = r0.T @ r1
    cos = (np.trace(rel) - 1.0) / 2.0
    ang = math.acos(min(1.0, max(-1.0, cos)))
    if ang < 1e-9:
        return r0
    axis = np.array([rel[2, 1] - rel[1, 2], rel[0, 2] - rel[2, 0], rel[1, 0] - rel[0, 1]]) / (
        2 * math.sin(ang)
    )
    a = w * ang
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rot = np.eye(3) + math.sin(a) * k + (1 - math.cos(a)) * (k @ k)
    return np.asarray(r0 @ rot)


# ----------------------------------------------------------------------------- the figure


def build_mesh(skel: Skeleton, body: Body, style: Style) -> _Mesh:
    """All quads of the posed figure (world coordinates)."""
    mesh = _Mesh()
    k = body.height_m / 1.75
    p = skel.points
    f = skel.frames
    shirt, trousers, skin = style.shirt_rgb, style.trousers_rgb, style.skin_rgb

    # Torso along a curved spine: pelvis frame at the bottom blending into the trunk frame.
    # (height above the hip centre m, half-width m, half-depth m, forward offset m)
    torso = [
        (-0.095, 0.135, 0.085, -0.012),
        (-0.060, 0.165, 0.105, -0.018),
        (0.000, 0.178, 0.110, -0.012),
        (0.070, 0.166, 0.100, -0.004),
        (0.150, 0.150, 0.094, 0.004),
        (0.240, 0.158, 0.104, 0.010),
        (0.320, 0.170, 0.114, 0.012),
        (0.400, 0.178, 0.114, 0.006),
        (0.460, 0.172, 0.102, -0.004),
        (0.505, 0.150, 0.080, -0.010),
        (0.530, 0.105, 0.066, -0.012),
        (0.550, 0.070, 0.058, -0.012),
    ]
    scale_h = body.trunk_m / 0.504
    hs = np.array([t[0] for t in torso]) * scale_h
    r_p, r_t = f["pelvis"], f["trunk"]
    b0, b1 = SPINE_BLEND_M
    blend = np.clip((hs - b0 * scale_h) / ((b1 - b0) * scale_h), 0.0, 1.0)
    frames = [_rotvec_lerp(r_p, r_t, float(w)) for w in blend]
    centres = np.empty((len(hs), 3))
    centres[0] = p["hip_centre"] + frames[0] @ np.array([0.0, hs[0], 0.0])
    for i in range(1, len(hs)):
        rm = _rotvec_lerp(frames[i - 1], frames[i], 0.5)
        centres[i] = centres[i - 1] + rm @ np.array([0.0, hs[i] - hs[i - 1], 0.0])
    # Make the spine end exactly at the shoulder centre at the shoulder height.
    at_sh = float(np.interp(body.trunk_m, hs, np.arange(len(hs))))
    i0 = int(at_sh)
    end = centres[i0] + (at_sh - i0) * (centres[min(i0 + 1, len(hs) - 1)] - centres[i0])
    err = p["shoulder_centre"] - end
    wts = np.clip(hs / body.trunk_m, 0.0, None)[:, None]
    centres = centres + wts * err[None, :]
    fwd = np.array([fr[:, 0] for fr in frames])
    centres = centres + fwd * (np.array([t[3] for t in torso]) * k)[:, None]
    ru = np.array([t[1] for t in torso]) * k
    rv = np.array([t[2] for t in torso]) * k
    s_u = np.array([fr[:, 2] for fr in frames])
    # Rounded bottom: a cap ring below the first station.
    cap_c = centres[0] - frames[0][:, 1] * 0.035 * k
    centres = np.vstack([cap_c, centres])
    s_u = np.vstack([s_u[:1], s_u])
    fwd = np.vstack([fwd[:1], fwd])
    ru = np.concatenate([[ru[0] * 0.55], ru])
    rv = np.concatenate([[rv[0] * 0.55], rv])
    belt = 0.075 * scale_h
    hs_all = np.concatenate([[hs[0] - 0.035], hs])
    ring_mid = 0.5 * (hs_all[:-1] + hs_all[1:])
    n_around = 20
    cols = np.repeat(np.where(ring_mid[:, None] < belt, trousers, shirt), n_around, axis=0).astype(float)
    mesh.add_tube(centres, s_u, fwd, ru, rv, cols, n_around=n_around)

    # Neck and head.
    r_h = f["head"]
    neck_base = p["shoulder_centre"] + r_t @ np.array([-0.012 * k, 0.06 * k, 0.0])
    _segment(
        mesh,
        neck_base,
        p["neck"] + r_h @ np.array([0.0, 0.02 * k, 0.0]),
        r_t[:, 2],
        [(0.0, 0.056 * k, 0.058 * k), (1.0, 0.050 * k, 0.054 * k)],
        skin,
        n_around=12,
    )
    fx, fy, fz = body.head_radii_m
    n_el = 13
    el = np.radians(np.linspace(-90, 90, n_el))
    hc = p["head_centre"]
    # A slightly egg-shaped head: narrower jaw.
    jaw = 1.0 - 0.18 * np.clip(-np.sin(el), 0.0, None) ** 1.5
    h_centres = hc[None, :] + (fy * np.sin(el))[:, None] * r_h[:, 1][None, :]
    n_head = 18
    theta_cols: list[NDArray[np.float64]] = []
    h_ru = fz * np.cos(el) * jaw
    h_rv = fx * np.cos(el) * jaw
    # colour per quad: hair on top and back, skin on the face and neck
    theta = np.linspace(0, 2 * np.pi, n_head, endpoint=False) + np.pi / n_head
    el_mid = 0.5 * (el[:-1] + el[1:])
    a_fwd = np.sin(theta)[None, :] * np.cos(el_mid)[:, None]  # forward component
    b_up = np.broadcast_to(np.sin(el_mid)[:, None], a_fwd.shape)
    hair = (b_up > 0.55) | ((a_fwd < -0.05) & (b_up > -0.45)) | ((b_up > 0.25) & (a_fwd < 0.6))
    head_cols = np.where(hair[..., None], style.hair_rgb, skin).reshape(-1, 3).astype(float)
    theta_cols.append(head_cols)
    mesh.add_tube(
        h_centres,
        np.tile(r_h[:, 2], (n_el, 1)),
        np.tile(r_h[:, 0], (n_el, 1)),
        h_ru,
        h_rv,
        head_cols,
        n_around=n_head,
        part=1,
    )
    for s in SIDES:
        _ellipsoid(
            mesh,
            p[f"ear_{s}"],
            r_h,
            (0.022 * k, 0.032 * k, 0.012 * k),
            (int(skin[0] * 0.93), int(skin[1] * 0.93), int(skin[2] * 0.93)),
            n=7,
        )

    # Arms.
    for s in SIDES:
        r_ua = f[f"upper_arm_{s}"]
        sleeve = 0.55
        _segment(
            mesh,
            p[f"shoulder_{s}"],
            p[f"elbow_{s}"],
            r_ua[:, 2],
            [
                (0.0, 0.056 * k, 0.060 * k),
                (0.35, 0.050 * k, 0.052 * k),
                (sleeve, 0.047 * k, 0.048 * k),
                (1.0, 0.038 * k, 0.040 * k),
            ],
            [(sleeve, shirt), (2.0, skin)],
            n_around=14,
        )
        _segment(
            mesh,
            p[f"elbow_{s}"],
            p[f"wrist_{s}"],
            r_ua[:, 2],
            [(0.0, 0.037 * k, 0.039 * k), (0.3, 0.040 * k, 0.038 * k), (1.0, 0.026 * k, 0.022 * k)],
            skin,
            n_around=12,
        )
        r_hand = f[f"hand_{s}"]
        _segment(
            mesh,
            p[f"wrist_{s}"],
            p[f"fingertip_{s}"],
            r_hand[:, 0],
            [
                (0.0, 0.026 * k, 0.018 * k),
                (0.30, 0.043 * k, 0.020 * k),
                (0.55, 0.042 * k, 0.017 * k),
                (0.8, 0.034 * k, 0.013 * k),
                (0.95, 0.022 * k, 0.010 * k),
            ],
            skin,
            n_around=12,
            round_start=False,
        )

    # Legs and shoes.
    for s in SIDES:
        r_f = f[f"foot_{s}"]
        hip, knee, ankle = p[f"hip_{s}"], p[f"knee_{s}"], p[f"ankle_{s}"]
        thigh_top = hip + f["pelvis"] @ np.array([0.0, 0.03 * k, 0.0])
        _segment(
            mesh,
            thigh_top,
            knee,
            r_f[:, 2],
            [
                (0.0, 0.082 * k, 0.088 * k),
                (0.4, 0.074 * k, 0.078 * k),
                (0.85, 0.056 * k, 0.058 * k),
                (1.0, 0.052 * k, 0.054 * k),
            ],
            trousers,
            n_around=16,
            round_start=False,
        )
        _segment(
            mesh,
            knee,
            ankle,
            r_f[:, 2],
            [
                (0.0, 0.052 * k, 0.054 * k),
                (0.3, 0.055 * k, 0.060 * k),
                (0.8, 0.042 * k, 0.044 * k),
                (1.0, 0.040 * k, 0.042 * k),
            ],
            trousers,
            n_around=14,
            round_end=False,
        )
        # Shoe in the foot frame: (x along the foot, centre height, half-width, half-height).
        shoe = [
            (-0.072, -0.030, 0.030, 0.030),
            (-0.055, -0.020, 0.040, 0.046),
            (-0.010, -0.012, 0.044, 0.056),
            (0.050, -0.030, 0.046, 0.040),
            (0.120, -0.042, 0.047, 0.028),
            (0.190, -0.048, 0.038, 0.020),
            (0.212, -0.050, 0.020, 0.012),
        ]
        xs = np.array([q[0] for q in shoe]) * k
        cen = (
            ankle[None, :]
            + xs[:, None] * r_f[:, 0][None, :]
            + (np.array([q[1] for q in shoe]) * k)[:, None] * r_f[:, 1][None, :]
        )
        mesh.add_tube(
            cen,
            np.tile(r_f[:, 2], (len(shoe), 1)),
            np.tile(r_f[:, 1], (len(shoe), 1)),
            np.array([q[2] for q in shoe]) * k,
            np.array([q[3] for q in shoe]) * k,
            style.shoe_rgb,
            n_around=14,
        )
    return mesh


# ----------------------------------------------------------------------------- face photo


@cache
def _face_texture() -> tuple[Image, NDArray[np.float32]]:
    """The cropped face photo (RGB) and its feathered elliptical alpha mask."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    bgr = cv2.imread(str(path))
    if bgr is None:
        raise FileNotFoundError(f"face photo not found at {path}")
    x0, y0, x1, y1 = _FACE_CROP
    crop = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)[y0:y1, x0:x1])
    h, w = crop.shape[:2]
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(mask, (int(265 - x0), int(232 - y0)), (104, 116), 0, 0, 360, 1.0, -1)
    blurred = np.asarray(cv2.GaussianBlur(mask, (0, 0), 6), dtype=np.float32)
    return np.asarray(crop, dtype=np.uint8), blurred


def _face_plane_points(body: Body) -> NDArray[np.float64]:
    """Head-frame 3D points of the photo crop's corners (forward, up, right)."""
    (exl, ey), (exr, _) = _FACE_EYES_PX
    fx, fy, fz = body.head_radii_m
    eye_sep_m = 2 * 0.41 * fz
    m_per_px = eye_sep_m / (exr - exl)
    cx = 0.5 * (exl + exr)
    x0, y0, x1, y1 = _FACE_CROP
    pts = []
    for u, v in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
        pts.append([fx * 0.80, 0.13 * fy + (ey - v) * m_per_px, (cx - u) * m_per_px])
    return np.array(pts)


def _draw_face(canvas: Image, skel: Skeleton, body: Body, cam: Camera, alpha_scale: float) -> None:
    crop, mask = _face_texture()
    r_h = skel.frames["head"]
    world = skel["head_centre"][None, :] + _face_plane_points(body) @ r_h.T
    uv, depth = cam.project(world)
    if np.any(depth < 0.05):
        return
    x0, y0, x1, y1 = _FACE_CROP
    src = np.array([[0, 0], [x1 - x0, 0], [x1 - x0, y1 - y0], [0, y1 - y0]], dtype=np.float32)
    h_img, w_img = canvas.shape[:2]
    bx0 = max(int(np.floor(uv[:, 0].min())) - 2, 0)
    by0 = max(int(np.floor(uv[:, 1].min())) - 2, 0)
    bx1 = min(int(np.ceil(uv[:, 0].max())) + 2, w_img)
    by1 = min(int(np.ceil(uv[:, 1].max())) + 2, h_img)
    if bx1 <= bx0 or by1 <= by0:
        return
    dst = np.asarray(uv - np.array([bx0, by0]), dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    size = (bx1 - bx0, by1 - by0)
    warped = cv2.warpPerspective(crop, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    a = cv2.warpPerspective(mask, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    a = (a * alpha_scale)[..., None]
    roi = canvas[by0:by1, bx0:bx1]
    canvas[by0:by1, bx0:bx1] = (roi * (1.0 - a) + warped * a).astype(np.uint8)


# ----------------------------------------------------------------------------- background


def background(cam: Camera, style: Style, *, subject_m: Vec | None = None) -> Image:
    """The room behind the subject: a floor and a wall with a skirting board, lightly textured."""
    w, h = cam.size_px
    subject = np.zeros(3) if subject_m is None else np.asarray(subject_m, dtype=float)
    uu, vv = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    if cam.mirrored:
        uu = w - uu
    x = uu - w / 2.0
    y = vv - h / 2.0
    if cam.roll_deg:
        a = math.radians(cam.roll_deg)
        c, s = math.cos(a), math.sin(a)
        x, y = x * c - y * s, x * s + y * c
    rays = np.stack([x / cam.focal_px, y / cam.focal_px, np.ones_like(x)], axis=-1) @ cam.axes
    origin = cam.position_m
    view = cam.viewing_direction.copy()
    view[1] = 0.0
    view /= np.linalg.norm(view)
    wall_d = float((subject - origin) @ view) + style.wall_distance_m
    t_wall = wall_d / np.maximum(rays @ view, 1e-6)
    t_floor = np.where(rays[..., 1] < -1e-6, -origin[1] / np.minimum(rays[..., 1], -1e-6), np.inf)
    on_floor = t_floor < t_wall
    hit_wall = origin + rays * t_wall[..., None]
    hit_floor = origin + rays * np.where(np.isfinite(t_floor), t_floor, 0.0)[..., None]
    img = np.empty((h, w, 3), np.float64)
    wall = np.asarray(style.wall_rgb, float)
    floor = np.asarray(style.floor_rgb, float)
    yw = hit_wall[..., 1]
    lat = hit_wall @ np.cross(view, [0.0, 1.0, 0.0])
    wall_shade = 1.0 - 0.10 * np.clip((yw - 1.0) / 2.0, -1, 1) - 0.04 * np.cos(lat * 0.9)
    img[:] = wall[None, None, :] * wall_shade[..., None]
    skirting = (yw < 0.09) & ~on_floor
    img[skirting] = np.asarray(style.skirting_rgb, float) * 0.95
    dist = np.linalg.norm(hit_floor - origin, axis=-1)
    boards = 0.97 + 0.03 * np.sign(np.sin((hit_floor @ view) * 9.0))
    floor_shade = np.clip(1.05 - 0.05 * dist, 0.75, 1.05) * boards
    img[on_floor] = floor[None, :] * floor_shade[on_floor][:, None]
    rng = np.random.default_rng(7)
    img += rng.normal(0.0, 2.0, size=(h, w, 1))
    return np.clip(img, 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------- frame


@dataclass
class Renderer:
    """Draws frames of one figure in one style; caches the background per camera.

    Parameters
    ----------
    body : Body
        The figure's dimensions.
    style : Style
        Colours and options.
    supersample : int
        Draw at this multiple of the frame size, then shrink (anti-aliasing).
    """

    body: Body
    style: Style = field(default_factory=Style)
    supersample: int = 2
    _bg_key: tuple[object, ...] | None = None
    _bg: Image | None = None

    def _background(self, cam: Camera, subject: Vec) -> Image:
        key = (
            cam.size_px,
            cam.focal_px,
            tuple(cam.position_m),
            tuple(cam.axes.ravel()),
            cam.roll_deg,
            cam.mirrored,
            tuple(np.round(subject, 3)),
        )
        if self._bg is None or key != self._bg_key:
            self._bg = background(cam, self.style, subject_m=subject)
            self._bg_key = key
        return self._bg

    def draw(self, skel: Skeleton, cam: Camera, *, subject_m: Vec | None = None) -> Image:
        """Render one RGB frame (height, width, 3) uint8.

        Parameters
        ----------
        skel : Skeleton
            The posed figure.
        cam : Camera
            The camera.
        subject_m : ndarray or None
            Where the room's wall is measured from (defaults to the world origin); keep it
            fixed across a clip so the background does not move.
        """
        ss = self.supersample
        big = dataclasses.replace(
            cam, size_px=(cam.size_px[0] * ss, cam.size_px[1] * ss), focal_px=cam.focal_px * ss
        )
        subject = np.zeros(3) if subject_m is None else np.asarray(subject_m, dtype=float)
        canvas = self._background(big, subject).copy()
        if self.style.shadow:
            self._shadow(canvas, skel, big)
        mesh = build_mesh(skel, self.body, self.style)
        quads = np.concatenate(mesh.quads)
        normals = np.concatenate(mesh.normals)
        colours = np.concatenate(mesh.colours)
        parts = np.concatenate(mesh.parts)
        centroid = quads.mean(axis=1)
        to_cam = big.position_m[None, :] - centroid
        visible = np.einsum("ij,ij->i", normals, to_cam) > 0
        quads, normals, colours, parts = quads[visible], normals[visible], colours[visible], parts[visible]
        uv, depth = big.project(quads)
        cdepth = depth.mean(axis=1)
        light = _unit(-big.viewing_direction * 0.55 + np.array([0.0, 0.75, 0.0]) - big.axes[0] * 0.35)
        lam = np.clip(normals @ light, 0.0, 1.0)
        rim = np.clip(1.0 - np.abs(np.einsum("ij,ij->i", normals, _unit(to_cam[visible]))), 0, 1) ** 3
        shade = 0.40 + 0.62 * lam - 0.12 * rim
        rgb = np.clip(colours * shade[:, None], 0, 255)

        # The face photo is one more item in painter's order, just in front of the head.
        r_h = skel.frames["head"]
        hc = skel["head_centre"]
        to_cam_h = big.position_m - hc
        facing = float(r_h[:, 0] @ to_cam_h) / float(np.linalg.norm(to_cam_h))
        face_alpha = float(np.clip((facing - 0.30) / 0.35, 0.0, 1.0)) if self.style.face_photo else 0.0
        head_depths = cdepth[parts == 1]
        face_depth = float(head_depths.min()) - 1e-4 if head_depths.size else -np.inf
        order = np.argsort(-cdepth, kind="stable")
        pts = np.round(uv * 16).astype(np.int32)
        face_done = face_alpha <= 0.0
        for i in order:
            if not face_done and cdepth[i] < face_depth:
                _draw_face(canvas, skel, self.body, big, face_alpha)
                face_done = True
            c = rgb[i]
            cv2.fillConvexPoly(canvas, pts[i], (float(c[0]), float(c[1]), float(c[2])), cv2.LINE_8, 4)
        if not face_done:
            _draw_face(canvas, skel, self.body, big, face_alpha)
        if ss == 1:
            return canvas
        return np.asarray(cv2.resize(canvas, cam.size_px, interpolation=cv2.INTER_AREA))

    def _shadow(self, canvas: Image, skel: Skeleton, cam: Camera) -> None:
        feet = np.array([skel[f"{n}_{s}"] for n in ("heel", "toe") for s in SIDES])
        centre = feet.mean(axis=0)
        centre[1] = 0.001
        span = 0.30 * self.body.height_m / 1.75
        ang = np.linspace(0, 2 * np.pi, 32, endpoint=False)
        ring = centre[None, :] + np.stack([np.cos(ang) * span, np.zeros_like(ang), np.sin(ang) * span], 1)
        uv, depth = cam.project(ring)
        if np.any(depth <= 0):
            return
        sigma = max(2.0, cam.focal_px * 0.04 / 3.0)
        pad = int(3 * sigma) + 2
        h, w = canvas.shape[:2]
        x0 = max(int(uv[:, 0].min()) - pad, 0)
        y0 = max(int(uv[:, 1].min()) - pad, 0)
        x1 = min(int(uv[:, 0].max()) + pad, w)
        y1 = min(int(uv[:, 1].max()) + pad, h)
        if x1 <= x0 or y1 <= y0:
            return
        q = 4  # blur a quarter-size mask: the shadow is soft anyway
        small = np.zeros(((y1 - y0) // q + 1, (x1 - x0) // q + 1), np.float32)
        cv2.fillPoly(small, [np.round((uv - [x0, y0]) / q).astype(np.int32)], 1.0)
        small = cv2.GaussianBlur(small, (0, 0), sigma / q)
        layer = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
        roi = canvas[y0:y1, x0:x1]
        canvas[y0:y1, x0:x1] = (roi * (1.0 - 0.35 * layer[..., None])).astype(np.uint8)
