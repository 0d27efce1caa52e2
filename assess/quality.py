"""Quality of a landmark series as data: coverage, visibility, subject out of frame."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assess.landmarks import INDEX, LandmarkSeries

#: Below this share of frames with the subject, figures are flagged.
MIN_COVERAGE = 0.8
#: Median visibility below which the landmarks a figure needs are flagged.
MIN_MEDIAN_VISIBILITY = 0.6
#: Landmarks closer than this fraction of the frame to its edge count as at the edge.
EDGE_MARGIN = 0.01


@dataclass(frozen=True, kw_only=True)
class Quality:
    """Data-quality figures of one analysis and the warnings they raise."""

    subject_coverage: float
    median_visibility: float
    out_of_frame_fraction: float
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, float]:
        """The ``quality`` block of ``report.json``."""
        return {
            "subject_coverage": round(self.subject_coverage, 3),
            "median_visibility": round(self.median_visibility, 3),
            "out_of_frame_fraction": round(self.out_of_frame_fraction, 3),
        }


def assess_quality(series: LandmarkSeries, /, *, needed: Sequence[str]) -> Quality:
    """Coverage, visibility and out-of-frame share of the landmarks a movement needs."""
    idx = [INDEX[n] for n in needed]
    coverage = series.coverage
    present = series.present
    vis = series.visibility[present][:, idx]
    median_vis = float(np.median(vis)) if vis.size else 0.0
    width, height = series.frame_size_px
    xy = series.image_px[present][:, idx, :2]
    mx, my = EDGE_MARGIN * width, EDGE_MARGIN * height
    outside = (xy[..., 0] < mx) | (xy[..., 0] > width - mx) | (xy[..., 1] < my) | (xy[..., 1] > height - my)
    out_frac = float(outside.any(axis=1).mean()) if xy.size else 0.0
    warnings = []
    if coverage < MIN_COVERAGE:
        warnings.append(
            f"the subject was found in only {coverage:.0%} of frames; figures rest on fewer frames"
        )
    if vis.size and median_vis < MIN_MEDIAN_VISIBILITY:
        warnings.append(
            f"low landmark visibility (median {median_vis:.2f}): light the subject better, "
            "wear fitted clothes, and keep the whole body in view"
        )
    if out_frac > 0.1:
        warnings.append(
            f"the subject was partly out of frame in {out_frac:.0%} of frames; "
            "step back so the whole body stays in view"
        )
    return Quality(
        subject_coverage=coverage,
        median_visibility=median_vis,
        out_of_frame_fraction=out_frac,
        warnings=tuple(warnings),
    )
