from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.geometry import fold_half_turn_deg, inclination_deg, joint_angle_deg, tilt_deg
from assess.signal import bridge_gaps, lowpass, reject_outliers, repair_left_right_swaps
from tests.synthetic import series_from_bodies, still


@given(
    angle=st.floats(-170, 170),
    dx=st.floats(-1e3, 1e3),
    dy=st.floats(-1e3, 1e3),
    scale=st.floats(0.01, 100),
)
def test_inclination_is_translation_and_scale_invariant(
    angle: float, dx: float, dy: float, scale: float
) -> None:
    a = np.radians(angle)
    lower = np.array([[0.0, 0.0]])
    upper = np.array([[np.sin(a), -np.cos(a)]])
    base = inclination_deg(lower, upper)[0]
    moved = inclination_deg(lower * scale + [dx, dy], upper * scale + [dx, dy])[0]
    assert base == pytest.approx(angle, abs=1e-6)
    assert moved == pytest.approx(angle, abs=1e-6)


def test_tilt_ignores_point_order_and_signs_image_up() -> None:
    a, b = np.array([[0.0, 10.0]]), np.array([[10.0, 0.0]])  # b is up and right
    assert tilt_deg(a, b)[0] == pytest.approx(45)
    assert tilt_deg(b, a)[0] == pytest.approx(45)
    assert fold_half_turn_deg(135.0) == pytest.approx(-45)


def test_joint_angle_straight_and_right() -> None:
    a, v, b = np.array([0.0, 1.0]), np.array([0.0, 0.0]), np.array([0.0, -1.0])
    assert joint_angle_deg(a, v, b) == pytest.approx(180)
    assert joint_angle_deg(a, v, np.array([1.0, 0.0])) == pytest.approx(90)


def test_bridge_gaps_fills_short_gaps_only() -> None:
    t = np.arange(20) / 10.0
    y = t.copy()
    y[3:5] = np.nan  # 0.3 s between valid samples 0.2 and 0.5
    y[10:17] = np.nan  # 0.8 s
    y[0] = np.nan  # leading gap stays
    out = bridge_gaps(t, y, max_gap_s=0.3)
    np.testing.assert_allclose(out[3:5], t[3:5])
    assert np.isnan(out[10:17]).all()
    assert np.isnan(out[0])
    assert np.isnan(y[3])  # input untouched


def test_reject_outliers_removes_spikes_keeps_signal() -> None:
    t = np.arange(200) / 30.0
    y = np.sin(2 * np.pi * 0.5 * t)
    y[50] += 5.0
    out = reject_outliers(t, y, window_s=0.5, n_sigmas=4)
    assert np.isnan(out[50])
    assert np.isfinite(np.delete(out, 50)).all()


def test_lowpass_passes_slow_removes_fast_keeps_nan() -> None:
    t = np.arange(600) / 60.0
    slow = np.sin(2 * np.pi * 1.0 * t)
    fast = 0.5 * np.sin(2 * np.pi * 20.0 * t)
    y = slow + fast
    y[300:310] = np.nan
    out = lowpass(t, y, cutoff_hz=6.0)
    ok = np.isfinite(out)
    inner = ok & (np.abs(np.arange(600) - 305) > 40) & (np.arange(600) > 40) & (np.arange(600) < 560)
    assert np.max(np.abs(out[inner] - slow[inner])) < 0.05
    assert np.isnan(out[300:310]).all()


def test_lowpass_cutoff_is_capped_below_nyquist() -> None:
    t = np.arange(100) / 10.0  # 10 Hz: Nyquist 5 Hz, asking 6 Hz must not fail
    y = np.sin(2 * np.pi * 0.5 * t)
    out = lowpass(t, y, cutoff_hz=6.0)
    assert np.isfinite(out).all()


def test_lowpass_rejects_nonsense_options() -> None:
    with pytest.raises(ValueError, match="cutoff_hz"):
        lowpass(np.arange(10.0), np.zeros(10), cutoff_hz=0)


def test_swap_repair_restores_swapped_frames() -> None:
    n = 60
    bodies = still(n)
    # Knees and ankles move apart over time so labels matter.
    bodies[:, [25, 27], 2] += np.linspace(0, 0.3, n)[:, None]
    series = series_from_bodies(bodies, view="side", facing="right")
    broken_img = series.image_px.copy()
    legs_l = [23, 25, 27, 29, 31]
    legs_r = [24, 26, 28, 30, 32]
    bad = slice(20, 26)
    broken_img[bad, legs_l + legs_r] = series.image_px[bad][:, legs_r + legs_l]
    # The model's depth follows its own labels: where it exchanges them it mirrors the depth too.
    broken_world = series.world_m.copy()
    broken_world[bad, legs_l + legs_r] = series.world_m[bad][:, legs_r + legs_l]
    broken_img[bad, legs_l + legs_r, 2] *= -1
    broken_world[bad, legs_l + legs_r, 2] *= -1
    from dataclasses import replace

    broken = replace(series, image_px=broken_img, world_m=broken_world)
    fixed, n_fixed = repair_left_right_swaps(broken)
    assert n_fixed == 6
    np.testing.assert_allclose(fixed.image_px, series.image_px, atol=1e-9)
    np.testing.assert_allclose(fixed.world_m, series.world_m, atol=1e-9)
    # The depth order of the legs is the body's again (the near leg nearer), not mirrored.
    near_minus_far = fixed.world_m[bad, 24, 2] - fixed.world_m[bad, 23, 2]
    assert np.all(np.sign(near_minus_far) == np.sign(series.world_m[bad, 24, 2] - series.world_m[bad, 23, 2]))


@settings(max_examples=25, deadline=None)
@given(shift=st.floats(-200, 200), n=st.integers(10, 40))
def test_swap_repair_leaves_clean_series_alone(shift: float, n: int) -> None:
    bodies = still(n)
    bodies[:, :, 2] += np.linspace(0, 0.5, n)[:, None]
    series = series_from_bodies(bodies, view="side", facing="left")
    from dataclasses import replace

    moved = replace(series, image_px=series.image_px + [shift, 0, 0])
    _, n_fixed = repair_left_right_swaps(moved)
    assert n_fixed == 0
