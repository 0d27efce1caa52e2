"""The gait analyzer: walking filmed from the side, the front or the back."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from assess.catalogue import norms_for
from assess.conditioning import Conditioning
from assess.gait.analysis import PassAnalysis, PassSettings, analyse_pass
from assess.gait.events import HEEL_STRIKE, EventRules
from assess.gait.figures import frontal_angles, sagittal_angles, spatial_figures
from assess.gait.metrics import exclude_turning, mark_steady, temporal_figures
from assess.gait.passes import find_passes, mark_turns
from assess.landmarks import LandmarkSeries
from assess.quality import assess_quality
from assess.results import GaitEvent, MovementResult, PassRecord, StepRecord
from assess.signal import gate_visibility
from assess.types import Measurement, Omission, Side, View
from assess.view import ViewEstimate

if TYPE_CHECKING:
    from assess.movements.base import AnalysisContext

SAGITTAL_ONLY = (
    "trunk_lean_mean",
    "trunk_lean_range",
    "head_forward_mean",
    "arm_swing",
    "gait_speed",
    "step_length",
)
FRONTAL_ONLY = ("trunk_sway_range", "pelvic_obliquity_range")
TOE_OFF_WARNING = (
    "stance_pct and double_support_pct rest on toe-off times, which have no real-footage truth yet; "
    "on rendered walking they read 4-11 points high: compare them within a patient, not with norms"
)
TIMING = ("cadence", "step_time", "stride_time", "stance_pct", "double_support_pct", "step_time_asymmetry")
LEVEL_CAMERA_WARNING = (
    "trunk and head angles are taken against the image vertical: a camera that is not level biases "
    "them one-for-one; level the camera before filming"
)
NEEDED = (
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip


def _no_foot_conditioning() -> Conditioning:
    return Conditioning(repair_swaps=False)


@dataclass(frozen=True, kw_only=True)
class Gait:
    """Gait events and figures from walking filmed from the side (sagittal) or front/back.

    Parameters
    ----------
    conditioning : Conditioning
        Conditioning of the landmarks used for angles (its swap repair is replaced by the
        gait-specific one at a side view).
    foot_conditioning : Conditioning
        Conditioning of the landmarks used for events.
    events : EventRules
        Event thresholds (leg lengths, seconds) at a side view.
    frontal_events : EventRules
        The same at a front or back view, where a step moves the foot less in the image.
    min_pass_s : float
        Shortest stretch of one view and walking direction analysed as a pass.
    min_leg_separation : float
        Least change of the distance between the feet (leg lengths) around a crossing.
    leg_crossing_zone : float
        Feet closer than this (leg lengths) along the walk cannot be told front from back.
    min_arm_separation, arm_crossing_zone : float
        The same for the elbows relative to the shoulders.
    frontal_min_separation : float
        Least depth separation of the feet (leg lengths of image height) at a front/back view.
    min_step_s, max_step_s : float
        Plausible step times.
    min_step_ratio, max_step_ratio : float
        A steady step lasts between these multiples of the pass's median step.
    min_speed_ratio : float
        A steady step is at least this fraction of the pass's median walking speed.
    max_camera_speed_fraction : float
        A planted foot sliding in the image faster than this fraction of the walking speed
        means the camera moved (distances are then withheld).
    min_steps : int
        Fewest steady steps for timing figures.
    few_steps : int
        Below this many steady steps a warning says the figures are rough.
    """

    conditioning: Conditioning = field(default_factory=_no_foot_conditioning)
    foot_conditioning: Conditioning = field(default_factory=_no_foot_conditioning)
    events: EventRules = field(default_factory=EventRules)
    frontal_events: EventRules = field(
        default_factory=lambda: EventRules(contact_tolerance=0.015, coarse_factor=2.0, min_approach=0.05)
    )
    min_pass_s: float = 1.0
    min_leg_separation: float = 0.25
    leg_crossing_zone: float = 0.2
    min_arm_separation: float = 0.08
    arm_crossing_zone: float = 0.03
    frontal_min_separation: float = 0.05
    min_step_s: float = 0.25
    max_step_s: float = 2.0
    min_step_ratio: float = 0.6
    max_step_ratio: float = 1.5
    min_speed_ratio: float = 0.75
    max_camera_speed_fraction: float = 0.2
    min_steps: int = 2
    few_steps: int = 6

    def _settings(self) -> PassSettings:
        return PassSettings(
            body_conditioning=self.conditioning,
            foot_conditioning=self.foot_conditioning,
            rules=self.events,
            frontal_rules=self.frontal_events,
            min_leg_separation=self.min_leg_separation,
            leg_crossing_zone=self.leg_crossing_zone,
            min_arm_separation=self.min_arm_separation,
            arm_crossing_zone=self.arm_crossing_zone,
            frontal_min_separation=self.frontal_min_separation,
            min_step_s=self.min_step_s,
            max_camera_speed_fraction=self.max_camera_speed_fraction,
        )

    #: Every frame: contacts are timed to the frame, and the model itself tracks feet worse when
    #: it sees fewer frames (the real 60 fps walk at every other frame: both legs drawn on one
    #: foot around a contact, which then went to the wrong foot).
    model_rate_hz: ClassVar[float | None] = None

    def analyze(self, series: LandmarkSeries, /, context: AnalysisContext) -> MovementResult:
        """Find steady passes, their events and steps, and the gait figures they support."""
        params = asdict(self)
        gated = gate_visibility(series, min_visibility=self.conditioning.min_visibility)
        walks = find_passes(gated, min_duration_s=self.min_pass_s) if series.n_frames > 3 else []
        quality = assess_quality(series, needed=NEEDED)
        warnings = list(quality.warnings)
        analysed = [
            a for i, w in enumerate(walks) if (a := analyse_pass(gated, w, i, self._settings())) is not None
        ]
        if not analysed:
            reason = (
                "no stretch of walking was found (at least "
                f"{self.min_pass_s:g} s in one direction, seen from the side, front or back)"
            )
            names = TIMING + SAGITTAL_ONLY + FRONTAL_ONLY
            return MovementResult(
                movement="gait",
                view=None,
                measurements=(),
                omissions=tuple(Omission(name=n, reason=reason) for n in names),
                warnings=(*warnings, reason),
                parameters=params,
                quality=quality,
                norms=norms_for(names),
            )
        steps = mark_steady(
            [s for p in analysed for s in p.steps],
            min_step_s=self.min_step_s,
            max_step_s=self.max_step_s,
            min_step_ratio=self.min_step_ratio,
            max_step_ratio=self.max_step_ratio,
            min_speed_ratio=self.min_speed_ratio,
        )
        marks = mark_turns([p.walk for p in analysed])
        steps = exclude_turning(
            steps,
            turns=frozenset(analysed[i].index for i in marks.turns),
            after_turn=frozenset(analysed[i].index for i in marks.after_turn),
            before_turn=frozenset(analysed[i].index for i in marks.before_turn),
        )
        analysed = [
            _with_steps(
                p,
                steps,
                turn=k in marks.turns,
                after_turn=k in marks.after_turn,
                before_turn=k in marks.before_turn,
            )
            for k, p in enumerate(analysed)
        ]
        side = [p for p in analysed if p.walk.view is View.SIDE]
        frontal = [p for p in analysed if p.walk.view is not View.SIDE]
        measurements: list[Measurement] = []
        omissions: list[Omission] = []
        events_by_pass = {p.index: p.events for p in analysed}
        for group, view in ((side, View.SIDE), (frontal, _frontal_view(frontal))):
            if not group:
                continue
            group_steps = [s for p in group for s in p.steps]
            m, o = temporal_figures(
                group_steps,
                events_by_pass,
                view=view,
                min_steps=self.min_steps,
                with_stance=view is View.SIDE,
            )
            measurements += m
            omissions += o
        if side:
            m, o = sagittal_angles(side)
            measurements += m
            omissions += o
            m, o = spatial_figures(side, height_cm=context.height_cm)
            measurements += m
            omissions += o
            warnings.append(LEVEL_CAMERA_WARNING)
        else:
            omissions += [Omission(name=n, reason="needs a side view") for n in SAGITTAL_ONLY]
        if frontal:
            m, o = frontal_angles(frontal, view=_frontal_view(frontal))
            measurements += m
            omissions += o
        else:
            omissions += [Omission(name=n, reason="needs a front or back view") for n in FRONTAL_ONLY]
        warnings += _pass_warnings(analysed, steps, self.few_steps)
        if any(m.name in ("stance_pct", "double_support_pct") for m in measurements):
            warnings.append(TOE_OFF_WARNING)
        dominant = max(analysed, key=lambda p: (sum(s.steady for s in p.steps), p.walk.duration_s))
        return MovementResult(
            movement="gait",
            view=ViewEstimate.from_label(dominant.walk.view, dominant.walk.facing),
            measurements=tuple(measurements),
            omissions=tuple(_dedupe(omissions, measurements)),
            warnings=tuple(dict.fromkeys(warnings)),
            parameters=params,
            quality=quality,
            norms=norms_for(TIMING + SAGITTAL_ONLY + FRONTAL_ONLY),
            passes=tuple(_pass_record(p) for p in analysed),
        )


def _with_steps(
    p: PassAnalysis, steps: list[Any], *, turn: bool, after_turn: bool, before_turn: bool
) -> PassAnalysis:
    """The pass with its judged steps; contacts taken while turning are not used.

    That is every event of a turn, and the contact nearest the turn in a pass next to one.
    """
    events = list(p.events)
    strikes = [k for k, e in enumerate(events) if e.usable and e.kind == HEEL_STRIKE]
    doubtful = set(range(len(events))) if turn else set()
    if strikes and after_turn:
        doubtful.add(strikes[0])
    if strikes and before_turn:
        doubtful.add(strikes[-1])
    for k in doubtful:
        if events[k].usable:
            events[k] = replace(events[k], usable=False, note="taken while turning")
    return replace(p, steps=tuple(s for s in steps if s.pass_index == p.index), events=tuple(events))


def _frontal_view(passes: list[PassAnalysis]) -> View:
    counts = Counter(p.walk.view for p in passes)
    return counts.most_common(1)[0][0] if counts else View.FRONT


def _pass_record(p: PassAnalysis) -> PassRecord:
    """A pass as the result reports it: view, steps and events, used or not and why."""
    return PassRecord(
        start_s=p.walk.start_s,
        end_s=p.walk.end_s,
        view=p.walk.view,
        facing=p.walk.facing,
        steps=tuple(
            StepRecord(side=s.side, start_s=s.start.time_s, end_s=s.end.time_s, used=s.steady, why=s.reason)
            for s in p.steps
        ),
        events=tuple(
            GaitEvent(kind=e.kind, side=e.side, time_s=e.time_s, used=e.usable, why=e.note) for e in p.events
        ),
        camera_moved=p.camera_moved,
        label_repair_frames=p.swapped_frames,
    )


def _pass_warnings(passes: list[PassAnalysis], steps: list[Any], few: int) -> list[str]:
    out = []
    used = sum(s.steady for s in steps)
    if 0 < used < few:
        out.append(
            f"the figures rest on only {used} steady steps; film at least {few} steps of steady walking "
            "(start and stop outside the frame) for figures you can compare over time"
        )
    repaired = sum(p.swapped_frames for p in passes)
    if repaired:
        out.append(
            f"left/right leg or arm labels were repaired in {repaired} frames (near and far limb confused)"
        )
    if any(p.dropped_segments for p in passes):
        out.append("some steps were left out because the feet could not be told apart there")
    if any(p.walk.view is not View.SIDE and any(s.steady for s in p.steps) for p in passes):
        out.append(
            "seen from the front or back, heel strikes and toe offs are not timed (the heel hides "
            "behind the foot); steps there are timed from mid-swing, when the feet pass each other"
        )
    if any(p.camera_moved for p in passes):
        out.append(
            "the camera moved while filming: timing and angles are kept, distances and speed are not; "
            "put the phone on a tripod or a shelf"
        )
    return out


def _dedupe(omissions: list[Omission], measurements: list[Measurement]) -> list[Omission]:
    """Drop omissions of figures measured elsewhere (another view) and repeated omissions."""
    measured = {(m.name, m.side) for m in measurements}
    names = {m.name for m in measurements}
    seen: set[tuple[str, Side | None]] = set()
    out = []
    for o in omissions:
        key = (o.name, o.side)
        if key in measured or key in seen or (o.side is None and o.name in names):
            continue
        seen.add(key)
        out.append(o)
    return out
