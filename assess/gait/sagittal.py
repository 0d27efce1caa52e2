"""Events of one walking pass filmed from the side."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from assess.gait.events import EventRules, FootTrack, GaitEvent, Segment, alternating_segments, detect_events
from assess.gait.labels import Crossings, find_crossings
from assess.gait.prepare import CameraMotion, estimate_camera_motion, stabilised
from assess.landmarks import LandmarkSeries
from assess.types import Side

FloatArray = NDArray[np.float64]
FOOT_PARTS = ("heel", "ankle", "foot_index")


def foot_forward_px(series: LandmarkSeries, side: Side, forward_sign: float) -> FloatArray:
    """Mean x of heel, ankle and toe along the walking direction, pixels."""
    xs = np.stack([series.px(f"{side.value}_{p}")[:, 0] for p in FOOT_PARTS], axis=1)
    return np.asarray(forward_sign * xs.mean(axis=1))


def segments_between(
    crossings: NDArray[np.intp], forward: dict[Side, FloatArray], n: int, *, min_lead_px: float
) -> list[Segment]:
    """Segments between crossings and the side whose foot is in front in each.

    A segment where the feet stand side by side (median lead below ``min_lead_px``, e.g.
    standing before the first step) has no front foot and is left out.
    """
    bounds = [0, *[int(c) for c in crossings], n]
    out: list[Segment] = []
    for number, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        if hi - lo < 2:
            continue
        lead = forward[Side.LEFT][lo:hi] - forward[Side.RIGHT][lo:hi]
        lead = lead[np.isfinite(lead)]
        if lead.size == 0:
            continue
        middle = float(np.median(lead))
        if abs(middle) < min_lead_px:
            continue
        out.append(Segment(lo, hi, Side.LEFT if middle > 0 else Side.RIGHT, number))
    return out


@dataclass(frozen=True, kw_only=True)
class SidePassEvents:
    """What the event search found in one side-view pass."""

    events: tuple[GaitEvent, ...]
    crossings: Crossings
    camera: CameraMotion
    camera_moved: bool
    dropped_for_alternation: int
    feet: LandmarkSeries


def side_pass_events(
    feet: LandmarkSeries,
    /,
    *,
    forward_sign: float,
    scale_px: float,
    rules: EventRules,
    min_leg_separation: float,
    min_step_s: float,
    max_camera_speed_fraction: float,
) -> SidePassEvents:
    """Heel strikes and toe offs of one side-view pass (sides already repaired).

    A camera that pans with the walker moves the planted foot in the image; the ground's
    image motion is then removed before the search, and ``camera_moved`` is set so that
    distances are not reported.
    """
    # Crossings rest on the distance between the feet, which a moving camera does not change.
    forward = {s: foot_forward_px(feet, s, forward_sign) for s in Side}
    crossings = find_crossings(
        feet.time_s,
        forward[Side.LEFT],
        forward[Side.RIGHT],
        scale_px=scale_px,
        min_separation=min_leg_separation,
        min_interval_s=min_step_s,
    )
    segments, dropped = alternating_segments(
        segments_between(crossings.indices, forward, feet.n_frames, min_lead_px=min_leg_separation * scale_px)
    )
    camera = estimate_camera_motion(feet, segments=segments, scale_px=scale_px)
    # A planted foot's landmark creeps a little in the image even with a still camera (the
    # model's heel settles as the foot flattens): judge the ground's image motion against the
    # walking speed, which a camera that follows the walker matches.
    t = feet.time_s
    pelvis_v = forward_sign * np.gradient(feet.mid_px("hip")[:, 0], t) if t.size > 1 else np.zeros(1)
    pelvis_v = pelvis_v[np.isfinite(pelvis_v)]
    ground_v = forward_sign * camera.velocity_px_per_s
    walking = (float(np.median(pelvis_v)) - ground_v) / scale_px if pelvis_v.size else 0.0
    fraction = camera.speed_leg_per_s / walking if walking > 0 else 0.0
    moved = fraction > max_camera_speed_fraction
    search = stabilised(feet, camera.shift_px) if moved else feet
    tracks = {
        s: FootTrack(side=s, heel_px=search.px(f"{s.value}_heel"), toe_px=search.px(f"{s.value}_foot_index"))
        for s in Side
    }
    direction = np.array([1.0, 0.0])
    events = detect_events(
        search.time_s,
        tracks,
        segments,
        scale_px=np.full(search.n_frames, scale_px),
        direction=direction,
        frame_size_px=feet.frame_size_px,
        rules=rules,
        image_shift_px=camera.shift_px if moved else None,
    )
    if moved and segments:
        # The ground's motion is read between planted-foot windows; in the open first and last
        # segments (and outside the windows) it is extrapolated, so events there are not used.
        start, end = camera.covered_s
        edge = {segments[0].number, segments[-1].number}
        events = [
            replace(e, usable=False, note="the camera's motion could not be followed there")
            if e.usable and (e.segment in edge or not start <= e.time_s <= end)
            else e
            for e in events
        ]
    return SidePassEvents(
        events=tuple(events),
        crossings=crossings,
        camera=camera,
        camera_moved=moved,
        dropped_for_alternation=dropped,
        feet=search,
    )
