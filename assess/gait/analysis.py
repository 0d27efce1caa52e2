"""One pass from raw landmarks to events and steps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assess.conditioning import Conditioning
from assess.gait.events import EventRules, GaitEvent
from assess.gait.frontal import crossing_steps, frontal_pass_events
from assess.gait.labels import Crossings, leg_length_px
from assess.gait.metrics import Step, steps_of_pass
from assess.gait.passes import WalkingPass
from assess.gait.prepare import leg_length_per_frame, prepare_frontal_pass, prepare_side_pass
from assess.gait.sagittal import side_pass_events
from assess.landmarks import LandmarkSeries
from assess.types import View

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class PassSettings:
    """The analyzer's thresholds that one pass needs (see :class:`assess.gait.Gait`)."""

    body_conditioning: Conditioning
    foot_conditioning: Conditioning
    rules: EventRules
    frontal_rules: EventRules
    min_leg_separation: float
    leg_crossing_zone: float
    min_arm_separation: float
    arm_crossing_zone: float
    frontal_min_separation: float
    min_step_s: float
    max_camera_speed_fraction: float


@dataclass(frozen=True, kw_only=True)
class PassAnalysis:
    """A pass after event detection.

    ``body`` is conditioned for angles (image coordinates); ``feet`` is what the events were
    found in (ground held still when the camera moved); ``scale_px`` the leg length per frame.
    """

    index: int
    walk: WalkingPass
    body: LandmarkSeries
    feet: LandmarkSeries
    events: tuple[GaitEvent, ...]
    crossings: Crossings
    steps: tuple[Step, ...]
    scale_px: FloatArray
    camera_moved: bool
    camera_speed_leg_per_s: float
    swapped_frames: int
    dropped_segments: int

    @property
    def leg_px(self) -> float:
        """Median leg length in pixels."""
        return float(np.nanmedian(self.scale_px))


def analyse_pass(
    raw: LandmarkSeries, walk: WalkingPass, index: int, settings: PassSettings
) -> PassAnalysis | None:
    """Repair, condition and search one pass; None when the legs were never found in it."""
    part = raw.select(slice(walk.start_index, walk.stop_index))
    try:
        leg = leg_length_px(part)
    except ValueError:
        return None
    if walk.view is View.SIDE:
        f = walk.forward_sign
        prepared = prepare_side_pass(
            part,
            forward_sign=f,
            scale_px=leg,
            body_conditioning=settings.body_conditioning,
            foot_conditioning=settings.foot_conditioning,
            min_leg_separation=settings.min_leg_separation,
            leg_zone=settings.leg_crossing_zone,
            min_arm_separation=settings.min_arm_separation,
            arm_zone=settings.arm_crossing_zone,
        )
        found = side_pass_events(
            prepared.feet,
            forward_sign=f,
            scale_px=leg,
            rules=settings.rules,
            min_leg_separation=settings.min_leg_separation,
            min_step_s=settings.min_step_s,
            max_camera_speed_fraction=settings.max_camera_speed_fraction,
        )
        pelvis = f * found.feet.mid_px("hip")[:, 0]
        steps = steps_of_pass(
            found.events,
            pass_index=index,
            pelvis_time_s=found.feet.time_s,
            pelvis_forward_px=pelvis,
            scale_px=leg,
        )
        return PassAnalysis(
            index=index,
            walk=walk,
            body=prepared.body,
            feet=found.feet,
            events=found.events,
            crossings=found.crossings,
            steps=tuple(steps),
            scale_px=np.full(part.n_frames, leg),
            camera_moved=found.camera_moved,
            camera_speed_leg_per_s=found.camera.speed_leg_per_s,
            swapped_frames=prepared.swapped_frames,
            dropped_segments=found.dropped_for_alternation,
        )
    prepared = prepare_frontal_pass(
        part,
        scale_px=leg,
        body_conditioning=settings.body_conditioning,
        foot_conditioning=settings.foot_conditioning,
    )
    scale = leg_length_per_frame(prepared.feet)
    frontal = frontal_pass_events(
        prepared.feet,
        scale_px=scale,
        facing_camera=walk.view is View.FRONT,
        rules=settings.frontal_rules,
        min_separation=settings.frontal_min_separation,
        min_step_s=settings.min_step_s,
    )
    steps = crossing_steps(frontal.segments, prepared.feet.time_s, pass_index=index)
    return PassAnalysis(
        index=index,
        walk=walk,
        body=prepared.body,
        feet=prepared.feet,
        events=frontal.events,
        crossings=frontal.crossings,
        steps=tuple(steps),
        scale_px=scale,
        camera_moved=False,
        camera_speed_leg_per_s=0.0,
        swapped_frames=prepared.swapped_frames,
        dropped_segments=frontal.dropped_for_alternation,
    )
