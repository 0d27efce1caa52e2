"""Regenerate every golden landmark file: ``python tests/golden/regenerate.py``.

    python tests/golden/regenerate.py                                # list every file and whether it exists
    python tests/golden/regenerate.py --update-golden                # (re)make all of them
    python tests/golden/regenerate.py --update-golden --only spine   # a group: real, spine, gait
    python tests/golden/regenerate.py --update-golden --only fb_side_left sports2d_demo

Three groups, one format (:mod:`tests.golden.store`: assess's own landmark file, plus
``<name>.truth.json`` for a rendered clip):

- ``real``: real clips from ``../shared/footage`` (skipped with a note when absent);
- ``spine``: rendered spine clips (``tests/golden/spine``), truth per repetition;
- ``gait``: rendered walking (``tests/golden/gait``), the renderer's gait events and summary.

The tests never create these files: a missing golden file fails its test. Review the diff of
the numbers the tests print before committing regenerated files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assess.io.cache import CachedLandmarks  # noqa: E402
from tests.golden.store import GOLDEN, save_golden  # noqa: E402

FOOTAGE = ROOT.parent / "shared" / "footage"
OUT = GOLDEN / "spine"
GAIT_OUT = GOLDEN / "gait"

#: Real clips: golden file (relative to tests/golden) -> clip in ../shared/footage.
REAL: dict[str, Path] = {
    "sports2d_demo.landmarks.npz": FOOTAGE / "sports2d_demo.mp4",
    "walk_side_outdoor_60fps.landmarks.npz": FOOTAGE / "walk_side_outdoor_60fps.mp4",
}
#: The multi-view lab footage with its 3-D reference: every camera of both trials.
for _trial in ("S00_P00_T00_StaticTrial", "S00_P00_T01_BalancingTrial"):
    for _cam in ("cam01", "cam02", "cam03", "cam04"):
        REAL[f"pose2sim/{_trial[8:11]}_{_cam}.landmarks.npz"] = (
            FOOTAGE / "pose2sim_s00" / _trial / f"{_cam}.mp4"
        )

# Short, low-resolution clips (the model's input is 256 px anyway); timings in seconds.
_FAST = {"quiet_s": 1.5, "ramp_s": 1.2, "hold_s": 0.8, "rest_s": 0.6, "end_s": 1.0}
CLIPS: dict[str, dict[str, Any]] = {
    "fb_side_left": {"movement": "forward_bend", "view": "side", "facing": "left", "peaks_deg": (40.0, 65.0, 85.0)},
    "fb_side_right": {"movement": "forward_bend", "view": "side", "facing": "right", "peaks_deg": (50.0, 80.0)},
    "fb_roll_pos": {
        "movement": "forward_bend", "view": "side", "facing": "right", "peaks_deg": (50.0, 80.0), "roll_deg": 10.0,
    },
    "fb_roll_neg": {
        "movement": "forward_bend", "view": "side", "facing": "right", "peaks_deg": (50.0, 80.0), "roll_deg": -10.0,
    },
    "fb_mid_start": {
        "movement": "forward_bend", "view": "side", "facing": "left", "peaks_deg": (60.0, 60.0),
        "start_offset_s": 3.0,
    },
    "ext_side": {"movement": "extension", "view": "side", "facing": "left", "peaks_deg": (15.0, 25.0, 30.0)},
    "ext_level": {"movement": "extension", "view": "side", "facing": "right", "peaks_deg": (20.0, 30.0)},
    "ext_roll": {"movement": "extension", "view": "side", "facing": "right", "peaks_deg": (20.0, 30.0), "roll_deg": -10.0},
    "sb_front": {"movement": "side_bend", "view": "front", "peaks_deg": (20.0, -20.0, 30.0, -30.0)},
    "sb_level": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0)},
    "sb_roll_pos": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0), "roll_deg": 10.0},
    "sb_roll_neg": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0), "roll_deg": -10.0},
    "sb_back": {"movement": "side_bend", "view": "back", "peaks_deg": (25.0, -20.0)},
    "sb_mirrored": {"movement": "side_bend", "view": "front", "peaks_deg": (30.0, -20.0), "mirrored": True},
    "sb_swing": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0, 25.0), "through_upright": True},
    "sb_portrait60": {
        "movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0), "fps": 60.0, "size_px": (270, 480),
        "portrait_rotation_tag": True,
    },
    "rot_front": {"movement": "rotation", "view": "front", "peaks_deg": (20.0, -20.0, 40.0, -40.0)},
    "rot_back": {"movement": "rotation", "view": "back", "peaks_deg": (30.0, -30.0)},
    "rot_pelvis": {"movement": "rotation", "view": "front", "peaks_deg": (35.0, -35.0), "pelvis_share": 0.5},
}  # fmt: skip
#: A messy clip: a side-bend clip cut to a close-up for its middle repetition, ending on title frames.
MESSY = "sb_messy"
MESSY_CONFIG: dict[str, Any] = {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0, 25.0)}


def _truth_block(tr: Any) -> dict[str, Any]:
    """What the tests compare against, per repetition (truth values relative to neutral)."""
    a = tr.angles
    t = tr.time_s
    # Neutral: the most upright frame (a clip may start mid-movement).
    k0 = int(
        np.argmin(
            np.abs(a["trunk_sagittal_deg"]) + np.abs(a["trunk_frontal_deg"]) + np.abs(a["trunk_rotation_deg"])
        )
    )
    reps = []
    for r in tr.repetitions:
        sel = (t >= r.start_s) & (t <= r.end_s)
        i = int(np.argmin(np.abs(t - r.peak_s)))
        sign = 1.0 if r.side != "left" else -1.0
        hip = 0.5 * (a["hip_flexion_left_deg"] + a["hip_flexion_right_deg"])
        knee = np.maximum(a["knee_flexion_left_deg"], a["knee_flexion_right_deg"])
        extra = {
            "hip_flexion_peak": float(np.max(hip[sel]) - hip[k0]),
            "knee_flexion_peak": float(np.max(knee[sel]) - knee[k0]),
            "fingertip_floor_distance": float(np.min(a["fingertip_floor_cm"][sel])),
            "pelvis_rotation_peak": float(np.max(sign * a["pelvis_rotation_deg"][sel])),
            "pelvis_shift": float(-sign * a["pelvis_shift_cm"][i]),
        }
        if r.side is not None:
            extra["fingertip_drop"] = float(np.max(a[f"fingertip_drop_{r.side}_cm"][sel]))
        reps.append({**r.to_dict(), "figures": extra})
    return {
        "movement": tr.movement, "view": tr.view, "facing": tr.facing, "mirrored": tr.mirrored,
        "roll_deg": tr.roll_deg, "fps": tr.fps, "height_m": tr.height_m, "n_frames": len(t),
        "repetitions": reps,
    }  # fmt: skip


#: Rendered walking: name -> render_clip options (beside GAIT_COMMON).
GAIT_CLIPS: dict[str, dict[str, Any]] = {
    "side_left_30fps": {"view": "side", "fps": 30.0},
    "side_right_asym_24fps": {"view": "side", "facing": "right", "fps": 24.0, "asymmetry": 0.12},
    "side_pan_30fps": {"view": "side", "fps": 30.0, "pan": True},
    "back_30fps": {"view": "back", "fps": 30.0},
}
GAIT_COMMON: dict[str, Any] = {"movement": "gait", "duration_s": 6.0, "size_px": (960, 540)}


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def _messy_clip(tmp: Path) -> tuple[Path, Any]:
    """Render the messy clip: wide shot, a close-up cut for the middle repetition, title frames."""
    import cv2

    from assess_render import render_clip
    from tests.conftest import write_clip

    cfg = {**MESSY_CONFIG, **_FAST, "size_px": (320, 240), "keypoints_in_json": False}
    wide = render_clip(out_path=tmp / "wide.mp4", **cfg)
    a = _frames(tmp / "wide.mp4")
    # The close-up: the upper body zoomed to fill the frame (knees and feet out of view).
    b = [
        np.ascontiguousarray(cv2.resize(f[20:152, 72:248], (320, 240), interpolation=cv2.INTER_CUBIC))
        for f in a
    ]
    reps = wide.repetitions
    cut_in = int(0.5 * (reps[0].end_s + reps[1].start_s) * wide.fps)
    cut_out = int(0.5 * (reps[1].end_s + reps[2].start_s) * wide.fps)
    title = np.full_like(a[0], 20)
    title[100:140, 60:260] = 230  # a white caption bar, nobody in view
    frames = a[:cut_in] + b[cut_in:cut_out] + a[cut_out:] + [title] * int(1.5 * wide.fps)
    path = write_clip(tmp / "messy.mp4", frames, fps=wide.fps)
    return path, wide


def _extract(clip: Path, *, max_people: int | None = None) -> CachedLandmarks:
    """The real pose model over a clip, as the landmark file ``assess landmarks`` writes."""
    from assess.pipeline import extract_landmarks
    from assess.service import cached_landmarks

    return cached_landmarks(extract_landmarks(clip, workers=1, max_people=max_people))


def _make_real(clip: Path) -> Callable[[Path], tuple[CachedLandmarks, None]]:
    def make(tmp: Path) -> tuple[CachedLandmarks, None]:
        return _extract(clip), None

    return make


def _make_spine(name: str) -> Callable[[Path], tuple[CachedLandmarks, dict[str, Any]]]:
    def make(tmp: Path) -> tuple[CachedLandmarks, dict[str, Any]]:
        import json

        from assess_render import render_clip

        if name == MESSY:
            clip, tr = _messy_clip(tmp)
            config = {**MESSY_CONFIG, "edit": "close-up cut for the middle repetition, 1.5 s title frames"}
        else:
            config = {"size_px": (320, 240), **_FAST, **CLIPS[name]}
            clip = tmp / f"{name}.mp4"
            tr = render_clip(out_path=clip, **config)
        truth = {"config": json.loads(json.dumps(config)), **_truth_block(tr)}
        return _extract(clip, max_people=1), truth

    return make


def _make_gait(name: str) -> Callable[[Path], tuple[CachedLandmarks, dict[str, Any]]]:
    def make(tmp: Path) -> tuple[CachedLandmarks, dict[str, Any]]:
        from assess_render import render_clip

        options = {**GAIT_COMMON, **GAIT_CLIPS[name]}
        clip = tmp / f"{name}.mp4"
        truth = render_clip(out_path=clip, write_truth=False, **options)
        block = {
            "options": {k: v for k, v in options.items() if k != "size_px"},
            "gait_events": [e.to_dict() for e in truth.gait_events],
            "gait_summary": truth.gait_summary,
        }
        return _extract(clip), block

    return make


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One golden file: its name, group, path and how to make it."""

    name: str
    group: str
    path: Path
    make: Callable[[Path], tuple[CachedLandmarks, dict[str, Any] | None]]
    source: Path | None = None


def entries() -> list[Entry]:
    """Every golden file the tests read."""
    found = [
        Entry(
            name=rel.removesuffix(".landmarks.npz"),
            group="real",
            path=GOLDEN / rel,
            make=_make_real(clip),
            source=clip,
        )
        for rel, clip in REAL.items()
    ]
    found += [
        Entry(name=n, group="spine", path=OUT / f"{n}.npz", make=_make_spine(n)) for n in [*CLIPS, MESSY]
    ]
    found += [Entry(name=n, group="gait", path=GAIT_OUT / f"{n}.npz", make=_make_gait(n)) for n in GAIT_CLIPS]
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", metavar="NAME", help="files or groups (real, spine, gait)")
    ap.add_argument("--update-golden", action="store_true", help="run the model and (over)write the files")
    args = ap.parse_args(argv)
    every = entries()
    chosen = every
    if args.only:
        known = {e.name for e in every} | {e.group for e in every}
        unknown = sorted(set(args.only) - known)
        if unknown:
            ap.error(f"unknown name(s) {unknown}; choose from {sorted(known)}")
        chosen = [e for e in every if e.name in args.only or e.group in args.only]
    if not args.update_golden:
        for e in chosen:
            print(f"{e.group:5s} {e.name}: {'present' if e.path.exists() else 'MISSING'}")
        print("pass --update-golden to (re)generate")
        return 0
    with tempfile.TemporaryDirectory() as td:
        for e in chosen:
            if e.source is not None and not e.source.exists():
                print(f"skipping {e.name}: {e.source} not found", file=sys.stderr)
                continue
            tmp = Path(td) / e.name.replace("/", "_")
            tmp.mkdir()
            landmarks, truth = e.make(tmp)
            save_golden(e.path, landmarks, truth)
            print(
                f"{e.path.relative_to(ROOT)}: {landmarks.series.n_frames} frames, "
                f"coverage {landmarks.series.coverage:.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
