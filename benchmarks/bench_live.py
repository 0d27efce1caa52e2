"""Frames per second of the live self-check at 640x480: prints figures, asserts nothing.

    python benchmarks/bench_live.py [--source CLIP] [--movement side_bend] [--seconds 20] [--pose-every 1 2 3]

Frames of a bundled rendered clip (640x480, decoded beforehand and looped) go through what the
webcam page does per frame: the pose model (on every ``pose-every``-th frame, the pose held in
between), the self-check coach (checks, neutral, angle, repetition count, cues) and drawing the
skeleton and the count on the frame. Prints frames per second for each ``pose-every``, the share
of time in the model, and the repetitions counted (a check that the held poses still count right).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assess.app.overlay import draw  # noqa: E402
from assess.io.model import resolve_model  # noqa: E402
from assess.io.video import iter_frames  # noqa: E402
from assess.live import LiveCoachSession  # noqa: E402


def run(frames: list, fps: float, movement: str, *, pose_every: int, seconds: float) -> dict[str, float]:
    n = int(seconds * fps)
    period = len(frames) / fps
    model_s = 0.0
    with LiveCoachSession(resolve_model(None), movement, pose_every=pose_every) as live:
        detect = live._estimator.detect

        def timed(*args, **kw):  # type: ignore[no-untyped-def]
            nonlocal model_s
            t = time.perf_counter()
            out = detect(*args, **kw)
            model_s += time.perf_counter() - t
            return out

        live._estimator.detect = timed  # type: ignore[method-assign]
        t0 = time.perf_counter()
        for i in range(n):
            f = frames[i % len(frames)]
            pose, state = live.push(f.time_s + (i // len(frames)) * period, f.rgb)
            draw(f.rgb, pose, state)
        wall = time.perf_counter() - t0
    return {
        "frames": n,
        "fps": n / wall,
        "model_share": model_s / wall,
        "repetitions": state.repetitions,
        "loops": n / len(frames),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", type=Path, default=REPO / "sample_videos" / "side_bend_front.mp4")
    ap.add_argument("--movement", default="side_bend")
    ap.add_argument("--seconds", type=float, default=22.0, help="video seconds per run (the clip is looped)")
    ap.add_argument("--pose-every", type=int, nargs="+", default=[1, 2, 3])
    args = ap.parse_args()
    frames = list(iter_frames(args.source))
    h, w = frames[0].rgb.shape[:2]
    fps = (len(frames) - 1) / (frames[-1].time_s - frames[0].time_s)
    truth = json.loads(args.source.with_name(args.source.name + ".truth.json").read_text())
    print(f"clip {args.source.name}: {w}x{h}, {fps:.0f} fps, {len(frames)} frames, "
          f"{len(truth['repetitions'])} repetitions per loop")  # fmt: skip
    for k in args.pose_every:
        r = run(frames, fps, args.movement, pose_every=k, seconds=args.seconds)
        print(
            f"pose every {k} frame(s): {r['fps']:.1f} frames/s (model {r['model_share']:.0%} of the time), "
            f"{r['repetitions']} repetitions counted in {r['loops']:.1f} loops"
        )


if __name__ == "__main__":
    main()
