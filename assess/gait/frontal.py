"""Events of one walking pass filmed from the front or the back.

Seen from the front or back, a planted foot still stands still in the image (the camera is
still) and the swinging foot moves: down the image when the subject walks toward the camera
(the floor nearer the camera is lower in the image), up when walking away. So the forward
position of a foot is its image height, signed by the direction of walking, and the same
crossing scaffold as at a side view applies: the feet pass each other in depth once per step.
The image distance of a step is small (a step changes depth, not image position), so the
thresholds are in leg lengths measured per frame (the subject grows as they come closer).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from assess.gait.events import EventRules, FootTrack, GaitEvent, Segment, alternating_segments, detect_events
from assess.gait.labels import Crossings, find_crossings
from assess.gait.metrics import Step
from assess.gait.sagittal import segments_between
from assess.landmarks import LandmarkSeries
from assess.types import Side

FloatArray = NDArray[np.float64]


def approach_sign(scale_px: FloatArray, time_s: FloatArray, *, default: float) -> float:
    """+1 if the subject comes toward the camera (grows in the image), -1 if they recede."""
    ok = np.isfinite(scale_px) & (scale_px > 0)
    if ok.sum() < 3:
        return default
    t = time_s[ok]
    log_s = np.log(scale_px[ok])
    slope = float(np.polyfit(t - t.mean(), log_s, 1)[0])
    # Less than 2 % growth per second is walking in place (or a treadmill): use the view.
    if abs(slope) < 0.02:
        return default
    return 1.0 if slope > 0 else -1.0


def foot_depth_forward(series: LandmarkSeries, side: Side, sign: float) -> FloatArray:
    """Image height of the foot's lowest point (heel or toe), signed so that forward is +.

    The lowest point is the one least lifted during swing, so its image height follows the
    foot's depth best; a lifted point would shift the crossings, and by more the further away
    the walker is.
    """
    ys = np.stack([series.px(f"{side.value}_{p}")[:, 1] for p in ("heel", "foot_index")], axis=1)
    with np.errstate(invalid="ignore"):
        lowest = np.where(np.isfinite(ys).all(axis=1), ys.max(axis=1), np.nan)
    return np.asarray(sign * lowest)


@dataclass(frozen=True, kw_only=True)
class FrontalPassEvents:
    """What the event search found in one front- or back-view pass."""

    events: tuple[GaitEvent, ...]
    crossings: Crossings
    approach: float
    dropped_for_alternation: int
    segments: tuple[Segment, ...] = ()


def frontal_pass_events(
    feet: LandmarkSeries,
    /,
    *,
    scale_px: FloatArray,
    facing_camera: bool,
    rules: EventRules,
    min_separation: float,
    min_step_s: float,
) -> FrontalPassEvents:
    """Heel strikes and toe offs of one front- or back-view pass.

    Parameters
    ----------
    feet : LandmarkSeries
        Conditioned landmarks of the pass.
    scale_px : ndarray, shape (n,)
        Leg length per frame in pixels.
    facing_camera : bool
        True at a front view (the default direction of walking is toward the camera).
    rules : EventRules
        Event thresholds.
    min_separation : float
        Least depth separation of the feet around a crossing, in leg lengths of image height.
    min_step_s : float
        Shortest step.
    """
    sign = approach_sign(scale_px, feet.time_s, default=1.0 if facing_camera else -1.0)
    forward = {s: foot_depth_forward(feet, s, sign) for s in Side}
    crossings = find_crossings(
        feet.time_s,
        forward[Side.LEFT],
        forward[Side.RIGHT],
        scale_px=scale_px,
        min_separation=min_separation,
        min_interval_s=min_step_s,
    )
    lead_px = float(np.nanmedian(scale_px)) * min_separation / 2.0
    segments, dropped = alternating_segments(
        segments_between(crossings.indices, forward, feet.n_frames, min_lead_px=lead_px)
    )
    tracks = {
        s: FootTrack(side=s, heel_px=feet.px(f"{s.value}_heel"), toe_px=feet.px(f"{s.value}_foot_index"))
        for s in Side
    }
    events = detect_events(
        feet.time_s,
        tracks,
        segments,
        scale_px=scale_px,
        direction=None,
        frame_size_px=feet.frame_size_px,
        rules=rules,
    )
    # Facing the camera the heel hides behind the forefoot (walking away, its last approach
    # hardly moves in the image): contact times are kept for the record, not used.
    note = "contact times are not reliable from the front or back"
    events = [replace(e, usable=False, note=note) for e in events]
    return FrontalPassEvents(
        events=tuple(events),
        crossings=crossings,
        approach=sign,
        dropped_for_alternation=dropped,
        segments=tuple(segments),
    )


MID_SWING = "mid_swing"


def crossing_steps(segments: tuple[Segment, ...], time_s: FloatArray, /, *, pass_index: int) -> list[Step]:
    """Steps timed from mid-swing to mid-swing (the instants the feet pass each other).

    The interval between two crossings equals the step time of the foot that passes at the
    second one when both swings last equally long; it needs no contact, so it holds at a front
    or back view where contacts cannot be timed. Steps are built only between neighbouring
    segments that lead with opposite feet.
    """
    # One mid-swing instant per segment start (a crossing), shared by the two steps it joins.
    marks = {
        seg.number: GaitEvent(
            side=seg.side,
            kind=MID_SWING,
            time_s=float(time_s[seg.start]),
            position_px=(0.0, 0.0),
            segment=seg.number,
        )
        for seg in segments
        if seg.start > 0
    }
    steps = []
    for a, b in itertools.pairwise(segments):
        if b.number != a.number + 1 or a.side is b.side or a.number not in marks or b.number not in marks:
            continue
        steps.append(Step(start=marks[a.number], end=marks[b.number], pass_index=pass_index))
    return steps
