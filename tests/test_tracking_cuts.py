"""Camera cuts in the tracker, on synthetic candidate frames (no model).

A cut from a wide shot to a close-up and back must not lose the patient, and two people
across a cut must not be confused when their body proportions differ.
"""

from __future__ import annotations

import numpy as np
import pytest

from assess.candidates import CandidateFrames
from assess.landmarks import INDEX
from assess.tracking import select_subject
from tests.synthetic import series_from_bodies, still

FPS = 30.0
SIZE = (640, 480)


def _person(n: int, *, arm_scale: float = 1.0, shoulder_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Image (n, 33, 3) and world (n, 33, 3) landmarks of a standing person, front view."""
    body = still(n)
    for side in ("left", "right"):
        sh = body[:, INDEX[f"{side}_shoulder"]].copy()
        sh_new = sh * np.array([shoulder_scale, 1.0, 1.0])
        for part in ("shoulder", "elbow", "wrist", "pinky", "index", "thumb"):
            j = INDEX[f"{side}_{part}"]
            body[:, j] = sh_new + arm_scale * (body[:, j] - sh)
    s = series_from_bodies(body, view="front", size_px=SIZE, fps=FPS)
    return s.image_px, s.world_m


def _zoom(image: np.ndarray, scale: float, offset_px: tuple[float, float]) -> np.ndarray:
    out = image.copy()
    out[..., :2] = image[..., :2] * scale + np.asarray(offset_px)
    out[..., 2] *= scale
    return out


def _candidates(people: list[tuple[np.ndarray, np.ndarray]], *, seed: int = 0) -> CandidateFrames:
    """Pack people (image, world) into candidate slots in a shuffled order per frame."""
    n = people[0][0].shape[0]
    k = len(people)
    img = np.stack([p[0] for p in people], axis=1)
    wld = np.stack([p[1] for p in people], axis=1)
    vis = np.where(np.isfinite(img[..., 0]), 0.99, 0.0)
    rng = np.random.default_rng(seed)
    for i in range(n):
        order = rng.permutation(k)
        img[i], wld[i], vis[i] = img[i, order], wld[i, order], vis[i, order]
    return CandidateFrames(
        time_s=np.arange(n) / FPS, image_px=img, world_m=wld, visibility=vis, frame_size_px=SIZE
    )


def _single_person_wide_close_wide() -> tuple[CandidateFrames, np.ndarray]:
    img, wld = _person(180)
    wide = _zoom(img, 0.5, (160.0, 230.0))
    close = _zoom(img, 1.6, (-200.0, -40.0))  # head and trunk fill the frame, legs below it
    shown = np.concatenate([wide[:60], close[60:120], wide[120:]])
    return _candidates([(shown, wld)]), shown


def test_close_up_cut_keeps_the_patient_in_the_whole_body_shots() -> None:
    cands, shown = _single_person_wide_close_wide()
    ankle_y = shown[60:120, [INDEX["left_ankle"], INDEX["right_ankle"]], 1]
    assert (ankle_y > SIZE[1]).all()  # the close-up really has the legs out of view
    series, report = select_subject(cands)
    present = series.present
    assert present[:60].all()
    assert present[120:].all()
    np.testing.assert_allclose(series.image_px[:60], shown[:60])
    np.testing.assert_allclose(series.image_px[120:], shown[120:])
    assert not present[60:120].any()  # the close-up is left out, not measured
    assert report.cut_times_s == pytest.approx((2.0, 4.0))
    assert report.n_cuts == 2
    assert np.allclose(report.whole_body_ranges_s, [(0.0, 59 / FPS), (4.0, 179 / FPS)])
    assert len(report.whole_body_ranges_s) == 2
    assert report.close_up_frames == 60
    assert report.rejected_frames == 0  # the close-up is the same person, not someone else
    assert any("close-up shots where the legs are out of view (2.0-4.0 s)" in w for w in report.warnings)


def test_a_clip_of_close_ups_only_keeps_every_frame_without_a_close_up_warning() -> None:
    img, wld = _person(90)
    close = _zoom(img, 1.6, (-200.0, -40.0))
    series, report = select_subject(_candidates([(close, wld)]))
    assert series.present.all()
    assert report.close_up_frames == 0
    assert report.whole_body_ranges_s == ()
    assert report.cut_times_s == ()
    assert not any("close-up" in w for w in report.warnings)


def test_two_people_across_a_cut_are_told_apart_by_their_proportions() -> None:
    """After the cut the two swap sides and the other person is zoomed larger: only proportions tell."""
    n1, n2 = 90, 60
    a_img, a_wld = _person(n1 + n2)
    b_img, b_wld = _person(n1 + n2, arm_scale=1.35, shoulder_scale=0.8)
    a_shown = np.concatenate([_zoom(a_img, 0.5, (0.0, 230.0))[:n1], _zoom(a_img, 0.6, (300.0, 180.0))[n1:]])
    b_shown = np.concatenate(
        [_zoom(b_img, 0.45, (300.0, 250.0))[:n1], _zoom(b_img, 0.7, (-60.0, 140.0))[n1:]]
    )
    # Left to right: A then B before the cut, B then A after it; B larger after it.
    assert np.nanmean(a_shown[0, :, 0]) < np.nanmean(b_shown[0, :, 0])
    assert np.nanmean(a_shown[-1, :, 0]) > np.nanmean(b_shown[-1, :, 0])
    assert np.ptp(b_shown[-1, :, 1]) > np.ptp(a_shown[-1, :, 1])
    for shown in (a_shown, b_shown):  # both whole bodies on both sides of the cut
        assert (shown[..., 1] < SIZE[1]).all()
        assert (shown[..., 0] > 0).all()
        assert (shown[..., 0] < SIZE[0]).all()
    series, report = select_subject(_candidates([(a_shown, a_wld), (b_shown, b_wld)]))
    assert series.present.all()
    np.testing.assert_allclose(series.image_px, a_shown)
    assert report.cut_times_s == pytest.approx((n1 / FPS,))
    assert report.rejected_frames == 0
    assert report.close_up_frames == 0


def test_the_same_two_people_with_equal_proportions_keep_their_order_across_a_cut() -> None:
    n1, n2 = 90, 60
    a_img, a_wld = _person(n1 + n2)
    b_img, b_wld = _person(n1 + n2)
    a_shown = np.concatenate([_zoom(a_img, 0.5, (0.0, 230.0))[:n1], _zoom(a_img, 0.6, (120.0, 180.0))[n1:]])
    b_shown = np.concatenate(
        [_zoom(b_img, 0.45, (300.0, 250.0))[:n1], _zoom(b_img, 0.7, (330.0, 140.0))[n1:]]
    )
    series, report = select_subject(_candidates([(a_shown, a_wld), (b_shown, b_wld)]))
    np.testing.assert_allclose(series.image_px, a_shown)
    assert report.n_cuts == 1
