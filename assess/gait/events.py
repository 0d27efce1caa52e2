"""Heel strikes and toe offs from one walking pass, on a scaffold of foot crossings.

The feet pass each other once per step (mid-swing). Between two crossings the foot in front
lands once (heel strike) and the foot behind leaves once (toe off), so each segment between
crossings is searched for exactly those two events, for feet whose sides are already known.
This makes the events alternate by construction and keeps one foot's contact from being found
twice.

Contact is the instant the landing heel has stopped on the floor: the first moment it comes
within ``contact_tolerance`` leg lengths of where it then stays, along the direction in which
it approached (along the walking direction in a side view: the pose model's heel keeps
sinking for a few frames after contact as the foot flattens, while its horizontal position
stops at contact). The furthest-forward position of the foot comes a few frames earlier and
is not used. Toe off is the last moment the toe is within the same tolerance of where it stood.

All distances are in leg lengths and all durations in seconds, so frame rate and resolution
do not change the thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from assess.gait.thresholds import arrival_time, departure_time
from assess.types import Side

FloatArray = NDArray[np.float64]

HEEL_STRIKE = "heel_strike"
TOE_OFF = "toe_off"


@dataclass(frozen=True, kw_only=True)
class EventRules:
    """Thresholds of the event search, in leg lengths and seconds.

    Parameters
    ----------
    contact_tolerance : float
        A heel within this distance (leg lengths) of its stance position has landed; a toe
        further than this from its stance position has left.
    min_approach : float
        The landing must be seen: the heel was at least this far from its stance position
        within the segment (otherwise the contact happened before the view began).
    min_confirm_s : float
        The foot must stay planted this long after the contact (or before the toe off) for the
        event to count: a clip that ends during the landing gives no contact.
    stance_window_s : float
        Duration over which the stance position is taken (median).
    edge_margin : float
        Events whose foot is closer than this (leg lengths) to an image border are partial and
        not used.
    coarse_factor : float
        The coarse search finds the foot within this many tolerances of its stance position.
    coarse_shift_s : float
        The stance position for the fine search is taken from this long after the coarse
        contact (before the coarse toe off) ...
    settle_s : float
        ... over this duration.
    extrapolate_s : float
        The tolerance is crossed a little before the foot arrives (after it leaves); the event
        is moved by the time the foot takes to cover the tolerance at the speed it had when
        crossing it, at most this much.
    search_s : float
        The fine search looks this far before the coarse contact (after the coarse toe off).
    """

    contact_tolerance: float = 0.02
    min_approach: float = 0.15
    min_confirm_s: float = 0.08
    stance_window_s: float = 0.15
    edge_margin: float = 0.02
    coarse_factor: float = 3.0
    coarse_shift_s: float = 0.03
    settle_s: float = 0.1
    extrapolate_s: float = 0.0
    search_s: float = 0.2


@dataclass(frozen=True, kw_only=True)
class GaitEvent:
    """One heel strike or toe off of the patient's ``side`` foot.

    ``position_px`` is where the heel (heel strike) or toe (toe off) stood, image pixels;
    ``usable`` is False for events seen only in part (frame edge, clip end) with ``note`` why;
    ``segment`` numbers the segments between foot crossings of the pass (consecutive heel
    strikes of one walk lie in consecutive segments).
    """

    side: Side
    kind: str
    time_s: float
    position_px: tuple[float, float]
    usable: bool = True
    note: str = ""
    segment: int = -1


@dataclass(frozen=True)
class Segment:
    """Frames ``[start, stop)`` between two foot crossings, the side in front, its number."""

    start: int
    stop: int
    side: Side
    number: int


@dataclass(frozen=True, kw_only=True)
class FootTrack:
    """One foot's conditioned heel and toe in pixels, shape (n, 2) each."""

    side: Side
    heel_px: FloatArray
    toe_px: FloatArray


def _window(time_s: FloatArray, start: int, duration_s: float, *, forward: bool) -> slice:
    """Frames covering ``duration_s`` from ``start`` forward (or ending at ``start`` backward)."""
    if forward:
        stop = int(np.searchsorted(time_s, time_s[start] + duration_s, side="right"))
        return slice(start, max(stop, start + 1))
    begin = int(np.searchsorted(time_s, time_s[start] - duration_s, side="left"))
    return slice(begin, start + 1)


def _inside(point: FloatArray, frame_size_px: tuple[int, int], margin_px: float) -> bool:
    w, h = frame_size_px
    x, y = float(point[0]), float(point[1])
    return margin_px <= x <= w - margin_px and margin_px <= y <= h - margin_px


def _distance(
    points: FloatArray, anchor: FloatArray, direction: FloatArray | None, scale: FloatArray
) -> FloatArray:
    """Distance of each point from ``anchor`` in yardsticks, along ``direction`` if given."""
    diff = points - anchor
    if direction is None:
        return np.asarray(np.linalg.norm(diff, axis=1) / scale)
    return np.asarray(np.abs(diff @ direction) / scale)


def detect_events(
    time_s: FloatArray,
    feet: dict[Side, FootTrack],
    front: list[Segment],
    /,
    *,
    scale_px: FloatArray,
    direction: FloatArray | None,
    frame_size_px: tuple[int, int],
    rules: EventRules,
    image_shift_px: FloatArray | None = None,
) -> list[GaitEvent]:
    """Heel strikes and toe offs, one of each per segment between crossings.

    Parameters
    ----------
    time_s : ndarray, shape (n,)
        Frame times of the pass.
    feet : dict
        The two feet (sides already repaired).
    front : list of Segment
        Segments between crossings and the foot in front in each.
    scale_px : ndarray, shape (n,)
        Leg length in pixels per frame (constant at a side view).
    direction : ndarray, shape (2,), or None
        Unit image direction in which contact and toe off are judged (the walking direction
        at a side view); None judges the full 2-D distance (front and back views).
    frame_size_px : tuple of int
        Image width and height, for the border test.
    rules : EventRules
        Thresholds.
    image_shift_px : ndarray, shape (n,), optional
        Horizontal shift removed from the feet to hold the ground still (a moving camera);
        added back for the image-border test and the reported positions.

    Returns
    -------
    list of GaitEvent
        In time order; partial events are kept with ``usable=False``.
    """
    events: list[GaitEvent] = []
    tol = rules.contact_tolerance
    for seg in front:
        lo, hi = seg.start, seg.stop
        if hi - lo < 3:
            continue
        lead = feet[seg.side]
        trail = feet[seg.side.other]
        found = _heel_strike(time_s, lead, lo, hi, scale_px, direction, rules, tol)
        found += _toe_off(time_s, trail, lo, hi, scale_px, direction, rules, tol)
        for e in found:
            k = min(max(int(np.searchsorted(time_s, e.time_s)), lo), hi - 1)
            shift = 0.0 if image_shift_px is None else float(image_shift_px[k])
            foot = feet[e.side]
            points = [foot.heel_px[k], foot.toe_px[k], np.asarray(e.position_px)]
            margin = rules.edge_margin * float(scale_px[k])
            inside = all(
                _inside(pt + np.array([shift, 0.0]), frame_size_px, margin)
                for pt in points
                if np.isfinite(pt).all()
            )
            position = (e.position_px[0] + shift, e.position_px[1])
            if not inside:
                e = replace(e, usable=False, note="the foot was at the edge of the image")
            events.append(replace(e, segment=seg.number, position_px=position))
    return sorted(events, key=lambda e: e.time_s)


def _local_anchor(
    points: FloatArray, time_s: FloatArray, at_s: float, duration_s: float, *, after: bool
) -> FloatArray | None:
    """Median position over ``duration_s`` after (or before) ``at_s``."""
    if after:
        sel = (time_s >= at_s) & (time_s <= at_s + duration_s)
    else:
        sel = (time_s <= at_s) & (time_s >= at_s - duration_s)
    block = points[sel]
    block = block[np.isfinite(block).all(axis=1)]
    if block.shape[0] == 0:
        return None
    return np.asarray(np.median(block, axis=0))


def _refined(
    time_s: FloatArray,
    points: FloatArray,
    coarse_s: float,
    direction: FloatArray | None,
    scale_px: FloatArray,
    rules: EventRules,
    *,
    arrival: bool,
    lo: int,
    hi: int,
) -> tuple[float, FloatArray] | None:
    """The fine event time: where the tolerance is crossed near the coarse event.

    The tolerance is measured against the position just after landing (before leaving), and
    the time may be moved by the time the foot takes to cover it (``extrapolate_s``).

    At a side view only the distance along the walking direction counts: the pose model's heel
    is still sinking for a few frames after the foot has stopped moving forward.
    """
    shift = rules.coarse_shift_s if arrival else -rules.coarse_shift_s
    anchor = _local_anchor(points, time_s, coarse_s + shift, rules.settle_s, after=arrival)
    if anchor is None:
        return None
    d = _distance(points, anchor, direction, scale_px)
    tol = rules.contact_tolerance
    # Search near the coarse event only: the landmark may creep later in stance (earlier
    # before toe off) by more than the tolerance.
    reach = rules.coarse_shift_s + rules.settle_s
    if arrival:
        lo = max(lo, int(np.searchsorted(time_s, coarse_s - rules.search_s)))
        hi = min(hi, int(np.searchsorted(time_s, coarse_s + reach, side="right")))
        t = arrival_time(time_s, d, tol, lo, hi, extrapolate_s=rules.extrapolate_s)
    else:
        lo = max(lo, int(np.searchsorted(time_s, coarse_s - reach)))
        hi = min(hi, int(np.searchsorted(time_s, coarse_s + rules.search_s, side="right")))
        t = departure_time(time_s, d, tol, lo, hi, extrapolate_s=rules.extrapolate_s)
    return None if t is None else (t, anchor)


def _heel_strike(
    time_s: FloatArray,
    foot: FootTrack,
    lo: int,
    hi: int,
    scale_px: FloatArray,
    direction: FloatArray | None,
    rules: EventRules,
    tol: float,
) -> list[GaitEvent]:
    heel = foot.heel_px
    # The heel is planted at the end of the segment (the other foot is in mid-swing there).
    stand = _window(time_s, hi - 1, rules.stance_window_s, forward=False)
    stand = slice(max(stand.start, lo), stand.stop)
    if not np.isfinite(heel[stand]).all(axis=1).any():
        return []
    far_anchor = np.nanmedian(heel[stand], axis=0)
    d = _distance(heel, far_anchor, direction, scale_px)
    if np.nanmax(d[stand]) > rules.coarse_factor * tol:
        return []  # still moving at the end of the segment: not planted (yet)
    if np.nanmax(d[lo:hi]) < rules.min_approach:
        return []  # the landing happened before this segment was seen
    # Coarse arrival against the stance position late in the segment; then the fine search
    # against the position just after landing (the heel landmark creeps as the foot flattens).
    coarse = arrival_time(time_s, d, rules.coarse_factor * tol, lo, hi)
    if coarse is None:
        return []
    refined = _refined(time_s, heel, coarse, direction, scale_px, rules, arrival=True, lo=lo, hi=hi)
    if refined is None:
        return []
    t, anchor = refined
    usable, note = True, ""
    if time_s[hi - 1] - t < rules.min_confirm_s:
        usable, note = False, "the foot was not seen planted after the contact"
    return [
        GaitEvent(
            side=foot.side,
            kind=HEEL_STRIKE,
            time_s=t,
            position_px=(float(anchor[0]), float(anchor[1])),
            usable=usable,
            note=note,
        )
    ]


def _toe_off(
    time_s: FloatArray,
    foot: FootTrack,
    lo: int,
    hi: int,
    scale_px: FloatArray,
    direction: FloatArray | None,
    rules: EventRules,
    tol: float,
) -> list[GaitEvent]:
    toe = foot.toe_px
    # The trailing toe stands at the start of the segment (its foot is late in stance).
    stand = _window(time_s, lo, rules.stance_window_s, forward=True)
    stand = slice(stand.start, min(stand.stop, hi))
    if not np.isfinite(toe[stand]).all(axis=1).any():
        return []
    far_anchor = np.nanmedian(toe[stand], axis=0)
    d = _distance(toe, far_anchor, direction, scale_px)
    if np.nanmax(d[stand]) > rules.coarse_factor * tol:
        return []  # the toe was not standing at the start of the segment
    if np.nanmax(d[lo:hi]) < rules.min_approach:
        return []  # the toe never left within this segment
    coarse = departure_time(time_s, d, rules.coarse_factor * tol, lo, hi)
    if coarse is None:
        return []
    refined = _refined(time_s, toe, coarse, direction, scale_px, rules, arrival=False, lo=lo, hi=hi)
    if refined is None:
        return []
    t, anchor = refined
    usable, note = True, ""
    if t - time_s[lo] < rules.min_confirm_s:
        usable, note = False, "the toe was not seen standing before it left"
    return [
        GaitEvent(
            side=foot.side,
            kind=TOE_OFF,
            time_s=t,
            position_px=(float(anchor[0]), float(anchor[1])),
            usable=usable,
            note=note,
        )
    ]


def alternating_segments(front: list[Segment], /) -> tuple[list[Segment], int]:
    """Keep segments whose leading side alternates with their neighbours'.

    Neighbouring segments (sharing a crossing) must lead with opposite feet. Two in a row
    leading with the same foot mean a crossing was missed or invented there; both are dropped,
    which keeps a doubtful contact out rather than giving it to the wrong foot.

    Returns the kept segments and how many were dropped.
    """
    bad = [False] * len(front)
    for i in range(len(front) - 1):
        a, b = front[i], front[i + 1]
        if b.number == a.number + 1 and a.side is b.side:
            bad[i] = bad[i + 1] = True
    kept = [seg for seg, b in zip(front, bad, strict=True) if not b]
    return kept, sum(bad)
