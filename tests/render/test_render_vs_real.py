"""The rendered figure must read, through the real pose model, like a real person does.

Front and back standing clips are rendered and run through the shipped model; their body
proportions (``tests/render/proportions.py``) are held against those the same model reads on
the real man of ``pose2sim_s00``, measured here from his clips (not copied numbers). Per ratio
the rendered value must be within :data:`MAX_RELATIVE_ERROR` of the real one for the same view.

Image leg length is not compared: the real cameras look down from about 1.7-1.9 m at a wide
angle, which shortens the legs in the picture (the rendered camera is level at hip height).
"""

from __future__ import annotations

import numpy as np
import pytest

from assess.io.model import SHIPPED_PATH
from assess_render import render_clip
from tests.conftest import footage
from tests.render.proportions import REAL_CLIPS, Ratios, clip_ratios

MODEL = SHIPPED_PATH
#: A rendered ratio may differ from the real one of the same view by at most this fraction.
MAX_RELATIVE_ERROR = 0.15
#: (space, ratio) held to MAX_RELATIVE_ERROR in both views.
COMPARED = (("image", "shoulder"), ("image", "hip"), ("world", "shoulder"))
#: Known gap: the model reads the rendered torso shorter against the legs (world landmarks) than
#: on the real man. Bounds of (rendered / real - 1); measured: +15-17 %.
LEG_GAP_BOUNDS = (0.05, 0.30)
REAL_BY_VIEW = {"back": (REAL_CLIPS[0],), "front": (REAL_CLIPS[1], REAL_CLIPS[2])}

pytestmark = [
    pytest.mark.model,
    pytest.mark.footage,
]


def _mean(rs: list[Ratios], space: str, name: str) -> float:
    return float(np.mean([getattr(r, space)[name] for r in rs]))


@pytest.fixture(scope="module")
def real() -> dict[str, list[Ratios]]:
    """Ratios on the real clips, per view."""
    out: dict[str, list[Ratios]] = {}
    for view, clips in REAL_BY_VIEW.items():
        out[view] = [
            clip_ratios(footage(rel), view_deg=view_deg, until_s=until_s) for _, rel, view_deg, until_s in clips
        ]
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ratios]:
    """Ratios on rendered standing clips, per view."""
    folder = tmp_path_factory.mktemp("render_vs_real")
    out = {}
    for view in ("front", "back"):
        path = folder / f"standing_{view}.mp4"
        render_clip(movement="standing", view=view, out_path=path, duration_s=2.0)
        out[view] = clip_ratios(path)
    return out


@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize(("space", "name"), COMPARED)
def test_rendered_proportions_read_like_the_real_man(
    real: dict[str, list[Ratios]], rendered: dict[str, Ratios], view: str, space: str, name: str
) -> None:
    want = _mean(real[view], space, name)
    got = getattr(rendered[view], space)[name]
    assert abs(got / want - 1.0) <= MAX_RELATIVE_ERROR, (
        f"{view} {space} {name}/torso: rendered {got:.3f}, real {want:.3f} "
        f"({got / want - 1.0:+.0%}, limit {MAX_RELATIVE_ERROR:.0%})"
    )


def test_back_view_world_hip_width_reads_like_the_real_man(
    real: dict[str, list[Ratios]], rendered: dict[str, Ratios]
) -> None:
    want = _mean(real["back"], "world", "hip")
    got = rendered["back"].world["hip"]
    assert abs(got / want - 1.0) <= MAX_RELATIVE_ERROR, f"rendered {got:.3f}, real {want:.3f}"


@pytest.mark.parametrize("view", ["front", "back"])
def test_known_gap_world_leg_over_torso_reads_long_on_the_figure(
    real: dict[str, list[Ratios]], rendered: dict[str, Ratios], view: str
) -> None:
    """The figure's joints follow Drillis & Contini; the model reads the real man's torso longer.

    If this fails because the gap closed, update the renderer README's ratio table.
    """
    want = _mean(real[view], "world", "leg")
    gap = rendered[view].world["leg"] / want - 1.0
    lo, hi = LEG_GAP_BOUNDS
    assert lo <= gap <= hi, f"{view}: rendered leg/torso {gap:+.0%} against the real man"
