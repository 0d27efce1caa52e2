"""Three visits from rendered clips with known forward-bend ROM, through the real pose model,
saved and compared: the progress table flags the real change and not the noise."""

from __future__ import annotations

import datetime as dt

import pytest

from assess.io.model import SHIPPED_PATH
from assess.records import Database, progress_table, save_session
from assess.session import Patient, Session, Visit

MODEL = SHIPPED_PATH  # ships with the package: a missing model fails, never skips
#: Intake, then a real gain (25 deg, beyond the 13 deg MDC), then noise (1 deg).
PEAKS_DEG = (35.0, 60.0, 61.0)
DATES = (dt.date(2026, 1, 5), dt.date(2026, 1, 19), dt.date(2026, 2, 2))
#: Rendered clips read within a few degrees of their truth (README, rendered spine clips).
ROM_TOLERANCE_DEG = 4.0


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> list[Session]:
    from assess.service import assess_session
    from assess_render import render_clip

    out = tmp_path_factory.mktemp("rendered")
    patient = Patient(patient_id="P-R", height_cm=175.0)
    made = []
    for peak, day in zip(PEAKS_DEG, DATES, strict=True):
        clip = out / f"forward_bend_{peak:g}.mp4"
        render_clip(
            movement="forward_bend", view="side", out_path=clip, size_px=(320, 240), fps=24.0,
            peaks_deg=(peak,), quiet_s=1.2, ramp_s=1.2, hold_s=0.6, rest_s=0.6, end_s=0.8,
        )  # fmt: skip
        made.append(
            assess_session(
                [(clip, "forward_bend")], patient=patient, visit=Visit(date=day), model_path=MODEL, workers=1
            )
        )
    return made


@pytest.mark.model
def test_rendered_visits_flag_the_real_change_and_not_the_noise(
    db: Database, sessions: list[Session]
) -> None:
    for s in sessions:
        save_session(db, s, create_patient=True)
    rom = progress_table(db, "P-R").figure("trunk_flexion_rom")
    read = [p.value for p in rom.points]
    assert read == pytest.approx(list(PEAKS_DEG), abs=ROM_TOLERANCE_DEG), read
    intake, gain, noise = rom.points
    assert intake.from_intake is None
    assert gain.from_previous is not None
    assert gain.from_previous.real is True
    assert noise.from_previous is not None
    assert noise.from_previous.real is False
    assert noise.from_intake is not None
    assert noise.from_intake.real is True
