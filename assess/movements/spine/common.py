"""What the four spinal range-of-motion analyzers share.

Conditioning, view and quality checks; splitting a clip at camera cuts; measuring signals from
each shot's own neutral posture; turning image directions into anatomical ones; and building
the summary figures (largest repetition, spread across repetitions) from the repetitions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from assess.conditioning import Conditioning
from assess.geometry import wrap_deg
from assess.landmarks import LEFT_RIGHT_PERMUTATION, LandmarkSeries
from assess.movements.base import MovementResult
from assess.neutral import Neutral, find_neutral, trunk_to_legs_deg
from assess.quality import Quality, assess_quality
from assess.repetitions import Excursion, RepetitionRules, segment_repetitions
from assess.signal import gate_visibility, true_runs
from assess.stance import trunk_inclination_image_deg
from assess.types import Measurement, Omission, Repetition, Side, View
from assess.view import ViewEstimate, detect_view

FloatArray = NDArray[np.float64]

TRUNK_LANDMARKS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """A conditioned series with its shots, view, quality and the warnings they raise."""

    series: LandmarkSeries
    shots: tuple[slice, ...]
    view: ViewEstimate | None
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
    """Cut the clip into shots, condition each shot on its own, detect the view, assess quality.

    Landmarks outside the picture are dropped first; a filter never runs across a camera cut.
    In a side view, a far-side landmark that was not seen takes its near-side counterpart's place.
    """
    quality = assess_quality(series, needed=needed)
    warnings = list(quality.warnings)
    inside = drop_out_of_frame(series)
    shots = tuple(split_shots(gate_visibility(inside, min_visibility=conditioning.min_visibility)))
    image = np.full_like(series.image_px, np.nan)
    world = np.full_like(series.world_m, np.nan)
    swaps = 0
    for shot in shots:
        sub, n = conditioning.apply(inside.select(shot))
        image[shot], world[shot] = sub.image_px, sub.world_m
        swaps += n
    clean = replace(inside, image_px=image, world_m=world)
    if swaps:
        warnings.append(f"left/right landmark labels were repaired in {swaps} frames")
    view = detect_view(clean)
    if view is not None and view.view is View.SIDE:
        clean = fill_from_counterpart(clean)
    return Prepared(series=clean, shots=shots, view=view, quality=quality, warnings=tuple(warnings))


def view_problem(view: ViewEstimate | None, /, *, needs: Iterable[View], how: str) -> str | None:
    """Why the detected view cannot support the movement, or None when it can."""
    allowed = set(needs)
    if view is None:
        return "the patient's shoulders and hips were never found together; " + how
    if view.view not in allowed:
        wanted = " or ".join(v.value for v in (View.SIDE, View.FRONT, View.BACK) if v in allowed)
        return f"this movement needs a {wanted} view but the clip is filmed from the {view.view.value}; {how}"
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
    from assess.movements.spine.norms import norms_for

    return MovementResult(
        movement=movement,
        view=view.view if view else None,
        facing=view.facing if view else None,
        measurements=(),
        omissions=tuple(Omission(name=n, reason=reason) for n in figures),
        warnings=(*warnings, reason),
        parameters=parameters,
        extra={"quality": quality.to_dict(), "norms": norms_for(figures)},
    )


def finite_or_none(value: float, decimals: int = 1) -> float | None:
    """``value`` rounded for the report, or None when it could not be measured."""
    return round(value, decimals) if math.isfinite(value) else None


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
    neutral: list[dict[str, object]],
    repetition_figures: list[dict[str, Any]],
    **extra: Any,
) -> MovementResult:
    """The result of a spine analysis, with the blocks every spine report carries."""
    from assess.movements.spine.norms import norms_for

    return MovementResult(
        movement=movement,
        view=view.view,
        facing=view.facing,
        measurements=tuple(measurements),
        omissions=tuple(omissions),
        repetitions=tuple(to_repetition(e, sided=sided) for e in excursions),
        warnings=tuple(warnings),
        parameters=parameters,
        extra={
            "quality": quality.to_dict(),
            "norms": norms_for(figures),
            "neutral": neutral,
            "repetition_figures": repetition_figures,
            **extra,
        },
    )


def usable_view(
    movement: str,
    view: ViewEstimate | None,
    /,
    *,
    needs: Iterable[View],
    how: str,
    figures: Sequence[str],
    warnings: list[str],
    parameters: dict[str, Any],
    quality: Quality,
) -> ViewEstimate | MovementResult:
    """The view when it supports the movement, else the refusal to return.

    An oblique camera adds its warning to ``warnings``; a refusal withholds every figure
    with the reason.
    """
    problem = view_problem(view, needs=needs, how=how)
    if problem is not None or view is None:
        return refusal(
            movement, view, reason=problem or "no view", figures=figures,
            warnings=warnings, parameters=parameters, quality=quality,
        )  # fmt: skip
    oblique = oblique_warning(view, how=how)
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


def oblique_warning(view: ViewEstimate, /, *, how: str) -> str | None:
    """A warning when the camera is between a side and a front view."""
    if not view.oblique:
        return None
    return (
        f"the camera is oblique to the patient (width ratio {view.width_ratio:.2f}): angles read "
        f"smaller; {how}"
    )


def anatomical_sign(view: ViewEstimate, /) -> float:
    """Factor turning a clockwise image angle into an anatomical one.

    Side view: + forward (a forward lean moves the shoulders toward the direction faced).
    Front or back view: + toward the patient's right.
    """
    if view.view is View.SIDE:
        return view.forward_sign
    return view.image_sign_of(Side.RIGHT)


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
    trunk_image_deg: float


#: Hip-to-ankle over hip-to-shoulder length of an adult (0.491 H / 0.288 H, Drillis & Contini);
#: legs outside this band relative to the torso are the model's guesses (e.g. in a close-up).
LEG_TO_TORSO_RANGE = (1.2, 2.3)


def plausible_legs(series: LandmarkSeries, /) -> NDArray[np.bool_]:
    """Frames whose leg line (hip centre to ankle centre) is plausibly long for the torso seen."""
    legs = np.linalg.norm(series.mid_px("hip") - series.mid_px("ankle"), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = legs / torso_length_px(series)
    lo, hi = LEG_TO_TORSO_RANGE
    return np.asarray(np.isfinite(ratio) & (ratio >= lo) & (ratio <= hi))


def upright_key(sub: LandmarkSeries) -> FloatArray:
    """How far from upright, in degrees: |trunk relative to the legs| (roll-invariant).

    Lowest at the patient's neutral, whichever way the movement goes, so a hold at end range in
    either direction is never taken for neutral. Without plausible legs in view (a close-up):
    from the front or back, |shoulder line relative to hip line| (also roll-invariant, near zero
    upright); from the side, the distance of the trunk's image inclination from its median.
    """
    t2l = np.where(plausible_legs(sub), trunk_to_legs_deg(sub), np.nan)
    if np.isfinite(t2l).mean() >= 0.5:
        return np.asarray(np.abs(t2l))
    sh = sub.px("right_shoulder") - sub.px("left_shoulder")
    hp = sub.px("right_hip") - sub.px("left_hip")
    if np.nanmedian(np.abs(sh[:, 0]) / torso_length_px(sub)) > 0.3:  # wide shoulders: front or back
        relative = np.degrees(np.arctan2(sh[:, 1], sh[:, 0]) - np.arctan2(hp[:, 1], hp[:, 0]))
        return np.asarray(np.abs(wrap_deg(relative)))
    incl = trunk_inclination_image_deg(sub)
    centre = float(np.nanmedian(incl)) if np.isfinite(incl).any() else 0.0
    return np.asarray(np.abs(incl - centre))


KeyFn = Callable[[LandmarkSeries], FloatArray]
SignalsFn = Callable[[LandmarkSeries, Neutral], dict[str, FloatArray]]


def measure_from_neutral(
    series: LandmarkSeries,
    shots: Sequence[slice],
    /,
    *,
    key: KeyFn,
    signals: SignalsFn,
    names: Sequence[str],
    tolerance: float = 3.0,
    max_key: float | None = None,
) -> tuple[dict[str, FloatArray], list[ShotNeutral]]:
    """Per shot, find the neutral (lowest ``key``) and compute the ``signals`` from it.

    ``tolerance`` and ``max_key`` (key units) go to :func:`assess.neutral.find_neutral`. Returns
    full-length arrays (NaN outside shots that have a neutral) and the neutrals found.
    """
    out = {name: np.full(series.n_frames, np.nan) for name in names}
    found: list[ShotNeutral] = []
    for shot in shots:
        sub = series.select(shot)
        neutral = find_neutral(sub, key=key(sub), tolerance=tolerance, max_key=max_key)
        if neutral is None:
            continue
        values = signals(sub, neutral)
        for name in names:
            out[name][shot] = values[name]
        found.append(
            ShotNeutral(
                shot=shot, neutral=neutral, trunk_image_deg=neutral.scalar(trunk_inclination_image_deg(sub))
            )
        )
    return out, found


def neutral_report(series: LandmarkSeries, found: Sequence[ShotNeutral], /) -> list[dict[str, object]]:
    """The ``neutral`` block of the report: where neutral was taken and how it looked."""
    blocks: list[dict[str, object]] = []
    t = series.time_s
    for f in found:
        shot_s = (float(t[f.shot][0]), float(t[f.shot][-1]))
        blocks.append(
            {
                "shot_s": [round(shot_s[0], 3), round(shot_s[1], 3)],
                "windows_s": [[round(a, 3), round(b, 3)] for a, b in f.neutral.windows_s],
                "quiet_standing": f.neutral.from_still,
                "trunk_image_inclination_deg": round(f.trunk_image_deg, 1),
            }
        )
    return blocks


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
    if any(not f.neutral.from_still for f in found):
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
    tilt = [f.trunk_image_deg for f in found if abs(f.trunk_image_deg) > 5.0]
    if tilt:
        warnings.append(
            f"at neutral the trunk leans {tilt[0]:+.0f} deg from the image vertical (camera not level, or "
            "the "
            "patient leans); ranges are measured from the patient's own neutral, so this does not bias them"
        )
    return warnings


# ----------------------------------------------------------------------------- figures


def to_repetition(e: Excursion, /, *, sided: bool) -> Repetition:
    """An excursion as a reported repetition (side from its sign when sided)."""
    return Repetition(
        side=side_of(e.sign) if sided else None,
        start_s=round(e.start_s, 3),
        peak_s=round(e.peak_s, 3),
        end_s=round(e.end_s, 3),
        peak_value=round(e.peak_value, 1),
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
    decimals: int = 1,
) -> tuple[list[Measurement], list[Omission]]:
    """The summary of one figure per side: the best repetition, with the spread across them."""
    measurements: list[Measurement] = []
    omissions: list[Omission] = []
    for side in sides:
        values = [v for s, v in per_rep if s == side and math.isfinite(v)]
        if not values:
            omissions.append(Omission(name=name, reason=reason_none, side=side))
            continue
        spread = round(max(values) - min(values), decimals) if len(values) > 1 else None
        measurements.append(
            Measurement(
                name=name, value=round(best(values), decimals), unit=unit, side=side, view=view, spread=spread
            )
        )
    return measurements, omissions
