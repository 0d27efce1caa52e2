"""Regenerate golden landmark files for review: ``python tests/golden/make_golden.py``.

Golden files are never recreated by the tests themselves: a missing file fails its test.
"""

from __future__ import annotations

import sys
from pathlib import Path

from assess.service import save_clip_landmarks

HERE = Path(__file__).resolve().parent
FOOTAGE = HERE.parents[2] / "shared" / "footage"
CLIPS = {"sports2d_demo.landmarks.npz": FOOTAGE / "sports2d_demo.mp4"}
#: The multi-view lab footage with its 3-D reference: every camera of both trials.
for _trial in ("S00_P00_T00_StaticTrial", "S00_P00_T01_BalancingTrial"):
    for _cam in ("cam01", "cam02", "cam03", "cam04"):
        CLIPS[f"pose2sim/{_trial[8:11]}_{_cam}.landmarks.npz"] = FOOTAGE / "pose2sim_s00" / _trial / f"{_cam}.mp4"


def main() -> int:
    for name, clip in CLIPS.items():
        if not clip.exists():
            print(f"skipping {name}: {clip} not found", file=sys.stderr)
            continue
        save_clip_landmarks(clip, HERE / name, workers=1)
        print(HERE / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
