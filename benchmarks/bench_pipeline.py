"""Speed and memory of the pose stage on a 1080p clip: prints figures, asserts nothing.

    python benchmarks/bench_pipeline.py [--seconds 60] [--source CLIP] [--clip EXISTING_1080P]

Without ``--clip`` it makes a 1080p 30 fps clip of ``--seconds`` by scaling and looping a
bundled sample (the project's own rendered clip). It prints frames per second of decoding alone,
of pose inference alone (one landmarker, frames already decoded), and end to end (the pipeline
with every core), the ratio to real time, and the peak memory of the run.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assess.io.model import resolve_model  # noqa: E402
from assess.io.video import iter_frames, probe  # noqa: E402
from assess.pipeline import ANALYSIS_MAX_SIDE_PX, extract_landmarks  # noqa: E402


def make_clip(source: Path, out: Path, *, seconds: float, fps: int = 30, size: tuple[int, int] = (1920, 1080)) -> Path:
    frames = [f.rgb for f in iter_frames(source)]
    with av.open(str(out), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "23"}
        stream.time_base = Fraction(1, fps)
        n = int(seconds * fps)
        for i in range(n):
            rgb = frames[i % len(frames)]
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(width=size[0], height=size[1])
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out


def peak_rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--source", type=Path, default=REPO / "sample_videos" / "posture_side.mp4")
    parser.add_argument("--clip", type=Path, default=None, help="use this clip as it is")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = args.clip or make_clip(args.source, Path(tmp) / "bench_1080p.mp4", seconds=args.seconds)
        info = probe(clip)
        print(f"clip: {info.width_px}x{info.height_px}, {info.fps:.1f} fps, {info.n_frames} frames, {info.duration_s:.1f} s")

        t0 = time.perf_counter()
        n = sum(1 for _ in iter_frames(clip))
        decode_fps = n / (time.perf_counter() - t0)
        print(f"decode only:          {decode_fps:7.1f} frames/s")

        from assess.io.pose import PoseEstimator

        sample = [f for _, f in zip(range(60), iter_frames(clip, max_side_px=ANALYSIS_MAX_SIDE_PX), strict=False)]
        with PoseEstimator(resolve_model(), max_people=1) as est:
            est.detect(sample[0])
            t0 = time.perf_counter()
            for f in sample[1:]:
                est.detect(f)
            pose_fps = (len(sample) - 1) / (time.perf_counter() - t0)
        del sample
        print(f"pose only (1 model):  {pose_fps:7.1f} frames/s  (frames already decoded)")

        t0 = time.perf_counter()
        ex = extract_landmarks(clip, workers=args.workers)
        wall = time.perf_counter() - t0
        e2e_fps = ex.series.n_frames / wall
        me, kids = peak_rss_mb()
        print(f"end to end:           {e2e_fps:7.1f} frames/s  ({wall:.1f} s wall, coverage {ex.series.coverage:.2f})")
        print(f"ratio to real time:   {info.duration_s / wall:7.2f} x")
        print(f"peak memory:          {me:7.0f} MB main process, {kids:.0f} MB largest worker")
        print(f"landmark series:      {ex.series.image_px.nbytes / 1e6 * 3:7.1f} MB for {ex.series.n_frames} frames")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
