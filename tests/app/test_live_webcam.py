"""The live self-check through WebRTC: Chromium's fake camera plays a rendered clip to the served app.

WebRTC ignores loopback, so the server and the browser both run inside a private network namespace
joined by a veth pair (10.213.0.1 - 10.213.0.2); nothing leaves it. Needs root (CI runs as root).
The clip: 3 s of the rendered figure standing still, then its two side bends (one right, one left).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.server import CHROMIUM, REPO, missing

pytestmark = [pytest.mark.browser, pytest.mark.netns, pytest.mark.model]

CLIP = REPO / "sample_videos" / "side_bend_front.mp4"
LEAD_IN_S = 3.0
ADDRESS = "10.213.0.1"
PEER = "10.213.0.2"
#: Stop reading before the clip's second loop could finish a bend (lead-in + first bend ~ 5 s).
READ_VIDEO_S = 13.0
#: The display must keep up: frames analysed and drawn per second of video.
MIN_LIVE_FPS = 15.0
SHOTS = os.environ.get("ASSESS_SCREENSHOTS")


def make_y4m(clip: Path, out: Path, *, lead_in_s: float) -> tuple[int, float]:
    """The clip as a .y4m (Chromium's fake-camera format), after ``lead_in_s`` of its first frame."""
    import cv2

    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    ok, first = cap.read()
    assert ok, clip
    h, w = first.shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"I420"), fps, (w, h))
    assert writer.isOpened()
    n = 0
    for _ in range(round(lead_in_s * fps)):
        writer.write(first)
        n += 1
    frame: object = first
    while frame is not None:
        writer.write(frame)
        n += 1
        ok, frame = cap.read()
        frame = frame if ok else None
    writer.release()
    return n, float(fps)


@pytest.fixture
def namespace() -> Iterator[str]:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        missing("needs root and iproute2 to make a private network namespace")
    if not CHROMIUM.exists():
        missing("Debian chromium is not installed (apt-get install chromium chromium-driver)")
    name = f"assess-live-{os.getpid()}"
    steps = [
        ["ip", "netns", "add", name],
        # No IPv6: its address setup (duplicate address detection) finishes a moment after the links
        # come up, which Chromium sees as a network change and aborts the page's requests.
        ["ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
        ["ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
        ["ip", "link", "add", "va", "netns", name, "type", "veth", "peer", "name", "vb", "netns", name],
        ["ip", "-n", name, "addr", "add", f"{ADDRESS}/24", "dev", "va"],
        ["ip", "-n", name, "addr", "add", f"{PEER}/24", "dev", "vb"],
        ["ip", "-n", name, "link", "set", "lo", "up"],
        ["ip", "-n", name, "link", "set", "va", "up"],
        ["ip", "-n", name, "link", "set", "vb", "up"],
    ]
    try:
        for cmd in steps:
            subprocess.run(cmd, check=True, capture_output=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def _prepare(tmp_path: Path) -> tuple[Path, Path]:
    """The camera clip and an output folder whose records hold one patient."""
    y4m = tmp_path / "camera.y4m"
    make_y4m(CLIP, y4m, lead_in_s=LEAD_IN_S)
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    # A patient on record, in the records database the served app uses (tests/app/server.py).
    from assess.records import add_patient, open_database
    from assess.session import Patient

    with open_database(str(out / "data" / "records.sqlite3")) as db:
        add_patient(db, Patient(patient_id="P-LIVE"))
    return y4m, out


def _drive(namespace: str, *args: str, out: Path) -> dict:  # type: ignore[type-arg]
    cmd = ["ip", "netns", "exec", namespace, sys.executable, str(REPO / "tests" / "app" / "live_driver.py"),
           "--address", ADDRESS, "--out", str(out), *args]  # fmt: skip
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=500)
    log = (out / "server.log").read_text()[-2000:] if (out / "server.log").exists() else ""
    error = run.stderr[run.stderr.find("Traceback") :] if "Traceback" in run.stderr else run.stderr
    page = run.stderr[run.stderr.find("PAGE TEXT:") :][:1500] if "PAGE TEXT:" in run.stderr else ""
    assert run.returncode == 0, "\n".join(error.splitlines()[:40]) + page + log
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_live_counter_counts_the_rendered_repetitions(namespace: str, tmp_path: Path) -> None:
    truth = json.loads(CLIP.with_name(CLIP.name + ".truth.json").read_text())
    true_sides = sorted(r["side"] for r in truth["repetitions"])
    y4m, out = _prepare(tmp_path)
    result = _drive(
        namespace, "--flow", "selfcheck", "--y4m", str(y4m), "--movement", "side_bend",
        "--seconds", str(READ_VIDEO_S), "--save", out=out,
    )  # fmt: skip
    samples = result["samples"]
    assert samples, (
        f"the page never showed the live line; server log: {(out / 'server.log').read_text()[-2000:]}"
    )
    last = samples[-1]
    assert last["video_s"] >= READ_VIDEO_S - 1.0, last
    # Exactly the rendered repetitions, one to each side, and none counted while standing still.
    assert last["reps"] == len(true_sides), samples
    assert sorted(s.split()[0] for s in last["sides"].split(", ")) == true_sides
    assert all(s["reps"] == 0 for s in samples if s["video_s"] < LEAD_IN_S), samples
    # The angle shown at the bends' holds is near the rendered 25 deg (the clip analysis reads 21-22).
    angles = [abs(float(s["angle"].split()[0])) for s in samples if s["angle"][0] in "+-"]
    assert 17.0 <= max(angles) <= 28.0, angles
    fps = last["frames"] / last["video_s"]
    print(f"live: {fps:.1f} frames/s analysed and drawn over {last['video_s']:.1f} s of video")
    assert fps >= MIN_LIVE_FPS, fps
    # Stop, then save: the summary lands in the patient's record.
    from assess.app.backend import LocalBackend

    saved = LocalBackend(database=str(out / "data" / "records.sqlite3")).progress("P-LIVE").self_checks
    assert len(saved) == 1
    assert saved[0]["patient_id"] == "P-LIVE"
    assert saved[0]["movement"] == "side_bend"
    assert saved[0]["repetitions"] == len(true_sides)
    assert saved[0]["repetitions_by_side"] == {"left": 1, "right": 1}
    if SHOTS:
        shutil.copy(out / "selfcheck_live.png", REPO / SHOTS / "selfcheck_live.png")


def test_webcam_recording_joins_the_visit_and_is_analysed(namespace: str, tmp_path: Path) -> None:
    y4m, out = _prepare(tmp_path)
    # Record the standing lead-in and both bends (about 14 s of the fake camera), then analyse.
    result = _drive(namespace, "--flow", "record", "--y4m", str(y4m), "--seconds", "15", out=out)
    assert len(result["files"]) == 1, result
    assert result["suggested"].startswith("Suggested: Side bends"), result
