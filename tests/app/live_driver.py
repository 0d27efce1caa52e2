"""Run inside a private network namespace: serve the app, open the live self-check in Chromium with a
fake camera playing a rendered clip, and print what the page showed (JSON on the last line).

    python tests/app/live_driver.py --address 10.213.0.1 --y4m clip.y4m --movement side_bend --seconds 12 --out DIR
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.app.server import CHROMIUM, CHROMIUM_FLAGS, streamlit_server

LINE = re.compile(
    r"Repetitions: (\d+)\**(?: \(([^)]*)\))? \| angle ([^|]+) \| ([\d.]+) s of video, (\d+) frames"
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", required=True)
    ap.add_argument("--y4m", type=Path, required=True)
    ap.add_argument("--movement", required=True)
    ap.add_argument("--seconds", type=float, required=True, help="stop once this much video has been seen")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument(
        "--save", action="store_true", help="after Stop, save the summary (a patient must be on record)"
    )
    args = ap.parse_args()
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
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
    samples: list[dict[str, object]] = []
    with (
        streamlit_server(
            address=args.address, port=port, data_dir=args.out / "data", log=args.out / "server.log"
        ) as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=flags)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_text("Self-check", exact=True).click()
        page.get_by_label("Movement").click()
        page.get_by_role("option", name=label_of(args.movement)).click()
        page.get_by_text(INSTRUCTION_START[args.movement]).wait_for()
        page.get_by_text("Live camera", exact=True).click()
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
        start = frame.get_by_role("button", name=re.compile("^start$", re.I))
        stop = frame.get_by_role("button", name=re.compile("^stop$", re.I))
        for _ in range(3):  # the component may be re-created by a rerun just after the first click
            start.click()
            try:
                stop.wait_for(timeout=20_000)
                break
            except PlaywrightTimeoutError:
                continue
        deadline = time.monotonic() + args.timeout
        seen = 0.0
        while time.monotonic() < deadline and seen < args.seconds:
            text = page.locator("body").inner_text()
            m = LINE.search(text)
            if m:
                seen = float(m.group(4))
                samples.append(
                    {
                        "video_s": seen,
                        "reps": int(m.group(1)),
                        "sides": m.group(2) or "",
                        "angle": m.group(3).strip(),
                        "frames": int(m.group(5)),
                    }
                )
            time.sleep(0.2)
        page.screenshot(path=str(args.out / "selfcheck_live.png"))
        stop.click()
        saved = False
        if args.save:
            page.get_by_role("button", name="Save to my record").click()
            page.get_by_text("Saved to the record of").wait_for()
            saved = True
        browser.close()
    print(json.dumps({"samples": samples, "saved": saved}))


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
    import socket

    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
