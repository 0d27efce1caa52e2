"""Which way the camera looks at the patient, and which way the patient faces, from landmarks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assess.landmarks import LandmarkSeries
from assess.types import Facing, Side, View

#: Shoulder width over torso length below which the camera sees the patient from the side.
SIDE_MAX_WIDTH_RATIO = 0.35
#: ... and above which it sees them from the front or back.
FRONTAL_MIN_WIDTH_RATIO = 0.45


@dataclass(frozen=True, kw_only=True)
class ViewEstimate:
    """The detected view and facing, with the evidence behind them.

    ``width_ratio`` is the median shoulder-plus-hip width over twice the torso length in the
    image: about 0.7-0.9 when the patient faces or turns their back to the camera, near 0
    from the side. ``oblique`` is True between the two thresholds.
    """

    view: View
    facing: Facing
    width_ratio: float
    oblique: bool

    def image_sign_of(self, side: Side) -> float:
        """+1 if the patient's ``side`` is toward image-right in this view, -1 if toward left.

        Only meaningful for front and back views.
        """
        right_is_image_right = self.view is View.BACK
        toward_right = (side is Side.RIGHT) == right_is_image_right
        return 1.0 if toward_right else -1.0

    @property
    def forward_sign(self) -> float:
        """+1 if the patient faces image-right, -1 if image-left (side views)."""
        return 1.0 if self.facing is Facing.RIGHT else -1.0


def detect_view(series: LandmarkSeries, /) -> ViewEstimate | None:
    """Estimate view and facing from the frames where the subject was found.

    Returns None when the shoulders and hips were never found together.
    """
    sh_w = series.px("left_shoulder")[:, 0] - series.px("right_shoulder")[:, 0]
    hip_w = series.px("left_hip")[:, 0] - series.px("right_hip")[:, 0]
    torso = np.linalg.norm(series.mid_px("shoulder") - series.mid_px("hip"), axis=1)
    ok = np.isfinite(sh_w) & np.isfinite(hip_w) & np.isfinite(torso) & (torso > 0)
    centre_ok = np.isfinite(series.centre_px("shoulder")).all(axis=1) & np.isfinite(
        series.centre_px("hip")
    ).all(axis=1)
    if centre_ok.sum() < 1:
        return None
    if ok.sum() < 0.1 * centre_ok.sum():
        # One side of the body is hidden in nearly every frame: the camera sees a profile.
        ratio = 0.0
    else:
        ratio = float(np.median((np.abs(sh_w[ok]) + np.abs(hip_w[ok])) / (2.0 * torso[ok])))
    if ratio < 0.5 * (SIDE_MAX_WIDTH_RATIO + FRONTAL_MIN_WIDTH_RATIO):
        nose_ahead = series.px("nose")[:, 0] - series.centre_px("ear")[:, 0]
        toes_ahead = (
            series.px("left_foot_index")[:, 0]
            + series.px("right_foot_index")[:, 0]
            - series.px("left_heel")[:, 0]
            - series.px("right_heel")[:, 0]
        ) / 2.0
        votes = np.concatenate(
            [
                np.sign(nose_ahead[np.isfinite(nose_ahead)]),
                np.sign(toes_ahead[np.isfinite(toes_ahead)]),
            ]
        )
        facing = Facing.RIGHT if votes.sum() >= 0 else Facing.LEFT
        return ViewEstimate(
            view=View.SIDE,
            facing=facing,
            width_ratio=ratio,
            oblique=ratio > SIDE_MAX_WIDTH_RATIO,
        )
    # Facing the camera, the patient's left shoulder and hip appear on the image right.
    order = float(np.median(np.sign(sh_w[ok]) + np.sign(hip_w[ok])))
    view = View.FRONT if order >= 0 else View.BACK
    return ViewEstimate(
        view=view,
        facing=Facing.CAMERA if view is View.FRONT else Facing.AWAY,
        width_ratio=ratio,
        oblique=ratio < FRONTAL_MIN_WIDTH_RATIO,
    )
