"""Live feedback for a patient's self-check: checks, the angle from neutral, a repetition count, cues.

Everything here is causal (each frame is decided from the frames before it), so a webcam display
keeps up: the trunk angle of the movement is read from one pose, measured from the patient's own
neutral (the first steady second once the checks pass), smoothed by a one-pole low-pass and
counted by the hysteresis rules of :mod:`assess.repetitions` (same thresholds as the clip
analysis). This is a coaching display, not a measurement: the figures of record come from a
recording analysed by :func:`assess.service.assess_clip`.

Pure numpy; no video, model or app code.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray

from assess.geometry import inclination_deg, joint_angle_deg
from assess.landmarks import INDEX, LandmarkSeries
from assess.repetitions import RepetitionRules
from assess.types import Facing, Side, View
from assess.view import ViewEstimate, detect_view

FloatArray = NDArray[np.float64]

#: Body parts that must be seen inside the picture for "whole body in view": each by any one of its
#: landmarks (from the side the far shoulder, hip or ankle is hidden).
WHOLE_BODY: Final = (
    ("nose", "left_ear", "right_ear"),
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
    ("left_ankle", "right_ankle", "left_heel", "right_heel"),
)
MIN_VISIBILITY: Final = 0.5
#: A landmark closer than this fraction of the picture to its edge counts as out of view.
EDGE_MARGIN_FRACTION: Final = 0.01
#: Mean luma (0-255) below which the picture is too dark for the pose model.
MIN_MEAN_LUMA: Final = 50.0
#: Neutral is taken over this much steady time once the checks pass.
NEUTRAL_S: Final = 1.0
#: Neutral is steady when its angle spreads less than this (max - min, deg).
NEUTRAL_MAX_SPREAD_DEG: Final = 4.0
#: Low-pass cut-off of the displayed angle (one pole, causal).
SMOOTHING_CUTOFF_HZ: Final = 3.0
#: Recent poses the view is estimated from, and how often it is re-estimated.
VIEW_WINDOW_POSES: Final = 15
VIEW_EVERY_S: Final = 0.5
#: Knee bending beyond this from neutral during a forward bend earns a cue (the analyzer warns at 15).
KNEE_CUE_DEG: Final = 15.0
#: The view must be within this of square to the movement's plane (the analyzers warn beyond 30).
MAX_OFF_SQUARE_DEG: Final = 30.0


@dataclass(frozen=True, kw_only=True)
class CoachMovement:
    """A movement the self-check coaches: its plane, the view it needs and how its angle reads."""

    name: str
    plane: str  # "sagittal" or "frontal"
    view: View  # the camera view it needs (SIDE, or FRONT/BACK)
    sided: bool
    direction: float = 1.0  # +1: forward (flexion) counts; -1: backward (extension)


MOVEMENTS: Final[dict[str, CoachMovement]] = {
    "forward_bend": CoachMovement(name="forward_bend", plane="sagittal", view=View.SIDE, sided=False),
    "extension": CoachMovement(
        name="extension", plane="sagittal", view=View.SIDE, sided=False, direction=-1.0
    ),
    "side_bend": CoachMovement(name="side_bend", plane="frontal", view=View.FRONT, sided=True),
}
# Twists are not coached live: the model's depth alone read about 8 of a rendered 35 deg twist
# (the clip analysis needs the shoulders' foreshortening against a neutral found afterwards).


@dataclass(frozen=True, kw_only=True)
class Pose:
    """One pose: image pixels (33, 3), world metres (33, 3), visibility (33,)."""

    image_px: FloatArray
    world_m: FloatArray
    visibility: FloatArray


@dataclass(frozen=True, kw_only=True)
class Check:
    """One check before starting: passed or not, and what to do when not."""

    name: str
    ok: bool
    message: str


@dataclass(frozen=True, kw_only=True)
class CoachState:
    """What the display shows after one frame."""

    time_s: float
    phase: str  # "checking", "neutral" (stand still) or "measuring"
    checks: tuple[Check, ...]
    angle_deg: float | None
    repetitions: int
    repetitions_by_side: dict[str, int]
    best_deg: dict[str, float]
    cues: tuple[str, ...]
    view: ViewEstimate | None


@dataclass(frozen=True, kw_only=True)
class CoachSummary:
    """The end of a self-check: repetitions counted and the largest angle reached per side."""

    movement: str
    duration_s: float
    repetitions: int
    repetitions_by_side: dict[str, int]
    best_deg: dict[str, float]
    peaks_deg: tuple[float, ...]
    checks_passed: bool


def body_in_view(pose: Pose, /, *, frame_size_px: tuple[int, int]) -> bool:
    """True when head, shoulders, hips and ankles are seen and inside the picture."""
    w, h = frame_size_px
    mx, my = EDGE_MARGIN_FRACTION * w, EDGE_MARGIN_FRACTION * h

    def seen(name: str) -> bool:
        i = INDEX[name]
        x, y = pose.image_px[i, 0], pose.image_px[i, 1]
        return bool(pose.visibility[i] >= MIN_VISIBILITY and mx <= x <= w - mx and my <= y <= h - my)

    return all(any(seen(name) for name in part) for part in WHOLE_BODY)


def mean_luma(rgb: NDArray[np.uint8], /, *, step: int = 8) -> float:
    """Mean brightness (0-255, Rec. 601 luma) of a frame, from every ``step``-th pixel."""
    sub = np.asarray(rgb[::step, ::step, :3], dtype=float)
    return float((sub @ np.array([0.299, 0.587, 0.114])).mean())


def _centre(pose: Pose, part: str) -> FloatArray:
    left, right = pose.image_px[INDEX[f"left_{part}"], :2], pose.image_px[INDEX[f"right_{part}"], :2]
    return np.asarray(0.5 * (left + right))


def trunk_image_deg(pose: Pose, /) -> float:
    """Inclination of the hip-to-shoulder centre line from the image vertical (+ toward image right)."""
    return float(inclination_deg(_centre(pose, "hip")[None], _centre(pose, "shoulder")[None])[0])


def knee_flexion_deg(pose: Pose, /) -> float:
    """Knee bending (180 minus the hip-knee-ankle angle) of the better-seen leg."""
    best = max(("left", "right"), key=lambda s: float(pose.visibility[INDEX[f"{s}_knee"]]))
    p = pose.image_px[:, :2]
    angle = joint_angle_deg(p[INDEX[f"{best}_hip"]], p[INDEX[f"{best}_knee"]], p[INDEX[f"{best}_ankle"]])
    return 180.0 - float(angle)


def movement_angle_deg(movement: CoachMovement, pose: Pose, view: ViewEstimate, /) -> float:
    """The movement's raw angle in one pose (before neutral), signed so the movement reads positive.

    Sagittal: trunk forward of vertical (times ``direction``). Frontal: trunk toward the patient's
    right.
    """
    if movement.plane == "sagittal":
        return movement.direction * view.forward_sign * trunk_image_deg(pose)
    return view.image_sign_of(Side.RIGHT) * trunk_image_deg(pose)


def view_check(movement: CoachMovement, view: ViewEstimate | None, /) -> Check:
    """Whether the camera is square enough to the movement's plane."""
    if view is None:
        return Check(name="view", ok=False, message="Stand where the camera sees you whole.")
    if movement.view is View.SIDE:
        ok = view.off_square_deg("sagittal") <= MAX_OFF_SQUARE_DEG
        return Check(name="view", ok=ok, message="" if ok else "Turn sideways to the camera.")
    ok = view.off_square_deg("frontal") <= MAX_OFF_SQUARE_DEG
    return Check(name="view", ok=ok, message="" if ok else "Face the camera (or turn your back to it).")


@dataclass
class RepetitionCounter:
    """Causal repetition counter with the hysteresis of :class:`assess.repetitions.RepetitionRules`.

    Feed the angle from neutral, + in the movement's direction (or toward the patient's right
    for sided movements). A repetition counts once the angle has come back toward neutral.
    """

    rules: RepetitionRules = field(default_factory=RepetitionRules)
    count: int = 0
    by_side: dict[str, int] = field(default_factory=dict)
    peaks_deg: list[float] = field(default_factory=list)
    _sign: int = 0
    _peak: float = 0.0
    _start_s: float = 0.0

    def update(self, time_s: float, angle_deg: float, /) -> bool:
        """Take one sample; True when a repetition has just been completed."""
        if not math.isfinite(angle_deg):
            return False
        r = self.rules
        if self._sign == 0:
            if angle_deg > r.enter_deg or (r.sided and angle_deg < -r.enter_deg):
                self._sign = 1 if angle_deg > 0 else -1
                self._peak = abs(angle_deg)
                self._start_s = time_s
            return False
        v = self._sign * angle_deg
        self._peak = max(self._peak, v)
        if v >= max(r.return_floor_deg, r.return_fraction * self._peak):
            return False
        done = self._peak >= r.min_amplitude_deg and time_s - self._start_s >= r.min_duration_s
        if done:
            self.count += 1
            self.peaks_deg.append(self._peak)
            if r.sided:
                side = (Side.RIGHT if self._sign > 0 else Side.LEFT).value
                self.by_side[side] = self.by_side.get(side, 0) + 1
        self._sign = 0
        return done


class Coach:
    """Frame-by-frame self-check of one movement: checks, neutral, angle, count and cues."""

    def __init__(self, movement: str, *, smoothing_cutoff_hz: float = SMOOTHING_CUTOFF_HZ) -> None:
        if movement not in MOVEMENTS:
            raise ValueError(f"movement must be one of {sorted(MOVEMENTS)}, got {movement!r}")
        self.movement = MOVEMENTS[movement]
        self.smoothing_cutoff_hz = smoothing_cutoff_hz
        self.counter = RepetitionCounter(rules=RepetitionRules(sided=self.movement.sided))
        self._recent: deque[Pose] = deque(maxlen=VIEW_WINDOW_POSES)
        self._view: ViewEstimate | None = None
        self._view_time_s = -math.inf
        self._neutral_samples: list[tuple[float, float, float]] = []
        self._neutral: tuple[float, float] | None = None  # (angle, knee)
        self._smooth: float | None = None
        self._last_t: float | None = None
        self._first_t: float | None = None
        self._best: dict[str, float] = {}
        self._checks_passed_once = False

    def _update_view(self, time_s: float, frame_size_px: tuple[int, int]) -> None:
        if time_s - self._view_time_s < VIEW_EVERY_S or not self._recent:
            return
        self._view_time_s = time_s
        poses = list(self._recent)
        series = LandmarkSeries(
            time_s=np.arange(len(poses), dtype=float),
            image_px=np.stack([p.image_px for p in poses]),
            world_m=np.stack([p.world_m for p in poses]),
            visibility=np.stack([p.visibility for p in poses]),
            frame_size_px=frame_size_px,
        )
        with np.errstate(all="ignore"):
            self._view = detect_view(series)

    def update(
        self, time_s: float, pose: Pose | None, /, *, frame_size_px: tuple[int, int], luma: float
    ) -> CoachState:
        """Take one frame's pose (None when nobody was found) and return what to show."""
        if self._first_t is None:
            self._first_t = time_s
        bright = luma >= MIN_MEAN_LUMA
        light = Check(
            name="light", ok=bright,
            message="" if bright else "Turn on a light or face a window: the picture is too dark.",
        )  # fmt: skip
        whole = pose is not None and body_in_view(pose, frame_size_px=frame_size_px)
        body = Check(
            name="whole_body", ok=whole,
            message="" if whole else "Step back until your whole body, head to feet, is in the picture.",
        )  # fmt: skip
        if pose is not None and whole:
            self._recent.append(pose)
            self._update_view(time_s, frame_size_px)
        view = view_check(self.movement, self._view)
        checks = (body, view, light)
        if not all(c.ok for c in checks) or pose is None or self._view is None:
            if self._neutral is None:
                self._neutral_samples.clear()
            todo = tuple(c.message for c in checks if not c.ok)
            return self._state(
                time_s, "checking" if self._neutral is None else "measuring", checks, None, todo
            )
        self._checks_passed_once = True
        raw = movement_angle_deg(self.movement, pose, self._view)
        knee = knee_flexion_deg(pose)
        if self._neutral is None:
            return self._take_neutral(time_s, raw, knee, checks)
        angle = self._smoothed(time_s, raw - self._neutral[0])
        self.counter.update(time_s, angle)
        side = self._side_of(angle)
        self._best[side] = max(self._best.get(side, 0.0), abs(angle))
        cues: list[str] = []
        if self.movement.plane == "sagittal" and knee - self._neutral[1] > KNEE_CUE_DEG:
            cues.append("Your knees are bending: keep them straight.")
        return self._state(time_s, "measuring", checks, angle, tuple(cues))

    def _take_neutral(self, time_s: float, raw: float, knee: float, checks: tuple[Check, ...]) -> CoachState:
        self._neutral_samples.append((time_s, raw, knee))
        values = np.array([v for _, v, _ in self._neutral_samples])
        if values.max() - values.min() > NEUTRAL_MAX_SPREAD_DEG:
            self._neutral_samples = [(time_s, raw, knee)]  # moved: start the steady second again
        elif time_s - self._neutral_samples[0][0] >= NEUTRAL_S:
            self._neutral = (
                float(np.median(values)),
                float(np.median([k for _, _, k in self._neutral_samples])),
            )
            self._smooth, self._last_t = 0.0, time_s
        return self._state(time_s, "neutral", checks, None, ("Stand still and upright for a moment.",))

    def _smoothed(self, time_s: float, value: float) -> float:
        if self._smooth is None or self._last_t is None:
            self._smooth, self._last_t = value, time_s
            return value
        dt = max(time_s - self._last_t, 0.0)
        alpha = 1.0 - math.exp(-2.0 * math.pi * self.smoothing_cutoff_hz * dt)
        self._smooth += alpha * (value - self._smooth)
        self._last_t = time_s
        return self._smooth

    def _side_of(self, angle: float) -> str:
        if not self.movement.sided:
            return "both"
        return (Side.RIGHT if angle > 0 else Side.LEFT).value

    def _state(
        self,
        time_s: float,
        phase: str,
        checks: tuple[Check, ...],
        angle: float | None,
        cues: tuple[str, ...],
    ) -> CoachState:
        return CoachState(
            time_s=time_s,
            phase=phase,
            checks=checks,
            angle_deg=angle,
            repetitions=self.counter.count,
            repetitions_by_side=dict(self.counter.by_side),
            best_deg=dict(self._best),
            cues=cues,
            view=self._view,
        )

    def summary(self) -> CoachSummary:
        """Repetitions and the largest angles so far."""
        duration = 0.0 if self._first_t is None or self._last_t is None else self._last_t - self._first_t
        return CoachSummary(
            movement=self.movement.name,
            duration_s=duration,
            repetitions=self.counter.count,
            repetitions_by_side=dict(self.counter.by_side),
            best_deg=dict(self._best),
            peaks_deg=tuple(self.counter.peaks_deg),
            checks_passed=self._checks_passed_once,
        )


def facing_word(view: ViewEstimate | None, /) -> str:
    """The view in plain words for the display."""
    if view is None:
        return "not seen yet"
    if view.view is View.SIDE:
        return f"side view, facing image {'right' if view.facing is Facing.RIGHT else 'left'}"
    return view.label.replace("-", " ") + " view"
