"""Rendered clips through the real pose model: the trunk angle must come back within 5 deg."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from assess.io.model import SHIPPED_PATH
from assess_render import RenderTruth, render_clip

MODEL = SHIPPED_PATH

pytestmark = [
    pytest.mark.model,
]


def _landmarks(path: Path) -> np.ndarray:
    import av
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(MODEL)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    rows = []
    with av.open(str(path)) as c, vision.PoseLandmarker.create_from_options(options) as lm:
        for frame in c.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            res = lm.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(frame.time * 1000)
            )
            if res.pose_landmarks:
                rows.append([[p.x * w, p.y * h] for p in res.pose_landmarks[0]])
            else:
                rows.append(np.full((33, 2), np.nan).tolist())
    return np.array(rows)


def _trunk_image_deg(lm: np.ndarray) -> np.ndarray:
    v = (lm[:, 11] + lm[:, 12]) / 2 - (lm[:, 23] + lm[:, 24]) / 2
    return np.degrees(np.arctan2(v[:, 0], -v[:, 1]))


def _peaks(truth: RenderTruth, lm: np.ndarray, sign: float) -> list[tuple[float, float]]:
    t = truth.time_s
    ang = _trunk_image_deg(lm)
    base = float(np.nanmedian(ang[t < 1.0]))
    out = []
    for r in truth.repetitions:
        sel = np.abs(t - r.peak_s) <= 0.25
        measured = sign * (float(np.nanmedian(ang[sel])) - base)
        out.append((r.peak_value, measured if r.side != "left" else -measured))
    return out


def test_forward_bend_side_view_within_5_deg(tmp_path: Path) -> None:
    out = tmp_path / "bend.mp4"
    truth = render_clip(
        movement="forward_bend", view="side", facing="left", roll_deg=10.0, out_path=out, peaks_deg=(30.0, 70.0),
        quiet_s=1.5, ramp_s=1.0, hold_s=0.6, rest_s=0.3, end_s=0.3,
    )  # fmt: skip
    lm = _landmarks(out)
    assert np.isfinite(lm[:, 11, 0]).mean() > 0.95
    for true, measured in _peaks(truth, lm, sign=-1.0):  # facing image-left: forward is image-left
        assert math.isclose(measured, true, abs_tol=5.0), (true, measured)


def test_side_bend_front_view_within_5_deg(tmp_path: Path) -> None:
    out = tmp_path / "side.mp4"
    truth = render_clip(
        movement="side_bend", view="front", out_path=out, peaks_deg=(20.0, -20.0),
        quiet_s=1.5, ramp_s=1.0, hold_s=0.6, rest_s=0.3, end_s=0.3,
    )  # fmt: skip
    lm = _landmarks(out)
    for true, measured in _peaks(truth, lm, sign=-1.0):  # facing the camera: the right is image-left
        assert math.isclose(measured, true, abs_tol=5.0), (true, measured)
