"""Why gait keeps every frame: the real 60 fps walk with the model on every frame and on every
other frame. Prints the heel strikes found against the ones counted by eye; asserts nothing.

    python benchmarks/gait_model_rate.py [--footage ../shared/footage]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assess.gait import Gait  # noqa: E402
from assess.gait.events import HEEL_STRIKE  # noqa: E402
from assess.movements.base import AnalysisContext  # noqa: E402
from assess.pipeline import extract_landmarks  # noqa: E402

#: shared/footage/README.md: initial contacts counted frame by frame (+-1 frame).
COUNTED = {34: "left", 67: "right", 100: "left"}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--footage", type=Path, default=REPO.parent / "shared" / "footage")
    args = parser.parse_args()
    clip = args.footage / "walk_side_outdoor_60fps.mp4"
    if not clip.is_file():
        print(f"{clip} is missing", file=sys.stderr)
        return 1
    print("counted by eye:", ", ".join(f"frame {f} {side}" for f, side in COUNTED.items()))
    for label, rate in (("every frame", None), ("every other frame (model at 30/s)", 25.0)):
        extraction = extract_landmarks(clip, target_rate_hz=rate, workers=1)
        fps = extraction.video.fps
        result = Gait().analyze(extraction.series, AnalysisContext())
        strikes = sorted(
            (round(e.time_s * fps), e.side.value) for e in result.gait_events if e.kind == HEEL_STRIKE
        )
        found = ", ".join(f"frame {f} {side}" for f, side in strikes) or "none"
        print(f"{label}: step {extraction.frame_step}; heel strikes at {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
