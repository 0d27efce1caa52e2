"""Run inside a private network namespace: serve the app, open it in Chromium with a fake camera
playing a rendered clip, drive one webcam flow, and print what the page showed (JSON, last line).

    python tests/app/live_driver.py --flow selfcheck --address 10.213.0.1 --y4m clip.y4m \\
        --movement side_bend --seconds 13 --out DIR [--save]
    python tests/app/live_driver.py --flow record --address 10.213.0.1 --y4m clip.y4m --seconds 15 --out DIR

``selfcheck``: the live self-check; the live line is read until ``--seconds`` of video were seen,
then Stop (and with ``--save`` the summary is saved). ``record``: Intake's webcam recording of
``--seconds``, then Analyse; prints the suggestion. A patient must be on record in ``DIR/data``.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.app.server import CHROMIUM, CHROMIUM_FLAGS, streamlit_server

LINE = re.compile(
    r"Repetitions: (\d+)\**(?: \(([^)]*)\))? \| angle ([^|]+) \| ([\d.]+) s of video, (\d+) frames"
)
#: Text that shows the instructions of the chosen movement are on the page.
INSTRUCTION_START = {
    "side_bend": "slide one hand down",
    "forward_bend": "bend forward slowly",
    "extension": "lean back",
}


def label_of(movement: str) -> str:
    from assess.app.views import movement_label

    return movement_label(movement)


def free_port_on(address: str) -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


def press_start(page: Any, timeout_ms: int = 20_000) -> Any:
    """Click the WebRTC component's START until it shows STOP; return the STOP button."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
    start = frame.get_by_role("button", name=re.compile("^start$", re.I))
    stop = frame.get_by_role("button", name=re.compile("^stop$", re.I))
    for _ in range(3):  # the component may be re-created by a rerun just after the first click
        start.click()
        try:
            stop.wait_for(timeout=timeout_ms)
            return stop
        except PlaywrightTimeoutError:
            continue
    raise RuntimeError("the camera never started")


def selfcheck_flow(page: Any, args: argparse.Namespace) -> dict[str, Any]:
    page.get_by_text("Self-check", exact=True).click()
    page.get_by_label("Movement").click()
    page.get_by_role("option", name=label_of(args.movement)).click()
    page.get_by_text(INSTRUCTION_START[args.movement]).wait_for()
    page.get_by_text("Live camera", exact=True).click()
    stop = press_start(page)
    samples: list[dict[str, Any]] = []
    deadline = time.monotonic() + args.timeout
    seen = 0.0
    while time.monotonic() < deadline and seen < args.seconds:
        m = LINE.search(page.locator("body").inner_text())
        if m:
            seen = float(m.group(4))
            samples.append(
                {"video_s": seen, "reps": int(m.group(1)), "sides": m.group(2) or "",
                 "angle": m.group(3).strip(), "frames": int(m.group(5))}
            )  # fmt: skip
        time.sleep(0.2)
    page.screenshot(path=str(args.out / "selfcheck_live.png"))
    stop.click()
    saved = False
    if args.save:
        page.get_by_role("button", name="Save to my record").click()
        page.get_by_text("Saved to the record of").wait_for()
        saved = True
    return {"samples": samples, "saved": saved}


def record_flow(page: Any, args: argparse.Namespace) -> dict[str, Any]:
    page.get_by_role("combobox", name="Patient").click()
    page.get_by_role("option").nth(1).click()  # the patient on record (0 is "+ New patient")
    page.get_by_text("Record a clip with the webcam").click()
    stop = press_start(page)
    time.sleep(args.seconds)
    stop.click()
    page.get_by_text(re.compile(r"^webcam-\d+\.mp4$")).wait_for()
    page.get_by_role("button", name=re.compile(r"Analyse 1 clip")).click()
    suggested = page.get_by_text(re.compile("^Suggested: "))
    suggested.wait_for(timeout=240_000)
    page.screenshot(path=str(args.out / "intake_recorded.png"))
    files = sorted(p.name for p in (args.out / "tmp").glob("assess-app-*/webcam-*.mp4"))
    return {"suggested": suggested.inner_text(), "files": files}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--flow", choices=["selfcheck", "record"], required=True)
    ap.add_argument("--address", required=True)
    ap.add_argument("--y4m", type=Path, required=True)
    ap.add_argument("--movement", default="side_bend")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port_on(args.address)
    origin = f"http://{args.address}:{port}"
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={args.y4m}",
        # getUserMedia needs a secure origin; this address is the namespace's own.
        f"--unsafely-treat-insecure-origin-as-secure={origin}",
    ]
    log = args.out / "server.log"
    (args.out / "tmp").mkdir(exist_ok=True)
    # The server's uploads and recordings go to out/tmp (not Chromium's files: its socket path is short).
    server = streamlit_server(
        address=args.address, port=port, data_dir=args.out / "data", log=log, tmp_dir=args.out / "tmp"
    )
    with server as url:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=flags)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            console = (args.out / "console.log").open("w")
            page.on("console", lambda m: console.write(f"{m.type}: {m.text}\n"))
            page.on("pageerror", lambda e: console.write(f"pageerror: {e}\n"))
            page.on("requestfailed", lambda r: console.write(f"requestfailed: {r.url} {r.failure}\n"))
            page.goto(url)
            try:
                result = selfcheck_flow(page, args) if args.flow == "selfcheck" else record_flow(page, args)
            except Exception:
                page.screenshot(path=str(args.out / "failed.png"))
                print("PAGE TEXT:", page.locator("body").inner_text()[:2000], file=sys.stderr)
                raise
            browser.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
