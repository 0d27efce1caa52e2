"""The PDF of a bundled sample clip through the real pose model: the still is a frame of the clip."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pypdf
import pytest

from assess.reporting.json_report import rounded
from assess.reporting.pdf import deepest_repetition_s, pdf_bytes
from assess.reporting.stills import still
from assess.service import assess_clip
from assess.session import Patient, Session, SessionItem, Visit
from assess.types import Side

CLIP = Path(__file__).resolve().parents[2] / "sample_videos" / "side_bend_front.mp4"


@pytest.mark.model
def test_side_bend_sample_clip_gives_a_one_page_summary_with_a_still_of_the_clip() -> None:
    a = assess_clip(CLIP, movement="side_bend", height_cm=175.0, workers=1)
    session = Session(
        patient=Patient(patient_id="S-1"),
        visit=Visit(date=dt.date(2025, 3, 4), therapist="T"),
        items=(SessionItem(assessment=a, pain_0_10=2),),
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(session)))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert len(reader.pages) == 1
    assert len(reader.pages[0].images) == 1
    for side in (Side.LEFT, Side.RIGHT):
        m = a.measurement("lateral_flexion_rom", side)
        assert f"Trunk side bend {side.value} {rounded(m.value, 'deg'):.1f}°" in text
    assert "front view" in text
    assert "pain 2/10" in text
    peak_s = deepest_repetition_s(a)
    assert peak_s is not None
    shown = re.search(r"deepest point, ([0-9.]+) s", text)
    assert shown is not None
    assert abs(float(shown.group(1)) - peak_s) <= 0.06
    # The still is the clip's frame (the rendered room), not the plain fallback background.
    picture = still(a.series, CLIP, peak_s)
    assert picture.from_video
    assert float(np.std(picture.rgb)) > 20
