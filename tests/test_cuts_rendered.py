"""A rendered side-bend clip cut from a wide shot to a close-up and back, through the real model.

No real footage shows this edit, so the clip is built here: the renderer draws the whole body
(known angles), the close-up is the upper body cropped from the same frames and enlarged (legs
out of view, trunk off-centre), and the wide shot returns for the last bend.
"""

from __future__ import annotations

from typing import Any

import av
import cv2
import numpy as np
import pytest

from assess.io.model import SHIPPED_PATH
from assess.movements.base import AnalysisContext
from assess.pipeline import Extraction
from assess.results import MovementResult
from tests.conftest import write_clip

MODEL = SHIPPED_PATH
#: Side bends read about 10 % low through the model (assess_render/README.md); the brief's bound.
ROM_TOLERANCE_DEG = 5.0
SIZE = (320, 240)


def _close_up(frame: np.ndarray) -> np.ndarray:
    """Head to hips, cropped off-centre and enlarged twice: the legs leave the picture."""
    return np.ascontiguousarray(cv2.resize(frame[5:125, 100:260], SIZE, interpolation=cv2.INTER_CUBIC))


@pytest.fixture(scope="module")
def cut_clip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from assess.pipeline import extract_landmarks
    from assess.service import run_analysis
    from assess_render import render_clip

    tmp = tmp_path_factory.mktemp("cuts")
    truth = render_clip(
        movement="side_bend", view="front", out_path=tmp / "wide.mp4", size_px=SIZE,
        peaks_deg=(20.0, -20.0, 20.0, -20.0), quiet_s=1.5, ramp_s=1.0, hold_s=0.6, rest_s=0.6, end_s=0.8,
    )  # fmt: skip
    with av.open(str(tmp / "wide.mp4")) as container:
        wide = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    reps = truth.repetitions
    cut_in = int(0.5 * (reps[1].end_s + reps[2].start_s) * truth.fps)  # the third bend in close-up
    cut_out = int(0.5 * (reps[2].end_s + reps[3].start_s) * truth.fps)
    frames = wide[:cut_in] + [_close_up(f) for f in wide[cut_in:cut_out]] + wide[cut_out:]
    clip = write_clip(tmp / "cuts.mp4", frames, fps=truth.fps)
    extraction = extract_landmarks(clip, workers=1)
    result = run_analysis(extraction, "side_bend", AnalysisContext())
    return {"truth": truth, "cut_in": cut_in, "cut_out": cut_out, "extraction": extraction, "result": result}


pytestmark = [
    pytest.mark.model,
]


def test_the_patient_is_followed_in_both_wide_shots(cut_clip: dict[str, Any]) -> None:
    ex: Extraction = cut_clip["extraction"]
    present = ex.series.present
    a, b = cut_clip["cut_in"], cut_clip["cut_out"]
    before, close, after = present[:a].mean(), present[a:b].mean(), present[b:].mean()
    print(f"\ncoverage: wide {before:.3f}, close-up {close:.3f}, wide {after:.3f}")
    assert before >= 0.98
    assert after >= 0.98
    assert close == 0.0  # the close-up is left out: figures come from the whole-body shots
    assert ex.tracking.rejected_frames == 0  # nothing was dropped as "someone else"


def test_tracking_report_names_the_cuts_and_the_whole_body_ranges(cut_clip: dict[str, Any]) -> None:
    ex: Extraction = cut_clip["extraction"]
    t = cut_clip["truth"].time_s
    a, b = cut_clip["cut_in"], cut_clip["cut_out"]
    tracking = ex.tracking
    print(
        f"\ncuts {tracking.cut_times_s} (true {t[a]:.3f}, {t[b]:.3f}); whole body {tracking.whole_body_ranges_s}"
    )
    assert tracking.n_cuts == 2
    assert np.allclose(tracking.cut_times_s, [t[a], t[b]], atol=0.1)
    assert len(tracking.whole_body_ranges_s) == 2
    assert np.allclose(tracking.whole_body_ranges_s, [(t[0], t[a - 1]), (t[b], t[-1])], atol=0.1)
    assert tracking.close_up_frames >= 0.9 * (b - a)
    assert any("close-up shots where the legs are out of view" in w for w in ex.warnings)


def test_side_bend_is_measured_from_the_wide_shots(cut_clip: dict[str, Any]) -> None:
    result: MovementResult = cut_clip["result"]
    truth = cut_clip["truth"]
    for side in ("left", "right"):
        true_rom = max(r.peak_value for r in truth.repetitions if r.side == side)
        found = [
            m
            for m in result.measurements
            if m.name == "lateral_flexion_rom" and m.side and m.side.value == side
        ]
        assert len(found) == 1, f"no lateral_flexion_rom for the {side} side"
        print(f"\nlateral_flexion_rom {side}: {found[0].value:.1f} deg vs truth {true_rom:.1f}")
        assert abs(found[0].value - true_rom) <= ROM_TOLERANCE_DEG
