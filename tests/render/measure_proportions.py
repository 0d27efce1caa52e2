"""Print body proportions read by the pose model on real and rendered standing clips.

Run from the project root:  python tests/render/measure_proportions.py
Not a test: a report (the test is ``test_render_vs_real.py``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assess_render import render_clip  # noqa: E402
from tests.render.proportions import RATIO_NAMES, REAL_CLIPS, Ratios, clip_ratios  # noqa: E402

FOOTAGE = ROOT.parent / "shared" / "footage"


def _row(label: str, r: Ratios) -> str:
    img = " / ".join(f"{r.image[k]:.2f}" for k in RATIO_NAMES)
    wld = " / ".join(f"{r.world[k]:.2f}" for k in RATIO_NAMES)
    return f"| {label} | {r.n_frames} | {img} | {wld} |"


def main() -> int:
    """Measure and print a markdown table."""
    print("| clip | frames | image: shoulder / hip / leg (per torso) | world: shoulder / hip / leg |")
    print("|---|---|---|---|")
    for label, rel, view_deg, until_s in REAL_CLIPS:
        path = FOOTAGE / rel
        if path.exists():
            print(_row(label, clip_ratios(path, view_deg=view_deg, until_s=until_s)), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for view in ("front", "back"):
            for size in ((640, 480), (480, 854)):
                out = Path(tmp) / f"{view}_{size[0]}.mp4"
                render_clip(movement="standing", view=view, out_path=out, size_px=size, duration_s=2.0)
                print(_row(f"rendered {view} {size[0]}x{size[1]}", clip_ratios(out)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
