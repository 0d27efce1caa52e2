"""Regenerate the bundled sample clips in ``sample_videos/`` (deterministic).

Run ``python -m assess_render.samples [OUT_DIR]``. Each clip gets its ``.truth.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assess_render import render_clip

#: name -> render_clip options. Small (640x480 or less), 4-12 s, fixed seeds.
SAMPLES: dict[str, dict[str, Any]] = {
    "posture_side": {"movement": "standing", "view": "side", "duration_s": 4.0},
    "forward_bend_side": {"movement": "forward_bend", "view": "side", "peaks_deg": (70.0,)},
    "extension_side": {"movement": "extension", "view": "side", "peaks_deg": (20.0,)},
    "side_bend_front": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0)},
    "rotation_front": {"movement": "rotation", "view": "front", "peaks_deg": (35.0, -35.0)},
    "gait_side": {"movement": "gait", "view": "side", "duration_s": 4.5},
}


def default_dir() -> Path:
    """``sample_videos/`` at the project root (beside this package)."""
    return Path(__file__).resolve().parents[1] / "sample_videos"


def write_samples(out_dir: Path | None = None) -> list[Path]:
    """Render every sample clip (and its ``.truth.json``) into ``out_dir``.

    Parameters
    ----------
    out_dir : Path or None
        Target folder, created if missing; None means :func:`default_dir`.

    Returns
    -------
    list of Path
        The clips written, in :data:`SAMPLES` order.
    """
    folder = default_dir() if out_dir is None else Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, options in SAMPLES.items():
        path = folder / f"{name}.mp4"
        render_clip(out_path=path, size_px=(640, 480), fps=30.0, crf=26, **options)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Render every sample clip into the folder given as the only argument (or the default)."""
    args = sys.argv[1:] if argv is None else argv
    write_samples(Path(args[0]) if args else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
