"""Render walking clips, run the real pose model, and store landmarks plus truth for the tests.

    python tests/gait/make_rendered_golden.py            # list the clips and whether each exists
    python tests/gait/make_rendered_golden.py --update-golden [NAME ...]

The tests never create these files: a missing file fails its test. Each
``tests/golden/gait/<name>.npz`` holds the model's image landmarks (float32), visibility,
frame times and size, and a JSON ``truth`` block (the renderer's gait events and summary).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "golden" / "gait"

CLIPS: dict[str, dict[str, Any]] = {
    "side_left_30fps": {"view": "side", "fps": 30.0},
    "side_right_asym_24fps": {"view": "side", "facing": "right", "fps": 24.0, "asymmetry": 0.12},
    "side_pan_30fps": {"view": "side", "fps": 30.0, "pan": True},
    "back_30fps": {"view": "back", "fps": 30.0},
}
COMMON = {"movement": "gait", "duration_s": 6.0, "size_px": (960, 540)}


def make(name: str) -> Path:
    from assess.pipeline import extract_landmarks
    from assess_render import render_clip

    options = {**COMMON, **CLIPS[name]}
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / f"{name}.mp4"
        truth = render_clip(out_path=clip, write_truth=False, **options)
        series = extract_landmarks(clip).series
    block = {
        "options": {k: v for k, v in options.items() if k != "size_px"},
        "gait_events": [e.to_dict() for e in truth.gait_events],
        "gait_summary": truth.gait_summary,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.npz"
    np.savez_compressed(
        path,
        time_s=series.time_s,
        image_px=series.image_px.astype(np.float32),
        visibility=series.visibility.astype(np.float32),
        frame_size_px=np.array(series.frame_size_px),
        truth=np.frombuffer(json.dumps(block).encode(), dtype=np.uint8),
    )
    return path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="clips to make (default: all)")
    parser.add_argument("--update-golden", action="store_true", help="render and (over)write the files")
    args = parser.parse_args()
    names = args.names or list(CLIPS)
    for name in names:
        path = OUT / f"{name}.npz"
        if args.update_golden:
            print(make(name))
        else:
            print(f"{name}: {'present' if path.exists() else 'missing'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
