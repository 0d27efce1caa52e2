"""Gait figures from events: steps, steady steps, timing, angles and (with a scale) distances.

A step runs from one heel strike to the next (of the other foot) and belongs to the foot that
lands at its end. Only steady steps count: both contacts seen in full, inside one pass, with a
plausible duration, neither much slower nor much quicker than the pass's typical step, and
(at a side view) at the pass's walking speed; starting, stopping and turning steps fall out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from assess.gait.events import HEEL_STRIKE, TOE_OFF, GaitEvent
from assess.types import Measurement, Omission, Side, View

FloatArray = NDArray[np.float64]

#: Height of the eyes above the heel landmark as a fraction of standing height. Eye height is
#: 0.936 of stature (Drillis & Contini 1966, as tabulated by Winter, Biomechanics and Motor
#: Control of Human Movement); the pose model's heel point sits about 0.015 of stature above
#: the floor. At mid-stance of walking the stance leg is nearly straight and the pelvis at its
#: highest, so the figure holds there to about 1 %.
EYE_ABOVE_HEEL_FRACTION = 0.92


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step: from the heel strike ``start`` to the heel strike ``end`` of the other foot."""

    start: GaitEvent
    end: GaitEvent
    pass_index: int
    speed_leg_per_s: float | None = None
    steady: bool = False
    reason: str = ""

    @property
    def side(self) -> Side:
        """The foot that lands at the end of the step."""
        return self.end.side

    @property
    def duration_s(self) -> float:
        """Step time in seconds."""
        return self.end.time_s - self.start.time_s


def steps_of_pass(
    events: Sequence[GaitEvent],
    /,
    *,
    pass_index: int,
    pelvis_time_s: FloatArray | None = None,
    pelvis_forward_px: FloatArray | None = None,
    scale_px: float | None = None,
) -> list[Step]:
    """Steps between usable heel strikes of consecutive crossing segments of one pass.

    With the pelvis's forward image position (and a still or stabilised camera), each step
    also gets the walking speed over it, in leg lengths per second.
    """
    strikes = sorted((e for e in events if e.kind == HEEL_STRIKE and e.usable), key=lambda e: e.time_s)
    steps: list[Step] = []
    for a, b in itertools.pairwise(strikes):
        if b.segment != a.segment + 1 or a.side is b.side:
            continue
        speed = None
        if pelvis_time_s is not None and pelvis_forward_px is not None and scale_px:
            ok = np.isfinite(pelvis_forward_px)
            if ok.sum() >= 2:
                x0, x1 = np.interp([a.time_s, b.time_s], pelvis_time_s[ok], pelvis_forward_px[ok])
                speed = float(x1 - x0) / (b.time_s - a.time_s) / scale_px
        steps.append(Step(start=a, end=b, pass_index=pass_index, speed_leg_per_s=speed))
    return steps


def mark_steady(
    steps: Sequence[Step],
    /,
    *,
    min_step_s: float,
    max_step_s: float,
    min_step_ratio: float,
    max_step_ratio: float,
    min_speed_ratio: float,
) -> list[Step]:
    """Mark each step steady or not (with the reason), judged within its own pass."""
    out: list[Step] = []
    for index in sorted({s.pass_index for s in steps}):
        mine = [s for s in steps if s.pass_index == index]
        plausible = [s for s in mine if min_step_s <= s.duration_s <= max_step_s]
        typical = float(np.median([s.duration_s for s in plausible])) if plausible else None
        speeds = [s.speed_leg_per_s for s in plausible if s.speed_leg_per_s is not None]
        typical_speed = float(np.median(speeds)) if speeds else None
        for s in mine:
            reason = ""
            if not min_step_s <= s.duration_s <= max_step_s:
                reason = f"step time {s.duration_s:.2f} s is not a walking step"
            elif (
                typical is not None
                and len(plausible) >= 3
                and not (min_step_ratio * typical <= s.duration_s <= max_step_ratio * typical)
            ):
                reason = f"step time {s.duration_s:.2f} s is far from the pass's {typical:.2f} s"
            elif (
                typical_speed is not None
                and s.speed_leg_per_s is not None
                and len(speeds) >= 3
                and s.speed_leg_per_s < min_speed_ratio * typical_speed
            ):
                reason = "slower than the steady walking of the pass (starting, stopping or turning)"
            out.append(replace(s, steady=not reason, reason=reason))
    return out


def exclude_turning(
    steps: Sequence[Step],
    /,
    *,
    turns: frozenset[int],
    after_turn: frozenset[int],
    before_turn: frozenset[int],
) -> list[Step]:
    """Unmark steps taken while turning.

    Those are all steps of a turn pass, and the step of a pass that lies next to a turn (its
    first step after one, its last step before one).
    """
    out = list(steps)
    for index in {s.pass_index for s in steps}:
        mine = sorted(
            (k for k, s in enumerate(out) if s.pass_index == index), key=lambda k: out[k].start.time_s
        )
        if not mine:
            continue
        marked: list[int] = []
        if index in turns:
            marked = mine
        else:
            if index in after_turn:
                marked.append(mine[0])
            if index in before_turn:
                marked.append(mine[-1])
        for k in marked:
            if out[k].steady or index in turns:
                out[k] = replace(out[k], steady=False, reason="taken while turning")
    return out


def _mean_with_spread(
    name: str, values: Sequence[float], *, unit: str, view: View, digits: int, side: Side | None = None
) -> Measurement:
    """The mean of repeated values as a measurement; ``spread`` is their range (None for one)."""
    arr = np.asarray(values, dtype=float)
    spread = _round(float(arr.max() - arr.min()), digits) if arr.size > 1 else None
    return Measurement(
        name=name, value=_round(float(arr.mean()), digits), unit=unit, side=side, view=view, spread=spread
    )


def _round(x: float, digits: int) -> float:
    return float(round(x, digits))


@dataclass(frozen=True, kw_only=True)
class Stride:
    """Two consecutive steady steps: heel strike of ``side`` to its next heel strike."""

    side: Side
    start_s: float
    mid_s: float
    end_s: float
    pass_index: int
    first_segment: int


def strides_of(steps: Sequence[Step], /) -> list[Stride]:
    """Strides made of two consecutive steady steps of one pass."""
    ordered = sorted((s for s in steps if s.steady), key=lambda s: s.start.time_s)
    out = []
    for a, b in itertools.pairwise(ordered):
        if a.pass_index == b.pass_index and a.end is b.start:
            out.append(
                Stride(
                    side=a.start.side,
                    start_s=a.start.time_s,
                    mid_s=a.end.time_s,
                    end_s=b.end.time_s,
                    pass_index=a.pass_index,
                    first_segment=a.start.segment,
                )
            )
    return out


def _toe_off(events: Sequence[GaitEvent], side: Side, segment: int) -> GaitEvent | None:
    for e in events:
        if e.kind == TOE_OFF and e.usable and e.side is side and e.segment == segment:
            return e
    return None


def temporal_figures(
    steps: Sequence[Step],
    events_by_pass: Mapping[int, Sequence[GaitEvent]],
    /,
    *,
    view: View,
    min_steps: int,
    with_stance: bool = True,
) -> tuple[list[Measurement], list[Omission]]:
    """Cadence, step and stride time, stance and double support, step-time asymmetry.

    ``with_stance=False`` leaves out stance and double support (toe off is not timed well
    enough from the front or back).
    """
    steady = [s for s in steps if s.steady]
    names = ("cadence", "step_time", "stride_time", "stance_pct", "double_support_pct", "step_time_asymmetry")
    if len(steady) < min_steps:
        reason = (
            f"only {len(steady)} steady step(s) were seen (at least {min_steps} needed); film at least "
            "three strides of steady walking, starting and stopping outside the frame"
        )
        return [], [Omission(name=n, reason=reason) for n in names]
    out: list[Measurement] = []
    omitted: list[Omission] = []
    total_s = sum(s.duration_s for s in steady)
    out.append(
        Measurement(name="cadence", value=_round(60.0 * len(steady) / total_s, 1), unit="/min", view=view)
    )
    by_side = {side: [s.duration_s for s in steady if s.side is side] for side in Side}
    for side, times in by_side.items():
        if not times:
            omitted.append(
                Omission(name="step_time", side=side, reason=f"no steady {side.value} step was seen")
            )
            continue
        out.append(_mean_with_spread("step_time", times, unit="s", view=view, digits=3, side=side))
    if by_side[Side.LEFT] and by_side[Side.RIGHT]:
        left, right = float(np.mean(by_side[Side.LEFT])), float(np.mean(by_side[Side.RIGHT]))
        asym = 200.0 * abs(left - right) / (left + right)
        longer = None if asym < 0.5 else (Side.LEFT if left > right else Side.RIGHT)
        out.append(
            Measurement(name="step_time_asymmetry", value=_round(asym, 1), unit="%", side=longer, view=view)
        )
    else:
        omitted.append(Omission(name="step_time_asymmetry", reason="needs steady steps of both feet"))
    strides = strides_of(steps)
    if strides:
        durations = [s.end_s - s.start_s for s in strides]
        out.append(_mean_with_spread("stride_time", durations, unit="s", view=view, digits=3))
    else:
        omitted.append(Omission(name="stride_time", reason="no two consecutive steady steps were seen"))
    if not with_stance:
        reason = "toe off is not timed reliably from the front or back; film from the side"
        return out, [
            *omitted,
            *(Omission(name=n, reason=reason) for n in ("stance_pct", "double_support_pct")),
        ]
    out_s, omit_s = _stance_figures(strides, events_by_pass, view)
    return out + out_s, omitted + omit_s


def _stance_figures(
    strides: Sequence[Stride], events_by_pass: Mapping[int, Sequence[GaitEvent]], view: View
) -> tuple[list[Measurement], list[Omission]]:
    stance: dict[Side, list[float]] = {Side.LEFT: [], Side.RIGHT: []}
    double: list[float] = []
    for st in strides:
        events = events_by_pass.get(st.pass_index, ())
        duration = st.end_s - st.start_s
        # The stance foot leaves during the next segment; the other foot left in this one.
        own_off = _toe_off(events, st.side, st.first_segment + 1)
        other_off = _toe_off(events, st.side.other, st.first_segment)
        if own_off is not None and st.start_s < own_off.time_s < st.end_s:
            stance[st.side].append(100.0 * (own_off.time_s - st.start_s) / duration)
        if own_off is not None and other_off is not None:
            initial = other_off.time_s - st.start_s
            terminal = own_off.time_s - st.mid_s
            if initial > 0 and terminal > 0:
                double.append(100.0 * (initial + terminal) / duration)
    out: list[Measurement] = []
    omitted: list[Omission] = []
    for side, values in stance.items():
        if values:
            out.append(_mean_with_spread("stance_pct", values, unit="%", view=view, digits=1, side=side))
        else:
            omitted.append(
                Omission(
                    name="stance_pct", side=side, reason=f"no {side.value} stride with its toe off was seen"
                )
            )
    if double:
        out.append(_mean_with_spread("double_support_pct", double, unit="%", view=view, digits=1))
    else:
        omitted.append(Omission(name="double_support_pct", reason="no stride with both toe offs was seen"))
    return out, omitted


def stride_ranges(
    time_s: FloatArray, values: FloatArray, strides: Sequence[tuple[float, float]]
) -> list[float]:
    """Range (max - min) of ``values`` within each stride ``(start_s, end_s)``."""
    out = []
    for start, end in strides:
        sel = (time_s >= start) & (time_s <= end) & np.isfinite(values)
        if sel.sum() >= 3:
            out.append(float(np.ptp(values[sel])))
    return out


def steady_mask(time_s: FloatArray, steps: Sequence[Step]) -> NDArray[np.bool_]:
    """Frames inside steady steps."""
    mask = np.zeros(time_s.size, dtype=bool)
    for s in steps:
        if s.steady:
            mask |= (time_s >= s.start.time_s) & (time_s <= s.end.time_s)
    return mask
