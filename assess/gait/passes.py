"""Passes: stretches of a clip walked in one direction under one camera view.

A walking clip holds more than steady walking: entering and leaving the frame, stopping,
turning round, walking back or toward the camera. Each frame is classed by view (side, front,
back) and, at a side view, by the image direction the subject faces; runs of one class long
enough to hold steps are passes. A turn shows as a change of facing (and usually a few frontal
frames in between) and so ends one pass and starts another; the frames of the turn itself
belong to no pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assess.gait.smoothing import moving_mean, moving_median, odd_frames
from assess.landmarks import LandmarkSeries
from assess.signal import true_runs
from assess.types import Facing, View

FloatArray = NDArray[np.float64]

_NONE, _SIDE_LEFT, _SIDE_RIGHT, _FRONT, _BACK = range(5)
_CLASSES = {
    _SIDE_LEFT: (View.SIDE, Facing.LEFT),
    _SIDE_RIGHT: (View.SIDE, Facing.RIGHT),
    _FRONT: (View.FRONT, Facing.CAMERA),
    _BACK: (View.BACK, Facing.AWAY),
}


@dataclass(frozen=True, kw_only=True)
class WalkingPass:
    """One pass: frames ``[start_index, stop_index)`` of the series, its view and facing."""

    start_index: int
    stop_index: int
    start_s: float
    end_s: float
    view: View
    facing: Facing

    @property
    def duration_s(self) -> float:
        """Length of the pass in seconds."""
        return self.end_s - self.start_s

    @property
    def forward_sign(self) -> float:
        """+1 when the subject faces image-right, -1 image-left (side views; 0 otherwise)."""
        if self.view is not View.SIDE:
            return 0.0
        return 1.0 if self.facing is Facing.RIGHT else -1.0

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form."""
        return {
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "view": self.view.value,
            "facing": self.facing.value,
        }


def width_ratio(series: LandmarkSeries, /) -> FloatArray:
    """Per frame: shoulder plus hip width over twice the torso length (near 0 from the side)."""
    sh_w = np.abs(series.px("left_shoulder")[:, 0] - series.px("right_shoulder")[:, 0])
    hip_w = np.abs(series.px("left_hip")[:, 0] - series.px("right_hip")[:, 0])
    torso = np.linalg.norm(series.mid_px("shoulder") - series.mid_px("hip"), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (sh_w + hip_w) / (2.0 * torso)
    return np.where(torso > 0, ratio, np.nan)


def facing_votes(series: LandmarkSeries, /) -> FloatArray:
    """Per frame, in [-1, 1]: + when the subject faces image-right at a side view.

    Votes: the nose ahead of the ears, the toes ahead of the heels (both feet).
    """
    nose = np.sign(series.px("nose")[:, 0] - series.mid_px("ear")[:, 0])
    toes = np.sign(
        series.px("left_foot_index")[:, 0]
        + series.px("right_foot_index")[:, 0]
        - series.px("left_heel")[:, 0]
        - series.px("right_heel")[:, 0]
    )
    votes = np.stack([nose, toes], axis=1)
    ok = np.isfinite(votes)
    total = np.where(ok, votes, 0.0).sum(axis=1)
    count = ok.sum(axis=1)
    with np.errstate(invalid="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def frame_classes(
    series: LandmarkSeries, /, *, smooth_s: float, side_below: float, frontal_above: float
) -> NDArray[np.int_]:
    """Class of each frame (none, side facing left/right, front, back), with hysteresis."""
    n = series.n_frames
    size = odd_frames(smooth_s, series.time_s)
    ratio = moving_median(width_ratio(series), size)
    facing = moving_mean(facing_votes(series), size)
    order = np.sign(series.px("left_shoulder")[:, 0] - series.px("right_shoulder")[:, 0]) + np.sign(
        series.px("left_hip")[:, 0] - series.px("right_hip")[:, 0]
    )
    order = moving_mean(order, size)
    classes = np.full(n, _NONE, dtype=int)
    frontal = False
    for i in range(n):
        r = ratio[i]
        if not np.isfinite(r):
            continue
        # Hysteresis: the class changes only once the ratio is clearly past the other threshold.
        if frontal and r < side_below:
            frontal = False
        elif not frontal and r > frontal_above:
            frontal = True
        if frontal:
            if np.isfinite(order[i]) and order[i] != 0:
                classes[i] = _FRONT if order[i] > 0 else _BACK
        elif np.isfinite(facing[i]) and facing[i] != 0:
            classes[i] = _SIDE_RIGHT if facing[i] > 0 else _SIDE_LEFT
    return classes


def find_passes(
    series: LandmarkSeries,
    /,
    *,
    min_duration_s: float = 1.0,
    smooth_s: float = 0.5,
    side_below: float = 0.38,
    frontal_above: float = 0.47,
    max_gap_s: float = 0.25,
) -> list[WalkingPass]:
    """Passes of one view and facing, at least ``min_duration_s`` long, in time order.

    Parameters
    ----------
    series : LandmarkSeries
        The subject's landmarks (raw or conditioned).
    min_duration_s : float
        Shortest pass kept (two steps take about a second).
    smooth_s : float
        Window of the moving median/mean that steadies the per-frame view and facing.
    side_below, frontal_above : float
        Width-ratio thresholds (hysteresis) between a side and a front/back view.
    max_gap_s : float
        Frames without the subject shorter than this do not split a pass.
    """
    classes = frame_classes(series, smooth_s=smooth_s, side_below=side_below, frontal_above=frontal_above)
    t = series.time_s
    # Bridge short unclassified gaps inside a run of one class.
    for start, stop in true_runs(classes == _NONE):
        if start == 0 or stop == classes.size:
            continue
        if classes[start - 1] == classes[stop] and t[stop] - t[start - 1] <= max_gap_s:
            classes[start:stop] = classes[start - 1]
    passes: list[WalkingPass] = []
    for code, (view, facing) in _CLASSES.items():
        for start, stop in true_runs(classes == code):
            if t[stop - 1] - t[start] < min_duration_s:
                continue
            passes.append(
                WalkingPass(
                    start_index=start,
                    stop_index=stop,
                    start_s=float(t[start]),
                    end_s=float(t[stop - 1]),
                    view=view,
                    facing=facing,
                )
            )
    return sorted(passes, key=lambda p: p.start_s)


@dataclass(frozen=True, kw_only=True)
class TurnMarks:
    """Which passes are turns, and which passes begin or end at a turn (by pass position)."""

    turns: frozenset[int]
    after_turn: frozenset[int]
    before_turn: frozenset[int]


def mark_turns(passes: list[WalkingPass], /, *, max_gap_s: float = 1.0, max_turn_s: float = 3.0) -> TurnMarks:
    """Turns between passes.

    A pass shorter than ``max_turn_s`` whose neighbours (within ``max_gap_s``) walk in
    different directions from each other is the turn itself (e.g. a few frontal frames while
    turning round between two side passes). A pass that starts (ends) within ``max_gap_s`` of
    another pass starts (ends) at a turn: its first (last) step is taken while turning.
    """
    ordered = sorted(range(len(passes)), key=lambda i: passes[i].start_s)
    turns, after, before = set(), set(), set()
    for k, i in enumerate(ordered):
        p = passes[i]
        prev = passes[ordered[k - 1]] if k > 0 else None
        nxt = passes[ordered[k + 1]] if k + 1 < len(ordered) else None
        near_prev = prev is not None and p.start_s - prev.end_s <= max_gap_s
        near_next = nxt is not None and nxt.start_s - p.end_s <= max_gap_s
        if near_prev:
            after.add(i)
        if near_next:
            before.add(i)
        if (
            near_prev
            and near_next
            and prev is not None
            and nxt is not None
            and p.duration_s < max_turn_s
            and (prev.view, prev.facing) != (nxt.view, nxt.facing)
        ):
            turns.add(i)
    return TurnMarks(turns=frozenset(turns), after_turn=frozenset(after), before_turn=frozenset(before))
