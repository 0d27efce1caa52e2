"""Rendered figures with known joint angles: ground truth for end-to-end tests and sample clips.

The public entry point is :func:`render_clip`, which runs a movement script, draws every
frame with a shaded 3D figure (face photo on the head), writes an H.264 mp4 and returns
(and writes next to the clip as ``<clip>.truth.json``) the :class:`RenderTruth`.
See ``README.md`` in this folder for the coordinate conventions and the measured gap
between the truth and the pose model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from assess_render.body import Body, Pose, Skeleton, forward_kinematics
from assess_render.camera import Camera, FacingName, ViewName, look_at, make_camera
from assess_render.draw import Renderer, Style
from assess_render.motion import (
    GaitEvent,
    MotionScript,
    Repetition,
    extension,
    forward_bend,
    gait,
    rotation,
    side_bend,
    standing,
)
from assess_render.truth import TRUTH_NAMES, truth_series
from assess_render.video import write_video

__all__ = [
    "BLAZEPOSE_JOINTS",
    "MOVEMENTS",
    "Body",
    "GaitEvent",
    "Pose",
    "RenderTruth",
    "Repetition",
    "Style",
    "make_script",
    "render_clip",
    "render_frames",
]

#: Movement name -> script function (see :mod:`assess_render.motion` for each one's options).
MOVEMENTS = {
    "standing": standing,
    "forward_bend": forward_bend,
    "extension": extension,
    "side_bend": side_bend,
    "rotation": rotation,
    "gait": gait,
}

#: BlazePose landmark index -> the figure's joint it corresponds to.
BLAZEPOSE_JOINTS: Mapping[int, str] = {
    0: "nose",
    2: "eye_left",
    5: "eye_right",
    7: "ear_left",
    8: "ear_right",
    11: "shoulder_left",
    12: "shoulder_right",
    13: "elbow_left",
    14: "elbow_right",
    15: "wrist_left",
    16: "wrist_right",
    19: "fingertip_left",
    20: "fingertip_right",
    23: "hip_left",
    24: "hip_right",
    25: "knee_left",
    26: "knee_right",
    27: "ankle_left",
    28: "ankle_right",
    29: "heel_left",
    30: "heel_right",
    31: "toe_left",
    32: "toe_right",
}


def _json_floats(values: NDArray[np.float64], decimals: int) -> list[float | None]:
    """Rounded floats with NaN as None (JSON has no NaN)."""
    return [None if not math.isfinite(v) else round(float(v), decimals) for v in values]


def _from_json_floats(values: list[float | None]) -> NDArray[np.float64]:
    return np.array([math.nan if x is None else x for x in values], dtype=float)


def _image_facing(facing: FacingName, mirrored: bool) -> FacingName:
    if mirrored and facing in ("left", "right"):
        return "right" if facing == "left" else "left"
    return facing


@dataclass(frozen=True, kw_only=True)
class RenderTruth:
    """What is true about a rendered clip.

    Parameters
    ----------
    movement : str
        Script name (a key of :data:`MOVEMENTS`).
    view : {"side", "front", "back"}
        Camera view.
    facing : {"left", "right", "camera", "away"}
        Image direction the patient faces in the written video (after mirroring).
    mirrored : bool
        Whether the picture was flipped left-right (selfie webcam).
    roll_deg : float
        Counter-clockwise rotation of the picture content.
    fps : float
        Nominal frame rate.
    size_px : (int, int)
        Displayed frame (width, height).
    display_rotation_deg : int
        Rotation tag in the file (stored picture turned the other way).
    height_m : float
        The figure's height.
    time_s : ndarray
        (n,) presentation time of each frame.
    angles : dict[str, ndarray]
        Truth series (names in :data:`assess_render.truth.TRUTH_NAMES`), (n,) each.
    repetitions : tuple of Repetition
        True repetitions.
    gait_events : tuple of GaitEvent
        True heel strikes and toe offs.
    gait_summary : dict[str, float]
        True cadence, speed, step times (gait only).
    keypoints_px : dict[int, ndarray]
        BlazePose index -> (n, 2) true image position of the matching joint (displayed frame).
    """

    movement: str
    view: str
    facing: str
    mirrored: bool
    roll_deg: float
    fps: float
    size_px: tuple[int, int]
    display_rotation_deg: int
    height_m: float
    time_s: NDArray[np.float64]
    angles: dict[str, NDArray[np.float64]]
    repetitions: tuple[Repetition, ...] = ()
    gait_events: tuple[GaitEvent, ...] = ()
    gait_summary: dict[str, float] = field(default_factory=dict)
    keypoints_px: dict[int, NDArray[np.float64]] = field(default_factory=dict)

    def to_dict(self, *, keypoints: bool = False, decimals: int = 3) -> dict[str, Any]:
        """Plain-JSON form; ``keypoints`` adds the projected joints (larger)."""
        out: dict[str, Any] = {
            "movement": self.movement,
            "view": self.view,
            "facing": self.facing,
            "mirrored": self.mirrored,
            "roll_deg": self.roll_deg,
            "fps": self.fps,
            "size_px": list(self.size_px),
            "display_rotation_deg": self.display_rotation_deg,
            "height_m": self.height_m,
            "n_frames": len(self.time_s),
            "time_s": np.round(self.time_s, 5).tolist(),
            "angles": {k: _json_floats(v, decimals) for k, v in self.angles.items()},
            "repetitions": [r.to_dict() for r in self.repetitions],
            "gait_events": [e.to_dict() for e in self.gait_events],
            "gait_summary": dict(self.gait_summary),
        }
        if keypoints:
            out["keypoints_px"] = {str(k): np.round(v, 2).tolist() for k, v in self.keypoints_px.items()}
        return out

    def to_json(self, *, keypoints: bool = False) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(keypoints=keypoints), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> RenderTruth:
        """Read back :meth:`to_json` output."""
        d = json.loads(text)
        return cls(
            movement=d["movement"],
            view=d["view"],
            facing=d["facing"],
            mirrored=d["mirrored"],
            roll_deg=d["roll_deg"],
            fps=d["fps"],
            size_px=(int(d["size_px"][0]), int(d["size_px"][1])),
            display_rotation_deg=d["display_rotation_deg"],
            height_m=d["height_m"],
            time_s=np.asarray(d["time_s"], dtype=float),
            angles={k: _from_json_floats(v) for k, v in d["angles"].items()},
            repetitions=tuple(Repetition(**r) for r in d["repetitions"]),
            gait_events=tuple(GaitEvent(**e) for e in d["gait_events"]),
            gait_summary=d["gait_summary"],
            keypoints_px={int(k): np.asarray(v, dtype=float) for k, v in d.get("keypoints_px", {}).items()},
        )


def make_script(
    movement: str, *, fps: float = 30.0, body: Body | None = None, **options: Any
) -> MotionScript:
    """Run the movement script ``movement`` with its keyword options."""
    if movement not in MOVEMENTS:
        raise ValueError(f"movement must be one of {sorted(MOVEMENTS)}, got {movement!r}")
    fn: Any = MOVEMENTS[movement]
    return fn(fps=fps, body=body, **options)  # type: ignore[no-any-return]


def _cameras(
    script: MotionScript,
    skeletons: list[Skeleton],
    *,
    view: ViewName,
    facing: FacingName | None,
    size_px: tuple[int, int],
    roll_deg: float,
    mirrored: bool,
    distance_m: float | None,
    pan: bool,
    turn_deg: float = 0.0,
) -> list[Camera]:
    if script.movement != "gait":
        cam = make_camera(
            view=view, facing=facing, size_px=size_px, roll_deg=roll_deg, mirrored=mirrored,
            heading_deg=script.heading_deg, distance_m=distance_m or 3.6, turn_deg=turn_deg,
        )  # fmt: skip
        return [cam] * len(skeletons)
    pelvis = np.array([s["hip_centre"] for s in skeletons])
    mid = 0.5 * (pelvis[0] + pelvis[-1])
    if view == "side":
        target = (float(mid[0]), 0.88, float(mid[2]))
        dist = distance_m or 4.2
        span = float(np.linalg.norm(pelvis[-1] - pelvis[0])) + 1.2
        w, h = size_px
        focal = None if pan else min(w * dist / span, h * dist / 2.2)
        base = make_camera(
            view=view, facing=facing, size_px=size_px, roll_deg=roll_deg, mirrored=mirrored,
            heading_deg=script.heading_deg, distance_m=dist, target_m=target, focal_px=focal,
        )  # fmt: skip
        if not pan:
            return [base] * len(skeletons)
        cams = []
        for p in pelvis:
            axes = look_at(base.position_m, np.array([p[0], 0.88, p[2]]))
            cams.append(Camera(size_px=size_px, focal_px=base.focal_px, position_m=base.position_m, axes=axes,
                               roll_deg=roll_deg, mirrored=mirrored))  # fmt: skip
        return cams
    # Front / back: the camera stands on the walking line beyond the end (front) or behind the start.
    d = float(np.linalg.norm(pelvis[-1] - pelvis[0]))
    fwd = (pelvis[-1] - pelvis[0]) / max(d, 1e-9)
    if view == "front":
        pos = pelvis[-1] + fwd * (distance_m or 2.5)
        near = distance_m or 2.5
    else:
        pos = pelvis[0] - fwd * (distance_m or 2.5)
        near = distance_m or 2.5
    pos = np.array([pos[0], 1.05, pos[2]])
    target = pos - np.array([0, 0.17, 0]) + (-fwd if view == "front" else fwd) * 4.0
    w, h = size_px
    focal = h * near / 2.3
    cam = Camera(
        size_px=size_px,
        focal_px=focal,
        position_m=pos,
        axes=look_at(pos, target),
        roll_deg=roll_deg,
        mirrored=mirrored,
    )
    return [cam] * len(skeletons)


def render_frames(
    skeletons: list[Skeleton], cameras: list[Camera], renderer: Renderer, *, subject_m: NDArray[np.float64]
) -> Iterator[NDArray[np.uint8]]:
    """Draw each skeleton with its camera (a generator of RGB frames)."""
    for sk, cam in zip(skeletons, cameras, strict=True):
        yield renderer.draw(sk, cam, subject_m=subject_m)


def render_clip(
    *,
    movement: str,
    out_path: Path,
    view: ViewName = "side",
    facing: FacingName | None = None,
    roll_deg: float = 0.0,
    fps: float = 30.0,
    mirrored: bool = False,
    size_px: tuple[int, int] = (640, 480),
    height_m: float = 1.75,
    style: Style | None = None,
    camera_distance_m: float | None = None,
    camera_turn_deg: float = 0.0,
    pan: bool = False,
    portrait_rotation_tag: bool = False,
    frame_time_jitter_s: float = 0.0,
    crf: int = 23,
    preset: str = "veryfast",
    write_truth: bool = True,
    keypoints_in_json: bool = False,
    seed: int = 0,
    **script_options: Any,
) -> RenderTruth:
    """Render a movement to an mp4 and return (and write) its truth.

    Parameters
    ----------
    movement : str
        A key of :data:`MOVEMENTS`.
    out_path : Path
        The mp4 to write; the truth goes to ``<out_path>.truth.json``.
    view : {"side", "front", "back"}
        Camera position. For gait, side = walking across the frame, front = toward the
        camera, back = away from it.
    facing : {"left", "right"} or None
        Side view only: the image direction the patient faces before mirroring ("left":
        camera at the patient's left side). None = "left".
    roll_deg : float
        Counter-clockwise rotation of the picture content.
    fps : float
        Frame rate.
    mirrored : bool
        Flip left-right (selfie webcam); the truth's ``facing`` is the mirrored one.
    size_px : (int, int)
        Displayed (width, height), even.
    height_m : float
        Figure height.
    style : Style or None
        Colours.
    camera_distance_m : float or None
        Camera distance (default 3.6 m, gait side 4.2 m).
    camera_turn_deg : float
        Clinical movements: the camera moved this far round the subject from ``view``, + toward
        the subject's right (an oblique camera; from the left side view +45 is 45 deg toward
        the front).
    pan : bool
        Gait side view: the camera turns to follow the walker (wider focal length).
    portrait_rotation_tag : bool
        Store the frame turned 90 deg counter-clockwise with a -90 deg display rotation
        tag, as phones do; the displayed picture is ``size_px``.
    frame_time_jitter_s : float
        Variable frame rate: each frame time moves by up to this much (uniform, seeded).
    crf : int
        x264 quality.
    preset : str
        x264 speed preset.
    write_truth : bool
        Write ``<out_path>.truth.json``.
    keypoints_in_json : bool
        Include the projected joints in the JSON file.
    seed : int
        Seed for the frame-time jitter.
    **script_options
        Passed to the movement script (peaks, holds, repetitions, speed...).

    Returns
    -------
    RenderTruth
        The truth of the clip.
    """
    body = Body.from_height(height_m)
    script = make_script(movement, fps=fps, body=body, **script_options)
    skeletons = [forward_kinematics(p, body) for p in script.poses]
    neutral = forward_kinematics(
        Pose(heading_deg=script.heading_deg, position_m=script.poses[0].position_m), body
    )
    angles = truth_series(skeletons, heading_deg=script.heading_deg, neutral=neutral)
    if movement == "gait":
        for name in ("pelvis_shift_cm", "fingertip_drop_left_cm", "fingertip_drop_right_cm"):
            angles[name] = np.full(len(skeletons), math.nan)
    cams = _cameras(
        script, skeletons, view=view, facing=facing, size_px=size_px, roll_deg=roll_deg, mirrored=mirrored,
        distance_m=camera_distance_m, pan=pan, turn_deg=camera_turn_deg,
    )  # fmt: skip
    renderer = Renderer(body=body, style=style or Style())
    time_s = script.time_s.copy()
    if frame_time_jitter_s > 0:
        rng = np.random.default_rng(seed)
        jitter = rng.uniform(-frame_time_jitter_s, frame_time_jitter_s, size=len(time_s))
        jitter[0] = 0.0
        time_s = time_s + jitter
        if np.any(np.diff(time_s) <= 0):
            raise ValueError("frame_time_jitter_s is too large for the frame rate")
    subject = np.array([script.poses[0].position_m[0], 0.0, script.poses[0].position_m[1]])
    if movement == "gait":
        subject = 0.5 * (skeletons[0]["hip_centre"] + skeletons[-1]["hip_centre"]) * np.array([1.0, 0.0, 1.0])
    frames: Iterator[NDArray[np.uint8]] = render_frames(skeletons, cams, renderer, subject_m=subject)
    rotation_tag = 0
    if portrait_rotation_tag:
        frames = (np.ascontiguousarray(cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE)) for f in frames)
        rotation_tag = -90
    out_path = Path(out_path)
    write_video(
        frames, out_path, fps=fps, time_s=time_s if frame_time_jitter_s > 0 else None,
        display_rotation_deg=rotation_tag, crf=crf, preset=preset,
    )  # fmt: skip
    keypoints = {}
    for idx, name in BLAZEPOSE_JOINTS.items():
        keypoints[idx] = np.array(
            [cam.project(sk[name][None, :])[0][0] for sk, cam in zip(skeletons, cams, strict=True)]
        )
    facing_name = facing if view == "side" and facing is not None else None
    base_facing: FacingName = (
        "camera" if view == "front" else "away" if view == "back" else (facing_name or "left")
    )
    truth = RenderTruth(
        movement=movement,
        view=view,
        facing=_image_facing(base_facing, mirrored),
        mirrored=mirrored,
        roll_deg=roll_deg,
        fps=fps,
        size_px=size_px,
        display_rotation_deg=rotation_tag,
        height_m=height_m,
        time_s=time_s,
        angles=angles,
        repetitions=script.repetitions,
        gait_events=script.gait_events,
        gait_summary=script.gait_summary,
        keypoints_px=keypoints,
    )
    if write_truth:
        out_path.with_name(out_path.name + ".truth.json").write_text(
            truth.to_json(keypoints=keypoints_in_json)
        )
    return truth


assert set(TRUTH_NAMES)  # the truth names are part of the public contract
