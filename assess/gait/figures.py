"""Angle and distance figures over the steady steps of analysed passes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from assess.gait.analysis import PassAnalysis
from assess.gait.events import HEEL_STRIKE
from assess.gait.metrics import EYE_ABOVE_HEEL_FRACTION, stride_ranges, strides_of
from assess.geometry import inclination_deg, tilt_deg
from assess.types import Measurement, Omission, Side, View

FloatArray = NDArray[np.float64]


def _steady_windows(p: PassAnalysis) -> list[tuple[float, float]]:
    return [(s.start.time_s, s.end.time_s) for s in p.steps if s.steady]


def _stride_windows(p: PassAnalysis) -> list[tuple[float, float]]:
    return [(s.start_s, s.end_s) for s in strides_of(p.steps)]


def _in_windows(time_s: FloatArray, windows: Sequence[tuple[float, float]]) -> NDArray[np.bool_]:
    mask = np.zeros(time_s.size, dtype=bool)
    for a, b in windows:
        mask |= (time_s >= a) & (time_s <= b)
    return mask


def _spread(values: Sequence[float]) -> float | None:
    return round(float(np.ptp(values)), 1) if len(values) > 1 else None


def sagittal_angles(passes: Sequence[PassAnalysis], /) -> tuple[list[Measurement], list[Omission]]:
    """Trunk lean (mean and range per step), head forward, arm swing per side."""
    lean_values: list[FloatArray] = []
    lean_ranges: list[float] = []
    head_values: list[FloatArray] = []
    arm_ranges: dict[Side, list[float]] = {Side.LEFT: [], Side.RIGHT: []}
    for p in passes:
        body, f = p.body, p.walk.forward_sign
        t = body.time_s
        steady = _steady_windows(p)
        mask = _in_windows(t, steady)
        trunk = f * inclination_deg(body.mid_px("hip"), body.mid_px("shoulder"))
        head = f * inclination_deg(body.mid_px("shoulder"), body.mid_px("ear"))
        lean_values.append(trunk[mask])
        head_values.append(head[mask])
        # The trunk rocks twice a stride: one step holds one full rocking.
        lean_ranges += stride_ranges(t, trunk, steady)
        strides = _stride_windows(p)
        for side in Side:
            d = body.px(f"{side.value}_elbow") - body.px(f"{side.value}_shoulder")
            arm = np.degrees(np.arctan2(f * d[:, 0], d[:, 1]))
            arm_ranges[side] += stride_ranges(t, arm, strides)
    out: list[Measurement] = []
    omitted: list[Omission] = []
    lean = np.concatenate(lean_values) if lean_values else np.zeros(0)
    lean = lean[np.isfinite(lean)]
    head_all = np.concatenate(head_values) if head_values else np.zeros(0)
    head_all = head_all[np.isfinite(head_all)]
    no_steps = "no steady steps were seen from the side"
    if lean.size:
        out.append(
            Measurement(
                name="trunk_lean_mean", value=round(float(lean.mean()), 1), unit="deg", view=View.SIDE
            )
        )
    else:
        omitted.append(Omission(name="trunk_lean_mean", reason=no_steps))
    if lean_ranges:
        out.append(
            Measurement(
                name="trunk_lean_range",
                value=round(float(np.median(lean_ranges)), 1),
                unit="deg",
                view=View.SIDE,
                spread=_spread(lean_ranges),
            )
        )
    else:
        omitted.append(Omission(name="trunk_lean_range", reason=no_steps))
    if head_all.size:
        out.append(
            Measurement(
                name="head_forward_mean", value=round(float(head_all.mean()), 1), unit="deg", view=View.SIDE
            )
        )
    else:
        omitted.append(Omission(name="head_forward_mean", reason=no_steps))
    for side, ranges in arm_ranges.items():
        if ranges:
            out.append(
                Measurement(
                    name="arm_swing",
                    value=round(float(np.median(ranges)), 1),
                    unit="deg",
                    side=side,
                    view=View.SIDE,
                    spread=_spread(ranges),
                )
            )
        else:
            omitted.append(
                Omission(
                    name="arm_swing", side=side, reason="arm swing needs a full stride of steady walking"
                )
            )
    return out, omitted


def frontal_angles(
    passes: Sequence[PassAnalysis], /, *, view: View
) -> tuple[list[Measurement], list[Omission]]:
    """Lateral trunk sway and pelvic obliquity: their range within each stride (median)."""
    sway: list[float] = []
    obliquity: list[float] = []
    for p in passes:
        body = p.body
        strides = _stride_windows(p)
        t = body.time_s
        sway += stride_ranges(t, inclination_deg(body.mid_px("hip"), body.mid_px("shoulder")), strides)
        obliquity += stride_ranges(t, tilt_deg(body.px("right_hip"), body.px("left_hip")), strides)
    out: list[Measurement] = []
    omitted: list[Omission] = []
    reason = "needs at least one full stride of steady walking seen from the front or back"
    for name, values in (("trunk_sway_range", sway), ("pelvic_obliquity_range", obliquity)):
        if values:
            out.append(
                Measurement(
                    name=name,
                    value=round(float(np.median(values)), 1),
                    unit="deg",
                    view=view,
                    spread=_spread(values),
                )
            )
        else:
            omitted.append(Omission(name=name, reason=reason))
    return out, omitted


def pixels_per_metre(p: PassAnalysis, /, *, height_m: float) -> float | None:
    """Image scale at the walker's depth, from the eye height over the planted heel at mid-stance.

    Each heel strike's foot is planted, leg nearly straight, when the other foot passes it
    (the next crossing): there the eyes stand :data:`EYE_ABOVE_HEEL_FRACTION` of the
    patient's height above the heel point.
    """
    t = p.feet.time_s
    eyes_y = 0.5 * (p.body.px("left_eye")[:, 1] + p.body.px("right_eye")[:, 1])
    spans = []
    crossing_times = p.crossings.times_s
    for e in p.events:
        if e.kind != HEEL_STRIKE or not e.usable:
            continue
        later = crossing_times[crossing_times > e.time_s]
        if later.size == 0:
            continue
        k = int(np.argmin(np.abs(t - later[0])))
        heel_y = p.body.px(f"{e.side.value}_heel")[k, 1]
        span = heel_y - eyes_y[k]
        if np.isfinite(span) and span > 0:
            spans.append(float(span))
    if len(spans) < 2:
        return None
    return float(np.median(spans)) / (EYE_ABOVE_HEEL_FRACTION * height_m)


def spatial_figures(
    passes: Sequence[PassAnalysis], /, *, height_cm: float | None
) -> tuple[list[Measurement], list[Omission]]:
    """Gait speed and step length per side, from side passes filmed with a still camera."""
    names = ("gait_speed", "step_length")
    if height_cm is None:
        reason = "give the patient's height (--height-cm) to turn pixels into metres"
        return [], [Omission(name=n, reason=reason) for n in names]
    moved = [p for p in passes if p.camera_moved]
    still = [p for p in passes if not p.camera_moved and any(s.steady for s in p.steps)]
    if not still:
        if moved:
            speed = max(p.camera_speed_leg_per_s for p in moved)
            reason = (
                f"the camera moved (a planted foot slid {speed:.2f} leg lengths per second in the image), "
                "so image distances are not distances on the floor; put the phone on a tripod or a shelf"
            )
        else:
            reason = "no steady steps were seen from the side with a still camera"
        return [], [Omission(name=n, reason=reason) for n in names]
    distance_m = 0.0
    duration_s = 0.0
    lengths: dict[Side, list[float]] = {Side.LEFT: [], Side.RIGHT: []}
    for p in still:
        scale = pixels_per_metre(p, height_m=height_cm / 100.0)
        if scale is None:
            continue
        f = p.walk.forward_sign
        steady = sorted((s for s in p.steps if s.steady), key=lambda s: s.start.time_s)
        for s in steady:
            lengths[s.side].append(f * (s.end.position_px[0] - s.start.position_px[0]) / scale)
        pelvis = f * p.feet.mid_px("hip")[:, 0]
        ok = np.isfinite(pelvis)
        t0, t1 = steady[0].start.time_s, steady[-1].end.time_s
        x0, x1 = np.interp([t0, t1], p.feet.time_s[ok], pelvis[ok])
        distance_m += float(x1 - x0) / scale
        duration_s += t1 - t0
    out: list[Measurement] = []
    omitted: list[Omission] = []
    if duration_s > 0:
        out.append(
            Measurement(
                name="gait_speed", value=round(distance_m / duration_s, 2), unit="m/s", view=View.SIDE
            )
        )
    else:
        omitted.append(Omission(name="gait_speed", reason="the image scale could not be found from the body"))
    for side, values in lengths.items():
        if values:
            out.append(
                Measurement(
                    name="step_length",
                    value=round(float(np.mean(values)), 2),
                    unit="m",
                    side=side,
                    view=View.SIDE,
                    spread=round(float(np.ptp(values)), 2) if len(values) > 1 else None,
                )
            )
        else:
            omitted.append(
                Omission(name="step_length", side=side, reason=f"no steady {side.value} step was scaled")
            )
    return out, omitted
