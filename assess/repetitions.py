"""Repetitions of a range-of-motion movement, found in an angle measured from neutral.

A repetition is an *excursion*: the signal leaves neutral, passes the entry threshold, reaches
its peak (often a hold at end range) and comes back toward neutral. Hysteresis keeps a noisy
hold from splitting it: the excursion only ends once the signal has fallen back below
``max(return_floor_deg, return_fraction * peak)``. For sided movements (side bends, twists) the
sign of the signal is the side, and a swing straight through upright to the other side ends one
excursion and starts the next. All thresholds are in the signal's unit and in seconds, never in
frames, so 24, 30 and 60 fps clips behave alike.

An excursion already under way when the clip (or a long gap) starts, whose largest value is
right at that edge and not part of a hold, never showed its peak: it is dropped and counted,
likewise at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assess.signal import bridge_gaps, true_runs

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class Excursion:
    """One repetition found in a signal.

    Parameters
    ----------
    start_s, peak_s, end_s : float
        Leaving neutral, middle of the peak plateau, back at neutral (seconds).
    peak_value : float
        Magnitude at the peak (median of the plateau samples), in the signal's unit, >= 0.
    sign : int
        +1 for an excursion toward positive values, -1 toward negative ones.
    truncated : bool
        The excursion was cut by the clip's start or end (or a long gap) but its peak was seen.
    """

    start_s: float
    peak_s: float
    end_s: float
    peak_value: float
    sign: int
    truncated: bool = False


@dataclass(frozen=True, kw_only=True)
class Segmentation:
    """Excursions found, and how many were dropped because their peak was not in view."""

    excursions: tuple[Excursion, ...]
    dropped_unseen_peak: int


@dataclass(frozen=True, kw_only=True)
class RepetitionRules:
    """Thresholds of the repetition finder, in the signal's unit (deg) and seconds.

    Parameters
    ----------
    enter_deg : float
        A candidate excursion starts when the magnitude rises above this.
    min_amplitude_deg : float
        An excursion counts only if its peak reaches this (noise and sway stay below).
    return_floor_deg : float
        It ends when the magnitude falls below ``max(return_floor_deg, return_fraction * peak)``.
    return_fraction : float
        See ``return_floor_deg``: a patient who comes only part of the way back and bends again
        makes one repetition, not two.
    peak_band_deg : float
        Samples within this of the maximum form the peak plateau (a hold at end range).
    onset_fraction : float
        Start and end are where the magnitude is down to this fraction of the peak (the usual
        10 % onset criterion), or at a local minimum or zero crossing before that.
    min_duration_s : float
        Shorter excursions are ignored (glitches).
    edge_s : float
        A truncated excursion whose maximum lies within this of the cut did not show its peak,
        unless its peak plateau (a hold at end range) lasted this long in view.
    max_gap_s : float
        Gaps in the signal up to this long are bridged for the segmentation; longer gaps end
        an excursion.
    sided : bool
        Excursions to both signs are repetitions (side bends, twists); otherwise only positive.
    """

    enter_deg: float = 5.0
    min_amplitude_deg: float = 8.0
    return_floor_deg: float = 4.0
    return_fraction: float = 0.3
    peak_band_deg: float = 1.5
    onset_fraction: float = 0.1
    min_duration_s: float = 0.4
    edge_s: float = 0.25
    max_gap_s: float = 1.0
    sided: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.enter_deg <= self.min_amplitude_deg:
            raise ValueError(
                f"need 0 < enter_deg <= min_amplitude_deg, got enter_deg={self.enter_deg}, "
                f"min_amplitude_deg={self.min_amplitude_deg}"
            )
        floor_ok = 0 <= self.return_floor_deg < self.enter_deg
        if not 0 <= self.return_fraction < 1 or not floor_ok:
            raise ValueError(
                "need 0 <= return_fraction < 1 and 0 <= return_floor_deg < enter_deg, got "
                f"return_fraction={self.return_fraction}, return_floor_deg={self.return_floor_deg}, "
                f"enter_deg={self.enter_deg}"
            )


def _walk_to_neutral(x: FloatArray, i: int, step: int, lo: int, hi: int, *, settle: float) -> int:
    """From sample ``i`` move by ``step`` while |x| keeps falling, keeps its sign and exceeds ``settle``."""
    sign = np.sign(x[i])
    j = i
    while lo <= j + step < hi and abs(x[j]) > settle:
        nxt = x[j + step]
        if np.sign(nxt) != sign or abs(nxt) >= abs(x[j]):
            break  # a local minimum of |x| or the last sample before a zero crossing
        j += step
    return j


def _segment_run(
    t: FloatArray, x: FloatArray, rules: RepetitionRules, lo: int, hi: int
) -> tuple[list[Excursion], int]:
    out: list[Excursion] = []
    dropped = 0
    i = lo
    # After an excursion that ended short of neutral, a new one on the same side needs a fresh rise
    # of min_amplitude_deg from the lowest point reached since (or a return below `enter_deg`).
    low_since: float | None = None
    last_sign = 0
    while i < hi:
        mag = x[i] if not rules.sided else abs(x[i])
        sign = 1 if x[i] > 0 else -1
        if low_since is not None:
            if sign != last_sign or abs(x[i]) <= rules.enter_deg:
                low_since = None
            else:
                low_since = min(low_since, abs(x[i]))
                if abs(x[i]) < low_since + rules.min_amplitude_deg:
                    i += 1
                    continue
        if not mag > rules.enter_deg:
            i += 1
            continue
        start_cut = i == lo
        peak = sign * x[i]
        j = i
        while j + 1 < hi:
            v = sign * x[j + 1]
            peak = max(peak, v)
            if v < max(rules.return_floor_deg, rules.return_fraction * peak):
                break
            j += 1
        end_cut = j + 1 >= hi
        # Onset and return: where |x| falls to `onset_fraction` of the peak (or a local minimum).
        settle = rules.onset_fraction * peak
        start = lo if start_cut else _walk_to_neutral(x, i, -1, lo, hi, settle=settle)
        end = hi - 1 if end_cut else _walk_to_neutral(x, j + 1, 1, lo, hi, settle=settle)
        seg = sign * x[start : end + 1]
        k_max = start + int(np.argmax(seg))
        peak = float(x[k_max] * sign)
        if peak >= rules.min_amplitude_deg and t[end] - t[start] >= rules.min_duration_s:
            # the contiguous plateau around the maximum
            runs = [(a + start, b + start) for a, b in true_runs(seg >= peak - rules.peak_band_deg)]
            a, b = next((a, b) for a, b in runs if a <= k_max < b)
            # A peak at the cut was seen if the plateau around it (a hold) lasted edge_s in view.
            held = t[b - 1] - t[a] >= rules.edge_s
            unseen = not held and (
                (start_cut and t[k_max] - t[lo] < rules.edge_s)
                or (end_cut and t[hi - 1] - t[k_max] < rules.edge_s)
            )
            if unseen:
                dropped += 1
            else:
                out.append(
                    Excursion(
                        start_s=float(t[start]),
                        peak_s=float(0.5 * (t[a] + t[b - 1])),
                        end_s=float(t[end]),
                        peak_value=float(np.median(sign * x[a:b])),
                        sign=sign,
                        truncated=start_cut or end_cut,
                    )
                )
        i = max(end + 1, i + 1)  # the rest of the way back to neutral belongs to this excursion
        if i < hi and sign * x[i] > rules.enter_deg:
            low_since, last_sign = float(sign * x[i]), sign
    return out, dropped


def segment_repetitions(
    time_s: FloatArray, signal: FloatArray, /, *, rules: RepetitionRules | None = None
) -> Segmentation:
    """Find the repetitions in a signal measured from neutral.

    Parameters
    ----------
    time_s : ndarray, shape (n,)
        Sample times in seconds.
    signal : ndarray, shape (n,)
        The angle from neutral, + in the movement's direction (or toward the patient's right
        for sided movements); NaN where unknown.
    rules : RepetitionRules, optional
        Thresholds (defaults: 5 deg entry, 8 deg minimum amplitude).

    Returns
    -------
    Segmentation
        The excursions in time order and the count of excursions whose peak was not in view.
    """
    rules = rules or RepetitionRules()
    t = np.asarray(time_s, dtype=float)
    x = np.asarray(signal, dtype=float)
    if x.shape != t.shape or t.ndim != 1:
        raise ValueError(f"time_s and signal must be 1-D of the same length, got {t.shape} and {x.shape}")
    if t.size < 2:
        return Segmentation(excursions=(), dropped_unseen_peak=0)
    x = bridge_gaps(t, x, max_gap_s=rules.max_gap_s)
    found: list[Excursion] = []
    dropped = 0
    for lo, hi in true_runs(np.isfinite(x)):
        reps, n = _segment_run(t, x, rules, lo, hi)
        found += reps
        dropped += n
    return Segmentation(excursions=tuple(found), dropped_unseen_peak=dropped)
