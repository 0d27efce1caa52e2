"""The standard conditioning chain applied before any angle is computed."""

from __future__ import annotations

from dataclasses import dataclass, replace

from assess.landmarks import LandmarkSeries
from assess.signal import bridge_gaps, gate_visibility, lowpass, reject_outliers, repair_left_right_swaps


@dataclass(frozen=True, kw_only=True)
class Conditioning:
    """Parameters of the conditioning chain, with units in their names.

    Parameters
    ----------
    min_visibility : float
        Landmarks less visible than this are treated as missing.
    outlier_window_s : float
        Hampel window width in seconds.
    outlier_sigmas : float
        Hampel threshold in robust standard deviations.
    max_gap_s : float
        Longest gap bridged by interpolation; longer gaps stay missing.
    lowpass_cutoff_hz : float
        Zero-phase 4th-order Butterworth cut-off (capped below Nyquist).
    repair_swaps : bool
        Detect and undo left/right label swaps first.
    """

    min_visibility: float = 0.5
    outlier_window_s: float = 0.5
    outlier_sigmas: float = 4.0
    max_gap_s: float = 0.25
    lowpass_cutoff_hz: float = 6.0
    repair_swaps: bool = True

    def apply(self, series: LandmarkSeries, /) -> tuple[LandmarkSeries, int]:
        """Condition a series; return it and the number of frames whose sides were repaired."""
        swaps = 0
        if self.repair_swaps:
            series, swaps = repair_left_right_swaps(series)
        series = gate_visibility(series, min_visibility=self.min_visibility)
        if series.n_frames < 4:
            return series, swaps
        t = series.time_s
        image = reject_outliers(
            t, series.image_px, window_s=self.outlier_window_s, n_sigmas=self.outlier_sigmas
        )
        image = bridge_gaps(t, image, max_gap_s=self.max_gap_s)
        image = lowpass(t, image, cutoff_hz=self.lowpass_cutoff_hz)
        world = bridge_gaps(t, series.world_m, max_gap_s=self.max_gap_s)
        world = lowpass(t, world, cutoff_hz=self.lowpass_cutoff_hz)
        return replace(series, image_px=image, world_m=world), swaps
