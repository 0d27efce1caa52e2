"""Speed and memory of ``assess analyze`` on real and rendered clips: prints a table, asserts nothing.

    python benchmarks/bench_pipeline.py [--footage ../shared/footage] [--runs 3] [CLIP:MOVEMENT ...]

Without arguments it benchmarks a default list, made in a temporary folder (never in the repo):

- ``walk_1080p60``: the real 1920x1080 59.7 fps side-view walk of the shared footage, looped
  to 14 s and followed by 2 s of frames with nobody in them (16 s);
- ``two_people``: the real 1768x994 30 fps clip with a walker and a man on a box, played forward and
  backward to 16 s;
- ``portrait``: a real 1080x1920 60 fps clip of the multi-view footage (1.65 s), as it is;
- ``rendered``: the project's rendered forward bend scaled to 1920x1080 30 fps, played forward and
  backward to 16 s;
- ``walk_1080p60_64s``: the walk looped to 62 s plus 2 s with nobody (64 s, four times the
  first), for the forward bend only: memory must not grow with the clip.

For each clip and movement it prints: decoding alone, the pose model alone (one landmarker,
``num_poses=1``, frames already decoded: the one-model ceiling), the whole command
``assess analyze CLIP --movement M`` run as a new process (start-up included; median of
``--runs``), its ratio to real time and to the one-model ceiling, the start-up (command start to
the first frame through the model) and the peak memory of the command: the proportional set
size (PSS: shared pages split between the processes that share them) summed over the command's
process and its pose workers, sampled every 50 ms, the largest of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assess.io.model import resolve_model  # noqa: E402
from assess.io.video import iter_frames, probe  # noqa: E402
from assess.pipeline import ANALYSIS_MAX_SIDE_PX  # noqa: E402

POSE_SAMPLE_FRAMES = 120

# Run in a child process: times one analysis from the parent's launch time to the first frame
# through the model (the progress callback), and to the end.
_STARTUP_PROBE = """
import json, sys, time
from pathlib import Path
launched = float(sys.argv[1])
import assess.cli  # the command's own imports
from assess.service import analyze_clip
first = []
def tick(done, total):
    if not first:
        first.append(time.time())
analyze_clip(Path(sys.argv[2]), movement=sys.argv[3], out_dir=Path(sys.argv[4]), progress=tick)
print(json.dumps({"startup_s": first[0] - launched if first else None}))
"""


def _encode(out: Path, frames: list[np.ndarray], *, rate: Fraction, size: tuple[int, int]) -> Path:
    with av.open(str(out), "w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "23"}
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            if (frame.width, frame.height) != size:
                frame = frame.reformat(width=size[0], height=size[1])
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out


def make_looped(
    source: Path,
    out: Path,
    *,
    seconds: float,
    empty_s: float = 0.0,
    rate: Fraction | None = None,
    size: tuple[int, int] | None = None,
) -> Path:
    """Play ``source`` forward and backward to ``seconds``, then ``empty_s`` of dark frames (nobody).

    Forward-backward (a walker turns round) rather than a plain loop: a loop makes the person
    jump across the picture at every join, which is a camera cut, not what is timed here.
    """
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = rate or stream.average_rate or Fraction(30)
    frames = [f.rgb for f in iter_frames(source)]
    size = size or (frames[0].shape[1], frames[0].shape[0])
    n = round(seconds * rate)
    period = 2 * len(frames) - 2
    clip = [frames[min(i % period, period - i % period)] for i in range(n)]
    dark = np.full((size[1], size[0], 3), 24, dtype=np.uint8)
    clip += [dark] * round(empty_s * rate)
    return _encode(out, clip, rate=rate, size=size)


def decode_fps(clip: Path) -> float:
    t0 = time.perf_counter()
    n = sum(1 for _ in iter_frames(clip, max_side_px=ANALYSIS_MAX_SIDE_PX))
    return n / (time.perf_counter() - t0)


def pose_fps(clip: Path) -> float:
    """One landmarker, one pose, over runs of 10 consecutive frames spread over the clip."""
    from assess.io.pose import PoseEstimator

    n = probe(clip).n_frames
    every = max(1, n // POSE_SAMPLE_FRAMES)
    frames = iter_frames(clip, max_side_px=ANALYSIS_MAX_SIDE_PX)
    picked = [f for i, f in enumerate(frames) if (i // 10) % every == 0][:POSE_SAMPLE_FRAMES]
    with PoseEstimator(resolve_model(), max_people=1) as est:
        est.detect(picked[0])
        t0 = time.perf_counter()
        for f in picked[1:]:
            est.detect(f)
        return (len(picked) - 1) / (time.perf_counter() - t0)


def ceilings_of(clip: Path) -> tuple[float, float]:
    """Decode and pose-only rates, measured in a child process (so this one stays small: a
    child's peak memory counts the memory of the process it was started from)."""
    done = subprocess.run(
        [sys.executable, __file__, "--ceilings", str(clip)], check=True, capture_output=True, text=True
    )
    dec, pose = json.loads(done.stdout.strip().splitlines()[-1])
    return float(dec), float(pose)


def _process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (read from /proc)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parent.items() if ppid in frontier]
        tree += frontier
    return tree


def tree_pss_mb(root: int) -> float:
    """Proportional set size of ``root`` and its descendants, summed (MB)."""
    total_kb = 0
    for pid in _process_tree(root):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue  # ended meanwhile
        total_kb += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total_kb / 1024


def run_command(clip: Path, movement: str, out: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, PSS summed over the command's processes) of one run."""
    exe = Path(sys.executable).with_name("assess")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "analyze", str(clip), "--movement", movement, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_pss_mb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"assess analyze {clip} --movement {movement} exited with {proc.returncode}")
    return wall, peak


def startup_s(clip: Path, movement: str, out: Path) -> float:
    launched = time.time()
    done = subprocess.run(
        [sys.executable, "-c", _STARTUP_PROBE, str(launched), str(clip), movement, str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["startup_s"])


def default_cases(footage: Path, tmp: Path) -> list[tuple[str, Path, str]]:
    cases: list[tuple[str, Path, str]] = []
    walk = footage / "walk_side_outdoor_60fps.mp4"
    if walk.is_file():
        long_walk = make_looped(walk, tmp / "walk_1080p60.mp4", seconds=14.0, empty_s=2.0)
        cases += [("walk_1080p60", long_walk, "gait"), ("walk_1080p60", long_walk, "forward_bend")]
    two = footage / "sports2d_demo.mp4"
    if two.is_file():
        long_two = make_looped(two, tmp / "two_people.mp4", seconds=16.0)
        cases += [("two_people", long_two, "gait"), ("two_people", long_two, "side_bend")]
    portrait = footage / "pose2sim_s00" / "S00_P00_T01_BalancingTrial" / "cam02.mp4"
    if portrait.is_file():
        cases.append(("portrait", portrait, "side_bend"))
    rendered = make_looped(
        REPO / "sample_videos" / "forward_bend_side.mp4",
        tmp / "rendered.mp4",
        seconds=16.0,
        rate=Fraction(30),
        size=(1920, 1080),
    )
    cases.append(("rendered", rendered, "forward_bend"))
    if walk.is_file():
        longer = make_looped(walk, tmp / "walk_1080p60_64s.mp4", seconds=62.0, empty_s=2.0)
        cases.append(("walk_1080p60_64s", longer, "forward_bend"))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("cases", nargs="*", help="CLIP:MOVEMENT pairs instead of the default list")
    parser.add_argument("--footage", type=Path, default=REPO.parent / "shared" / "footage")
    parser.add_argument("--runs", type=int, default=3, help="runs of the whole command per case")
    parser.add_argument("--ceilings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ceilings:
        print(json.dumps([decode_fps(args.ceilings), pose_fps(args.ceilings)]))
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.cases:
            pairs = [c.rsplit(":", 1) for c in args.cases]
            cases = [(Path(c).stem, Path(c), m) for c, m in pairs]
        else:
            cases = default_cases(args.footage, tmp)
        ceilings: dict[Path, tuple[float, float]] = {}
        for name, clip, movement in cases:
            info = probe(clip)
            if clip not in ceilings:
                ceilings[clip] = ceilings_of(clip)
            dec, pose = ceilings[clip]
            walls, peaks = [], []
            for run in range(args.runs):
                wall, peak = run_command(clip, movement, tmp / f"out_{name}_{movement}_{run}")
                walls.append(wall)
                peaks.append(peak)
            wall = statistics.median(walls)
            start = startup_s(clip, movement, tmp / f"start_{name}_{movement}")
            e2e = info.n_frames / wall
            rows.append(
                (
                    f"{name} ({info.width_px}x{info.height_px}, {info.fps:.0f} fps, {info.duration_s:.1f} s)",
                    movement,
                    f"{dec:.0f}",
                    f"{pose:.0f}",
                    f"{e2e:.0f} ({wall:.1f} s)",
                    f"{info.duration_s / wall:.2f}x",
                    f"{e2e / pose:.2f}x",
                    f"{start:.1f} s",
                    f"{max(peaks):.0f} MB",
                )
            )
            print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    head = (
        "clip",
        "movement",
        "decode only, frames/s",
        "pose only, one model, frames/s",
        "end to end, frames/s (wall)",
        "ratio to real time",
        "ratio to one model",
        "start-up",
        "peak memory",
    )
    print(f"| {' | '.join(head)} |")
    print(f"|{'---|' * len(head)}")
    for row in rows:
        print(f"| {' | '.join(row)} |")
    print(f"\n{os.cpu_count()} cores; end to end is the median of {args.runs} runs of the whole command")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
