"""What the four spinal range-of-motion analyzers share.

Conditioning, view and quality checks; splitting a clip at camera cuts; measuring signals from
each shot's own neutral posture; turning image directions into anatomical ones; and building
the summary figures (largest repetition, spread across repetitions) from the repetitions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from assess.catalogue import norms_for
from assess.conditioning import Conditioning
from assess.geometry import joint_angle_deg, wrap_deg
from assess.landmarks import LEFT_RIGHT_PERMUTATION, LEG_TO_TORSO_RANGE, LandmarkSeries
from assess.neutral import Neutral, find_neutral, trunk_to_legs_deg
from assess.quality import Quality, assess_quality
from assess.repetitions import Excursion, RepetitionRules, segment_repetitions
from assess.results import MovementResult, NeutralRecord, RepetitionDetail, Signal
from assess.signal import gate_visibility, true_runs
from assess.stance import trunk_inclination_image_deg
from assess.types import Measurement, Omission, Repetition, Side, View
from assess.view import ViewEstimate, detect_view, view_angle_cues_deg, view_angle_deg

FloatArray = NDArray[np.float64]

TRUNK_LANDMARKS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """A conditioned series with its shots, views, quality and the warnings they raise.

    Parameters
    ----------
    series : LandmarkSeries
        Conditioned landmarks (NaN outside the shots).
    shots : tuple of slice
        The clip's shots (camera cuts split it).
    shot_views : tuple of ViewEstimate or None
        Each shot's view, estimated at the patient's most upright, untwisted stance in it.
    view : ViewEstimate or None
        The clip's view: that of the longest shot with one.
    flipped : ndarray of bool, shape (n,)
        Frames where the model turned the body the other way round (its view more than 90 deg
        from its shot's view): a front/back flip, whose widths and depths are not the body's.
    quality : Quality
        Visibility and framing.
    warnings : tuple of str
        Warnings raised so far.
    """

    series: LandmarkSeries
    shots: tuple[slice, ...]
    shot_views: tuple[ViewEstimate | None, ...]
    view: ViewEstimate | None
    flipped: NDArray[np.bool_]
    quality: Quality
    warnings: tuple[str, ...]


def fill_from_counterpart(series: LandmarkSeries, /) -> LandmarkSeries:
    """Fill a missing left (right) landmark with its right (left) counterpart.

    Seen from the side, the far limb hides behind the near one and is often too uncertain to
    keep, while both project to nearly the same image point; filling lets midpoints (hip centre,
    knee centre) use the near side alone. Only for side views.
    """
    image = series.image_px.copy()
    world = series.world_m.copy()
    perm = LEFT_RIGHT_PERMUTATION
    for arr, src in ((image, series.image_px), (world, series.world_m)):
        missing = ~np.isfinite(src[..., 0])
        arr[missing] = src[:, perm][missing]
    return replace(series, image_px=image, world_m=world)


def drop_out_of_frame(series: LandmarkSeries, /) -> LandmarkSeries:
    """Landmarks the model placed outside the picture (guesses for body parts out of view) become missing."""
    width, height = series.frame_size_px
    x, y = series.image_px[..., 0], series.image_px[..., 1]
    with np.errstate(invalid="ignore"):
        outside = (x < 0) | (x > width) | (y < 0) | (y > height)
    image = series.image_px.copy()
    world = series.world_m.copy()
    vis = series.visibility.copy()
    image[outside] = np.nan
    world[outside] = np.nan
    vis[outside] = 0.0
    return replace(series, image_px=image, world_m=world, visibility=vis)


def prepare(series: LandmarkSeries, /, *, conditioning: Conditioning, needed: Sequence[str]) -> Prepared:
    """Cut the clip into shots, condition each shot on its own, detect each shot's view, assess quality.

    Landmarks outside the picture are dropped first; a filter never runs across a camera cut.
    In a side view, a far-side landmark that was not seen takes its near-side counterpart's place.
    """
    quality = assess_quality(series, needed=needed)
    warnings = list(quality.warnings)
    inside = drop_out_of_frame(series)
    raw = gate_visibility(inside, min_visibility=conditioning.min_visibility)
    shots = tuple(split_shots(raw))
    clean, swaps = condition_shots(inside, shots, conditioning=conditioning)
    if swaps:
        warnings.append(f"left/right landmark labels were repaired in {swaps} frames")
    shot_views = tuple(shot_view(clean.select(shot)) for shot in shots)
    seen = [(shot.stop - shot.start, v) for shot, v in zip(shots, shot_views, strict=True) if v is not None]
    view = max(seen, key=lambda item: item[0])[1] if seen else None
    if len({v.view for _, v in seen}) > 1:
        labels = ", ".join(v.label for _, v in seen)
        warnings.append(f"the shots of this clip are filmed from different views ({labels}); each shot is "
                        "measured in its own view")  # fmt: skip
    if view is not None and view.view is View.SIDE:
        clean = fill_from_counterpart(clean)
    return Prepared(
        series=clean, shots=shots, shot_views=shot_views, view=view,
        flipped=model_flips(raw, shots, shot_views), quality=quality, warnings=tuple(warnings),
    )  # fmt: skip


def condition_shots(
    series: LandmarkSeries, shots: Sequence[slice], /, *, conditioning: Conditioning
) -> tuple[LandmarkSeries, int]:
    """Condition each shot on its own (NaN outside shots); also how many frames had labels repaired."""
    image = np.full_like(series.image_px, np.nan)
    world = np.full_like(series.world_m, np.nan)
    swaps = 0
    for shot in shots:
        sub, n = conditioning.apply(series.select(shot))
        image[shot], world[shot] = sub.image_px, sub.world_m
        swaps += n
    return replace(series, image_px=image, world_m=world), swaps


def model_flips(
    raw: LandmarkSeries, shots: Sequence[slice], views: Sequence[ViewEstimate | None], /
) -> NDArray[np.bool_]:
    """Frames where the model turned the body round (front for back).

    With the model's own labels, before any repair, the view there is more than
    :data:`MAX_FLIP_FREE_DEG` from the shot's view.
    """
    flipped = np.zeros(raw.n_frames, dtype=bool)
    per_frame = view_angle_deg(raw)
    for shot, v in zip(shots, views, strict=True):
        if v is not None:
            with np.errstate(invalid="ignore"):
                flipped[shot] = np.abs(wrap_deg(per_frame[shot] - v.angle_deg)) > MAX_FLIP_FREE_DEG
    return flipped


#: A frame whose own view angle is further than this from its shot's is a front/back flip (deg).
MAX_FLIP_FREE_DEG = 90.0
#: Shoulder line and hip line turned further apart than this (deg) are a twist, not a stance.
MAX_STANCE_TWIST_DEG = 15.0


def shot_view(sub: LandmarkSeries, /) -> ViewEstimate | None:
    """The view of one shot, from the patient's most upright, untwisted posture in it.

    A bend or a twist changes how wide the body looks, so the view is estimated where the trunk
    is nearest upright (:func:`upright_key`, both planes) and the shoulder line is parallel to
    the hip line; without such frames, from every frame of the shot.
    """
    frames = stance_frames(sub)
    found = detect_view(sub, frames=frames) if frames is not None else None
    return found if found is not None else detect_view(sub)


def stance_frames(sub: LandmarkSeries, /) -> NDArray[np.bool_] | None:
    """The frames of a shot where the patient stands most upright and untwisted, or None."""
    cues = view_angle_cues_deg(sub)
    twist = np.abs(wrap_deg(cues[:, 0] - cues[:, 2]))  # world shoulder line vs world hip line
    upright = upright_key(sub)
    key = np.where(np.isnan(twist) | (twist <= MAX_STANCE_TWIST_DEG), upright, np.nan)
    if not np.isfinite(key).any():
        key = upright  # the model's depth sees a twist everywhere: trust the upright check alone
    neutral = find_neutral(sub, key=key) if np.isfinite(key).any() else None
    return neutral.mask if neutral is not None else None


#: Beyond this many degrees from square to the movement's plane the camera sees the movement edge-on.
#: The view estimate erred by up to 11.7 deg on real footage (20 deg on the rendered figure at 45 deg),
#: so a camera truly edge-on (90) is always refused and one truly 60 deg off never is.
MAX_OFF_SQUARE_DEG = 75.0
#: Within this many degrees of square the view is as good as square.
SQUARE_TOLERANCE_DEG = 30.0
_PLANE_VIEW = {"sagittal": "side-on", "frontal": "from the front or behind"}


def view_problem(view: ViewEstimate | None, /, *, plane: str, how: str) -> str | None:
    """Why the view cannot support a movement in ``plane``, or None when it can.

    Only strong evidence refuses: the camera more than :data:`MAX_OFF_SQUARE_DEG` from square to
    the movement's plane (a side bend filmed from the side, a forward bend from the front).
    """
    if view is None:
        return "the patient's shoulders and hips were never found together; " + how
    off = view.off_square_deg(plane)
    if off > MAX_OFF_SQUARE_DEG:
        return (
            f"this movement needs the camera {_PLANE_VIEW[plane]}, but it sees the patient from the "
            f"{view.label} (view angle {view.angle_deg:+.0f} deg, {off:.0f} deg off): the movement is seen "
            f"edge-on; {how}"
        )
    return None


def refusal(
    movement: str,
    view: ViewEstimate | None,
    /,
    *,
    reason: str,
    figures: Sequence[str],
    warnings: Sequence[str],
    parameters: dict[str, Any],
    quality: Quality,
) -> MovementResult:
    """The result of an analysis the view cannot support: every figure withheld with the reason."""
    return MovementResult(
        movement=movement,
        view=view,
        measurements=(),
        omissions=tuple(Omission(name=n, reason=reason) for n in figures),
        warnings=(*warnings, reason),
        parameters=parameters,
        quality=quality,
        norms=norms_for(figures),
    )


def finite_or_none(value: float, /) -> float | None:
    """``value``, or None when it could not be measured."""
    return value if math.isfinite(value) else None


def spine_result(
    movement: str,
    view: ViewEstimate,
    /,
    *,
    measurements: Sequence[Measurement],
    omissions: Sequence[Omission],
    excursions: Sequence[Excursion],
    sided: bool,
    warnings: Sequence[str],
    parameters: dict[str, Any],
    quality: Quality,
    figures: Sequence[str],
    neutral: Sequence[NeutralRecord],
    details: Sequence[RepetitionDetail],
    signal: Signal,
) -> MovementResult:
    """The result of a spine analysis, with the parts every spine result carries."""
    return MovementResult(
        movement=movement,
        view=view,
        measurements=tuple(measurements),
        omissions=tuple(omissions),
        repetitions=tuple(to_repetition(e, sided=sided) for e in excursions),
        repetition_details=tuple(details),
        warnings=tuple(warnings),
        parameters=parameters,
        quality=quality,
        norms=norms_for(figures),
        neutral=tuple(neutral),
        signals=(signal,),
    )


def usable_view(
    movement: str,
    view: ViewEstimate | None,
    /,
    *,
    plane: str,
    how: str,
    figures: Sequence[str],
    warnings: list[str],
    parameters: dict[str, Any],
    quality: Quality,
) -> ViewEstimate | MovementResult:
    """The view when it supports a movement in ``plane``, else the refusal to return.

    An oblique camera adds its warning to ``warnings``; a refusal withholds every figure
    with the reason.
    """
    problem = view_problem(view, plane=plane, how=how)
    if problem is not None or view is None:
        return refusal(
            movement, view, reason=problem or "no view", figures=figures,
            warnings=warnings, parameters=parameters, quality=quality,
        )  # fmt: skip
    oblique = oblique_warning(view, plane=plane, how=how)
    if oblique:
        warnings.append(oblique)
    return view


def repetitions_of(
    time_s: FloatArray, rom: FloatArray, /, *, rules: RepetitionRules
) -> tuple[tuple[Excursion, ...], list[str]]:
    """Every repetition in a range signal, and a warning for those cut by the clip's ends."""
    seg = segment_repetitions(time_s, rom, rules=rules)
    warnings = []
    if seg.dropped_unseen_peak:
        warnings.append(
            f"{seg.dropped_unseen_peak} movement(s) cut by the start or end of the clip were not counted"
        )
    return seg.excursions, warnings


def oblique_warning(view: ViewEstimate, /, *, plane: str, how: str) -> str | None:
    """A warning when the camera is 30-75 deg from square to the movement's plane."""
    off = view.off_square_deg(plane)
    if off <= SQUARE_TOLERANCE_DEG:
        return None
    return (
        f"the camera is oblique to this movement (view angle {view.angle_deg:+.0f} deg, {off:.0f} deg from "
        f"{_PLANE_VIEW[plane]}): the angle is measured on a weaker basis, mixing in movement in the other "
        f"plane (on real footage 30-45 deg off it erred by up to about 7 deg); {how}"
    )


def supported_views(
    views: Sequence[ViewEstimate | None], /, *, plane: str
) -> tuple[ViewEstimate | None, ...]:
    """Each shot's view, or None for a shot whose view cannot support a movement in ``plane``."""
    return tuple(v if v is not None and view_problem(v, plane=plane, how="") is None else None for v in views)


def side_of(sign: float) -> Side:
    """The patient's side for a signed value (+ right)."""
    return Side.RIGHT if sign > 0 else Side.LEFT


# ----------------------------------------------------------------------------- camera cuts


def torso_length_px(series: LandmarkSeries, /) -> FloatArray:
    """Hip centre to shoulder centre distance in pixels, per frame."""
    return np.asarray(np.linalg.norm(series.mid_px("shoulder") - series.mid_px("hip"), axis=1))


def split_shots(
    series: LandmarkSeries,
    /,
    *,
    max_scale_jump: float = 0.3,
    max_shift_torso: float = 1.0,
    window_s: float = 0.25,
    min_shot_s: float = 1.0,
) -> list[slice]:
    """Cut the clip where the picture jumps (an edit: a close-up, another camera).

    Run on unfiltered landmarks (a low-pass filter smears a cut over several frames). A cut is
    where the median torso length over the ``window_s`` after a frame differs from the median
    over the ``window_s`` before it by more than ``max_scale_jump`` (fraction), or the median hip
    centre moves more than ``max_shift_torso`` torso lengths; a one-frame glitch moves neither
    median. Shots shorter than ``min_shot_s`` are dropped.
    """
    n = series.n_frames
    t = series.time_s
    torso = torso_length_px(series)
    hip = series.mid_px("hip")
    ok = np.flatnonzero(np.isfinite(torso) & (torso > 0) & np.isfinite(hip).all(axis=1))
    if ok.size < 2:
        return [slice(0, n)] if ok.size and t[-1] - t[0] >= min_shot_s else []
    tk, log_l, hk = t[ok], np.log(torso[ok]), hip[ok]
    score = np.zeros(ok.size)
    for j in range(1, ok.size):
        before = (tk >= tk[j] - window_s) & (tk < tk[j])
        after = (tk >= tk[j]) & (tk < tk[j] + window_s)
        if not before.any():  # after a gap longer than the window: the window before the gap
            before = (tk >= tk[j - 1] - window_s) & (tk < tk[j])
        lb, la = float(np.median(log_l[before])), float(np.median(log_l[after]))
        shift = float(np.linalg.norm(np.median(hk[after], axis=0) - np.median(hk[before], axis=0)))
        score[j] = max(abs(la - lb) / math.log1p(max_scale_jump), shift / (max_shift_torso * math.exp(lb)))
    cuts = [0]
    for a, b in true_runs(score > 1.0):
        cuts.append(int(ok[a + int(np.argmax(score[a:b]))]))
    cuts.append(n)
    return [slice(a, b) for a, b in itertools.pairwise(cuts) if b > a and t[b - 1] - t[a] >= min_shot_s]


# ----------------------------------------------------------------------------- neutral


@dataclass(frozen=True, kw_only=True)
class ShotNeutral:
    """One shot's neutral and where it lies."""

    shot: slice
    neutral: Neutral
    view: ViewEstimate
    trunk_image_deg: float




def plausible_legs(series: LandmarkSeries, /) -> NDArray[np.bool_]:
    """Frames whose leg line (hip centre to ankle centre) is plausibly long for the torso seen."""
    legs = np.linalg.norm(series.mid_px("hip") - series.mid_px("ankle"), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = legs / torso_length_px(series)
    lo, hi = LEG_TO_TORSO_RANGE
    return np.asarray(np.isfinite(ratio) & (ratio >= lo) & (ratio <= hi))


def upright_key(sub: LandmarkSeries) -> FloatArray:
    """How far from upright, in degrees, checked in both planes; lower = more upright.

    In the picture: |trunk relative to the legs| (roll-invariant). In depth: the angle between
    the trunk and the legs in the model's 3-D landmarks, less its lowest level in the shot (the
    model's depth carries a steady bias of 5-15 deg), so a bend toward or away from the camera,
    which the picture hardly shows, is not taken for upright. The larger of the two is the key:
    lowest at the patient's neutral, whichever way the movement goes, so a hold at end range is
    never taken for neutral. Without plausible legs in view (a close-up): from the front or
    back, |shoulder line relative to hip line| (also roll-invariant, near zero upright); from
    the side, the distance of the trunk's image inclination from its median.
    """
    legs = plausible_legs(sub)
    t2l = np.where(legs, trunk_to_legs_deg(sub), np.nan)
    if np.isfinite(t2l).mean() >= 0.5:
        key = np.abs(t2l)
        depth = np.where(legs, trunk_to_legs_3d_deg(sub), np.nan)
        if np.isfinite(depth).sum() >= MIN_DEPTH_FRAMES:
            key = np.fmax(key, depth - float(np.nanquantile(depth, 0.05)))
        return np.asarray(key)
    sh = sub.px("right_shoulder") - sub.px("left_shoulder")
    hp = sub.px("right_hip") - sub.px("left_hip")
    if np.nanmedian(np.abs(sh[:, 0]) / torso_length_px(sub)) > 0.3:  # wide shoulders: front or back
        relative = np.degrees(np.arctan2(sh[:, 1], sh[:, 0]) - np.arctan2(hp[:, 1], hp[:, 0]))
        return np.asarray(np.abs(wrap_deg(relative)))
    incl = trunk_inclination_image_deg(sub)
    centre = float(np.nanmedian(incl)) if np.isfinite(incl).any() else 0.0
    return np.asarray(np.abs(incl - centre))


#: Fewest frames with 3-D trunk and legs for the depth check of :func:`upright_key`.
MIN_DEPTH_FRAMES = 5


def trunk_to_legs_3d_deg(series: LandmarkSeries, /) -> FloatArray:
    """Angle (deg, >= 0) between the trunk line and the leg line in the model's 3-D landmarks."""

    def mid(name: str) -> FloatArray:
        return np.asarray(0.5 * (series.world(f"left_{name}") + series.world(f"right_{name}")))

    hip = mid("hip")
    return joint_angle_deg(mid("shoulder"), hip, 2.0 * hip - mid("ankle"))


KeyFn = Callable[[LandmarkSeries], FloatArray]
SignalsFn = Callable[[LandmarkSeries, Neutral, ViewEstimate], dict[str, FloatArray]]


def measure_from_neutral(
    series: LandmarkSeries,
    shots: Sequence[slice],
    views: Sequence[ViewEstimate | None],
    /,
    *,
    key: KeyFn,
    signals: SignalsFn,
    names: Sequence[str],
    tolerance: float = 3.0,
    max_key: float | None = None,
    from_vertical: bool = False,
) -> tuple[dict[str, FloatArray], list[ShotNeutral]]:
    """Per shot, find the neutral (lowest ``key``) and compute the ``signals`` from it in the shot's view.

    ``tolerance`` and ``max_key`` (key units) go to :func:`assess.neutral.find_neutral`. A shot
    with no frame within ``max_key`` is measured from the image vertical when ``from_vertical``
    (the caller warns), else left out. Shots without a view are left out. Returns full-length
    arrays (NaN outside the shots measured) and the neutrals used.
    """
    out = {name: np.full(series.n_frames, np.nan) for name in names}
    found: list[ShotNeutral] = []
    for shot, view in zip(shots, views, strict=True):
        if view is None:
            continue
        sub = series.select(shot)
        neutral = find_neutral(sub, key=key(sub), tolerance=tolerance, max_key=max_key)
        if neutral is None and from_vertical:
            neutral = Neutral.vertical(sub.n_frames)
        if neutral is None:
            continue
        values = signals(sub, neutral, view)
        for name in names:
            out[name][shot] = values[name]
        found.append(
            ShotNeutral(
                shot=shot, neutral=neutral, view=view,
                trunk_image_deg=neutral.angle_zero(trunk_inclination_image_deg(sub)),
            )
        )
    return out, found


def neutral_records(series: LandmarkSeries, found: Sequence[ShotNeutral], /) -> tuple[NeutralRecord, ...]:
    """Where neutral was taken in each shot and how it looked."""
    t = series.time_s
    records = []
    for f in found:
        shot_t = t[f.shot]
        used = shot_t[f.neutral.mask]
        records.append(
            NeutralRecord(
                shot_s=(float(shot_t[0]), float(shot_t[-1])),
                neutral_s=(float(used[0]), float(used[-1])) if used.size else None,
                still_windows_s=f.neutral.windows_s,
                quiet_standing=f.neutral.from_still,
                from_image_vertical=f.neutral.from_vertical,
                trunk_image_inclination_deg=f.trunk_image_deg,
                view=f.view,
            )
        )
    return tuple(records)


def neutral_warnings(
    found: Sequence[ShotNeutral], n_shots: int, /, *, upright_limit_deg: float | None
) -> list[str]:
    """Warnings about how trustworthy the neutral posture is."""
    warnings: list[str] = []
    if n_shots > 1:
        warnings.append(
            f"the clip has {n_shots} shots (camera cuts or zoom changes); each is measured from its own "
            "neutral"
        )
    if len(found) < n_shots:
        warnings.append(f"{n_shots - len(found)} shot(s) had no usable neutral posture and were left out")
    if any(f.neutral.from_vertical for f in found):
        warnings.append(
            "no upright stance was seen: angles are measured from the image vertical, not from the "
            "patient's own neutral, so they are only right if the camera is level; film a few seconds of "
            "quiet upright standing first"
        )
    if any(not f.neutral.from_still and not f.neutral.from_vertical for f in found):
        warnings.append(
            "the patient never stood still and upright: neutral was taken from the most upright frames, "
            "so the figures are less certain; film a few seconds of quiet standing first"
        )
    if upright_limit_deg is not None:
        for f in found:
            if f.neutral.key > 0.5 * upright_limit_deg:
                warnings.append(
                    f"the most upright posture found is still {f.neutral.key:.0f} deg bent relative to the "
                    "legs: "
                    "ranges are measured from it and may be too small"
                )
                break
    tilt = [f.trunk_image_deg for f in found if not f.neutral.from_vertical and abs(f.trunk_image_deg) > 5.0]
    if tilt:
        warnings.append(
            f"at neutral the trunk leans {tilt[0]:+.0f} deg from the image vertical (camera not level, or "
            "the "
            "patient leans); ranges are measured from the patient's own neutral, so a tilted camera does not "
            "bias them"
        )
    return warnings


# ----------------------------------------------------------------------------- figures


def to_repetition(e: Excursion, /, *, sided: bool) -> Repetition:
    """An excursion as a reported repetition (side from its sign when sided)."""
    return Repetition(
        side=side_of(e.sign) if sided else None,
        start_s=e.start_s,
        peak_s=e.peak_s,
        end_s=e.end_s,
        peak_value=e.peak_value,
    )


def window_extreme(
    time_s: FloatArray, values: FloatArray, e: Excursion, /, *, largest: bool = True, min_finite: float = 0.5
) -> float:
    """Largest (or smallest) value of a signal during an excursion; NaN when mostly unseen."""
    sel = (time_s >= e.start_s) & (time_s <= e.end_s)
    v = values[sel]
    fin = v[np.isfinite(v)]
    if v.size == 0 or fin.size < min_finite * v.size:
        return math.nan
    return float(fin.max() if largest else fin.min())


def value_at_peak(
    time_s: FloatArray, values: FloatArray, e: Excursion, /, *, half_width_s: float = 0.15
) -> float:
    """Median of a signal around an excursion's peak time; NaN when unseen."""
    sel = (time_s >= e.peak_s - half_width_s) & (time_s <= e.peak_s + half_width_s)
    v = values[sel]
    fin = v[np.isfinite(v)]
    return float(np.median(fin)) if fin.size else math.nan


def summarise(
    name: str,
    per_rep: Sequence[tuple[Side | None, float]],
    /,
    *,
    unit: str,
    view: View,
    sides: Sequence[Side | None],
    reason_none: str,
    best: Callable[[Sequence[float]], float] = max,
) -> tuple[list[Measurement], list[Omission]]:
    """The summary of one figure per side: the best repetition, with the spread across them."""
    measurements: list[Measurement] = []
    omissions: list[Omission] = []
    for side in sides:
        values = [v for s, v in per_rep if s == side and math.isfinite(v)]
        if not values:
            omissions.append(Omission(name=name, reason=reason_none, side=side))
            continue
        spread = max(values) - min(values) if len(values) > 1 else None
        measurements.append(
            Measurement(
                name=name, value=best(values), unit=unit, side=side, view=view, spread=spread
            )
        )
    return measurements, omissions
