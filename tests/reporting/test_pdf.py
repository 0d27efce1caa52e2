"""The PDF intake summary, read back: what it promises to show is in the file, as printed.

A whole session is built from synthetic skeletons (no pose model) with a clip drawn from each
skeleton, so still frames come from real video. Text and images are read with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pypdf
import pytest

from assess.catalogue import FIGURES
from assess.landmarks import INDEX
from assess.reporting import pdf as pdf_module
from assess.reporting.json_report import DECIMALS, rounded
from assess.reporting.pdf import pdf_bytes, write_pdf
from assess.reporting.stills import blur_box, face_box_px, frame_at, still
from assess.session import Session
from assess.types import Side
from tests.reporting.session_data import build_session

SPINE = ("forward_bend", "extension", "side_bend", "rotation")
GENERATED = dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.UTC)


def _printed(value: float, unit: str) -> str:
    """A value as the report must print it: rounded by unit like report.json, then its unit."""
    r = rounded(value, unit)
    assert r is not None
    text = f"{r + 0.0:.{DECIMALS[unit]}f}"
    return text + {"deg": "°", "%": " %", "1": " × hip width"}.get(unit, f" {unit}")


def _text(reader: pypdf.PdfReader) -> str:
    """All pages' text with whitespace runs made single spaces (line wraps do not matter)."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return build_session(tmp_path_factory.mktemp("clips"))


@pytest.fixture(scope="module")
def written(session: Session, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pypdf.PdfReader, str]:
    path = write_pdf(session, tmp_path_factory.mktemp("pdf") / "intake.pdf", generated=GENERATED)
    reader = pypdf.PdfReader(path)
    return path, reader, _text(reader)


def test_the_file_is_a_whole_pdf_of_one_or_two_a4_pages(written: tuple[Path, pypdf.PdfReader, str]) -> None:
    path, reader, _ = written
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert 1 <= len(reader.pages) <= 2, len(reader.pages)
    for page in reader.pages:
        w_pt, h_pt = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(w_pt), round(h_pt)) == (595, 842)  # A4 portrait in points
    assert not list(path.parent.glob(".intake.pdf.*")), "the temporary file was left behind"


def test_header_names_patient_visit_therapist_title_and_generator(
    written: tuple[Path, pypdf.PdfReader, str], session: Session
) -> None:
    _, reader, text = written
    for expected in ("Movement assessment (video)", "P-0042", "Jane Example", "1971", "2025-03-04",
                     "A. Therapist, PT", "175 cm", "pose_landmarker_full", "assess 0.1.0",
                     "first visit; low back pain 6 weeks"):  # fmt: skip
        assert expected in text, expected
    # Every page names the patient and the visit (a page may be separated from the others).
    for page in reader.pages:
        assert "Patient P-0042" in page.extract_text()
        assert "visit 2025-03-04" in page.extract_text()


def test_every_measurement_is_printed_rounded_with_its_unit_and_display_name(
    written: tuple[Path, pypdf.PdfReader, str], session: Session
) -> None:
    _, _, text = written
    n = 0
    for a in session.assessments:
        for m in a.measurements:
            display = FIGURES[m.name].display
            assert display in text, display
            # The row: display name, side, then the value as printed.
            side = f" {m.side.value}" if m.side else ""
            row = f"{display}{side} {_printed(m.value, m.unit)}"
            assert row in text, (row, m.value)
            n += 1
    assert n >= 30, n  # the synthetic session measures every movement
    assert "70.0°" in text
    assert "33.5 cm" in text
    assert "109.4 /min" in text


def test_norm_ranges_name_their_source_and_mdc(written: tuple[Path, pypdf.PdfReader, str]) -> None:
    _, _, text = written
    assert "40–60° (Magee 2014) 13°" in text  # forward bend: range, source, MDC
    assert "20–30° (Magee 2014)" in text
    assert "81–138 /min (Tudor-Locke 2011)" in text
    assert "0.94–1.43 m/s (Bohannon 2011) 0.05 m/s" in text


def test_right_minus_left_is_printed_once_per_pair(
    written: tuple[Path, pypdf.PdfReader, str], session: Session
) -> None:
    _, _, text = written
    side_bend = next(a for a in session.assessments if a.movement == "side_bend")
    left = side_bend.measurement("fingertip_drop", Side.LEFT)
    right = side_bend.measurement("fingertip_drop", Side.RIGHT)
    expected = _printed(right.value - left.value, "cm")
    assert f"{_printed(left.value, 'cm')} — {expected}" in text, expected
    # Figures measured on one side only have no R - L.
    posture = re.search(r"Trunk lean 0\.0° —(.*?)Head forward", text)
    assert posture is not None
    assert posture.group(1).strip() == ""


def test_pain_notes_and_figures_not_measured_with_their_reason(
    written: tuple[Path, pypdf.PdfReader, str], session: Session
) -> None:
    _, _, text = written
    for item in session.items:
        if item.pain_0_10 is not None:
            assert f"pain {item.pain_0_10}/10" in text
    assert "pain not recorded" in text
    assert "Notes: pain at end range, low back left" in text
    omissions = [o for a in session.assessments for o in a.omissions]
    assert omissions, "the synthetic session should withhold some figures"
    for o in omissions:
        assert f"{FIGURES[o.name].display}" in text
        assert f"not measured: {pdf_module.plain(o.reason)}" in text, o.reason


def test_warnings_are_printed_once_per_movement(
    written: tuple[Path, pypdf.PdfReader, str], session: Session
) -> None:
    _, _, text = written
    warnings = {pdf_module.plain(w) for a in session.assessments for w in a.warnings}
    assert warnings, "the synthetic session should raise warnings"
    section = text[text.index("Warnings") : text.index("Movement over time")]
    for w in warnings:
        sentence = w[0].upper() + w[1:]
        assert section.count(sentence) == 1, sentence
    assert "°" in section
    assert " deg" not in section


def test_method_statement(written: tuple[Path, pypdf.PdfReader, str], session: Session) -> None:
    _, _, text = written
    method = text[text.index("Method") :]
    assert "Trunk inclination is not lumbar flexion" in method
    assert "compare with the patient's own earlier visits first" in method
    assert "pose_landmarker_full" in method
    for a in session.assessments:
        assert a.view is not None
        assert f"{a.view.label} {a.view.angle_deg:+.0f}°".replace("-", "−") in method
    names = {m.name for a in session.assessments for m in a.measurements}
    for name in names:
        known = pdf_module.plain(FIGURES[name].known_error).replace(" against rendered truth", "")
        assert known in method, name


def test_every_spine_movement_has_a_chart_and_a_still(
    written: tuple[Path, pypdf.PdfReader, str], session: Session
) -> None:
    _, reader, text = written
    images = [img for page in reader.pages for img in page.images]
    assert len(images) >= len(SPINE), len(images)
    for name in ("Forward bend", "Backward bend", "Side bend", "Twist (rotation)"):
        assert f"{name} Trunk" in text[text.index("Movement over time") :], name
    assert text.count("time (s)") == len(SPINE)
    # The stills are frames of the clips at the deepest repetition, not placeholders.
    assert text.count("deepest point, ") == len(SPINE)
    forward = next(a for a in session.assessments if a.movement == "forward_bend")
    deepest = max(forward.repetitions, key=lambda r: r.peak_value)
    shown = [float(t) for t in re.findall(r"deepest point, ([0-9.]+) s", text)]
    assert any(abs(t - deepest.peak_s) <= 0.06 for t in shown), (shown, deepest.peak_s)
    # Peak labels: every repetition's rounded peak is printed on its chart, with its side.
    charts = text[text.index("Movement over time") : text.index("Method")]
    for a in session.assessments:
        if a.movement in SPINE:
            for r in a.repetitions:
                side = f" {r.side.value[0].upper()}" if r.side else ""
                assert _printed(r.peak_value, "deg") + side in charts, (a.movement, r)


def test_without_the_clips_the_stills_are_skeletons_and_say_so(tmp_path: Path) -> None:
    session = build_session(tmp_path, movements=("side_bend", "forward_bend"), with_video=False)
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(session, generated=GENERATED)))
    text = _text(reader)
    assert len([img for page in reader.pages for img in page.images]) == 2
    assert text.count("clip not readable: skeleton only") == 2
    assert len(reader.pages) == 1


def test_a_long_session_flows_onto_more_pages_with_the_table_heading_repeated(session: Session) -> None:
    long = Session(patient=session.patient, visit=session.visit, items=session.items * 3)
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(long, generated=GENERATED)))
    assert len(reader.pages) >= 3
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    # The table runs from the first page to the one with its footnote.
    last = next(i for i, p in enumerate(pages) if "Side: the patient's own. R − L" in p)
    assert last >= 1
    for i in range(last + 1):
        assert "Figure Side Value Normal range (source) MDC R − L" in pages[i], i
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_a_failed_write_leaves_the_old_file_whole(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "intake.pdf"
    path.write_bytes(b"old report")

    def broken(*_: object, **__: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf_module, "pdf_bytes", broken)
    with pytest.raises(RuntimeError):
        write_pdf(session, path)
    assert path.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["intake.pdf"]


# ----------------------------------------------------------------------------------------- stills


def _laplacian_energy(rgb: np.ndarray) -> float:
    g = rgb.astype(float).mean(axis=2)
    lap = -4 * g[1:-1, 1:-1] + g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:]
    return float(np.mean(lap**2))


def test_the_face_box_holds_the_head_and_is_blurred_beyond_recognition(tmp_path: Path) -> None:
    session = build_session(tmp_path, movements=("side_bend",))
    a = session.assessments[0]
    t = max(a.repetitions, key=lambda r: r.peak_value).peak_s
    found = frame_at(Path(a.video.path), t)
    assert found is not None
    frame_t, rgb = found
    assert abs(frame_t - t) < 0.05
    i = int(np.argmin(np.abs(a.series.time_s - frame_t)))
    pts = a.series.image_px[i, :, :2]
    box = face_box_px(pts)
    assert box is not None
    nose = pts[INDEX["nose"]]
    head_r = 18  # the drawn head's radius in session_data.frames_of
    assert box[0] < nose[0] - 2 * head_r
    assert box[2] > nose[0] + 2 * head_r
    assert box[1] < nose[1] - 2 * head_r
    assert box[3] > nose[1] + 2 * head_r
    blurred = blur_box(rgb, box)
    x0, y0, x1, y1 = (int(v) for v in box)
    head = (
        slice(int(nose[1]) - head_r, int(nose[1]) + head_r),
        slice(int(nose[0]) - head_r, int(nose[0]) + head_r),
    )
    before, after = _laplacian_energy(rgb[head]), _laplacian_energy(blurred[head])
    assert before > 50 * max(after, 1e-6), (before, after)
    outside = np.ones(rgb.shape[:2], bool)
    outside[max(y0, 0) : y1 + 1, max(x0, 0) : x1 + 1] = False
    assert np.array_equal(rgb[outside], blurred[outside])


def test_without_face_landmarks_the_box_sits_above_the_shoulders_and_without_a_body_all_is_blurred() -> None:
    pts = np.full((33, 2), np.nan)
    pts[INDEX["left_shoulder"]], pts[INDEX["right_shoulder"]] = (100, 200), (160, 200)
    pts[INDEX["left_hip"]], pts[INDEX["right_hip"]] = (105, 320), (155, 320)
    box = face_box_px(pts)
    assert box is not None
    assert box[1] < 200 - 0.3 * 120 < box[3]
    assert box[3] < 220
    assert box[0] < 130 < box[2]
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    assert face_box_px(np.full((33, 2), np.nan)) is None
    everything = blur_box(rgb, None)
    assert _laplacian_energy(everything) < _laplacian_energy(rgb) / 50


def test_still_is_the_clip_frame_with_the_skeleton_and_a_blurred_face(tmp_path: Path) -> None:
    session = build_session(tmp_path, movements=("side_bend",))  # front view: both sides show
    a = session.assessments[0]
    t = max(a.repetitions, key=lambda r: r.peak_value).peak_s
    picture = still(a.series, Path(a.video.path), t)
    assert picture.from_video
    assert abs(picture.time_s - t) < 0.05
    # The clip's background colour (session_data.frames_of) is in the picture: it is the frame.
    background = np.array([196, 204, 188])
    share = np.mean(np.all(np.abs(picture.rgb.astype(int) - background) < 6, axis=2))
    assert share > 0.3, share
    # The skeleton's colours (left orange, right blue) are drawn on it.
    for colour in ((255, 140, 0), (30, 144, 255)):
        assert np.any(np.all(np.abs(picture.rgb.astype(int) - colour) < 8, axis=2)), colour
    missing = still(a.series, tmp_path / "gone.mp4", t)
    assert not missing.from_video
