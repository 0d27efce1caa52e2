"""Bad input: one line on stderr, exit code 2, no traceback, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import marker_frames, write_clip


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assess", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert fragment.strip(), "an empty expected fragment is found in any message"
    assert fragment in lines[0], lines[0]


def _clip_with_no_person(tmp: Path) -> Path:
    return write_clip(tmp / "empty_room.mp4", marker_frames(20, width=320, height=240), fps=10)


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _clip_whose_frames_do_not_decode(tmp: Path) -> Path:
    # A whole mp4 index (moov, first) over zeroed media data: the video stream opens, no frame decodes.
    clip = write_clip(tmp / "undecodable.mp4", marker_frames(20, width=320, height=240), fps=10, index_first=True)
    data = bytearray(clip.read_bytes())
    media = data.index(b"mdat") + 4
    data[media:] = bytes(len(data) - media)
    clip.write_bytes(bytes(data))
    return clip


CASES = {
    "missing": (lambda t: t / "nope.mp4", [], "no such file"),
    "directory": (lambda t: t, [], "is a directory"),
    "zero_length": (lambda t: _file(t / "zero.mp4", b""), [], "empty"),
    "not_video": (lambda t: _file(t / "notes.mp4", b"not a video"), [], "not a video"),
    "garbage_with_mkv_header": (
        lambda t: _file(t / "garbage.mkv", b"\x1aE\xdf\xa3" + bytes(range(256)) * 40),
        [],
        "is not a video that can be read",
    ),
    "undecodable": (_clip_whose_frames_do_not_decode, [], "no frame could be decoded"),
    "one_frame": (
        lambda t: write_clip(t / "one.mp4", marker_frames(1, width=320, height=240)),
        [],
        "frame",
    ),
    "no_person": (_clip_with_no_person, [], "no person"),
    "unknown_movement": (lambda t: t / "x.mp4", ["--movement", "cartwheel"], "unknown movement"),
    "impossible_height": (lambda t: t / "x.mp4", ["--height-cm", "12"], "height"),
}


def test_every_case_expects_its_own_message() -> None:
    fragments = [fragment for _, _, fragment in CASES.values()]
    assert all(f.strip() for f in fragments)
    assert len(set(fragments)) == len(fragments)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, case: str) -> None:
    make, extra, fragment = CASES[case]
    src = tmp_path / "in"
    src.mkdir()
    video = make(src)
    out = tmp_path / "out"
    args = ["analyze", str(video), "--movement", "posture", "--out", str(out), *extra]
    proc = run(*args)
    assert_one_line_error(proc, fragment)
    assert not out.exists()


def test_failed_run_keeps_the_previous_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    previous = {"schema_version": 1, "movement": "posture", "note": "earlier visit"}
    (out / "report.json").write_text(json.dumps(previous))
    proc = run("analyze", str(_clip_with_no_person(tmp_path)), "--movement", "posture", "--out", str(out))
    assert_one_line_error(proc, "no person")
    assert json.loads((out / "report.json").read_text()) == previous
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]


def test_usage_errors_are_one_line_too(tmp_path: Path) -> None:
    assert_one_line_error(run("analyze"), "Missing argument")
    assert_one_line_error(run("analyze", "x.mp4", "--movement", "posture", "--bogus"), "No such option")


def test_missing_model_file_says_what_to_do(tmp_path: Path) -> None:
    clip = _clip_with_no_person(tmp_path)
    proc = run("analyze", str(clip), "--movement", "posture", "--model", str(tmp_path / "none.task"))
    assert_one_line_error(proc, "pose model")
